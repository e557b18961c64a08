//! The learner's progress through the course as one stored text (a UI keeps it in local
//! storage), read back defensively: whatever is unreadable or does not fit the course any more is
//! reset with a message, never an error; and the `#lesson=NAME` link that opens a lesson.

use super::{Lesson, Player};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the stored progress; another version is reset.
pub const PROGRESS_VERSION: u32 = 1;

/// Progress in every lesson started, by lesson name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    pub lessons: BTreeMap<String, LessonProgress>,
}

impl Default for Progress {
    fn default() -> Progress {
        Progress {
            version: PROGRESS_VERSION,
            lessons: BTreeMap::new(),
        }
    }
}

/// Progress in one lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    pub player: Player,
    /// Per quiz question, whether the learner's last answer was right (`None`: not answered).
    #[serde(default)]
    pub quiz: Vec<Option<bool>>,
    /// The last "what broke?" score (0 to 2), if tried.
    #[serde(default)]
    pub what_broke: Option<u8>,
}

impl Progress {
    /// The stored text.
    pub fn save(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads stored progress against the course (`lessons`: name and lesson). Nothing stored is
    /// a fresh start; what cannot be read, or no longer fits a lesson, is reset, and each reset
    /// comes with a message for the learner.
    pub fn load(stored: Option<&str>, lessons: &[(&str, &Lesson)]) -> (Progress, Vec<String>) {
        let Some(text) = stored else {
            return (Progress::default(), Vec::new());
        };
        let saved: Progress = match serde_json::from_str(text) {
            Ok(p) => p,
            Err(e) => {
                let msg = format!(
                    "the saved lesson progress could not be read ({e}); starting the course again"
                );
                return (Progress::default(), vec![msg]);
            }
        };
        if saved.version != PROGRESS_VERSION {
            let msg = format!(
                "the saved lesson progress is version {}, not {PROGRESS_VERSION}; starting the course again",
                saved.version
            );
            return (Progress::default(), vec![msg]);
        }
        let mut out = Progress::default();
        let mut messages = Vec::new();
        for (name, mut p) in saved.lessons {
            let Some((_, l)) = lessons.iter().find(|(n, _)| *n == name) else {
                messages.push(format!(
                    "progress in `{name}`, a lesson no longer in the course, was dropped"
                ));
                continue;
            };
            match Player::restore(p.player.clone(), l) {
                Ok(player) => p.player = player,
                Err(why) => {
                    messages.push(format!("{name}: {why}"));
                    p = LessonProgress::default();
                }
            }
            p.quiz.truncate(l.quiz.len());
            p.what_broke = p.what_broke.filter(|s| *s <= 2 && l.what_broke.is_some());
            out.lessons.insert(name, p);
        }
        (out, messages)
    }

    /// How many of the given lessons have every step done.
    pub fn finished(&self, lessons: &[(&str, &Lesson)]) -> usize {
        lessons
            .iter()
            .filter(|(n, l)| self.lessons.get(*n).is_some_and(|p| p.player.finished(l)))
            .count()
    }
}

/// The lesson a `#lesson=NAME` link opens: `None` when the text is not a lesson link, the name
/// when it is a lesson of the course, the reason when it is not one.
pub fn from_link(hash: &str) -> Option<Result<&'static str, String>> {
    let name = hash
        .strip_prefix('#')
        .unwrap_or(hash)
        .strip_prefix("lesson=")?;
    Some(super::names().find(|n| *n == name).ok_or_else(|| {
        format!("the link names a lesson `{name}` that this version of Failover Lab does not have")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Vec<(&'static str, Lesson)> {
        ["backups", "blue-green"]
            .into_iter()
            .map(|n| (n, super::super::get(n).unwrap().unwrap()))
            .collect()
    }

    #[test]
    fn progress_round_trips_and_counts_finished_lessons() {
        let c = course();
        let refs: Vec<(&str, &Lesson)> = c.iter().map(|(n, l)| (*n, l)).collect();
        let mut p = Progress::default();
        p.lessons.insert(
            "blue-green".into(),
            LessonProgress {
                player: Player {
                    step: 1,
                    ..Player::default()
                },
                quiz: vec![Some(true), None],
                what_broke: Some(2),
            },
        );
        p.lessons
            .insert("backups".into(), LessonProgress::default());
        let (back, messages) = Progress::load(Some(&p.save()), &refs);
        assert_eq!((back, messages), (p.clone(), Vec::<String>::new()));
        assert_eq!(p.finished(&refs), 1);
        assert_eq!(
            Progress::load(None, &refs),
            (Progress::default(), Vec::new())
        );
    }

    #[test]
    fn corrupt_or_stale_progress_is_reset_with_a_message() {
        let c = course();
        let refs: Vec<(&str, &Lesson)> = c.iter().map(|(n, l)| (*n, l)).collect();
        for text in [
            "{",
            "[]",
            "null",
            "{\"version\": 1}",
            "{\"version\": 9, \"lessons\": {}}",
        ] {
            let (p, messages) = Progress::load(Some(text), &refs);
            assert_eq!(p, Progress::default(), "{text}");
            assert_eq!(messages.len(), 1, "{text}: {messages:?}");
            assert!(
                messages[0].contains("starting the course again"),
                "{messages:?}"
            );
        }
        let text = r#"{"version": 1, "lessons": {
            "gone": {"player": {"step": 0, "hints_shown": 0, "solved": false}},
            "backups": {"player": {"step": 9, "hints_shown": 0, "solved": false}, "what_broke": 2},
            "blue-green": {"player": {"step": 0, "hints_shown": 99, "solved": false},
                           "quiz": [true, false, true, true], "what_broke": 7}}}"#;
        let (p, messages) = Progress::load(Some(text), &refs);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("backups: saved progress is at step 10"),
            "{messages:?}"
        );
        assert!(messages[1].contains("`gone`"), "{messages:?}");
        assert_eq!(p.lessons["backups"], LessonProgress::default());
        let bg = &p.lessons["blue-green"];
        assert_eq!(bg.player.hints_shown, 2, "clamped to the step's hints");
        assert_eq!((bg.quiz.len(), bg.what_broke), (2, None));
    }

    #[test]
    fn lesson_links_name_a_lesson_of_the_course() {
        assert_eq!(from_link("#lesson=backups"), Some(Ok("backups")));
        assert_eq!(from_link("lesson=blue-green"), Some(Ok("blue-green")));
        assert_eq!(from_link("#s=v1.abc"), None);
        let err = from_link("#lesson=nope").unwrap().unwrap_err();
        assert!(err.contains("`nope`"), "{err}");
    }
}

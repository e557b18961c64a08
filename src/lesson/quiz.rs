//! Fill-in-the-blank answers, checked leniently: case, punctuation, hyphens, articles and
//! plurals do not matter, and each blank lists the answers (synonyms) it accepts.

use super::Question;

/// How many underscores in a row make a blank in a prompt.
pub const BLANK: &str = "___";

/// The verdict on one answered question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Per blank, whether its answer was accepted.
    pub blanks: Vec<bool>,
    /// Per blank, the expected answer (the first accepted one), to show after answering.
    pub expected: Vec<String>,
}

impl Verdict {
    /// Every blank right.
    pub fn correct(&self) -> bool {
        !self.blanks.is_empty() && self.blanks.iter().all(|b| *b)
    }
}

/// The number of blanks in a prompt: runs of three or more underscores.
pub fn blanks_in(prompt: &str) -> usize {
    let mut n = 0;
    let mut run = 0;
    for c in prompt.chars().chain(std::iter::once(' ')) {
        if c == '_' {
            run += 1;
        } else {
            if run >= BLANK.len() {
                n += 1;
            }
            run = 0;
        }
    }
    n
}

/// Checks the learner's answers, one per blank (missing ones are wrong, extra ones ignored).
pub fn check_answer(q: &Question, given: &[&str]) -> Verdict {
    let blanks = q
        .answers
        .iter()
        .enumerate()
        .map(|(i, accepted)| {
            let g = given.get(i).map(|g| normalize(g)).unwrap_or_default();
            !g.is_empty() && accepted.iter().any(|a| normalize(a) == g)
        })
        .collect();
    let expected = q
        .answers
        .iter()
        .map(|a| a.first().cloned().unwrap_or_default())
        .collect();
    Verdict { blanks, expected }
}

/// An answer reduced to what matters: lower case, letters and digits, no articles, each word
/// singular (a trailing `s` dropped, `ies` → `y`), single spaces.
pub fn normalize(text: &str) -> String {
    let lower = text.to_lowercase();
    let spaced: String = lower
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<String> = spaced
        .split_whitespace()
        .filter(|w| !matches!(*w, "a" | "an" | "the"))
        .map(singular)
        .collect();
    words.join(" ")
}

fn singular(w: &str) -> String {
    if w.len() > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(answers: &[&[&str]]) -> Question {
        Question {
            prompt: "___ and ___".into(),
            answers: answers
                .iter()
                .map(|a| a.iter().map(|s| s.to_string()).collect())
                .collect(),
            explanation: String::new(),
            from_summary: None,
        }
    }

    #[test]
    fn answers_are_checked_leniently() {
        let q = question(&[&["sticky sessions", "server affinity"], &["replica"]]);
        let ok = |a: &str, b: &str| check_answer(&q, &[a, b]).correct();
        assert!(ok("Sticky Sessions", "replica"));
        assert!(ok("  the sticky-session ", "Replicas."));
        assert!(ok("a server affinity", "REPLICAS"));
        assert!(!ok("sticky", "replica"));
        assert!(!ok("session replication", "replica"));
        assert!(!ok("", "replica"));
        let v = check_answer(&q, &["server affinity"]);
        assert_eq!(v.blanks, vec![true, false]);
        assert_eq!(v.expected, vec!["sticky sessions", "replica"]);
        assert!(!v.correct());
    }

    #[test]
    fn normal_forms() {
        assert_eq!(normalize("The High-Availability!"), "high availability");
        assert_eq!(normalize("redundancies"), "redundancy");
        assert_eq!(normalize("class"), "class");
        assert_eq!(normalize("an   RPO"), "rpo");
        assert_eq!(normalize("the a an"), "");
    }

    #[test]
    fn blanks_are_runs_of_three_underscores() {
        assert_eq!(blanks_in("___ is ____ but not __"), 2);
        assert_eq!(blanks_in("no blank"), 0);
        assert_eq!(blanks_in("end ___"), 1);
    }
}

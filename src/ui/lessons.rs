//! The lesson player's state (issue 17), pure and natively tested (`lessons_tests.rs`): the
//! course overview's rows, the scenario a lesson opens on, and [`Course`], the learner's progress
//! with what the side panel shows (the goal judged on the latest run, the quiz's answers and
//! verdicts, the "what broke?" exercise). Storage and the page are `ui::lesson_session`'s and
//! `components::lessons`'; the lessons themselves are `crate::lesson`.

use crate::lesson::progress::LessonProgress;
use crate::lesson::{self, broke, quiz, Goal, GoalCheck, Lesson, Progress};
use crate::scenario::{FaultKind, Scenario};
use crate::sim::Report;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// localStorage key of the learner's progress (`lesson::Progress::save`).
pub const PROGRESS_KEY: &str = "failover-lab.lessons.v1";
/// sessionStorage key of the lesson this tab plays ([`Active`]).
pub const ACTIVE_KEY: &str = "failover-lab.lesson-tab.v1";

/// The course's lessons, parsed once (every shipped file parses: tests/lessons.rs).
pub fn course() -> &'static [(&'static str, Lesson)] {
    static COURSE: OnceLock<Vec<(&'static str, Lesson)>> = OnceLock::new();
    COURSE.get_or_init(|| {
        lesson::all()
            .into_iter()
            .filter_map(|(n, r)| r.ok().map(|l| (n, l)))
            .collect()
    })
}

/// A lesson of the course by name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    course().iter().find(|(n, _)| *n == name).map(|(_, l)| l)
}

fn refs() -> Vec<(&'static str, &'static Lesson)> {
    course().iter().map(|(n, l)| (*n, l)).collect()
}

/// The lesson a tab plays, and the library entry it was opened in (the panel shows only there).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Active {
    pub name: String,
    pub entry: Option<String>,
}

impl Active {
    /// Reads the tab's stored choice; anything unreadable or naming no lesson is none.
    pub fn read(text: Option<&str>) -> Option<Active> {
        let a: Active = serde_json::from_str(text?).ok()?;
        find(&a.name).map(|_| a)
    }

    /// Whether the panel belongs on the entry the tab has open.
    pub fn shows_on(&self, open: Option<&str>) -> bool {
        self.entry.is_none() || self.entry.as_deref() == open
    }
}

/// "step 2 of 3", "done" or "not started".
pub fn status(l: &Lesson, p: Option<&LessonProgress>) -> String {
    match p {
        None => "not started".into(),
        Some(p) if p.player.finished(l) => "done".into(),
        Some(p) => format!("step {} of {}", p.player.step + 1, l.steps.len()),
    }
}

/// "1 of 2 right" once a question is answered.
pub fn quiz_score(l: &Lesson, p: Option<&LessonProgress>) -> Option<String> {
    let p = p?;
    if l.quiz.is_empty() || p.quiz.iter().all(Option::is_none) {
        return None;
    }
    let right = p.quiz.iter().filter(|a| **a == Some(true)).count();
    Some(format!("{right} of {} right", l.quiz.len()))
}

/// One row of the course overview.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: &'static str,
    pub title: String,
    pub concept: String,
    pub summary: String,
    /// "seed 002" or "seeds 000, 001".
    pub seeds: String,
    pub status: String,
    pub quiz: Option<String>,
    /// "2 of 2 points" once the exercise was tried.
    pub what_broke: Option<String>,
    pub started: bool,
}

/// The overview: every lesson in course order with the learner's progress.
pub fn overview(p: &Progress) -> Vec<Row> {
    course()
        .iter()
        .map(|(name, l)| {
            let lp = p.lessons.get(*name);
            Row {
                name,
                title: l.title.clone(),
                concept: l.concept.clone(),
                summary: l.summary.clone(),
                seeds: seeds_text(l),
                status: status(l, lp),
                quiz: quiz_score(l, lp),
                what_broke: lp
                    .and_then(|p| p.what_broke)
                    .map(|s| format!("{s} of 2 points")),
                started: lp.is_some(),
            }
        })
        .collect()
}

/// "seed 002", "seeds 000, 001".
pub fn seeds_text(l: &Lesson) -> String {
    let s = if l.seeds.len() == 1 { "seed" } else { "seeds" };
    format!("{s} {}", l.seeds.join(", "))
}

/// The scenario a lesson opens on: its start, or for a learner already some steps in, the
/// reference design after the steps done (their own work stays in its library entry). Named
/// after the lesson, so the library entry says what it is.
pub fn opening_scenario(l: &Lesson, p: Option<&LessonProgress>) -> Result<Scenario, String> {
    let all = lesson::play::scenarios(l).map_err(|ps| {
        let text: Vec<String> = ps
            .iter()
            .map(|p| format!("{}: {}", p.path, p.message))
            .collect();
        format!(
            "the lesson `{}` cannot be opened: {}",
            l.name,
            text.join("; ")
        )
    })?;
    let at = p
        .map_or(0, |p| p.player.step)
        .min(all.len().saturating_sub(1));
    let mut s = all
        .into_iter()
        .nth(at)
        .ok_or_else(|| format!("the lesson `{}` has no scenario", l.name))?;
    s.name = format!("Lesson: {}", l.title);
    Ok(s)
}

/// The info line after a lesson opened.
pub fn opening_info(l: &Lesson) -> String {
    format!(
        "Lesson “{}” ({}) opened as a new scenario in your Library; your other work is kept there.",
        l.title,
        seeds_text(l)
    )
}

/// A goal in words: "Request availability ≥ 99 %".
pub fn goal_text(g: &Goal) -> String {
    let symbol = match g.is.symbol() {
        ">=" => "≥",
        "<=" => "≤",
        s => s,
    };
    match g.registry_metric() {
        Some(m) => format!("{} {symbol} {}", m.label(), trim_zeros(&m.format(g.value))),
        None => g.to_string(),
    }
}

/// `99.000 %` → `99 %`, `0.50 s` → `0.5 s`: a threshold written by hand has no false precision.
fn trim_zeros(text: &str) -> String {
    let (number, unit) = text.split_once(' ').unwrap_or((text, ""));
    let number = if number.contains('.') {
        number.trim_end_matches('0').trim_end_matches('.')
    } else {
        number
    };
    if unit.is_empty() {
        number.to_string()
    } else {
        format!("{number} {unit}")
    }
}

/// The kinds of fault a learner can name in "what broke?", as (JSON name, words shown).
pub fn fault_kinds() -> Vec<(&'static str, String)> {
    use strum::IntoEnumIterator;
    FaultKind::iter()
        .map(|k| {
            let n: &'static str = k.into();
            (n, n.replace('_', " "))
        })
        .collect()
}

/// The "what broke?" exercise as the panel holds it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Broke {
    /// The exercise is on: its run has the hidden fault and the incident table hides the trigger,
    /// component and recovery columns ([`masked`]).
    pub open: bool,
    pub component: String,
    pub kind: String,
    pub score: Option<broke::Score>,
}

/// What the side panel and the overview share: the progress, and the current lesson's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Course {
    pub progress: Progress,
    /// Why stored progress was reset, for the learner.
    pub messages: Vec<String>,
    /// The lesson this tab plays.
    pub active: Option<&'static str>,
    /// The current step's goal judged on the latest fresh run (empty before one).
    pub checks: Vec<GoalCheck>,
    /// Per quiz question, per blank, what the learner typed.
    pub answers: Vec<Vec<String>>,
    /// Per quiz question, the verdict on the last check.
    pub verdicts: Vec<Option<quiz::Verdict>>,
    pub broke: Broke,
    /// A refused "Show me", a failed save: shown in the panel.
    pub notice: Option<String>,
}

/// What the learner does.
#[derive(Clone, Debug)]
pub enum Act {
    Hint,
    /// A run of the scenario on screen finished.
    Judge(std::rc::Rc<Report>),
    /// Next step; the latest fresh run, if any, judges the new step at once.
    Next(Option<std::rc::Rc<Report>>),
    Answer {
        question: usize,
        blank: usize,
        text: String,
    },
    Check(usize),
    BrokeOpen,
    BrokeClose,
    BrokeComponent(String),
    BrokeKind(String),
    BrokeSubmit,
    Notice(Option<String>),
    /// Leaves the lesson (the panel closes; progress stays).
    Leave,
}

impl Course {
    /// The course from stored progress (unreadable parts reset, with messages), playing `active`.
    pub fn load(stored: Option<&str>, active: Option<&str>) -> Course {
        let (progress, messages) = Progress::load(stored, &refs());
        let mut c = Course {
            progress,
            messages,
            ..Course::default()
        };
        if let Some(name) = active {
            c.start(name);
        }
        c
    }

    /// Plays `name` (a lesson of the course): its progress starts if it had none.
    pub fn start(&mut self, name: &str) {
        let Some((n, l)) = course().iter().find(|(n, _)| *n == name) else {
            return;
        };
        self.active = Some(n);
        self.progress.lessons.entry(n.to_string()).or_default();
        self.checks.clear();
        self.answers = l
            .quiz
            .iter()
            .map(|q| vec![String::new(); quiz::blanks_in(&q.prompt).max(q.answers.len())])
            .collect();
        self.verdicts = vec![None; l.quiz.len()];
        self.broke = Broke::default();
        self.notice = None;
    }

    /// The lesson played and its progress.
    pub fn current(&self) -> Option<(&'static Lesson, &LessonProgress)> {
        let n = self.active?;
        Some((find(n)?, self.progress.lessons.get(n)?))
    }

    fn current_mut(&mut self) -> Option<(&'static Lesson, &mut LessonProgress)> {
        let n = self.active?;
        Some((find(n)?, self.progress.lessons.get_mut(n)?))
    }

    /// The quiz's score: right answers out of the questions.
    pub fn quiz_right(&self) -> Option<(usize, usize)> {
        let (l, p) = self.current()?;
        let right = p.quiz.iter().filter(|a| **a == Some(true)).count();
        Some((right, l.quiz.len()))
    }

    /// The step's change applied to the learner's scenario ("Show me"), or why it does not apply.
    pub fn show_me(&self, s: &Scenario) -> Result<Scenario, String> {
        let (l, p) = self.current().ok_or("no lesson is open")?;
        let step = l.steps.get(p.player.step).ok_or("every step is done")?;
        lesson::edit::apply_to_scenario(s, &step.change).map_err(|ps| {
            let text: Vec<String> = ps.iter().map(|p| format!("{}: {}", p.path, p.message)).collect();
            format!(
                "“Show me” does not fit your scenario as it is now ({}). Undo your own changes, or make the change by hand.",
                text.join("; ")
            )
        })
    }

    /// Applies what the learner did.
    pub fn apply(mut self, act: Act) -> Course {
        match act {
            Act::Hint => {
                if let Some((l, p)) = self.current_mut() {
                    p.player.reveal_hint(l);
                }
            }
            Act::Judge(r) => self.judge(&r),
            Act::Next(r) => {
                if let Some((l, p)) = self.current_mut() {
                    if p.player.next(l) {
                        self.checks.clear();
                        if let Some(r) = r {
                            self.judge(&r);
                        }
                    }
                }
            }
            Act::Answer {
                question,
                blank,
                text,
            } => {
                if let Some(b) = self
                    .answers
                    .get_mut(question)
                    .and_then(|q| q.get_mut(blank))
                {
                    *b = text;
                }
            }
            Act::Check(q) => self.check(q),
            Act::BrokeOpen => self.broke.open = true,
            Act::BrokeClose => self.broke.open = false,
            Act::BrokeComponent(c) => self.broke.component = c,
            Act::BrokeKind(k) => self.broke.kind = k,
            Act::BrokeSubmit => self.submit_broke(),
            Act::Notice(n) => self.notice = n,
            Act::Leave => {
                self.active = None;
                self.checks.clear();
                self.broke = Broke::default();
            }
        }
        self
    }

    fn judge(&mut self, r: &Report) {
        if let Some((l, p)) = self.current_mut() {
            if !p.player.finished(l) {
                let checks = p.player.evaluate(l, r);
                self.checks = checks;
            }
        }
    }

    fn check(&mut self, q: usize) {
        let given: Vec<String> = self.answers.get(q).cloned().unwrap_or_default();
        let Some((l, p)) = self.current_mut() else {
            return;
        };
        let Some(question) = l.quiz.get(q) else {
            return;
        };
        let refs: Vec<&str> = given.iter().map(String::as_str).collect();
        let v = quiz::check_answer(question, &refs);
        p.quiz.resize(l.quiz.len(), None);
        p.quiz[q] = Some(v.correct());
        if let Some(slot) = self.verdicts.get_mut(q) {
            *slot = Some(v);
        }
    }

    fn submit_broke(&mut self) {
        let (component, kind) = (self.broke.component.clone(), self.broke.kind.clone());
        let Some((l, p)) = self.current_mut() else {
            return;
        };
        match broke::exercise(l) {
            Ok(Some((s, fault))) => {
                let score = broke::score(&s, &fault, &component, &kind);
                p.what_broke = Some(score.points);
                self.broke.score = Some(score);
                self.broke.open = false;
            }
            Ok(None) => {}
            Err(_) => self.notice = Some("this lesson's exercise cannot be built".into()),
        }
    }
}

impl Course {
    /// The scenario the "what broke?" run uses: the solved design with the hidden fault.
    pub fn exercise_scenario(&self) -> Option<Scenario> {
        let (l, _) = self.current()?;
        broke::exercise(l).ok().flatten().map(|(s, _)| s)
    }
}

/// A quiz prompt's text around its blanks: one more piece than blanks (`"a ___ b"` → `a `, ` b`).
pub fn prompt_parts(prompt: &str) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut run = String::new();
    for c in prompt.chars() {
        if c == '_' {
            run.push(c);
            continue;
        }
        if run.len() >= quiz::BLANK.len() {
            parts.push(String::new());
        } else if let Some(p) = parts.last_mut() {
            p.push_str(&run);
        }
        run.clear();
        if let Some(p) = parts.last_mut() {
            p.push(c);
        }
    }
    if run.len() >= quiz::BLANK.len() {
        parts.push(String::new());
    } else if let Some(p) = parts.last_mut() {
        p.push_str(&run);
    }
    parts
}

/// The report as "what broke?" shows it while open: the incidents' trigger, component and
/// recovery (which names the node: "app#1 marked down…") and the charts' fault labels hidden,
/// times and every measure kept, so the results do not name the fault the learner is to find.
pub fn masked(r: &Report) -> Report {
    let mut r = r.clone();
    for i in &mut r.incidents {
        i.trigger = "hidden".into();
        i.component = "hidden".into();
        i.recovery = "hidden".into();
    }
    for m in &mut r.series.markers {
        m.label = "?".into();
    }
    r
}

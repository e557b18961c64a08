//! Playing a lesson: its scenario before and after each step, goals judged on a real run through
//! the metric registry, the reference solution checked end to end ([`check`]), and the
//! [`Player`]: the learner's place in a lesson as a pure state a UI drives and saves.

use super::{edit, parse, Goal, Lesson};
use crate::scenario::{self, Problem, Scenario};
use crate::sim::{self, Report};
use serde::{Deserialize, Serialize};

/// One goal judged on one run.
#[derive(Clone, Debug, PartialEq)]
pub struct GoalCheck {
    pub goal: Goal,
    /// The measured value (NaN when the metric does not apply).
    pub actual: f64,
    pub holds: bool,
    /// The measured value as the registry shows it (`0`, `1.2 s`, `99.99 %`).
    pub shown: String,
}

/// Judges a goal on a run's report.
pub fn judge(goal: &Goal, r: &Report) -> GoalCheck {
    let (actual, shown) = match goal.registry_metric() {
        Some(m) if m.applies(r) => (m.of(r), m.format(m.of(r))),
        _ => (f64::NAN, "—".into()),
    };
    GoalCheck {
        goal: goal.clone(),
        actual,
        holds: goal.holds(actual),
        shown,
    }
}

/// Judges every goal of a step.
pub fn judge_all(goals: &[Goal], r: &Report) -> Vec<GoalCheck> {
    goals.iter().map(|g| judge(g, r)).collect()
}

/// The scenario the learner has in front of them at each point: index 0 is the start, `k + 1`
/// the scenario after step `k`'s reference change.
pub fn scenarios(l: &Lesson) -> Result<Vec<Scenario>, Vec<Problem>> {
    let mut doc = parse::start_json(l).map_err(|p| vec![p])?;
    let mut out = vec![parse::scenario_at(doc.clone(), "start")?];
    for (i, st) in l.steps.iter().enumerate() {
        edit::apply_all(&mut doc, &st.change).map_err(|(j, why)| {
            vec![Problem::error(format!("steps[{i}].change[{j}].path"), why)]
        })?;
        out.push(parse::scenario_at(doc.clone(), &format!("steps[{i}]"))?);
    }
    Ok(out)
}

/// Runs a scenario to its horizon.
pub fn run(s: &Scenario) -> Result<Report, Vec<Problem>> {
    Ok(sim::run(scenario::compile(s)?.config))
}

/// One step of the reference solution, played.
#[derive(Clone, Debug)]
pub struct StepCheck {
    /// The goals on the run before the step's change (each must fail).
    pub before: Vec<GoalCheck>,
    /// The goals on the run after it (they must all hold).
    pub after: Vec<GoalCheck>,
}

impl StepCheck {
    /// Every condition holds after the change, and none held before it (a condition that
    /// already holds teaches nothing).
    pub fn teaches(&self) -> bool {
        self.after.iter().all(|g| g.holds) && self.before.iter().all(|g| !g.holds)
    }
}

/// A lesson's reference solution played against the engine.
#[derive(Clone, Debug)]
pub struct Check {
    pub steps: Vec<StepCheck>,
}

impl Check {
    /// Every step's goal holds after its change and failed before it.
    pub fn passes(&self) -> bool {
        self.steps.iter().all(StepCheck::teaches)
    }
}

/// Plays the reference solution: one run per scenario (start, then after each step).
pub fn check(l: &Lesson) -> Result<Check, Vec<Problem>> {
    let reports = scenarios(l)?
        .iter()
        .map(run)
        .collect::<Result<Vec<_>, _>>()?;
    let steps = l
        .steps
        .iter()
        .zip(reports.windows(2))
        .map(|(st, w)| StepCheck {
            before: judge_all(&st.goal, &w[0]),
            after: judge_all(&st.goal, &w[1]),
        })
        .collect();
    Ok(Check { steps })
}

/// Where a learner is in a lesson: serializable, so a UI can save it and read it back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Player {
    /// The current step (equal to the number of steps once every step is solved).
    pub step: usize,
    /// How many of the current step's hints are shown.
    pub hints_shown: usize,
    /// Whether the current step's goal held on the learner's last run.
    pub solved: bool,
}

impl Player {
    /// At the first step, no hint shown.
    pub fn new() -> Player {
        Player::default()
    }

    /// Every step done: the quiz and the exercise are next.
    pub fn finished(&self, l: &Lesson) -> bool {
        self.step >= l.steps.len()
    }

    /// Shows one more hint of the current step; the hint, or `None` when all are shown.
    pub fn reveal_hint<'a>(&mut self, l: &'a Lesson) -> Option<&'a str> {
        let hint = l.steps.get(self.step)?.hints.get(self.hints_shown)?;
        self.hints_shown += 1;
        Some(hint)
    }

    /// The hints shown so far.
    pub fn hints<'a>(&self, l: &'a Lesson) -> &'a [String] {
        l.steps
            .get(self.step)
            .map_or(&[], |s| &s.hints[..self.hints_shown.min(s.hints.len())])
    }

    /// Judges the current step's goal on the learner's run; the step is solved when it holds.
    pub fn evaluate(&mut self, l: &Lesson, r: &Report) -> Vec<GoalCheck> {
        let Some(st) = l.steps.get(self.step) else {
            return Vec::new();
        };
        let checks = judge_all(&st.goal, r);
        self.solved = checks.iter().all(|c| c.holds);
        checks
    }

    /// The explanation of the current step, once it is solved.
    pub fn explanation<'a>(&self, l: &'a Lesson) -> Option<&'a str> {
        let st = l.steps.get(self.step)?;
        self.solved.then_some(st.explanation.as_str())
    }

    /// Moves on to the next step when the current one is solved; whether it moved.
    pub fn next(&mut self, l: &Lesson) -> bool {
        if !self.solved || self.finished(l) {
            return false;
        }
        *self = Player {
            step: self.step + 1,
            ..Player::default()
        };
        true
    }

    /// A saved player checked against the lesson: one that points past its end (an older or
    /// corrupt save) starts again, with the reason; more hints than the step has are clamped.
    pub fn restore(saved: Player, l: &Lesson) -> Result<Player, String> {
        if saved.step > l.steps.len() {
            return Err(format!(
                "saved progress is at step {} of a {}-step lesson; starting again",
                saved.step + 1,
                l.steps.len()
            ));
        }
        let hints = l.steps.get(saved.step).map_or(0, |s| s.hints.len());
        Ok(Player {
            hints_shown: saved.hints_shown.min(hints),
            ..saved
        })
    }
}

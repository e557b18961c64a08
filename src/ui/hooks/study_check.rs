//! Before a study starts (`use_study`): the form, the scenario and a comparison's design B
//! checked, with what is wrong in words.

use crate::scenario::{Fidelity, Scenario, Severity};
use crate::study::Stop;
use crate::ui::study::{StudyForm, WarmupChoice};

/// Design B of a comparison, as the user saved it, and the fidelity both designs run at.
pub(super) struct Then {
    pub(super) b: Scenario,
    pub(super) fidelity: Fidelity,
}

/// What a study starts from once the form and the scenario are checked: the rule, the
/// warm-up asked for, the scenario to run and its JSON, and a comparison's design B.
pub(super) struct Checked {
    pub(super) stop: Stop,
    pub(super) choice: WarmupChoice,
    pub(super) scenario: Scenario,
    pub(super) json: String,
    pub(super) then: Option<Then>,
}

/// The scenario's errors, in words, if it has any (`what`: "the scenario", "design B").
fn errors_of(s: &Scenario, what: &str) -> Result<(), String> {
    let errors: Vec<String> = crate::ui::problems_of(s)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| p.to_string())
        .collect();
    match errors.first() {
        Some(first) => Err(format!(
            "Cannot start the study: {what} has {} error(s), the first: {first}",
            errors.len()
        )),
        None => Ok(()),
    }
}

/// The design the form compares with (from the library as it is now), checked as it would run
/// against `a`; `None` without a comparison.
fn design_b(a: &Scenario, form: &StudyForm) -> Result<Option<Then>, String> {
    let Some(choice) = form.compare_with() else {
        return Ok(None);
    };
    let lib = crate::ui::library_session::load().map_err(|e| {
        format!("Cannot start the study: the library cannot be read ({e:?}) for Compare with")
    })?;
    let b = choice
        .design(&lib)
        .map_err(|e| format!("Cannot start the study: {e}."))?;
    let fidelity = form.fidelity;
    errors_of(
        &crate::ui::study_compare::design_b(a, b.clone(), fidelity),
        "design B (Compare with)",
    )?;
    Ok(Some(Then { b, fidelity }))
}

/// The form and the scenario, checked; what is wrong, in words, otherwise.
pub(super) fn check(s: &Scenario, form: &StudyForm) -> Result<Checked, String> {
    let stop = form
        .stop()
        .map_err(|e| format!("Cannot start the study: {e}."))?;
    let choice = form
        .warmup_for(s)
        .map_err(|e| format!("Cannot start the study: {e}."))?;
    let s = form.scenario(s);
    errors_of(&s, "the scenario (see Problems)")?;
    let then = design_b(&s, form)?;
    let json = serde_json::to_string(&s).map_err(|e| e.to_string())?;
    Ok(Checked {
        stop,
        choice,
        scenario: s,
        json,
        then,
    })
}

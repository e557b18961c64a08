//! Reading a lesson file: syntax and duplicate keys as for scenarios, serde with the path of the
//! first type error or unknown field, then
//! every check a lesson must pass, each problem located by its JSON path (`steps[2].goal[0].metric`);
//! the scenario inside is checked like any scenario file, before and after every step's change,
//! its problems located under the lesson's path (`start.scenario.components[1].spec…`).

use super::{edit, quiz, Lesson, Start};
use crate::scenario::{self, parse::MAX_JSON_BYTES, Problem, Scenario, Severity};
use serde_json::Value;

/// Parses and checks a lesson file; every problem with its location when it is not a good one.
pub fn parse_lesson(text: &str) -> Result<Lesson, Vec<Problem>> {
    if text.len() > MAX_JSON_BYTES {
        return Err(vec![Problem::error(
            scenario::parse::ROOT,
            format!("the lesson is {} bytes; the limit is 4 MiB", text.len()),
        )]);
    }
    // Syntax (with line and column) and keys given twice, as for scenarios.
    let doc = scenario::parse::read_document(text)?;
    if !doc.is_object() {
        return Err(vec![Problem::error(
            scenario::parse::ROOT,
            "a lesson is a JSON object ({ \"name\": ..., \"steps\": [...] })",
        )]);
    }
    let lesson: Lesson = serde_path_to_error::deserialize(doc).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            scenario::parse::ROOT.into()
        } else {
            path
        };
        vec![Problem::error(at, e.into_inner().to_string())]
    })?;
    let problems = problems(&lesson);
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(problems);
    }
    Ok(lesson)
}

/// The starting scenario's JSON: the built-in's as shipped, or the inline one.
pub fn start_json(lesson: &Lesson) -> Result<Value, Problem> {
    match &lesson.start {
        Start::Scenario(v) => Ok(v.clone()),
        Start::Builtin(name) => scenario::builtins::get(name)
            .and_then(|b| serde_json::from_str(b.json()).ok())
            .ok_or_else(|| {
                Problem::error("start.builtin", format!("no built-in scenario `{name}`"))
            }),
    }
}

/// The scenario of a JSON value, its problems (errors only) located under `at`.
pub fn scenario_at(doc: Value, at: &str) -> Result<Scenario, Vec<Problem>> {
    let relocate = |ps: Vec<Problem>| -> Vec<Problem> {
        ps.into_iter()
            .filter(|p| p.severity == Severity::Error)
            .map(|p| Problem::error(format!("{at}: {}", p.path), p.message))
            .collect()
    };
    let s = scenario::parse::from_value(doc).map_err(relocate)?;
    let (config, problems) = scenario::check(&s);
    match config {
        Some(_) => Ok(s),
        None => Err(relocate(problems)),
    }
}

/// Every problem of a parsed lesson (empty for a good one).
fn problems(l: &Lesson) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut need = |ok: bool, at: String, msg: &str| {
        if !ok {
            out.push(Problem::error(at, msg));
        }
    };
    let kebab = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    need(
        kebab(&l.name),
        "name".into(),
        "a name is lower-case letters, digits and `-`",
    );
    for (field, text) in [
        ("title", &l.title),
        ("concept", &l.concept),
        ("summary", &l.summary),
    ] {
        need(!text.trim().is_empty(), field.into(), "must not be empty");
    }
    need(
        !l.seeds.is_empty(),
        "seeds".into(),
        "name at least one seed (\"000\")",
    );
    for (i, s) in l.seeds.iter().enumerate() {
        let ok = s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit());
        need(
            ok,
            format!("seeds[{i}]"),
            "a seed is three digits, like \"002\"",
        );
    }
    need(
        !l.steps.is_empty(),
        "steps".into(),
        "a lesson has at least one step",
    );
    for (i, st) in l.steps.iter().enumerate() {
        let at = |f: &str| format!("steps[{i}].{f}");
        need(
            !st.instruction.trim().is_empty(),
            at("instruction"),
            "must not be empty",
        );
        need(
            !st.change.is_empty(),
            at("change"),
            "a step changes the scenario",
        );
        need(
            !st.goal.is_empty(),
            at("goal"),
            "a step has at least one goal",
        );
        need(!st.hints.is_empty(), at("hints"), "give at least one hint");
        let text = st.explanation.to_lowercase();
        let named = text.contains("seed") && l.seeds.iter().any(|s| text.contains(s.as_str()));
        need(
            named,
            at("explanation"),
            "the explanation names its seed (\"seed 002\")",
        );
        for (j, g) in st.goal.iter().enumerate() {
            let known = g.registry_metric().is_some();
            let msg = "not a metric of the registry (its CSV keys: sessions_lost, max_rpo_s, …)";
            need(known, format!("steps[{i}].goal[{j}].metric"), msg);
            need(
                g.value.is_finite(),
                format!("steps[{i}].goal[{j}].value"),
                "must be a finite number",
            );
        }
    }
    for (i, q) in l.quiz.iter().enumerate() {
        let n = quiz::blanks_in(&q.prompt);
        need(
            n > 0,
            format!("quiz[{i}].prompt"),
            "a prompt has at least one blank (`___`)",
        );
        let msg = format!("the prompt has {n} blank(s): give one list of answers for each");
        need(q.answers.len() == n, format!("quiz[{i}].answers"), &msg);
        for (j, a) in q.answers.iter().enumerate() {
            let ok = !a.is_empty() && a.iter().all(|x| !quiz::normalize(x).is_empty());
            need(
                ok,
                format!("quiz[{i}].answers[{j}]"),
                "accept at least one non-empty answer",
            );
        }
    }
    out.extend(scenario_problems(l));
    out
}

/// The scenario before and after every step's change, and with the hidden fault.
fn scenario_problems(l: &Lesson) -> Vec<Problem> {
    let mut doc = match start_json(l) {
        Ok(d) => d,
        Err(p) => return vec![p],
    };
    let start_at = match l.start {
        Start::Builtin(_) => "start.builtin",
        Start::Scenario(_) => "start.scenario",
    };
    if let Err(ps) = scenario_at(doc.clone(), start_at) {
        return ps;
    }
    for (i, st) in l.steps.iter().enumerate() {
        if let Err((j, why)) = edit::apply_all(&mut doc, &st.change) {
            return vec![Problem::error(format!("steps[{i}].change[{j}].path"), why)];
        }
        let at = format!("steps[{i}].change (the scenario after it)");
        if let Err(ps) = scenario_at(doc.clone(), &at) {
            return ps;
        }
    }
    let Some(w) = &l.what_broke else {
        return Vec::new();
    };
    let fault: scenario::Fault = match serde_json::from_value(w.fault.clone()) {
        Ok(f) => f,
        Err(e) => return vec![Problem::error("what_broke.fault", e.to_string())],
    };
    if fault.clone().targets_mut().is_empty() {
        let msg = "the hidden fault names a component (`target`): the learner names it";
        return vec![Problem::error("what_broke.fault", msg)];
    }
    if let Some(faults) = doc.get_mut("faults").and_then(Value::as_array_mut) {
        faults.push(w.fault.clone());
    } else if let Some(m) = doc.as_object_mut() {
        m.insert("faults".into(), Value::Array(vec![w.fault.clone()]));
    }
    scenario_at(doc, "what_broke (the solved scenario with its fault)")
        .err()
        .unwrap_or_default()
}

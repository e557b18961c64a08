#![cfg(not(target_arch = "wasm32"))]
//! The course's done-means (issue 17): every lesson's reference solution played against the real
//! engine, each step's goal holding after its change and failing before it (a goal that already
//! holds teaches nothing); quizzes that accept their own answers and refuse wrong ones; each
//! "what broke?" fault visible in the results and named by its expected answer; the CLI.

use failover_lab::lesson::{self, broke, check_answer, play, Lesson};
use failover_lab::sim::Report;
use std::collections::BTreeMap;
use std::process::Command;

fn course() -> Vec<Lesson> {
    lesson::all()
        .into_iter()
        .map(|(name, l)| {
            let l = l.unwrap_or_else(|ps| panic!("{name}: {ps:#?}"));
            assert_eq!(l.name, name, "a lesson's file name is its name");
            l
        })
        .collect()
}

#[test]
fn every_reference_solution_teaches_every_step() {
    let mut failures = Vec::new();
    for l in course() {
        let c = lesson::check(&l).unwrap_or_else(|ps| panic!("{}: {ps:#?}", l.name));
        assert_eq!(c.steps.len(), l.steps.len());
        for (i, s) in c.steps.iter().enumerate() {
            let show = |gs: &[play::GoalCheck]| {
                gs.iter()
                    .map(|g| format!("{} ({})", g.goal, g.shown))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !s.after.iter().all(|g| g.holds) {
                failures.push(format!(
                    "{} step {}: after: {}",
                    l.name,
                    i + 1,
                    show(&s.after)
                ));
            }
            if s.before.iter().any(|g| g.holds) {
                failures.push(format!(
                    "{} step {}: holds already before: {}",
                    l.name,
                    i + 1,
                    show(&s.before)
                ));
            }
        }
        assert_eq!(c.passes(), !failures.iter().any(|f| f.starts_with(&l.name)));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_course_covers_the_seeds_and_the_issues_topics() {
    let c = course();
    assert!(c.len() >= 12, "{} lessons", c.len());
    let seeds: std::collections::BTreeSet<&str> = c
        .iter()
        .flat_map(|l| l.seeds.iter().map(String::as_str))
        .collect();
    assert_eq!(
        seeds.into_iter().collect::<Vec<_>>(),
        ["000", "001", "002", "003", "004"]
    );
    for l in &c {
        assert!(!l.quiz.is_empty(), "{}: no quiz", l.name);
        for st in &l.steps {
            assert!(!st.hints.is_empty() && !st.change.is_empty(), "{}", l.name);
        }
    }
    // The seeds' own end-of-chapter questions: two in seed 000, five in seed 001.
    let mut summary: BTreeMap<&str, usize> = BTreeMap::new();
    for q in c.iter().flat_map(|l| &l.quiz) {
        if let Some(s) = &q.from_summary {
            *summary.entry(s.as_str()).or_default() += 1;
        }
    }
    assert_eq!(summary.get("000"), Some(&2), "{summary:?}");
    assert_eq!(summary.get("001"), Some(&5), "{summary:?}");
}

#[test]
fn every_quiz_accepts_its_answers_and_refuses_others() {
    for l in course() {
        for q in &l.quiz {
            for (i, accepted) in q.answers.iter().enumerate() {
                for a in accepted {
                    // This blank answered with `a` (upper-cased, with an article), the others right.
                    let shouted = format!("The {}", a.to_uppercase());
                    let given: Vec<&str> = q
                        .answers
                        .iter()
                        .enumerate()
                        .map(|(j, x)| {
                            if j == i {
                                shouted.as_str()
                            } else {
                                x[0].as_str()
                            }
                        })
                        .collect();
                    assert!(
                        check_answer(q, &given).correct(),
                        "{}: {a:?} in {}",
                        l.name,
                        q.prompt
                    );
                }
            }
            let wrong = vec!["certainly not this"; q.answers.len()];
            let v = check_answer(q, &wrong);
            assert!(
                !v.correct() && v.blanks.iter().all(|b| !b),
                "{}: {}",
                l.name,
                q.prompt
            );
            assert!(!q.explanation.is_empty());
        }
    }
}

fn differs(a: &Report, b: &Report) -> bool {
    let failed = a.requests.failed != b.requests.failed;
    let lost = a.sessions.lost != b.sessions.lost || a.writes.lost != b.writes.lost;
    failed || lost || a.latency_ms.p99 != b.latency_ms.p99
}

#[test]
fn every_hidden_fault_shows_in_the_results_and_its_answer_scores() {
    let mut exercises = 0;
    for l in course() {
        let Some((s, fault)) = broke::exercise(&l).unwrap() else {
            continue;
        };
        exercises += 1;
        let solved = play::scenarios(&l).unwrap().pop().unwrap();
        let (with, without) = (play::run(&s).unwrap(), play::run(&solved).unwrap());
        assert!(
            differs(&with, &without),
            "{}: the hidden fault changes nothing",
            l.name
        );
        let full = broke::score(&s, &fault, "", "");
        let (target, kind) = (full.expected_component.clone(), full.expected_kind.clone());
        assert!(
            with.incidents
                .iter()
                .any(|i| i.trigger == kind && i.component.starts_with(&target)),
            "{}: no incident of {kind} on {target}: {:?}",
            l.name,
            with.incidents
        );
        assert_eq!(
            broke::score(&s, &fault, &target, &kind).points,
            2,
            "{}",
            l.name
        );
        assert_eq!(broke::score(&s, &fault, &target, "nothing").points, 1);
        assert_eq!(broke::score(&s, &fault, "nowhere", "nothing").points, 0);
    }
    assert!(exercises >= 12, "{exercises} exercises");
}

fn cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_failover-lab"))
        .args(args)
        .output()
        .expect("run failover-lab")
}

#[test]
fn the_cli_lists_and_checks_lessons() {
    let out = cli(&["lesson", "list"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = text.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(names, lesson::names().collect::<Vec<_>>());

    let out = cli(&["lesson", "check", "automated-failover"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("goal worst_rto_s < 60"), "{text}");
    assert!(
        text.contains("(fails)") && text.contains("(holds)"),
        "{text}"
    );

    let out = cli(&["lesson", "check", "no-such-lesson"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no lesson `no-such-lesson`"));
}

/// A lesson file whose goal already holds before its change fails the check with status 1;
/// a broken one is refused with its location and status 2.
#[test]
fn the_cli_fails_a_goal_that_teaches_nothing() {
    let dir = std::env::temp_dir().join(format!("lesson-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut l: serde_json::Value =
        serde_json::from_str(lesson::source("automated-failover").unwrap()).unwrap();
    // Already true before the change: the start loses no write either.
    l["steps"][0]["goal"] = serde_json::json!([{"metric": "writes_lost", "is": "=", "value": 0}]);
    let file = dir.join("idle.json");
    std::fs::write(&file, l.to_string()).unwrap();
    let out = cli(&["lesson", "check", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("a goal already held before the change"),
        "{text}"
    );

    l["steps"][0]["goal"][0]["metric"] = "writes_lots".into();
    std::fs::write(&file, l.to_string()).unwrap();
    let out = cli(&["lesson", "check", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("steps[0].goal[0].metric"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_lesson_schema_is_generated_and_accepts_every_lesson() {
    use failover_lab::lesson::schema;
    let generated = schema::generate();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(schema::PATH);
        std::fs::write(&path, &generated).expect("write the schema");
        return;
    }
    assert!(
        generated == schema::COMMITTED,
        "{} is stale; regenerate it with\n    UPDATE_SCHEMA=1 cargo test --test lessons schema",
        schema::PATH
    );
    let root: serde_json::Value = serde_json::from_str(schema::COMMITTED).unwrap();
    let v = jsonschema::validator_for(&root).expect("a valid JSON Schema");
    for name in lesson::names() {
        let doc: serde_json::Value = serde_json::from_str(lesson::source(name).unwrap()).unwrap();
        let errors: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    let mut bad: serde_json::Value =
        serde_json::from_str(lesson::source("backups").unwrap()).unwrap();
    bad["steps"][0]["goal"][0]["is"] = "≈".into();
    assert!(!v.is_valid(&bad), "a goal with an unknown comparison");
    let mut bad: serde_json::Value =
        serde_json::from_str(lesson::source("backups").unwrap()).unwrap();
    bad["start"]["scenario"]["horizon"] = 5.into();
    assert!(
        !v.is_valid(&bad),
        "an inline scenario is checked by the scenario schema"
    );
    let mut bad: serde_json::Value =
        serde_json::from_str(lesson::source("backups").unwrap()).unwrap();
    bad["start"]["scenario"]["traffic"]["sesions_per_s"] = 1.into();
    assert!(!v.is_valid(&bad), "a misspelt scenario field");
}

//! Tests of the lesson player's state (`ui::lessons`), natively: the overview's rows, opening a
//! lesson, goals judged on real runs, "Show me", hints, the quiz and "what broke?", and progress
//! read back after a reload or reset when corrupt.

use super::lessons::*;
use crate::lesson::{self, play};

fn playing(name: &str) -> Course {
    Course::load(None, Some(name))
}

#[test]
fn the_overview_lists_the_course_with_each_lessons_progress() {
    let c = playing("n-plus-k");
    let rows = overview(&c.progress);
    assert_eq!(rows.len(), 14);
    assert_eq!(rows.len(), lesson::names().count());
    let row = |n: &str| rows.iter().find(|r| r.name == n).unwrap().clone();
    assert_eq!(row("backups").status, "not started");
    assert!(!row("backups").started);
    assert_eq!(row("n-plus-k").status, "step 1 of 1");
    let seeds = &find("n-plus-k").unwrap().seeds;
    assert_eq!(row("n-plus-k").seeds, format!("seed {}", seeds.join(", ")));
    assert_eq!(row("n-plus-k").quiz, None);
}

#[test]
fn a_lesson_opens_on_its_start_or_where_the_learner_is() {
    let l = find("single-point-of-failure").unwrap();
    let all = play::scenarios(l).unwrap();
    let s = opening_scenario(l, None).unwrap();
    assert_eq!(s.components, all[0].components);
    assert_eq!(s.name, format!("Lesson: {}", l.title));
    let mut c = playing("single-point-of-failure");
    c.progress
        .lessons
        .get_mut("single-point-of-failure")
        .unwrap()
        .player
        .step = 1;
    let s = opening_scenario(l, c.current().map(|(_, p)| p)).unwrap();
    assert_eq!(s.components, all[1].components);
    assert!(opening_info(l).contains(&l.title));
}

#[test]
fn a_step_is_judged_on_runs_and_show_me_makes_its_change() {
    let l = find("n-plus-k").unwrap();
    let mut c = playing("n-plus-k").apply(Act::Hint);
    let s0 = opening_scenario(l, None).unwrap();
    c = c.apply(Act::Judge(play::run(&s0).unwrap().into()));
    assert_eq!(c.checks.len(), 1);
    assert!(!c.checks[0].holds, "the start fails the goal");
    assert!(!c.current().unwrap().1.player.solved);
    assert_eq!(c.current().unwrap().1.player.hints(l).len(), 1);
    // Next refuses an unsolved step.
    c = c.apply(Act::Next(None));
    assert_eq!(c.current().unwrap().1.player.step, 0);
    let s1 = c.show_me(&s0).unwrap();
    assert_eq!(s1.components, play::scenarios(l).unwrap()[1].components);
    c = c.apply(Act::Judge(play::run(&s1).unwrap().into()));
    assert!(c.checks[0].holds, "{:?}", c.checks);
    assert!(c.current().unwrap().1.player.explanation(l).is_some());
    c = c.apply(Act::Next(None));
    let (l, p) = c.current().unwrap();
    assert!(p.player.finished(l));
    assert!(c.checks.is_empty());
    assert_eq!(status(l, Some(p)), "done");
}

#[test]
fn show_me_on_a_scenario_it_does_not_fit_says_so() {
    let c = playing("n-plus-k");
    let mut s = opening_scenario(find("n-plus-k").unwrap(), None).unwrap();
    s.components.retain(|x| x.id != "web");
    let e = c.show_me(&s).unwrap_err();
    assert!(e.contains("change[0].path"), "{e}");
}

#[test]
fn the_quiz_checks_answers_and_keeps_the_score() {
    let mut c = playing("n-plus-k");
    let l = find("n-plus-k").unwrap();
    assert_eq!(c.answers.len(), l.quiz.len());
    assert_eq!(c.answers[1].len(), 1);
    let answer = |c: Course, q, b, t: &str| {
        c.apply(Act::Answer {
            question: q,
            blank: b,
            text: t.into(),
        })
    };
    c = answer(c, 1, 0, "two").apply(Act::Check(1));
    assert!(!c.verdicts[1].as_ref().unwrap().correct());
    assert_eq!(c.quiz_right(), Some((0, 2)));
    c = answer(c, 1, 0, "K").apply(Act::Check(1));
    assert!(c.verdicts[1].as_ref().unwrap().correct());
    c = answer(answer(c, 0, 0, "Clustering"), 0, 1, "several servers").apply(Act::Check(0));
    assert_eq!(c.quiz_right(), Some((2, 2)));
    let (l, p) = c.current().unwrap();
    assert_eq!(quiz_score(l, Some(p)).as_deref(), Some("2 of 2 right"));
    // Out of range: ignored, not a panic.
    let c = answer(c, 9, 9, "x").apply(Act::Check(9));
    assert_eq!(c.quiz_right(), Some((2, 2)));
}

#[test]
fn what_broke_scores_the_diagnosis() {
    let mut c = playing("n-plus-k").apply(Act::BrokeOpen);
    assert!(c.broke.open);
    let s = c.exercise_scenario().unwrap();
    let base = opening_scenario(find("n-plus-k").unwrap(), None).unwrap();
    assert_eq!(
        s.faults.len(),
        base.faults.len() + 1,
        "the hidden fault is added"
    );
    c = c
        .apply(Act::BrokeComponent("app".into()))
        .apply(Act::BrokeKind("hang".into()))
        .apply(Act::BrokeSubmit);
    assert!(!c.broke.open, "answered: the columns show again");
    let sc = c.broke.score.clone().unwrap();
    assert_eq!((sc.component, sc.kind, sc.points), (true, false, 1));
    assert_eq!(c.current().unwrap().1.what_broke, Some(1));
    assert!(fault_kinds().iter().any(|(k, _)| *k == "crash"));
}

#[test]
fn progress_survives_a_reload_and_corrupt_progress_is_reset_with_a_message() {
    let c = playing("n-plus-k").apply(Act::Hint);
    let back = Course::load(Some(&c.progress.save()), Some("n-plus-k"));
    assert_eq!(back.progress, c.progress);
    assert!(back.messages.is_empty());
    assert_eq!(back.current().unwrap().1.player.hints_shown, 1);
    let broken = Course::load(Some("{not json"), Some("n-plus-k"));
    assert_eq!(broken.messages.len(), 1, "{:?}", broken.messages);
    assert!(broken.messages[0].contains("starting the course again"));
    assert_eq!(broken.current().unwrap().1.player, lesson::Player::new());
    // A lesson the course does not have plays nothing.
    assert_eq!(Course::load(None, Some("nope")).active, None);
}

#[test]
fn the_tab_remembers_its_lesson_and_where_it_shows() {
    let a = Active::read(Some(r#"{"name": "backups", "entry": "e1"}"#)).unwrap();
    assert!(a.shows_on(Some("e1")));
    assert!(!a.shows_on(Some("e2")));
    assert_eq!(
        Active::read(Some(r#"{"name": "nope", "entry": null}"#)),
        None
    );
    assert_eq!(Active::read(Some("garbage")), None);
    assert_eq!(Active::read(None), None);
    let c = playing("backups").apply(Act::Leave);
    assert_eq!(c.active, None);
    assert!(
        c.progress.lessons.contains_key("backups"),
        "leaving keeps the progress"
    );
}

#[test]
fn prompts_split_around_their_blanks_and_goals_read_in_words() {
    assert_eq!(prompt_parts("a ___ b ____ c"), vec!["a ", " b ", " c"]);
    assert_eq!(prompt_parts("___ x"), vec!["", " x"]);
    assert_eq!(prompt_parts("a_b __ c"), vec!["a_b __ c"]);
    for (_, l) in course() {
        for q in &l.quiz {
            assert_eq!(
                prompt_parts(&q.prompt).len(),
                lesson::quiz::blanks_in(&q.prompt) + 1,
                "{}",
                q.prompt
            );
        }
    }
    let g: lesson::Goal =
        serde_json::from_str(r#"{"metric": "availability_request", "is": ">=", "value": 0.99}"#)
            .unwrap();
    assert_eq!(goal_text(&g), "Request availability ≥ 99 %");
    let g: lesson::Goal =
        serde_json::from_str(r#"{"metric": "sessions_lost", "is": "=", "value": 0}"#).unwrap();
    assert!(goal_text(&g).ends_with(" = 0"), "{}", goal_text(&g));
}

#[test]
fn the_exercise_run_hides_what_names_the_fault() {
    let c = playing("n-plus-k");
    let r = play::run(&c.exercise_scenario().unwrap()).unwrap();
    assert!(!r.incidents.is_empty() && !r.series.markers.is_empty());
    assert!(r.incidents.iter().any(|i| i.trigger.contains("crash")));
    let m = masked(&r);
    assert!(m
        .incidents
        .iter()
        .all(|i| i.trigger == "hidden" && i.component == "hidden"));
    assert!(m.series.markers.iter().all(|x| x.label == "?"));
    assert_eq!(m.incidents.len(), r.incidents.len());
    assert_eq!(
        (m.requests.failed, m.series.markers.len()),
        (r.requests.failed, r.series.markers.len()),
        "every measure is kept"
    );
}

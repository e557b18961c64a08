//! Unit tests of lesson files: problems located, goals judged through the registry, the player.

use super::*;

const GOOD: &str = r#"{
  "name": "tiny", "title": "Tiny", "seeds": ["000"], "concept": "c", "summary": "s",
  "start": {"builtin": "liferay-reference"},
  "steps": [{"instruction": "do", "hints": ["h1", "h2"], "explanation": "see seed 000",
    "change": [{"op": "replace", "path": "/components/app/spec/app/sessions", "value": "none"}],
    "goal": [{"metric": "sessions_lost", "is": ">", "value": 0}]}],
  "quiz": [{"prompt": "___ x ___", "answers": [["a1"], ["b1", "b2"]], "explanation": "e"}]
}"#;

fn problems_of(text: &str) -> Vec<String> {
    parse_lesson(text)
        .err()
        .unwrap_or_default()
        .iter()
        .map(|p| p.to_string())
        .collect()
}

#[test]
fn a_good_lesson_parses() {
    let l = parse_lesson(GOOD).unwrap();
    assert_eq!((l.name.as_str(), l.steps.len()), ("tiny", 1));
}

#[test]
fn bad_lessons_are_refused_with_where() {
    let cases = [
        (
            GOOD.replace("\"concept\"", "\"concpt\""),
            "unknown field `concpt`",
        ),
        (
            GOOD.replace("sessions_lost", "sessions_lots"),
            "steps[0].goal[0].metric",
        ),
        (
            GOOD.replace("see seed 000", "see above"),
            "steps[0].explanation",
        ),
        (GOOD.replace("[[\"a1\"], ", "["), "quiz[0].answers"),
        (
            GOOD.replace("/components/app/", "/components/nope/"),
            "steps[0].change[0].path",
        ),
        (GOOD.replace("liferay-reference", "nope"), "start.builtin"),
        (
            GOOD.replace("\"none\"", "\"most\""),
            "steps[0].change (the scenario after it)",
        ),
        (GOOD.replace("\"tiny\"", "\"Tiny Lesson\""), "name"),
        ("[1]".to_string(), "(root)"),
        ("{".to_string(), "line 1 column 1"),
        (
            GOOD.replace(
                "\"seeds\": [\"000\"],",
                "\"seeds\": [\"000\"], \"seeds\": [],",
            ),
            "seeds: duplicate key",
        ),
    ];
    for (text, want) in cases {
        let ps = problems_of(&text);
        assert!(ps.iter().any(|p| p.contains(want)), "{want}: {ps:?}");
    }
}

#[test]
fn goals_are_judged_through_the_registry() {
    let mut r = crate::sim::Report::default();
    r.sessions.lost = 3;
    let g: Goal =
        serde_json::from_str(r#"{"metric": "sessions_lost", "is": "<=", "value": 3}"#).unwrap();
    let c = play::judge(&g, &r);
    assert!(c.holds && c.actual == 3.0, "{c:?}");
    r.sessions.lost = 4;
    assert!(!play::judge(&g, &r).holds);
    // A metric that does not apply (latency at flow level) never holds.
    r.fidelity = crate::sim::Fidelity::Flow;
    let p95: Goal =
        serde_json::from_str(r#"{"metric": "latency_p95_ms", "is": ">=", "value": 0}"#).unwrap();
    assert!(!play::judge(&p95, &r).holds);
}

#[test]
fn the_player_reveals_hints_one_by_one_and_moves_on_only_when_solved() {
    let l = parse_lesson(GOOD).unwrap();
    let mut p = Player::new();
    assert_eq!(p.reveal_hint(&l), Some("h1"));
    assert_eq!(p.hints(&l), ["h1".to_string()]);
    assert_eq!(p.reveal_hint(&l), Some("h2"));
    assert_eq!(p.reveal_hint(&l), None);
    let mut r = crate::sim::Report::default();
    assert!(!p.evaluate(&l, &r)[0].holds);
    assert!(p.explanation(&l).is_none());
    assert!(!p.next(&l));
    r.sessions.lost = 1;
    assert!(p.evaluate(&l, &r)[0].holds);
    assert_eq!(p.explanation(&l), Some("see seed 000"));
    assert!(p.next(&l));
    assert!(p.finished(&l) && p.hints(&l).is_empty() && !p.next(&l));
    // Saved progress reads back; progress past the end starts again with a reason.
    let saved: Player = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(Player::restore(saved, &l), Ok(p));
    let bad = Player {
        step: 7,
        ..Player::default()
    };
    assert!(Player::restore(bad, &l)
        .unwrap_err()
        .contains("step 8 of a 1-step"));
}

/// Cut-off and mangled lesson files are refused with a located problem, never a panic.
#[test]
fn mangled_lesson_files_are_refused_without_panicking() {
    for name in names() {
        let text = source(name).unwrap();
        let mut cut = 0;
        while cut < text.len() {
            if text.is_char_boundary(cut) {
                let ps = parse_lesson(&text[..cut]).unwrap_err();
                assert!(
                    !ps.is_empty() && !ps[0].path.is_empty(),
                    "{name} cut at {cut}"
                );
            }
            cut += 211;
        }
        for (from, to) in [
            ("\"value\": ", "\"value\": -"),
            ("\"at\": \"", "\"at\": \"x"),
            ("/", "//"),
        ] {
            let mangled = text.replacen(from, to, 3);
            if let Err(ps) = parse_lesson(&mangled) {
                assert!(ps.iter().all(|p| !p.message.is_empty()), "{name}: {ps:?}");
            }
        }
    }
}

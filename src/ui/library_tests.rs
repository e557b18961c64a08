//! Unit tests of the pure library model.

use super::*;
use crate::ui::default_scenario;

fn named(name: &str) -> Scenario {
    let mut s = default_scenario();
    s.name = name.into();
    s
}

/// Applies writes to a key-value map, as the store would (stopping at none: all succeed).
fn apply(items: &mut Vec<(String, String)>, writes: &[Write]) {
    for w in writes {
        match w {
            Write::Put { key, text } => {
                items.retain(|(k, _)| k != key);
                items.push((key.clone(), text.clone()));
            }
            Write::Remove { key } => items.retain(|(k, _)| k != key),
        }
    }
}

fn lib(items: &[(String, String)]) -> Library {
    Library::from_items(items.iter().cloned())
}

#[test]
fn an_entry_round_trips_through_its_stored_text() {
    let l = Library::default();
    let (e, w) = l.create("mine", named("mine"), 1000);
    let mut items = Vec::new();
    apply(&mut items, &[w]);
    let back = lib(&items);
    assert_eq!(back.entries, vec![e]);
    assert!(back.unreadable.is_empty());
}

#[test]
fn unreadable_text_is_listed_and_never_planned_over() {
    let mut items = vec![
        (entry_key("a"), "{not json".to_string()),
        (LEGACY_BROKEN_KEY.to_string(), "old junk".to_string()),
        ("unrelated".to_string(), "x".to_string()),
    ];
    let l = lib(&items);
    assert_eq!(l.unreadable.len(), 2);
    assert!(l.unreadable.iter().any(|u| u.raw == "{not json"));
    let st = start(&l, &Tab::default(), None, 5, default_scenario);
    assert!(
        st.warnings[0].contains("2 saved scenarios could not be read"),
        "{:?}",
        st.warnings
    );
    // The default scenario goes to a fresh key, not over the unreadable ones.
    for w in &st.writes {
        let Write::Put { key, .. } = w else {
            panic!("only puts: {w:?}")
        };
        assert!(!l.unreadable.iter().any(|u| &u.key == key), "{key}");
    }
    apply(&mut items, &st.writes);
    let l = lib(&items);
    assert_eq!(l.unreadable.len(), 2, "both copies are still there");
    assert_eq!(l.entries.len(), 1);
    // Discard is the only way out, one copy at a time.
    let p = plan(&l, Op::Discard(entry_key("a")), 6).unwrap();
    apply(&mut items, &p.writes);
    assert_eq!(lib(&items).unreadable.len(), 1);
    assert!(plan(&l, Op::Discard("nope".into()), 6).is_err());
}

#[test]
fn an_id_that_an_unreadable_key_uses_is_not_reused() {
    let now = 36 * 36;
    let items = vec![(entry_key(&base36(now)), "junk".to_string())];
    let l = lib(&items);
    assert_eq!(l.fresh_id(now), "100-2");
}

#[test]
fn the_legacy_autosave_is_migrated_once_and_removed_after_its_entry_is_written() {
    let text = serde_json::to_string(&named("old work")).unwrap();
    let mut items = vec![(LEGACY_AUTOSAVE_KEY.to_string(), text)];
    let st = start(&lib(&items), &Tab::default(), None, 10, default_scenario);
    assert_eq!(st.scenario.name, "old work");
    assert!(matches!(&st.writes[0], Write::Put { .. }));
    assert_eq!(
        st.writes[1],
        Write::Remove {
            key: LEGACY_AUTOSAVE_KEY.into()
        }
    );
    assert!(st.info[0].contains("old work"));
    apply(&mut items, &st.writes);
    let l = lib(&items);
    assert!(l.legacy.is_none());
    assert_eq!(l.entries.len(), 1);
    assert_eq!(st.tab.open.as_deref(), Some(l.entries[0].id.as_str()));
    // An unreadable legacy autosave stays where it is, listed as unreadable.
    let l = lib(&[(
        LEGACY_AUTOSAVE_KEY.to_string(),
        "{\"version\": 1".to_string(),
    )]);
    assert!(l.legacy.is_none());
    assert_eq!(l.unreadable[0].key, LEGACY_AUTOSAVE_KEY);
    let st = start(&l, &Tab::default(), None, 10, default_scenario);
    assert!(!st.writes.iter().any(|w| matches!(w, Write::Remove { .. })));
}

fn link_of(s: &Scenario) -> String {
    link::encode(&link::Shared {
        scenario: s.clone(),
        seed: s.seed,
        engine_version: crate::ENGINE_VERSION.into(),
    })
}

#[test]
fn a_link_opens_as_a_new_entry_next_to_the_work() {
    let mut items = Vec::new();
    let st = start(&lib(&items), &Tab::default(), None, 1, || named("mine"));
    apply(&mut items, &st.writes);
    let mine = st.tab.clone();
    let mut theirs = named("theirs");
    theirs.seed = 42;
    let frag = link_of(&theirs);
    let st = start(&lib(&items), &mine, Some(&frag), 2, default_scenario);
    assert!(st.from_link);
    assert_eq!(st.scenario.name, "theirs");
    assert_eq!(st.scenario.seed, 42, "the link's seed");
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
    assert_ne!(st.tab.open, mine.open);
    assert!(st.info[0].contains("new entry"), "{:?}", st.info);
    apply(&mut items, &st.writes);
    let l = lib(&items);
    let names: Vec<&str> = l.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["theirs", "mine"]);
    // Reloading the same tab with the same link does not import it again.
    let again = start(&l, &st.tab, Some(&frag), 3, default_scenario);
    assert!(again.writes.is_empty());
    assert_eq!(again.tab.open, st.tab.open);
}

#[test]
fn a_link_from_another_engine_opens_with_a_warning() {
    let frag = link::encode(&link::Shared {
        scenario: named("older"),
        seed: 7,
        engine_version: "0.0.0-older".into(),
    });
    let st = start(
        &Library::default(),
        &Tab::default(),
        Some(&frag),
        1,
        default_scenario,
    );
    assert!(st.from_link);
    assert_eq!(st.scenario.seed, 7);
    let w = st.warnings.join(" ");
    assert!(
        w.contains("0.0.0-older") && w.contains(crate::ENGINE_VERSION),
        "{w}"
    );
}

#[test]
fn a_bad_link_says_so_and_keeps_the_work() {
    let mut items = Vec::new();
    let st = start(&lib(&items), &Tab::default(), None, 1, || named("mine"));
    apply(&mut items, &st.writes);
    let b = start(
        &lib(&items),
        &st.tab,
        Some("garbage!!"),
        2,
        default_scenario,
    );
    assert_eq!(b.scenario.name, "mine");
    assert!(b.writes.is_empty());
    assert!(
        b.warnings[0].contains("could not be opened"),
        "{:?}",
        b.warnings
    );
    assert!(b.warnings[0].contains("last work"));
    let b = start(
        &Library::default(),
        &Tab::default(),
        Some("garbage!!"),
        2,
        default_scenario,
    );
    assert!(b.warnings[0].contains("built-in"));
}

#[test]
fn a_fresh_tab_opens_the_most_recent_entry() {
    let mut items = Vec::new();
    for (i, n) in ["a", "b", "c"].iter().enumerate() {
        let p = plan(&lib(&items), Op::New(Box::new(named(n))), 10 + i as u64).unwrap();
        apply(&mut items, &p.writes);
    }
    let st = start(&lib(&items), &Tab::default(), None, 20, default_scenario);
    assert_eq!(st.scenario.name, "c");
    assert!(st.writes.is_empty());
}

#[test]
fn two_tabs_on_one_entry_fork_instead_of_overwriting() {
    let mut items = Vec::new();
    let st = start(&lib(&items), &Tab::default(), None, 1, || named("work"));
    apply(&mut items, &st.writes);
    let (mut a, mut b) = (st.tab.clone(), st.tab.clone());
    let mut sa = st.scenario.clone();
    sa.description = "edited in A".into();
    let (w, ta, out) = save(&lib(&items), &a, &sa, 2);
    assert_eq!(out, Saved::Saved);
    apply(&mut items, &w);
    a = ta;
    let mut sb = st.scenario.clone();
    sb.description = "edited in B".into();
    let (w, tb, out) = save(&lib(&items), &b, &sb, 3);
    let Saved::Forked { name, message } = out else {
        panic!("{out:?}")
    };
    assert_eq!(name, "work (2)");
    assert!(message.contains("another tab"), "{message}");
    apply(&mut items, &w);
    b = tb;
    assert_ne!(a.open, b.open);
    let l = lib(&items);
    assert_eq!(l.get(a.open.as_deref().unwrap()).unwrap().scenario, sa);
    assert_eq!(l.get(b.open.as_deref().unwrap()).unwrap().scenario, sb);
    // Each tab goes on saving its own entry.
    sa.description = "more in A".into();
    let (w, _, out) = save(&l, &a, &sa, 4);
    assert_eq!(out, Saved::Saved);
    assert_eq!(w.len(), 1);
    // Saving what is already stored writes nothing.
    let (w, _, out) = save(&l, &b, &sb, 5);
    assert_eq!((w.len(), out), (0, Saved::Unchanged));
}

#[test]
fn saving_a_deleted_or_unreadable_entry_makes_a_new_one() {
    let mut items = Vec::new();
    let st = start(&lib(&items), &Tab::default(), None, 1, || named("work"));
    apply(&mut items, &st.writes);
    let id = st.tab.open.clone().unwrap();
    items = vec![(entry_key(&id), "broken".into())];
    let mut s = st.scenario.clone();
    s.description = "x".into();
    let (w, tab, out) = save(&lib(&items), &st.tab, &s, 2);
    assert!(
        matches!(&out, Saved::Forked { message, .. } if message.contains("kept aside")),
        "{out:?}"
    );
    assert!(matches!(&w[0], Write::Put { key, .. } if *key != entry_key(&id)));
    assert_ne!(tab.open.as_deref(), Some(id.as_str()));
    let (_, _, out) = save(&Library::default(), &st.tab, &s, 2);
    assert!(
        matches!(&out, Saved::Forked { message, .. } if message.contains("deleted")),
        "{out:?}"
    );
}

#[test]
fn rename_duplicate_delete_and_restore() {
    let mut items = Vec::new();
    let p = plan(&lib(&items), Op::New(Box::new(named("a"))), 1).unwrap();
    apply(&mut items, &p.writes);
    let id = p.open.unwrap();
    let rev = lib(&items).get(&id).unwrap().rev;
    let p = plan(
        &lib(&items),
        Op::Rename {
            id: id.clone(),
            name: "  Prod  ".into(),
        },
        2,
    )
    .unwrap();
    apply(&mut items, &p.writes);
    let e = lib(&items).get(&id).unwrap().clone();
    assert_eq!(e.name, "Prod");
    assert_eq!(
        e.rev, rev,
        "a rename does not fork a tab that has the entry open"
    );
    assert!(plan(
        &lib(&items),
        Op::Rename {
            id: id.clone(),
            name: " ".into()
        },
        2
    )
    .is_err());
    let p = plan(&lib(&items), Op::Duplicate(id.clone()), 3).unwrap();
    apply(&mut items, &p.writes);
    let l = lib(&items);
    assert_eq!(l.entries.len(), 2);
    assert_eq!(l.entries[0].name, "Prod copy");
    assert_eq!(l.entries[0].scenario, e.scenario);
    let p = plan(&l, Op::Delete(id.clone()), 4).unwrap();
    apply(&mut items, &p.writes);
    assert!(lib(&items).get(&id).is_none());
    let p = plan(&lib(&items), Op::Restore(Box::new(e.clone())), 5).unwrap();
    apply(&mut items, &p.writes);
    assert_eq!(lib(&items).get(&id), Some(&e));
    assert!(plan(&lib(&items), Op::Restore(Box::new(e)), 5).is_err());
    assert!(plan(&lib(&items), Op::Open("missing".into()), 5).is_err());
}

#[test]
fn names_are_unique_and_never_empty() {
    let mut items = Vec::new();
    for _ in 0..3 {
        let p = plan(&lib(&items), Op::New(Box::new(named(""))), 1).unwrap();
        apply(&mut items, &p.writes);
    }
    let mut names: Vec<String> = lib(&items).entries.iter().map(|e| e.name.clone()).collect();
    names.sort();
    assert_eq!(names, ["Untitled", "Untitled (2)", "Untitled (3)"]);
}

#[test]
fn blank_has_no_components_and_default_traffic() {
    let b = blank("Untitled");
    assert!(b.components.is_empty() && b.faults.is_empty());
    assert_eq!(b.traffic, Default::default());
    assert!(b.traffic.sessions_per_s > 0.0);
}

#[test]
fn ago_reads_naturally() {
    assert_eq!(ago(10_000, 9_000), "just now");
    assert_eq!(ago(600_000, 0), "10 min ago");
    assert_eq!(ago(7_200_000, 0), "2 h ago");
    assert_eq!(ago(100_000_000, 0), "yesterday");
    assert_eq!(ago(0, 5), "just now");
}

/// Issue 13: an accepted scenario just under the 4 MiB file limit autosaves to an entry that
/// reads back to it (stored with its defaults left out: the plain form would be over the limit
/// and unreadable); one over the limit is not saved, with the reason, and nothing is written.
#[test]
fn a_scenario_at_the_file_limit_saves_and_reads_back_and_a_bigger_one_is_refused() {
    let limit = crate::scenario::parse::MAX_JSON_BYTES;
    let mut s = named("big");
    s.description = "x".into();
    let base = link::compact(&s).to_string().len() - 1;
    s.description = "0123456789abcdef "
        .repeat(limit / 16)
        .chars()
        .take(limit - 32 - base)
        .collect();
    assert_eq!(link::compact(&s).to_string().len(), limit - 32);
    assert!(
        serde_json::to_string(&s).unwrap().len() > limit,
        "the plain form is over"
    );
    let st = start(&Library::default(), &Tab::default(), None, 5, || {
        named("first")
    });
    let mut items = Vec::new();
    apply(&mut items, &st.writes);
    let (w, tab, out) = save(&lib(&items), &st.tab, &s, 6);
    assert_eq!(out, Saved::Saved);
    apply(&mut items, &w);
    let back = lib(&items);
    assert!(
        back.unreadable.is_empty(),
        "{:?}",
        back.unreadable.first().map(|u| &u.reason)
    );
    assert_eq!(back.get(tab.open.as_deref().unwrap()).unwrap().scenario, s);

    let before = items.clone();
    s.description.push_str(&"x".repeat(64));
    let (w, same, out) = save(&back, &tab, &s, 7);
    let Saved::TooBig(why) = out else {
        panic!("{out:?}")
    };
    assert!(why.contains("over the 4096 KiB"), "{why}");
    assert!(w.is_empty());
    assert_eq!(same, tab);
    assert_eq!(items, before);
}

#[test]
fn a_first_visit_says_what_the_scenario_on_screen_shows_and_a_return_does_not() {
    let mut items = Vec::new();
    let st = start(&lib(&items), &Tab::default(), None, 1, default_scenario);
    let d = default_scenario().description;
    assert!(!d.is_empty());
    assert!(st.info.iter().any(|i| i.contains(&d)), "{:?}", st.info);
    apply(&mut items, &st.writes);
    let again = start(&lib(&items), &st.tab, None, 2, default_scenario);
    assert!(again.info.is_empty(), "{:?}", again.info);
}

//! The editor reducer's tests: edits, undo, selection, sites and the canvas geometry.

use super::*;
use crate::scenario::builtins;

/// The reference scenario without its scripted faults.
pub(super) fn base() -> crate::scenario::Scenario {
    let mut s = builtins::get("liferay-reference").unwrap().scenario();
    s.faults.clear();
    s
}

pub(super) fn reference() -> AppState {
    AppState::new(base())
}

fn ids(st: &AppState) -> Vec<&str> {
    st.scenario
        .components
        .iter()
        .map(|c| c.id.as_str())
        .collect()
}

#[test]
fn add_and_connect_two_components_then_undo_redo() {
    let st = reference();
    let n = st.scenario.components.len();
    let st = st.apply(Action::AddComponent {
        kind: "cache".into(),
        pos: Some([10, 20]),
    });
    assert_eq!(st.scenario.components.len(), n + 1);
    assert_eq!(st.selection, vec![Sel::Component("cache".into())]);
    let st = st.apply(Action::AddComponent {
        kind: "cache".into(),
        pos: Some([200, 20]),
    });
    assert!(ids(&st).contains(&"cache2"));
    let st = st.apply(Action::Connect {
        from: "cache".into(),
        to: "cache2".into(),
    });
    let c = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "cache")
        .unwrap();
    assert_eq!(c.next, vec!["cache2".to_string()]);
    let st = st.apply(Action::Undo);
    let c = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "cache")
        .unwrap();
    assert!(c.next.is_empty());
    assert!(st.can_redo());
    let st = st.apply(Action::Redo);
    let c = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "cache")
        .unwrap();
    assert_eq!(c.next, vec!["cache2".to_string()]);
    let st = st
        .apply(Action::Undo)
        .apply(Action::Undo)
        .apply(Action::Undo);
    assert_eq!(st.scenario.components.len(), n);
    assert!(!st.can_undo());
    let st = st.apply(Action::Undo);
    assert_eq!(st.notice, Some(Notice::minor("Nothing to undo.")));
}

#[test]
fn components_added_without_a_position_do_not_overlap() {
    let mut st = reference();
    for _ in 0..14 {
        st = st.apply(Action::AddComponent {
            kind: "cache".into(),
            pos: None,
        });
    }
    let ps: Vec<[i32; 2]> = st
        .scenario
        .components
        .iter()
        .filter_map(|c| c.pos)
        .collect();
    for (i, a) in ps.iter().enumerate() {
        for b in &ps[i + 1..] {
            assert!(
                (a[0] - b[0]).abs() >= NODE_W || (a[1] - b[1]).abs() >= NODE_H,
                "{a:?} overlaps {b:?}"
            );
        }
    }
    let width = ps.iter().map(|p| p[0]).max().unwrap() - ps.iter().map(|p| p[0]).min().unwrap();
    assert!(width <= 5 * 180, "rows wrap: {width}");
}

#[test]
fn a_new_edit_clears_redo() {
    let st = reference()
        .apply(Action::AddComponent {
            kind: "web".into(),
            pos: Some([0, 0]),
        })
        .apply(Action::Undo);
    assert!(st.can_redo());
    let st = st.apply(Action::AddComponent {
        kind: "queue".into(),
        pos: Some([0, 0]),
    });
    assert!(!st.can_redo());
}

#[test]
fn bad_connections_are_refused_with_a_message() {
    let st = reference().apply(Action::Connect {
        from: "app".into(),
        to: "app".into(),
    });
    assert!(st.notice.is_some());
    assert!(!st.can_undo());
    let st = st.apply(Action::Connect {
        from: "app".into(),
        to: "nowhere".into(),
    });
    assert!(st.notice.unwrap().text.contains("nowhere"));
    let st = reference().apply(Action::Connect {
        from: "lb".into(),
        to: "web".into(),
    });
    assert!(st.notice.unwrap().text.contains("already"));
}

#[test]
fn delete_removes_references_and_undo_restores() {
    let st = reference()
        .apply(Action::AddFault(crash_at("app", Dur::mins(20))))
        .apply(Action::Select(Sel::Component("app".into())))
        .apply(Action::DeleteSelected);
    assert!(!ids(&st).contains(&"app"));
    let web = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "web")
        .unwrap();
    assert!(web.next.is_empty());
    assert!(st.selection.is_empty());
    let st = st.apply(Action::Undo);
    assert!(ids(&st).contains(&"app"));
}

#[test]
fn multi_select_and_duplicate_copies_inner_edges() {
    let st = reference()
        .apply(Action::Select(Sel::Component("web".into())))
        .apply(Action::ToggleSelect(Sel::Component("app".into())))
        .apply(Action::DuplicateSelected);
    assert!(ids(&st).contains(&"web-copy"));
    assert!(ids(&st).contains(&"app-copy"));
    let web_copy = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "web-copy")
        .unwrap();
    assert_eq!(web_copy.next, vec!["app-copy".to_string()]);
    let app_copy = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "app-copy")
        .unwrap();
    assert_eq!(app_copy.next, vec!["db".to_string()]);
    assert_eq!(st.selection.len(), 2);
    // Toggle removes from the selection.
    let st = st.apply(Action::ToggleSelect(Sel::Component("web-copy".into())));
    assert_eq!(st.selection, vec![Sel::Component("app-copy".into())]);
}

#[test]
fn move_is_one_undo_step() {
    let st = reference().apply(Action::MoveComponents {
        ids: vec!["lb".into(), "web".into()],
        dx: 10,
        dy: -5,
    });
    let lb = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "lb")
        .unwrap();
    assert_eq!(lb.pos, Some([90, 195]));
    let st = st.apply(Action::Undo);
    let lb = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "lb")
        .unwrap();
    assert_eq!(lb.pos, Some([80, 200]));
}

#[test]
fn edit_params_and_rename_updates_references() {
    let st = reference();
    let mut app = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "app")
        .unwrap()
        .clone();
    if let Spec::App(a) = &mut app.spec {
        a.nodes = 6;
    }
    let st = st.apply(Action::UpdateComponent {
        id: "app".into(),
        component: Box::new(app),
    });
    let got = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "app")
        .unwrap();
    assert!(matches!(&got.spec, Spec::App(a) if a.nodes == 6));
    let st = st
        .apply(Action::AddFault(crash_at("app", Dur::mins(5))))
        .apply(Action::RenameComponent {
            from: "app".into(),
            to: "portal".into(),
        });
    let web = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "web")
        .unwrap();
    assert_eq!(web.next, vec!["portal".to_string()]);
    assert!(matches!(&st.scenario.faults[0], Fault::Crash(f) if f.target == "portal"));
    let st = st.apply(Action::RenameComponent {
        from: "portal".into(),
        to: "db".into(),
    });
    assert!(st.notice.unwrap().text.contains("already used"));
    let st = reference().apply(Action::RenameComponent {
        from: "lb".into(),
        to: "edge".into(),
    });
    assert_eq!(st.scenario.traffic.entry, vec!["edge".to_string()]);
}

#[test]
fn faults_add_move_update_delete() {
    let st = reference().apply(Action::AddFault(crash_at("db", Dur::mins(20))));
    assert_eq!(st.scenario.faults.len(), 1);
    assert_eq!(st.selection, vec![Sel::Fault(0)]);
    let st = st.apply(Action::MoveFault {
        index: 0,
        at_us: 30 * 60_000_000,
    });
    assert_eq!(st.scenario.faults[0].at(), &Dur::mins(30));
    let st = st.apply(Action::UpdateFault {
        index: 0,
        fault: Box::new(crash_at("app", Dur::mins(1))),
    });
    assert!(matches!(&st.scenario.faults[0], Fault::Crash(f) if f.target == "app"));
    let st = st.apply(Action::MoveFault { index: 7, at_us: 0 });
    assert!(st.notice.is_some());
    let st = st
        .apply(Action::Select(Sel::Fault(0)))
        .apply(Action::DeleteSelected);
    assert!(st.scenario.faults.is_empty());
    let st = st.apply(Action::Undo);
    assert_eq!(st.scenario.faults.len(), 1);
}

#[test]
fn every_palette_kind_has_a_default_spec() {
    assert_eq!(kinds().count(), 8);
    for k in kinds() {
        let spec = default_spec(k.as_ref()).unwrap_or_else(|| panic!("{k}"));
        assert_eq!(spec.kind(), k);
        // The derived name is serde's.
        let json = serde_json::to_value(&spec).unwrap();
        assert!(json.get(k.as_ref()).is_some(), "{json}");
        assert_ne!(kind_label(k.as_ref()), "Component");
    }
    let st = reference().apply(Action::AddComponent {
        kind: "teleporter".into(),
        pos: Some([0, 0]),
    });
    assert!(st.notice.unwrap().text.contains("teleporter"));
}

#[test]
fn undo_history_is_bounded() {
    let mut st = reference();
    for i in 0..(HISTORY_LIMIT + 20) {
        st = st.apply(Action::MoveComponents {
            ids: vec!["lb".into()],
            dx: 1,
            dy: i as i32 % 2,
        });
    }
    assert_eq!(st.past.len(), HISTORY_LIMIT);
}

#[test]
fn notices_say_whether_they_are_a_shrug_or_a_refusal() {
    let st = reference().apply(Action::DeleteSelected);
    assert_eq!(st.notice, Some(Notice::minor("Nothing is selected.")));
    let st = reference().apply(Action::Redo);
    assert_eq!(st.notice.map(|n| n.kind), Some(NoticeKind::Minor));
    let st = reference().apply(Action::Connect {
        from: "lb".into(),
        to: "lb".into(),
    });
    let n = st.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::Refused);
    assert!(n.text.contains("itself"), "{}", n.text);
    // The next action that works clears it.
    let st = st.apply(Action::SelectAll);
    assert!(st.notice.is_none());
}

#[test]
fn a_call_that_would_close_a_cycle_is_refused_and_changes_nothing() {
    let st = reference().apply(Action::Connect {
        from: "app".into(),
        to: "lb".into(),
    });
    let n = st.notice.clone().unwrap();
    assert_eq!(n.kind, NoticeKind::Refused);
    assert!(n.text.contains("cycle"), "{}", n.text);
    assert!(!st.can_undo());
    assert_eq!(st.scenario, base());
    // A call downstream is still fine.
    let st = st.apply(Action::Connect {
        from: "lb".into(),
        to: "app".into(),
    });
    assert!(st.notice.is_none());
    assert_eq!(st.selection, vec![Sel::Link("lb".into(), "app".into())]);
}

#[test]
fn a_new_component_goes_next_to_the_selected_one_and_is_called_by_it() {
    // app at [440, 200] is selected; the spot one column on holds db ([620, 200]), so the
    // cache goes one row under it, and app calls it; one undo step takes both back.
    let st = reference()
        .apply(Action::Select(Sel::Component("app".into())))
        .apply(Action::AddComponent {
            kind: "cache".into(),
            pos: None,
        });
    let cache = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "cache")
        .unwrap();
    assert_eq!(cache.pos, Some([620, 200 + NODE_H + 24]));
    let app = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "app")
        .unwrap();
    assert_eq!(app.next, vec!["db".to_string(), "cache".to_string()]);
    assert_eq!(st.scenario.traffic.entry, vec!["lb".to_string()]);
    assert_eq!(st.selection, vec![Sel::Component("cache".into())]);
    assert_eq!(st.apply(Action::Undo).scenario, base());
    // Dropped at a position (the canvas), or with nothing selected: not wired.
    let st = reference()
        .apply(Action::Select(Sel::Component("app".into())))
        .apply(Action::AddComponent {
            kind: "cache".into(),
            pos: Some([0, 500]),
        });
    assert_eq!(st.scenario.components[2].next, vec!["db".to_string()]);
}

#[test]
fn the_first_component_of_an_empty_scenario_is_its_entry() {
    let mut empty = base();
    empty.components.clear();
    empty.traffic.entry.clear();
    let st = AppState::new(empty).apply(Action::AddComponent {
        kind: "load_balancer".into(),
        pos: None,
    });
    assert_eq!(st.scenario.traffic.entry, vec!["lb".to_string()]);
    let at = st.scenario.components[0].pos.unwrap();
    let st = st.apply(Action::AddComponent {
        kind: "web".into(),
        pos: None,
    });
    assert_eq!(st.scenario.traffic.entry, vec!["lb".to_string()]);
    assert_eq!(st.scenario.components[0].next, vec!["web".to_string()]);
    assert_eq!(st.scenario.components[1].pos, Some([at[0] + 180, at[1]]));
}

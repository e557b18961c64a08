//! The editor reducer's tests of sites and the canvas geometry: boxes, membership, hit testing,
//! rubber bands and grouping.

use super::tests::{base, reference};
use super::*;

#[test]
fn components_dropped_into_a_site_box_join_it() {
    let st = reference()
        .apply(Action::Select(Sel::Component("db".into())))
        .apply(Action::GroupIntoSite);
    let [x, y, w, h] = st.scenario.sites[0].rect.unwrap();
    let st = st.apply(Action::AddComponent {
        kind: "cache".into(),
        pos: Some([x + w / 2, y + h / 2]),
    });
    let cache = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "cache")
        .unwrap();
    assert_eq!(cache.site.as_deref(), Some("site"));
    // Moving app into the box makes it a member; moving it far away keeps it.
    let app = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "app")
        .unwrap()
        .pos
        .unwrap();
    let st = st.apply(Action::MoveComponents {
        ids: vec!["app".into()],
        dx: x + w / 2 - app[0],
        dy: y + h / 2 - app[1],
    });
    let app = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "app")
        .unwrap();
    assert_eq!(app.site.as_deref(), Some("site"));
    // Dragged out of every box, it leaves the site; undo puts it back in.
    let st = st.apply(Action::MoveComponents {
        ids: vec!["app".into()],
        dx: 5000,
        dy: 0,
    });
    assert_eq!(site_of(&st, "app"), None);
    let st = st.apply(Action::Undo);
    assert_eq!(site_of(&st, "app").as_deref(), Some("site"));
}

fn site_of(st: &AppState, id: &str) -> Option<String> {
    st.scenario
        .components
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.site.clone())
}

fn pos_of(st: &AppState, id: &str) -> [i32; 2] {
    st.scenario
        .components
        .iter()
        .find(|c| c.id == id)
        .and_then(|c| c.pos)
        .unwrap()
}

#[test]
fn rectangles_and_hit_testing() {
    assert_eq!(rect_between([10, 50], [0, 20]), [0, 20, 10, 30]);
    assert_eq!(node_rect([100, 100]), [35, 72, NODE_W, NODE_H]);
    assert!(rect_contains([0, 0, 10, 10], [0, 0, 10, 10]));
    assert!(!rect_contains([0, 0, 10, 10], [1, 1, 10, 10]));
    assert!(rect_contains(
        [i32::MIN, i32::MIN, i32::MAX, i32::MAX],
        [-5, -5, 1, 1]
    ));
    // lb at (80, 200), web at (260, 200), app (440, 200), db (620, 200).
    let s = base();
    let around = |ids: &[&str]| {
        let rs: Vec<[i32; 4]> = ids
            .iter()
            .map(|i| node_rect(pos_of(&AppState::new(s.clone()), i)))
            .collect();
        let x0 = rs.iter().map(|r| r[0]).min().unwrap() - 2;
        let y0 = rs.iter().map(|r| r[1]).min().unwrap() - 2;
        let x1 = rs.iter().map(|r| r[0] + r[2]).max().unwrap() + 2;
        let y1 = rs.iter().map(|r| r[1] + r[3]).max().unwrap() + 2;
        rect_between([x1, y1], [x0, y0])
    };
    assert_eq!(
        components_in_rect(&s, around(&["web", "app"])),
        ["web", "app"]
    );
    // A box cut through a node does not take it.
    let mut cut = around(&["web", "app"]);
    cut[2] -= 20;
    assert_eq!(components_in_rect(&s, cut), ["web"]);
    assert!(components_in_rect(&s, [0, 0, 0, 0]).is_empty());
}

#[test]
fn rubber_band_selects_exactly_the_nodes_inside_and_shift_adds() {
    let st = reference().apply(Action::Select(Sel::Component("lb".into())));
    let [x, y, _, _] = node_rect(pos_of(&st, "app"));
    let [dx, dy, dw, dh] = node_rect(pos_of(&st, "db"));
    let band = rect_between([x - 5, y - 5], [dx + dw + 5, dy + dh + 5]);
    let replaced = st.clone().apply(Action::SelectRect {
        rect: band,
        add: false,
    });
    assert_eq!(
        replaced.selection,
        vec![Sel::Component("app".into()), Sel::Component("db".into())]
    );
    // Selection is not an edit: nothing to undo.
    assert!(!replaced.can_undo());
    let added = st.apply(Action::SelectRect {
        rect: band,
        add: true,
    });
    assert_eq!(
        added.selection,
        vec![
            Sel::Component("lb".into()),
            Sel::Component("app".into()),
            Sel::Component("db".into())
        ]
    );
    assert_eq!(all_selected(&added).selection.len(), 4);
    // An empty band (a click on the background) clears the selection.
    let cleared = added.apply(Action::SelectRect {
        rect: [-900, -900, 0, 0],
        add: false,
    });
    assert!(cleared.selection.is_empty());
}

fn all_selected(st: &AppState) -> AppState {
    st.clone().apply(Action::SelectAll)
}

#[test]
fn new_site_groups_the_selected_components() {
    let st = reference();
    assert_eq!(
        new_site_rect(&st.scenario, &[]),
        free_site_rect(&st.scenario)
    );
    let sel = vec![Sel::Component("web".into()), Sel::Component("app".into())];
    let r = new_site_rect(&st.scenario, &sel);
    for id in ["web", "app"] {
        assert!(
            rect_contains(r, node_rect(pos_of(&st, id))),
            "{id} inside {r:?}"
        );
    }
    let st = st.apply(Action::AddSite { rect: r });
    assert_eq!(site_of(&st, "web").as_deref(), Some("site"));
    assert_eq!(site_of(&st, "app").as_deref(), Some("site"));
    assert_eq!(site_of(&st, "lb"), None);
    assert_eq!(site_of(&st, "db"), None);
}

#[test]
fn a_new_site_box_takes_the_nodes_under_it_and_resizing_changes_members() {
    let st = reference();
    let spot = free_site_rect(&st.scenario);
    // Below the drawing: nothing joins an empty box put there.
    let st2 = st.clone().apply(Action::AddSite { rect: spot });
    assert_eq!(st2.scenario.sites.len(), 1);
    assert_eq!(st2.selection, vec![Sel::Site("site".into())]);
    assert!(st2.scenario.components.iter().all(|c| c.site.is_none()));
    // A box drawn around web and app takes both.
    let [wx, wy] = pos_of(&st, "web");
    let [ax, _] = pos_of(&st, "app");
    let st = st.apply(Action::AddSite {
        rect: [wx - 80, wy - 50, ax - wx + 160, 100],
    });
    assert_eq!(site_of(&st, "web").as_deref(), Some("site"));
    assert_eq!(site_of(&st, "app").as_deref(), Some("site"));
    assert_eq!(site_of(&st, "db"), None);
    // Grow it to the right over db: db joins. Shrink it: app and db leave.
    let st = st.apply(Action::DragSite {
        id: "site".into(),
        resize: true,
        dx: 180,
        dy: 0,
    });
    assert_eq!(st.scenario.sites[0].rect.unwrap()[2], ax - wx + 340);
    assert_eq!(site_of(&st, "db").as_deref(), Some("site"));
    let st = st.apply(Action::DragSite {
        id: "site".into(),
        resize: true,
        dx: -5000,
        dy: -5000,
    });
    let r = st.scenario.sites[0].rect.unwrap();
    assert_eq!([r[2], r[3]], SITE_MIN);
    assert_eq!(site_of(&st, "app"), None);
    assert_eq!(site_of(&st, "db"), None);
    // Each drag is one undo step.
    let st = st.apply(Action::Undo);
    assert_eq!(site_of(&st, "db").as_deref(), Some("site"));
    // Moving a box carries its members along; others stay.
    let lb0 = pos_of(&st, "lb");
    let web0 = pos_of(&st, "web");
    let st = st.apply(Action::DragSite {
        id: "site".into(),
        resize: false,
        dx: 10,
        dy: 20,
    });
    assert_eq!(pos_of(&st, "web"), [web0[0] + 10, web0[1] + 20]);
    assert_eq!(pos_of(&st, "lb"), lb0);
    assert!(st
        .clone()
        .apply(Action::DragSite {
            id: "nowhere".into(),
            resize: true,
            dx: 1,
            dy: 1
        })
        .notice
        .unwrap()
        .text
        .contains("nowhere"));
}

#[test]
fn sites_without_a_box_keep_their_members_when_nodes_move() {
    let mut s = base();
    s.sites.push(Site {
        id: "dc1".into(),
        name: String::new(),
        kind: Default::default(),
        rect: None,
    });
    for c in &mut s.components {
        c.site = Some("dc1".into());
    }
    let st = AppState::new(s).apply(Action::MoveComponents {
        ids: vec!["db".into()],
        dx: 300,
        dy: 300,
    });
    assert_eq!(site_of(&st, "db").as_deref(), Some("dc1"));
}

#[test]
fn builtin_members_sit_inside_their_site_boxes() {
    // Otherwise moving such a node would silently take it out of its site.
    for b in crate::scenario::builtins::all() {
        let s = b.scenario();
        for c in &s.components {
            let Some(r) = c
                .site
                .as_ref()
                .and_then(|id| s.sites.iter().find(|x| x.id == *id))
                .and_then(|x| x.rect)
            else {
                continue;
            };
            let [x, y] = c.pos.unwrap_or([0, 0]);
            assert!(
                rect_contains(r, [x, y, 0, 0]),
                "{}: {} at {:?} outside its site box {:?}",
                b.name,
                c.id,
                c.pos,
                r
            );
        }
    }
}

#[test]
fn group_into_site_and_rename_site() {
    let st = reference()
        .apply(Action::Select(Sel::Component("app".into())))
        .apply(Action::ToggleSelect(Sel::Component("db".into())))
        .apply(Action::GroupIntoSite);
    assert_eq!(st.scenario.sites.len(), 1);
    let site = st.scenario.sites[0].clone();
    assert_eq!(site.id, "site");
    let [x, _, w, _] = site.rect.unwrap();
    assert!(x < 440 - NODE_W / 2 && x + w > 620 + NODE_W / 2);
    let st = st.apply(Action::UpdateSite {
        id: "site".into(),
        site: Site {
            id: "dc1".into(),
            ..site
        },
    });
    let app = st
        .scenario
        .components
        .iter()
        .find(|c| c.id == "app")
        .unwrap();
    assert_eq!(app.site.as_deref(), Some("dc1"));
    assert_eq!(st.selection, vec![Sel::Site("dc1".into())]);
}

#[test]
fn grouping_uses_the_new_site_box_around_the_selection() {
    let st = reference()
        .apply(Action::Select(Sel::Component("app".into())))
        .apply(Action::ToggleSelect(Sel::Link("lb".into(), "web".into())))
        .apply(Action::ToggleSelect(Sel::Component("db".into())));
    assert_eq!(selected_ids(&st.selection), vec!["app", "db"]);
    let expected = new_site_rect(&st.scenario, &st.selection);
    let grouped = st.clone().apply(Action::GroupIntoSite);
    assert_eq!(grouped.scenario.sites[0].rect, Some(expected));
    // The "New site" button makes the same box.
    let added = st.apply(Action::AddSite { rect: expected });
    assert_eq!(added.scenario.sites[0].rect, grouped.scenario.sites[0].rect);
    let members = |st: &AppState| -> Vec<String> {
        st.scenario
            .components
            .iter()
            .filter(|c| c.site.is_some())
            .map(|c| c.id.clone())
            .collect()
    };
    assert_eq!(members(&grouped), vec!["app", "db"]);
}

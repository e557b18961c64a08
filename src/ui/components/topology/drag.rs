//! The canvas's drag and selection state machine as a pure reducer: [`step`] takes the current
//! [`Drag`] and a [`Pointer`] action and returns the next drag, the editor actions to dispatch
//! and the pan to show. No web-sys here, so it is unit-tested natively (like `state.rs`).

use crate::ui::state::{rect_between, selected_ids, Action, Sel, SITE_MIN};

/// A point: client pixels or canvas units, as each field says.
pub type Point = (f64, f64);

/// What a press on the canvas is doing until the pointer is released.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Drag {
    #[default]
    None,
    /// Moving nodes: ids, pointer start (client px), current delta (canvas units).
    Nodes {
        ids: Vec<String>,
        start: Point,
        delta: (i32, i32),
    },
    /// Connecting from a node; the loose end in canvas units.
    Connect { from: String, end: Point },
    /// Panning: pointer start (client px) and the pan at start.
    Pan { start: Point, pan0: Point },
    /// A rubber band from `start` to `end` (canvas units); `add` (shift) adds to the selection.
    Band { start: Point, end: Point, add: bool },
    /// Moving a site box (and the components in it) or resizing it from its corner.
    Site {
        id: String,
        resize: bool,
        start: Point,
        delta: (i32, i32),
    },
}

/// The pointer's buttons: 0 main, 1 middle.
pub const MAIN: i16 = 0;
pub const MIDDLE: i16 = 1;

/// What the pointer did.
#[derive(Clone, Debug, PartialEq)]
pub enum Pointer {
    /// Pressed on a node; `selection` is the editor's.
    NodeDown {
        id: String,
        button: i16,
        shift: bool,
        client: Point,
        selection: Vec<Sel>,
    },
    /// Pressed on a node's connect handle, which sits at `at` (canvas units).
    HandleDown { id: String, at: Point },
    /// Pressed on a site box, or (`resize`) on its corner.
    SiteDown {
        id: String,
        resize: bool,
        button: i16,
        shift: bool,
        client: Point,
    },
    /// Pressed on the empty canvas; `pan_mode` when the Pan tool is on or Space is held.
    BackgroundDown {
        button: i16,
        shift: bool,
        pan_mode: bool,
        client: Point,
        canvas: Point,
        pan: Point,
    },
    /// Moved to `client` (px), which is `canvas` in canvas units at zoom `zoom`.
    Move {
        client: Point,
        canvas: Point,
        zoom: f64,
    },
    /// Released over a node (connecting ends there).
    UpOnNode { id: String },
    /// Released anywhere else, or left the canvas.
    Up,
}

/// What a pointer action leads to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Step {
    /// The next drag; `None` when it stays as it is.
    pub drag: Option<Drag>,
    /// Editor actions to dispatch, in order.
    pub actions: Vec<Action>,
    /// The view's new pan (while panning).
    pub pan: Option<Point>,
    /// The event started a drag (or ended one on a node): capture the pointer, keep the event
    /// from the elements below.
    pub took: bool,
}

impl Step {
    fn to(drag: Drag) -> Step {
        Step {
            drag: Some(drag),
            took: true,
            ..Step::default()
        }
    }
}

fn delta(start: Point, now: Point, zoom: f64) -> (i32, i32) {
    (
        ((now.0 - start.0) / zoom).round() as i32,
        ((now.1 - start.1) / zoom).round() as i32,
    )
}

fn select(sel: Sel, shift: bool) -> Action {
    if shift {
        Action::ToggleSelect(sel)
    } else {
        Action::Select(sel)
    }
}

/// The canvas-unit rectangle of a rubber band.
pub fn band_rect(start: Point, end: Point) -> [i32; 4] {
    rect_between(
        [start.0.round() as i32, start.1.round() as i32],
        [end.0.round() as i32, end.1.round() as i32],
    )
}

/// The drag's next state for a pointer action.
pub fn step(drag: &Drag, p: Pointer) -> Step {
    match p {
        Pointer::NodeDown {
            id,
            button,
            shift,
            client,
            selection,
        } => {
            if button != MAIN {
                return Step::default();
            }
            let sel = Sel::Component(id.clone());
            if shift {
                return Step {
                    actions: vec![Action::ToggleSelect(sel)],
                    ..Step::default()
                };
            }
            // A selected node drags the whole selection; another one is selected first.
            let (mut ids, actions) = if selection.contains(&sel) {
                (selected_ids(&selection), Vec::new())
            } else {
                (Vec::new(), vec![Action::Select(sel)])
            };
            if ids.is_empty() {
                ids.push(id);
            }
            Step {
                actions,
                ..Step::to(Drag::Nodes {
                    ids,
                    start: client,
                    delta: (0, 0),
                })
            }
        }
        Pointer::HandleDown { id, at } => Step::to(Drag::Connect { from: id, end: at }),
        Pointer::SiteDown {
            id,
            resize,
            button,
            shift,
            client,
        } => {
            if button != MAIN {
                return Step::default();
            }
            Step {
                actions: vec![select(Sel::Site(id.clone()), shift)],
                ..Step::to(Drag::Site {
                    id,
                    resize,
                    start: client,
                    delta: (0, 0),
                })
            }
        }
        Pointer::BackgroundDown {
            button,
            shift,
            pan_mode,
            client,
            canvas,
            pan,
        } => {
            // The middle button always pans; the main one pans in pan mode, else draws a band.
            if button == MIDDLE || (button == MAIN && pan_mode) {
                Step::to(Drag::Pan {
                    start: client,
                    pan0: pan,
                })
            } else if button == MAIN {
                Step::to(Drag::Band {
                    start: canvas,
                    end: canvas,
                    add: shift,
                })
            } else {
                Step::default()
            }
        }
        Pointer::Move {
            client,
            canvas,
            zoom,
        } => moved(drag, client, canvas, zoom),
        Pointer::UpOnNode { id } => match drag {
            Drag::Connect { from, .. } => Step {
                actions: vec![Action::Connect {
                    from: from.clone(),
                    to: id,
                }],
                ..Step::to(Drag::None)
            },
            _ => Step::default(),
        },
        Pointer::Up => released(drag),
    }
}

fn moved(drag: &Drag, client: Point, canvas: Point, zoom: f64) -> Step {
    let next = match drag {
        Drag::Nodes { ids, start, .. } => Drag::Nodes {
            ids: ids.clone(),
            start: *start,
            delta: delta(*start, client, zoom),
        },
        Drag::Connect { from, .. } => Drag::Connect {
            from: from.clone(),
            end: canvas,
        },
        Drag::Band { start, add, .. } => Drag::Band {
            start: *start,
            end: canvas,
            add: *add,
        },
        Drag::Pan { start, pan0 } => {
            return Step {
                pan: Some((pan0.0 + client.0 - start.0, pan0.1 + client.1 - start.1)),
                ..Step::default()
            }
        }
        Drag::Site {
            id, resize, start, ..
        } => Drag::Site {
            id: id.clone(),
            resize: *resize,
            start: *start,
            delta: delta(*start, client, zoom),
        },
        Drag::None => return Step::default(),
    };
    Step {
        drag: Some(next),
        ..Step::default()
    }
}

/// Releasing ends the drag: a move or site drag becomes one undo step, a band a selection.
fn released(drag: &Drag) -> Step {
    let action = match drag {
        Drag::Nodes { ids, delta, .. } if *delta != (0, 0) => Some(Action::MoveComponents {
            ids: ids.clone(),
            dx: delta.0,
            dy: delta.1,
        }),
        Drag::Site {
            id, resize, delta, ..
        } if *delta != (0, 0) => Some(Action::DragSite {
            id: id.clone(),
            resize: *resize,
            dx: delta.0,
            dy: delta.1,
        }),
        Drag::Band { start, end, add } => Some(Action::SelectRect {
            rect: band_rect(*start, *end),
            add: *add,
        }),
        _ => None,
    };
    Step {
        drag: Some(Drag::None),
        actions: action.into_iter().collect(),
        ..Step::default()
    }
}

impl Drag {
    /// How far the drag has moved component `id` (a member of `site`), for the preview.
    pub fn offset_of(&self, id: &str, site: Option<&str>) -> (i32, i32) {
        match self {
            Drag::Nodes { ids, delta, .. } if ids.iter().any(|i| i == id) => *delta,
            Drag::Site {
                id: moving,
                resize: false,
                delta,
                ..
            } if site == Some(moving.as_str()) => *delta,
            _ => (0, 0),
        }
    }

    /// Site `id`'s box `[x, y, w, h]` as the drag shows it (moved or resized).
    pub fn site_box(&self, id: &str, rect: [i32; 4]) -> [i32; 4] {
        let [x, y, w, h] = rect;
        match self {
            Drag::Site {
                id: moving,
                resize,
                delta,
                ..
            } if moving == id => {
                if *resize {
                    [
                        x,
                        y,
                        (w + delta.0).max(SITE_MIN[0]),
                        (h + delta.1).max(SITE_MIN[1]),
                    ]
                } else {
                    [x + delta.0, y + delta.1, w, h]
                }
            }
            _ => rect,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs pointer actions from no drag; the drag at the end and every action dispatched.
    fn play(actions: Vec<Pointer>) -> (Drag, Vec<Action>, Option<Point>) {
        let mut drag = Drag::None;
        let mut out = Vec::new();
        let mut pan = None;
        for p in actions {
            let s = step(&drag, p);
            if let Some(d) = s.drag {
                drag = d;
            }
            out.extend(s.actions);
            pan = s.pan.or(pan);
        }
        (drag, out, pan)
    }

    fn node_down(id: &str, shift: bool, selection: Vec<Sel>) -> Pointer {
        Pointer::NodeDown {
            id: id.into(),
            button: MAIN,
            shift,
            client: (100.0, 100.0),
            selection,
        }
    }

    fn move_to(x: f64, y: f64, zoom: f64) -> Pointer {
        Pointer::Move {
            client: (x, y),
            canvas: (x / zoom, y / zoom),
            zoom,
        }
    }

    fn c(id: &str) -> Sel {
        Sel::Component(id.into())
    }

    #[test]
    fn dragging_an_unselected_node_selects_it_and_moves_it_once() {
        let (drag, actions, _) = play(vec![
            node_down("app", false, vec![c("db")]),
            move_to(130.0, 80.0, 2.0),
            move_to(160.0, 120.0, 2.0),
            Pointer::Up,
        ]);
        assert_eq!(drag, Drag::None);
        assert_eq!(
            actions,
            vec![
                Action::Select(c("app")),
                // (160 − 100) / 2 canvas units: one undo step for the whole drag.
                Action::MoveComponents {
                    ids: vec!["app".into()],
                    dx: 30,
                    dy: 10
                },
            ]
        );
    }

    #[test]
    fn dragging_a_selected_node_moves_the_whole_selection() {
        let selection = vec![c("app"), Sel::Fault(0), c("db")];
        let (_, actions, _) = play(vec![
            node_down("db", false, selection),
            move_to(110.0, 100.0, 1.0),
            Pointer::Up,
        ]);
        assert_eq!(
            actions,
            vec![Action::MoveComponents {
                ids: vec!["app".into(), "db".into()],
                dx: 10,
                dy: 0
            }]
        );
    }

    #[test]
    fn a_click_without_moving_and_a_shift_click_change_only_the_selection() {
        let (_, actions, _) = play(vec![node_down("app", false, vec![]), Pointer::Up]);
        assert_eq!(actions, vec![Action::Select(c("app"))]);
        let s = step(&Drag::None, node_down("app", true, vec![c("db")]));
        assert_eq!(s.actions, vec![Action::ToggleSelect(c("app"))]);
        assert_eq!(s.drag, None, "shift-click starts no drag");
        assert!(!s.took);
        let right = step(
            &Drag::None,
            Pointer::NodeDown {
                id: "app".into(),
                button: 2,
                shift: false,
                client: (0.0, 0.0),
                selection: vec![],
            },
        );
        assert_eq!(
            right,
            Step::default(),
            "the right button opens the menu instead"
        );
    }

    #[test]
    fn connecting_ends_on_the_node_released_over_or_nowhere() {
        let handle = Pointer::HandleDown {
            id: "web".into(),
            at: (65.0, 0.0),
        };
        let (drag, actions, _) = play(vec![
            handle.clone(),
            move_to(300.0, 40.0, 1.0),
            Pointer::UpOnNode { id: "app".into() },
        ]);
        assert_eq!(drag, Drag::None);
        assert_eq!(
            actions,
            vec![Action::Connect {
                from: "web".into(),
                to: "app".into()
            }]
        );
        // The loose end follows the pointer.
        let drag = step(&Drag::None, handle.clone()).drag.unwrap();
        let moved = step(&drag, move_to(300.0, 40.0, 1.0)).drag.unwrap();
        assert_eq!(
            moved,
            Drag::Connect {
                from: "web".into(),
                end: (300.0, 40.0)
            }
        );
        let (_, actions, _) = play(vec![handle, move_to(5.0, 5.0, 1.0), Pointer::Up]);
        assert!(actions.is_empty(), "released on empty canvas: no edge");
        // Released over a node while not connecting: nothing (the canvas ends the drag).
        assert_eq!(
            step(&Drag::None, Pointer::UpOnNode { id: "app".into() }),
            Step::default()
        );
    }

    fn background(button: i16, shift: bool, pan_mode: bool) -> Pointer {
        Pointer::BackgroundDown {
            button,
            shift,
            pan_mode,
            client: (50.0, 50.0),
            canvas: (10.0, 10.0),
            pan: (20.0, 30.0),
        }
    }

    #[test]
    fn the_empty_canvas_draws_a_band_or_pans() {
        let (_, actions, pan) = play(vec![
            background(MAIN, true, false),
            Pointer::Move {
                client: (0.0, 0.0),
                canvas: (200.4, 90.6),
                zoom: 1.0,
            },
            Pointer::Up,
        ]);
        assert_eq!(pan, None);
        assert_eq!(
            actions,
            vec![Action::SelectRect {
                rect: [10, 10, 190, 81],
                add: true
            }]
        );
        for down in [
            background(MAIN, false, true),
            background(MIDDLE, false, false),
        ] {
            let (drag, actions, pan) = play(vec![down, move_to(80.0, 40.0, 2.0)]);
            assert!(matches!(drag, Drag::Pan { .. }));
            // Pans by client pixels, whatever the zoom: (20 + 30, 30 − 10).
            assert_eq!(pan, Some((50.0, 20.0)));
            assert!(actions.is_empty());
        }
        assert_eq!(
            step(&Drag::None, background(2, false, true)),
            Step::default()
        );
        assert!(step(&Drag::None, background(MAIN, false, false)).took);
    }

    #[test]
    fn site_boxes_move_with_their_members_and_resize() {
        let down = |resize| Pointer::SiteDown {
            id: "dc1".into(),
            resize,
            button: MAIN,
            shift: false,
            client: (0.0, 0.0),
        };
        let drag = step(&Drag::None, down(false)).drag.unwrap();
        let drag = step(&drag, move_to(30.0, -20.0, 1.0)).drag.unwrap();
        assert_eq!(drag.offset_of("app", Some("dc1")), (30, -20));
        assert_eq!(drag.offset_of("app", Some("dc2")), (0, 0));
        assert_eq!(drag.site_box("dc1", [0, 0, 200, 100]), [30, -20, 200, 100]);
        assert_eq!(drag.site_box("dc2", [0, 0, 200, 100]), [0, 0, 200, 100]);
        let s = step(&drag, Pointer::Up);
        assert_eq!(
            s.actions,
            vec![Action::DragSite {
                id: "dc1".into(),
                resize: false,
                dx: 30,
                dy: -20
            }]
        );
        // Resizing keeps the members still and the box no smaller than the minimum.
        let first = step(&Drag::None, down(true));
        assert_eq!(first.actions, vec![Action::Select(Sel::Site("dc1".into()))]);
        let drag = step(&first.drag.unwrap(), move_to(-500.0, 10.0, 1.0))
            .drag
            .unwrap();
        assert_eq!(drag.offset_of("app", Some("dc1")), (0, 0));
        assert_eq!(
            drag.site_box("dc1", [0, 0, 200, 100]),
            [0, 0, SITE_MIN[0], 110]
        );
    }

    #[test]
    fn moving_without_a_drag_does_nothing() {
        assert_eq!(step(&Drag::None, move_to(1.0, 1.0, 1.0)), Step::default());
        assert_eq!(step(&Drag::None, Pointer::Up).actions, vec![]);
    }
}

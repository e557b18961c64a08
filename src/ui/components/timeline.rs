//! The fault timeline under the canvas: every scripted fault as a marker on the time axis
//! (drag to move, click to edit in the inspector), a list with delete buttons, and an "add"
//! picker offering every fault kind.

use crate::scenario::{Dur, Fault, FaultKind, Scenario};
use crate::ui::state::{Action, Sel};
use strum::IntoEnumIterator;
use yew::prelude::*;

/// Every fault kind, in picker order (the order of [`Fault`]).
pub fn fault_kinds() -> impl Iterator<Item = FaultKind> {
    FaultKind::iter()
}

/// A fault of `kind` (its JSON name, from the picker) at `at_us`: [`Fault::template`].
pub fn fault_template(kind: &str, s: &Scenario, at_us: u64) -> Result<Fault, String> {
    let k = kind
        .parse::<FaultKind>()
        .map_err(|_| format!("Unknown fault kind `{kind}`."))?;
    Fault::template(k, s, Dur::Valid(at_us))
}

/// When a fault added from the picker starts: a third into the run, or the next free slot
/// after it (steps of 1/24 of the horizon, wrapping), so new markers do not hide each other.
pub fn free_fault_time(s: &Scenario) -> u64 {
    let horizon = s.horizon.us().max(1);
    let near = horizon / 100;
    let step = (horizon / 24).max(1);
    (0..24u64)
        .map(|k| (horizon / 3 + k * step) % horizon)
        .find(|t| s.faults.iter().all(|f| f.at().us().abs_diff(*t) > near))
        .unwrap_or(horizon / 3)
}

/// Lanes of the timeline track, and their height in pixels.
const LANES: usize = 3;
const LANE_PX: usize = 15;

/// A lane for each fault, so that markers and bars do not cover each other: the first lane in
/// which no earlier fault's marker or bar overlaps it (a marker counts as 1/50 of the horizon);
/// when all lanes are taken, the one whose occupant ends first.
pub fn fault_lanes(starts: &[u64], spans: &[Option<u64>], horizon: u64) -> Vec<usize> {
    let marker = (horizon / 50).max(1);
    let end = |k: usize| {
        starts[k].saturating_add(spans.get(k).copied().flatten().unwrap_or(0).max(marker))
    };
    let mut lanes: Vec<usize> = Vec::with_capacity(starts.len());
    for i in 0..starts.len() {
        // when each lane is busy until, among the earlier faults that overlap this one (0: free)
        let mut busy_until = [0u64; LANES];
        for j in 0..i {
            if starts[j] < end(i) && starts[i] < end(j) {
                busy_until[lanes[j]] = busy_until[lanes[j]].max(end(j));
            }
        }
        let lane = (0..LANES)
            .find(|l| busy_until[*l] == 0)
            .or_else(|| (0..LANES).min_by_key(|l| busy_until[*l]))
            .unwrap_or(0);
        lanes.push(lane);
    }
    lanes
}

/// Reads the editor (scenario, selection, problems: a fault with one is marked ✖ or ⚠ instead
/// of ▼) from [`EditorContext`](crate::ui::context::EditorContext), and watch mode's moment,
/// drawn as a cursor, from the run context.
#[function_component(Timeline)]
pub fn timeline() -> Html {
    let ed = crate::ui::context::use_editor();
    let cursor_us = crate::ui::context::use_run().cursor_us;
    let track_ref = use_node_ref();
    // Fault being dragged and its preview time.
    let drag = use_state(|| None::<(usize, u64)>);
    let kind = use_state(|| "crash".to_string());
    let error = use_state(|| None::<String>);
    let s = &ed.scenario;
    let horizon = s.horizon.us().max(1);

    let onpointermove = {
        let (drag, track_ref) = (drag.clone(), track_ref.clone());
        Callback::from(move |e: PointerEvent| {
            if let Some((i, _)) = *drag {
                drag.set(Some((i, time_at(&track_ref, e.client_x() as f64, horizon))));
            }
        })
    };
    let onpointerup = {
        let drag = drag.clone();
        let ondispatch = ed.dispatch.clone();
        Callback::from(move |_: PointerEvent| {
            if let Some((index, at_us)) = *drag {
                ondispatch.emit(Action::MoveFault { index, at_us });
                drag.set(None);
            }
        })
    };
    let onkind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            kind.set(sel.value());
        })
    };
    let onadd = {
        let kind = kind.clone();
        let s = s.clone();
        let ondispatch = ed.dispatch.clone();
        let error = error.clone();
        Callback::from(
            move |_| match fault_template(&kind, &s, free_fault_time(&s)) {
                Ok(f) => {
                    error.set(None);
                    ondispatch.emit(Action::AddFault(f));
                }
                Err(e) => error.set(Some(e)),
            },
        )
    };

    let ticks = (0..=4).map(|k| {
        let t = horizon / 4 * k;
        html! { <span class="tick" style={format!("left:{}%", k * 25)}>{ Dur::Valid(t).to_string() }</span> }
    });
    let starts: Vec<u64> = s
        .faults
        .iter()
        .enumerate()
        .map(|(i, f)| match *drag {
            Some((j, t)) if j == i => t,
            _ => f.at().us(),
        })
        .collect();
    let spans: Vec<Option<u64>> = s.faults.iter().map(|f| f.span_us(s)).collect();
    let lanes = fault_lanes(&starts, &spans, horizon);
    let markers = s.faults.iter().enumerate().map(|(i, f)| {
        let at = starts[i];
        fault_marker(
            &ed,
            &drag,
            Marker {
                i,
                f,
                at,
                row: lanes[i],
                span: spans[i],
                horizon,
            },
        )
    });
    let rows = s
        .faults
        .iter()
        .enumerate()
        .map(|(i, f)| fault_row(&ed, i, f));
    html! {
        <section class="timeline" id="fault-timeline" data-testid="fault-timeline" aria-label="Fault timeline">
            <div class="timeline-head">
                <h2>{ "Faults" }</h2>
                <label for="fault-kind" class="sr-only">{ "Fault kind" }</label>
                <select id="fault-kind" data-testid="fault-kind" onchange={onkind}>
                    { for fault_kinds().map(|k| { let k: &'static str = k.into(); html! { <option value={k} selected={k == *kind}>{ k.replace('_', " ") }</option> } }) }
                </select>
                <button class="btn small" id="add-fault" data-testid="add-fault" onclick={onadd}>{ "Add fault" }</button>
                <span class="hint">{ "or right-click a node → Fail at…" }</span>
                if let Some(e) = &*error { <span class="field-msg" role="alert">{ e.clone() }</span> }
            </div>
            <div class="track" ref={track_ref} {onpointermove} onpointerup={onpointerup.clone()} onpointerleave={onpointerup}>
                <div class="axis">{ for ticks }</div>
                { for markers }
                if let Some(c) = cursor_us {
                    <div class="cursor" id="timeline-cursor" style={format!("left:{}%", 100.0 * (c as f64 / horizon as f64).min(1.0))}></div>
                }
            </div>
            <ul class="fault-list">{ for rows }</ul>
        </section>
    }
}

/// The time under `client_x` on a track `horizon` µs long, snapped to whole seconds.
fn time_at(track: &NodeRef, client_x: f64, horizon: u64) -> u64 {
    let frac = track
        .cast::<web_sys::Element>()
        .map(|e| {
            let r = e.get_bounding_client_rect();
            if r.width() > 0.0 {
                ((client_x - r.left()) / r.width()).clamp(0.0, 1.0)
            } else {
                0.0
            }
        })
        .unwrap_or(0.0);
    let us = (frac * horizon as f64 / 1e6).round() as u64 * 1_000_000;
    us.min(horizon)
}

/// One fault on the track, as [`fault_marker`] draws it.
struct Marker<'a> {
    i: usize,
    f: &'a Fault,
    /// Its start as shown (µs; the preview while dragged).
    at: u64,
    /// Its lane.
    row: usize,
    span: Option<u64>,
    horizon: u64,
}

/// A fault's marker (▼, or ✖/⚠ with its problems) and its span bar; drag or arrow keys move it.
fn fault_marker(
    ed: &crate::ui::context::EditorContext,
    drag: &UseStateHandle<Option<(usize, u64)>>,
    m: Marker<'_>,
) -> Html {
    let Marker {
        i,
        f,
        at,
        row,
        span,
        horizon,
    } = m;
    let pct = 100.0 * (at as f64 / horizon as f64).min(1.0);
    let selected = ed.selection.contains(&Sel::Fault(i));
    let mine: Vec<&crate::scenario::Problem> = ed
        .problems
        .iter()
        .filter(|p| p.location.fault_index() == Some(i))
        .collect();
    let worst = mine.iter().map(|p| p.severity).min();
    let (glyph, sev_class) = match worst {
        Some(crate::scenario::Severity::Error) => ("✖", Some("has-error")),
        Some(crate::scenario::Severity::Warning) => ("⚠", Some("has-warning")),
        None => ("▼", None),
    };
    let why = if mine.is_empty() {
        String::new()
    } else {
        format!(
            " ({})",
            mine.iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    let onpointerdown = {
        let drag = drag.clone();
        let ondispatch = ed.dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            e.prevent_default();
            ondispatch.emit(Action::Select(Sel::Fault(i)));
            drag.set(Some((i, at)));
        })
    };
    let onkeydown = {
        let ondispatch = ed.dispatch.clone();
        let step = (horizon / 100).max(1_000_000);
        Callback::from(move |e: KeyboardEvent| {
            let to = match e.key().as_str() {
                "ArrowLeft" => at.saturating_sub(step),
                "ArrowRight" => (at + step).min(horizon),
                _ => return,
            };
            e.prevent_default();
            ondispatch.emit(Action::MoveFault {
                index: i,
                at_us: to,
            });
        })
    };
    let span = span.map(|d| {
        let end = 100.0 * (at.saturating_add(d) as f64 / horizon as f64).min(1.0);
        html! {
            <div class={classes!("fault-span", selected.then_some("selected"))} aria-hidden="true"
                data-testid={format!("fault-span-{i}")}
                title={format!("{} {} from {} for {}", f.kind_name(), f.subject(), Dur::Valid(at), Dur::Valid(d))}
                style={format!("left:{pct}%;width:{}%;top:{}px", (end - pct).max(0.0), 11 + LANE_PX * row)}></div>
        }
    });
    html! {
        <>
        { for span }
        <button class={classes!("fault-marker", format!("fault-{}", f.kind_name()), selected.then_some("selected"), sev_class)}
            style={format!("left:{pct}%;top:{}px", 2 + LANE_PX * row)} data-fault-index={i.to_string()} data-testid={format!("fault-marker-{i}")}
            aria-label={format!("{} of {} at {} (arrow keys move it){why}", f.kind_name(), f.subject(), Dur::Valid(at))}
            title={format!("{} {} at {}{why}", f.kind_name(), f.subject(), Dur::Valid(at))}
            {onpointerdown} {onkeydown}>
            { glyph }
        </button>
        </>
    }
}

/// A fault in the list under the track: select it, or delete it.
fn fault_row(ed: &crate::ui::context::EditorContext, i: usize, f: &Fault) -> Html {
    let select = {
        let d = ed.dispatch.clone();
        Callback::from(move |_| d.emit(Action::Select(Sel::Fault(i))))
    };
    let delete = {
        let d = ed.dispatch.clone();
        Callback::from(move |_| {
            d.emit(Action::Select(Sel::Fault(i)));
            d.emit(Action::DeleteSelected);
        })
    };
    let selected = ed.selection.contains(&Sel::Fault(i));
    html! {
        <li class={classes!("fault-row", selected.then_some("selected"))} data-testid={format!("fault-row-{i}")}>
            <button class="linklike" onclick={select}>
                <strong>{ f.kind_name().replace('_', " ") }</strong>{ format!(" {} at {}", f.subject(), f.at()) }
            </button>
            <button class="btn small" onclick={delete} aria-label={format!("Delete fault {}", i + 1)}>{ "Delete" }</button>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{builtins, Site};

    /// liferay-reference with two (empty) sites: some fault kinds need them.
    fn with_two_sites() -> Scenario {
        let mut s = builtins::get("liferay-reference").unwrap().scenario();
        for id in ["dc1", "dc2"] {
            s.sites.push(Site {
                id: id.into(),
                name: String::new(),
                kind: Default::default(),
                rect: None,
            });
        }
        s
    }

    #[test]
    fn every_fault_kind_has_a_template() {
        let s = with_two_sites();
        assert_eq!(fault_kinds().count(), 16);
        for k in fault_kinds() {
            let k: &str = k.into();
            let f = fault_template(k, &s, 60_000_000).unwrap_or_else(|e| panic!("{k}: {e}"));
            assert_eq!(f.kind_name(), k);
            assert_eq!(f.at().us(), 60_000_000);
            assert!(!f.subject().is_empty());
        }
    }

    #[test]
    fn fault_spans_follow_their_parameters() {
        let s = with_two_sites();
        let t = |k: &str| fault_template(k, &s, 0).unwrap();
        let mut spans = Vec::new();
        for k in fault_kinds() {
            let k: &str = k.into();
            spans.push((k, t(k).span_us(&s)));
        }
        // switch-overs are one step: no bar
        for (k, d) in &spans {
            if k.ends_with("switchover") {
                assert_eq!(*d, None, "{k}");
            }
        }
        let secs = |x: u64| x * 1_000_000;
        let mut crash = t("crash");
        let set = |f: &mut Fault, d: Option<Dur>| {
            if let Fault::Crash(x) = f {
                x.duration = d;
            }
        };
        set(&mut crash, None);
        assert_eq!(crash.span_us(&s), None, "until repaired: no bar");
        set(&mut crash, Some(Dur::secs(90)));
        assert_eq!(crash.span_us(&s), Some(secs(90)));
        let mut flap = t("flapping");
        if let Fault::Flapping(x) = &mut flap {
            (x.down, x.up, x.cycles) = (Dur::secs(10), Dur::secs(20), 4);
        }
        assert_eq!(flap.span_us(&s), Some(secs(120)));
        // the app cluster's serving nodes in batches of one: one drain + restart each
        let app = s
            .components
            .iter()
            .find(|c| c.id == "app")
            .unwrap()
            .serving_count();
        let mut roll = t("rolling_restart");
        if let Fault::RollingRestart(x) = &mut roll {
            (x.target, x.batch, x.drain, x.restart) =
                ("app".into(), 1, Dur::secs(30), Dur::secs(60));
        }
        assert_eq!(roll.span_us(&s), Some(u64::from(app) * secs(90)));
        if let Fault::RollingRestart(x) = &mut roll {
            x.target = "nowhere".into();
        }
        assert_eq!(
            roll.span_us(&s),
            None,
            "a dangling target has no known span"
        );
    }

    #[test]
    fn overlapping_faults_take_different_lanes() {
        let h = 1_000;
        // 0: 0..300, 1: 100..200 (inside 0), 2: 400 (marker only), 3: 150..160, 4: 250..900
        let starts = [0, 100, 400, 150, 250];
        let spans = [Some(300), Some(100), None, Some(10), Some(650)];
        let lanes = fault_lanes(&starts, &spans, h);
        assert_eq!(lanes[..3], [0, 1, 0]);
        assert_eq!(lanes[3], 2, "0 and 1 take the first two lanes");
        assert_eq!(lanes[4], 1, "overlaps 0 and 2 (lane 0) but not 1 or 3");
        // more overlapping faults than lanes: the lane freed first
        let lanes = fault_lanes(
            &[0, 0, 0, 0],
            &[Some(500), Some(100), Some(300), Some(50)],
            h,
        );
        assert_eq!(lanes, [0, 1, 2, 1]);
        assert!(fault_lanes(&[], &[], 0).is_empty());
    }

    #[test]
    fn new_faults_go_to_a_free_slot() {
        let mut s = builtins::get("liferay-reference").unwrap().scenario();
        s.faults.clear();
        let h = s.horizon.us();
        assert_eq!(free_fault_time(&s), h / 3);
        let mut seen = Vec::new();
        for _ in 0..30 {
            let t = free_fault_time(&s);
            assert!(t < h);
            seen.push(t);
            s.faults.push(fault_template("crash", &s, t).unwrap());
        }
        // The first 24 all differ; once every slot is taken it falls back to a third.
        let mut first: Vec<u64> = seen[..24].to_vec();
        first.sort_unstable();
        first.dedup();
        assert_eq!(first.len(), 24);
        assert_eq!(seen[29], h / 3);
    }

    #[test]
    fn a_template_without_what_it_needs_explains_why() {
        let s = builtins::get("liferay-reference").unwrap().scenario();
        assert!(fault_template("site_outage", &s, 0)
            .unwrap_err()
            .contains("site"));
        assert!(fault_template("warp", &s, 0).is_err());
    }
}

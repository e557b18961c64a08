//! The watch-mode bar under the canvas: play/pause, a time scrubber, and what happens at that
//! moment (global events, the success rate of that window when a report is there).

use crate::scenario::units::format_micros;
use crate::sim::Report;
use crate::ui::watch::{self, NodeState, Player, PlayerAction};

/// What a state means, for the legend's tooltips.
fn legend_text(s: NodeState) -> &'static str {
    match s {
        NodeState::Up => "serving",
        NodeState::Suspected => "dead or hung, not yet noticed (detection window)",
        NodeState::Down => "dead and known to be",
        NodeState::Standby => "passive member, replica or spare, ready",
        NodeState::Promoting => "taking over: replica promotion, virtual IP, spare start",
        NodeState::Draining => "taking no new sessions before maintenance or handover",
        NodeState::Recovering => "restarting, waiting for health checks, catching up, restoring",
        NodeState::Degraded => "serving with errors, latency, a leak or corruption",
    }
}
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct WatchBarProps {
    pub player: Player,
    pub horizon_us: u64,
    pub report: Option<Rc<Report>>,
    /// Global events at this moment (traffic spike, DNS failure).
    pub global: Vec<String>,
    pub onplayer: Callback<PlayerAction>,
}

#[function_component(WatchBar)]
pub fn watch_bar(props: &WatchBarProps) -> Html {
    let p = &props.player;
    let onplay = {
        let c = props.onplayer.clone();
        Callback::from(move |_| c.emit(PlayerAction::PlayPause))
    };
    let oninput = {
        let c = props.onplayer.clone();
        Callback::from(move |e: InputEvent| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            if let Ok(s) = i.value().parse::<f64>() {
                c.emit(PlayerAction::Seek((s.max(0.0) * 1e6) as u64));
            }
        })
    };
    let t_s = p.t_us as f64 / 1e6;
    let success = props
        .report
        .as_ref()
        .and_then(|r| watch::success_at(r, t_s));
    // The node states come from the run's trace: say when there is none, or it was cut short.
    let trace_note = match props.report.as_ref().map(|r| r.trace.as_ref()) {
        Some(Some(t)) if t.truncated => Some("trace truncated: later states not recorded"),
        Some(Some(_)) => None,
        Some(None) => Some("no trace: this report has no node states"),
        None => Some("no trace yet: run the scenario"),
    };
    html! {
        <div class="watch-bar" id="watch-bar" data-testid="watch-bar" role="group" aria-label="Watch the run">
            <button class="btn small" id="watch-play" data-testid="watch-play" onclick={onplay}>
                { if p.playing { "⏸ Pause" } else { "▶ Play" } }
            </button>
            <label for="watch-time" class="sr-only">{ "Moment of the run" }</label>
            <input type="range" id="watch-time" data-testid="watch-time" min="0" max={(props.horizon_us / 1_000_000).to_string()}
                step="1" value={(p.t_us / 1_000_000).to_string()} {oninput} />
            <span class="watch-time" id="watch-time-label">{ format!("t = {}", format_micros(p.t_us)) }</span>
            if let Some(pct) = success { <span>{ format!("success {pct:.2} %") }</span> }
            { for props.global.iter().map(|g| html! { <span class="watch-global">{ g.clone() }</span> }) }
            if let Some(note) = trace_note { <span class="watch-global" id="watch-trace-note">{ note }</span> }
            <span class="watch-legend" id="watch-legend" aria-label="Node states">
                { for NodeState::ALL.iter().map(|s| html! {
                    <span class={classes!("state-chip", format!("state-{}", s.name()))} title={legend_text(*s)}>
                        <span class="chip-sym" aria-hidden="true">{ s.symbol() }</span>{ format!(" {}", s.name()) }
                    </span>
                }) }
            </span>
        </div>
    }
}

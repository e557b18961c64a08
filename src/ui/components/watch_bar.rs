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
    // Next / previous incident start (buttons, and `n` / `p` while the bar has the focus).
    let step = |forward: bool| {
        let (c, r, t) = (props.onplayer.clone(), props.report.clone(), p.t_us);
        let to = r.and_then(|r| watch::incident_step(&r.incidents, t, forward));
        (
            to,
            Callback::from(move |_: ()| {
                if let Some(to) = to {
                    c.emit(PlayerAction::Seek(to))
                }
            }),
        )
    };
    let (next_at, next) = step(true);
    let (prev_at, prev) = step(false);
    let onkeydown = {
        let (next, prev) = (next.clone(), prev.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() {
                return;
            }
            match e.key().as_str() {
                "n" | "N" => next.emit(()),
                "p" | "P" => prev.emit(()),
                _ => return,
            }
            e.prevent_default();
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
        <div class="watch-bar" id="watch-bar" data-testid="watch-bar" role="group" aria-label="Watch the run" data-t-us={p.t_us.to_string()}
            tabindex="0" {onkeydown} title="n / p: next / previous incident">
            <button class="btn small" id="watch-play" data-testid="watch-play" onclick={onplay}>
                { if p.playing { "⏸ Pause" } else { "▶ Play" } }
            </button>
            <button class="btn small" id="watch-prev-incident" data-testid="watch-prev-incident" disabled={prev_at.is_none()}
                onclick={prev.reform(|_: MouseEvent| ())} title="Previous incident's start (p)">{ "◀ Previous incident" }</button>
            <button class="btn small" id="watch-next-incident" data-testid="watch-next-incident" disabled={next_at.is_none()}
                onclick={next.reform(|_: MouseEvent| ())} title="Next incident's start (n)">{ "Next incident ▶" }</button>
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

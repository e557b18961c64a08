//! The progress of a run: a bar, simulated time, events per second and Cancel.

use crate::scenario::units::format_micros;
use crate::ui::run::Progress;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProgressBarProps {
    pub progress: Progress,
    pub oncancel: Callback<()>,
}

#[function_component(ProgressBar)]
pub fn progress_bar(props: &ProgressBarProps) -> Html {
    let p = &props.progress;
    let pct = p.fraction() * 100.0;
    let oncancel = {
        let c = props.oncancel.clone();
        Callback::from(move |_| c.emit(()))
    };
    html! {
        <div class="progress" id="run-progress" data-testid="progress" role="status">
            <progress id="progress-bar" data-testid="progress-bar" max="100" value={format!("{pct:.1}")}
                aria-label="Simulation progress">{ format!("{pct:.0}%") }</progress>
            <span>{ format!("simulated {} of {} · {:.0} events/s · {} events",
                format_micros(p.now_us / 1_000_000 * 1_000_000), format_micros(p.horizon_us), p.events_per_s, p.events) }</span>
            <button class="btn small danger" id="progress-cancel" data-testid="progress-cancel" onclick={oncancel}>{ "Cancel" }</button>
        </div>
    }
}

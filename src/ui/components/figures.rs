//! What a component did in the last run, in the inspector: requests served, queueing, node
//! availability. Shown only for the component that ran (same id, kind and parameters), and
//! marked stale when the scenario has changed since; never another component's figures.

use crate::scenario::{Component, Scenario};
use crate::sim::report::ComponentStats;
use crate::sim::Report;
use yew::prelude::*;

/// Which figures the inspector shows for a component.
#[derive(Debug, PartialEq)]
pub enum Figures<'a> {
    /// No run yet.
    None,
    /// The last run is of this very scenario.
    Fresh(&'a ComponentStats),
    /// The component is as it ran, something else changed: shown, marked stale.
    Stale(&'a ComponentStats),
    /// The component is new, or its kind or parameters changed: the figures would be another
    /// component's, so none are shown; the text says why.
    Gone(String),
}

/// Whether `now` is the component that ran as `then`: its kind, parameters and random failures
/// are the same (its name, position and calls may differ).
fn same_component(now: &Component, then: &Component) -> bool {
    now.spec == then.spec && now.failure == then.failure
}

/// The figures for component `id` of `current`, from the last `report` of scenario `ran`.
pub fn figures_for<'a>(
    report: Option<&'a Report>,
    ran: Option<&Scenario>,
    current: &Scenario,
    id: &str,
) -> Figures<'a> {
    let Some(report) = report else {
        return Figures::None;
    };
    let now = current.components.iter().find(|c| c.id == id);
    let then = ran.and_then(|r| r.components.iter().find(|c| c.id == id));
    let stats = report.components.iter().find(|c| c.id == id);
    match (now, then, stats) {
        (Some(now), Some(then), Some(st)) if same_component(now, then) => {
            if ran.is_some_and(|r| r == current) {
                Figures::Fresh(st)
            } else {
                Figures::Stale(st)
            }
        }
        (_, Some(_), Some(_)) => Figures::Gone(format!(
            "{id} has changed since the last run: Run to see its figures."
        )),
        _ => Figures::Gone(format!(
            "{id} was not in the last run: Run to see its figures."
        )),
    }
}

#[derive(Properties, PartialEq)]
pub struct RunFiguresProps {
    pub id: String,
}

#[function_component(RunFigures)]
pub fn run_figures(props: &RunFiguresProps) -> Html {
    let ed = crate::ui::context::use_editor();
    let run = crate::ui::context::use_run();
    let figures = figures_for(
        run.report.as_deref(),
        run.report_scenario.as_deref(),
        &ed.scenario,
        &props.id,
    );
    let (st, stale) = match figures {
        Figures::None => return html! {},
        Figures::Gone(why) => {
            return html! { <p class="hint run-figures-none" id="component-figures-none">{ why }</p> }
        }
        Figures::Fresh(st) => (st, false),
        Figures::Stale(st) => (st, true),
    };
    html! {
        <dl class={classes!("run-figures", stale.then_some("stale"))} id="component-figures" data-stale={stale.to_string()}>
            if stale {
                <div class="stale-note" id="component-figures-stale">{ "Stale: from the last run, before the scenario changed. Run to update." }</div>
            }
            <dt>{ "Served" }</dt><dd>{ format!("{} requests", crate::report::thousands(st.served)) }</dd>
            <dt>{ "Mean queue wait" }</dt><dd>{ format!("{:.1} ms", st.mean_wait_ms) }</dd>
            <dt>{ "Node availability" }</dt><dd>{ crate::report::percent(st.node_availability) }</dd>
            <dt>{ "Nodes" }</dt><dd>{ st.nodes }</dd>
        </dl>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{LbMode, Spec};

    fn setup() -> (Scenario, Report) {
        let s = crate::scenario::builtins::get("liferay-reference")
            .unwrap()
            .scenario();
        let report = Report {
            components: ["lb", "web", "app", "db"]
                .iter()
                .map(|id| ComponentStats {
                    id: id.to_string(),
                    nodes: 2,
                    served: 181_574,
                    ..ComponentStats::default()
                })
                .collect(),
            ..Report::default()
        };
        (s, report)
    }

    #[test]
    fn the_figures_of_the_scenario_that_ran_are_fresh() {
        let (s, r) = setup();
        assert_eq!(figures_for(None, None, &s, "lb"), Figures::None);
        assert!(
            matches!(figures_for(Some(&r), Some(&s), &s, "lb"), Figures::Fresh(st) if st.id == "lb")
        );
    }

    #[test]
    fn another_change_makes_them_stale() {
        let (s, r) = setup();
        let mut now = s.clone();
        now.components[1].name = "renamed".into();
        now.seed = now.seed.wrapping_add(1);
        assert!(
            matches!(figures_for(Some(&r), Some(&s), &now, "lb"), Figures::Stale(st) if st.id == "lb")
        );
        assert!(matches!(
            figures_for(Some(&r), Some(&s), &now, "web"),
            Figures::Stale(_)
        ));
    }

    #[test]
    fn a_new_or_changed_component_never_shows_the_old_ones() {
        let (s, r) = setup();
        // The pair deleted and a new single load balancer added under the same id.
        let mut now = s.clone();
        if let Spec::LoadBalancer(lb) = &mut now.components[0].spec {
            lb.mode = LbMode::Single;
        }
        match figures_for(Some(&r), Some(&s), &now, "lb") {
            Figures::Gone(why) => assert!(why.contains("changed"), "{why}"),
            other => panic!("{other:?}"),
        }
        // A component that was not there.
        now.components[0].id = "lb2".into();
        match figures_for(Some(&r), Some(&s), &now, "lb2") {
            Figures::Gone(why) => assert!(why.contains("not in the last run"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}

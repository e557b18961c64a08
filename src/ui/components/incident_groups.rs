//! The incident table's grouped form, above `report::incident_groups::GROUP_ABOVE` incidents:
//! one row per (trigger, component) with its count, first and last start, failed requests and
//! worst RTO; "Show" opens a group's incidents below (in the table's order, drawn in pages).

use super::incidents::{incident_row, INCIDENT_ROWS};
use crate::report::{self, incident_groups};
use crate::sim::Report;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct IncidentGroupsProps {
    pub report: Rc<Report>,
    /// The incidents shown (filtered and sorted), as indices into the report's.
    pub rows: Rc<Vec<usize>>,
    pub onshow: Callback<(f64, f64)>,
}

#[function_component(IncidentGroups)]
pub fn incident_groups_view(props: &IncidentGroupsProps) -> Html {
    let open = use_state_eq(|| None::<(String, String)>);
    let shown = use_state_eq(|| INCIDENT_ROWS);
    let r = &props.report;
    let groups = incident_groups::groups(&r.incidents, &props.rows);
    let opened = groups
        .iter()
        .find(|g| open.as_ref() == Some(&(g.trigger.clone(), g.component.clone())));
    let toggle = |g: &incident_groups::Group| {
        let key = (g.trigger.clone(), g.component.clone());
        let is_open = open.as_ref() == Some(&key);
        let (open, shown) = (open.clone(), shown.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            shown.set(INCIDENT_ROWS);
            open.set((!is_open).then(|| key.clone()));
        });
        html! {
            <button class="linklike" data-testid="incident-group-toggle" aria-expanded={is_open.to_string()} {onclick}>
                { if is_open { "Hide" } else { "Show" } }
            </button>
        }
    };
    html! {
        <>
        <table class="incidents incident-groups" id="incident-groups" data-testid="incident-groups">
            <caption class="sr-only">{ "Incidents grouped by trigger and component; Show lists a group's incidents" }</caption>
            <thead><tr>
                <th scope="col">{ "Trigger" }</th><th scope="col">{ "Component" }</th><th scope="col">{ "Incidents" }</th>
                <th scope="col">{ "First start" }</th><th scope="col">{ "Last start" }</th>
                <th scope="col">{ "Failed requests" }</th><th scope="col">{ "Worst RTO" }</th><th scope="col">{ "" }</th>
            </tr></thead>
            <tbody>
                { for groups.iter().map(|g| html! {
                    <tr class="incident-group" data-testid="incident-group" data-count={g.count.to_string()}>
                        <td>{ g.trigger.clone() }</td><td>{ g.component.clone() }</td><td>{ report::thousands(g.count) }</td>
                        <td>{ report::duration_s(g.first_start_s) }</td><td>{ report::duration_s(g.last_start_s) }</td>
                        <td>{ report::thousands(g.requests_failed) }</td><td>{ report::duration_s(g.worst_rto_s) }</td>
                        <td>{ toggle(g) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
        if let Some(g) = opened {
            <h4 id="incident-group-open">{ format!("{} · {}: {} incidents", g.trigger, g.component, report::thousands(g.count)) }</h4>
            <table class="incidents" id="incident-table" data-testid="incident-table">
                <thead><tr>
                    { for ["#", "Trigger", "Component", "Start", "RTO", "Failed requests", "Lost sessions", "Lost writes", "RPO", "Recovery"]
                        .iter().map(|h| html! { <th scope="col">{ *h }</th> }) }
                </tr></thead>
                <tbody>
                    { for g.members.iter().take(*shown).map(|&i| incident_row(i, &r.incidents[i], &props.onshow)) }
                </tbody>
            </table>
            <super::ShowMore total={g.members.len()} shown={*shown} step={INCIDENT_ROWS} what="incidents"
                onmore={{ let shown = shown.clone(); Callback::from(move |n| shown.set(n)) }} />
        }
        </>
    }
}

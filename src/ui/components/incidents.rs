//! The incident table (seed 003's failure table): sortable by a click on a column's header
//! (again: the other way), filtered by a text that the trigger, component or recovery must
//! contain, drawn in pages; a click on a row zooms the charts to that incident and moves the watch view to its start.

use crate::report;
use crate::report::incident_groups::GROUP_ABOVE;
use crate::sim::report::Incident;
use crate::sim::Report;
use std::rc::Rc;
use yew::prelude::*;

/// Incident rows drawn at first (and per "Show more"): a run with a million random failures
/// must not build a million table rows; the report and its exports keep them all.
pub const INCIDENT_ROWS: usize = 200;

/// A column the table sorts by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// The report's order (by start).
    Number,
    Start,
    Rto,
    Failed,
    SessionsLost,
    WritesLost,
}

/// The incidents to show, as indices into `incidents`: those whose trigger, component or
/// recovery contains `filter` (ignoring case), sorted by `key` (`desc`: largest first), ties in
/// the report's order.
pub fn order(incidents: &[Incident], key: SortKey, desc: bool, filter: &str) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    let mut v: Vec<usize> = (0..incidents.len())
        .filter(|&i| {
            let x = &incidents[i];
            needle.is_empty()
                || [&x.trigger, &x.component, &x.recovery]
                    .iter()
                    .any(|s| s.to_lowercase().contains(&needle))
        })
        .collect();
    let value = |i: usize| -> f64 {
        let x = &incidents[i];
        match key {
            SortKey::Number => i as f64,
            SortKey::Start => x.start_s,
            SortKey::Rto => x.rto_s,
            SortKey::Failed => x.requests_failed as f64,
            SortKey::SessionsLost => x.sessions_lost as f64,
            SortKey::WritesLost => x.writes_lost as f64,
        }
    };
    v.sort_by(|&a, &b| {
        let o = value(a).total_cmp(&value(b));
        (if desc { o.reverse() } else { o }).then(a.cmp(&b))
    });
    v
}

#[derive(Properties, PartialEq)]
pub struct IncidentsProps {
    pub report: Rc<Report>,
    /// Zooms the charts to an incident's span (start, end) in seconds.
    pub onshow: Callback<(f64, f64)>,
}

#[function_component(Incidents)]
pub fn incidents(props: &IncidentsProps) -> Html {
    let shown = use_state(|| INCIDENT_ROWS);
    let sort = use_state_eq(|| (SortKey::Number, false));
    let filter = use_state_eq(String::new);
    let r = &props.report;
    let rows = order(&r.incidents, sort.0, sort.1, &filter);
    let header = |label: &'static str, key: SortKey| {
        let (on, desc) = (sort.0 == key, sort.1);
        let sort = sort.clone();
        let aria = match (on, desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let onclick = Callback::from(move |_| sort.set((key, on && !desc)));
        html! {
            <th scope="col" aria-sort={aria}>
                <button class="linklike sort" data-sort={label} {onclick}>
                    { label }{ if on { if desc { " ▼" } else { " ▲" } } else { "" } }
                </button>
            </th>
        }
    };
    let oninput = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let i: web_sys::HtmlInputElement = e.target_unchecked_into();
            filter.set(i.value());
        })
    };
    let plain = |label: &'static str| html! { <th scope="col">{ label }</th> };
    let tools = html! {
        <div class="incident-tools">
            <h3>{ "Incidents" }</h3>
            <label for="incident-filter" class="sr-only">{ "Filter the incidents" }</label>
            <input id="incident-filter" type="search" placeholder="Filter: trigger, component, recovery" value={(*filter).clone()} {oninput} />
            <span class="hint" id="incident-count">{ format!("{} of {}", rows.len(), r.incidents.len()) }</span>
        </div>
    };
    if rows.len() > GROUP_ABOVE {
        return html! {
            <>
            { tools }
            <p class="hint" id="incident-grouped">{ format!("More than {GROUP_ABOVE} incidents: grouped by trigger and component (filter to narrow them).") }</p>
            <super::incident_groups::IncidentGroups report={r.clone()} rows={Rc::new(rows)} onshow={props.onshow.clone()} />
            </>
        };
    }
    html! {
        <>
        { tools }
        <table class="incidents" id="incident-table" data-testid="incident-table">
            <caption class="sr-only">{ "Incidents, in the form of seed 003's failure table; a click on a row zooms the charts to it" }</caption>
            <thead><tr>
                { header("#", SortKey::Number) }{ plain("Trigger") }{ plain("Component") }
                { header("Start", SortKey::Start) }{ header("RTO", SortKey::Rto) }{ header("Failed requests", SortKey::Failed) }
                { header("Lost sessions", SortKey::SessionsLost) }{ header("Lost writes", SortKey::WritesLost) }{ plain("RPO") }
                { plain("Recovery") }
            </tr></thead>
            <tbody>
                if r.incidents.is_empty() {
                    <tr class="none"><td colspan="10">{ "No incidents: no request failed because of a fault." }</td></tr>
                }
                { for rows.iter().take(*shown).map(|&i| incident_row(i, &r.incidents[i], &props.onshow)) }
            </tbody>
        </table>
        <super::ShowMore total={rows.len()} shown={*shown} step={INCIDENT_ROWS} what="incidents"
            onmore={{ let shown = shown.clone(); Callback::from(move |n| shown.set(n)) }} />
        </>
    }
}

/// One incident's row: a click zooms the charts to it and moves the watch view to its start.
pub fn incident_row(i: usize, inc: &Incident, onshow: &Callback<(f64, f64)>) -> Html {
    let span = (inc.start_s, inc.start_s + inc.rto_s);
    html! {
        <tr class="incident-row" data-testid="incident-row" data-incident-index={i.to_string()} key={i}
            data-start-us={crate::ui::watch::micros(inc.start_s).to_string()}
            onclick={onshow.reform(move |_: MouseEvent| span)} title="Click to zoom the charts to this incident and watch it">
            <td>{ i + 1 }</td><td>{ inc.trigger.clone() }</td><td>{ inc.component.clone() }</td>
            <td>{ report::duration_s(inc.start_s) }</td><td>{ report::duration_s(inc.rto_s) }</td>
            <td>{ report::thousands(inc.requests_failed) }</td><td>{ inc.sessions_lost }</td><td>{ inc.writes_lost }</td>
            <td>{ report::duration_s(inc.rpo_s) }</td><td>{ inc.recovery.clone() }</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::incident_groups::inc;

    #[test]
    fn incidents_sort_by_a_column_either_way_and_filter_by_text() {
        let v = vec![
            inc("crash", "app#0", 1200.0, 0.0, 1),
            inc("crash", "lb#0", 2400.0, 4.0, 224),
            inc("site_outage", "a", 600.0, 4.0, 50),
        ];
        assert_eq!(order(&v, SortKey::Number, false, ""), [0, 1, 2]);
        assert_eq!(order(&v, SortKey::Number, true, ""), [2, 1, 0]);
        assert_eq!(order(&v, SortKey::Start, false, ""), [2, 0, 1]);
        assert_eq!(order(&v, SortKey::Failed, true, ""), [1, 2, 0]);
        // Ties keep the report's order, either way.
        assert_eq!(order(&v, SortKey::Rto, true, ""), [1, 2, 0]);
        assert_eq!(order(&v, SortKey::Number, false, "CRASH"), [0, 1]);
        assert_eq!(order(&v, SortKey::Failed, true, " lb "), [1]);
        assert!(order(&v, SortKey::Number, false, "nothing").is_empty());
    }
}

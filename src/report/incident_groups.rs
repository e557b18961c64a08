//! The incident table's groups for a run with thousands of incidents: one row per (trigger,
//! component) with how many, the first and last start, the failed requests in all and the
//! worst RTO; a group opened shows its incidents. Pure, so it is unit-tested natively.

use crate::sim::report::Incident;
use std::collections::BTreeMap;

/// Above this many incidents (after the filter) the table shows groups instead of rows.
pub const GROUP_ABOVE: usize = 200;

/// The incidents of one trigger and component.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Group {
    pub trigger: String,
    pub component: String,
    /// Incidents in the group: an aggregated record (beyond the report's first 1,000) counts
    /// as the incidents it stands for.
    pub count: u64,
    pub first_start_s: f64,
    pub last_start_s: f64,
    pub requests_failed: u64,
    pub worst_rto_s: f64,
    /// The group's incidents, as indices into the report's list, in the order given.
    pub members: Vec<usize>,
}

/// The groups of `shown` (indices into `incidents`, e.g. the table's filtered and sorted
/// order): by trigger then component, each keeping its members in `shown`'s order. Indices out
/// of range are skipped.
pub fn groups(incidents: &[Incident], shown: &[usize]) -> Vec<Group> {
    let mut by: BTreeMap<(&str, &str), Group> = BTreeMap::new();
    for &i in shown {
        let Some(x) = incidents.get(i) else { continue };
        let g = by
            .entry((x.trigger.as_str(), x.component.as_str()))
            .or_insert_with(|| Group {
                trigger: x.trigger.clone(),
                component: x.component.clone(),
                first_start_s: f64::INFINITY,
                last_start_s: f64::NEG_INFINITY,
                ..Group::default()
            });
        g.count += x.aggregated.max(1);
        g.first_start_s = g.first_start_s.min(x.start_s);
        g.last_start_s = g.last_start_s.max(x.start_s);
        g.requests_failed += x.requests_failed;
        g.worst_rto_s = g.worst_rto_s.max(x.rto_s);
        g.members.push(i);
    }
    by.into_values().collect()
}

/// An incident with the fields the grouping and the incidents table read (tests of both).
#[cfg(test)]
pub(crate) fn inc(
    trigger: &str,
    component: &str,
    start_s: f64,
    rto_s: f64,
    failed: u64,
) -> Incident {
    Incident {
        trigger: trigger.into(),
        component: component.into(),
        start_s,
        rto_s,
        requests_failed: failed,
        ..Incident::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidents_group_by_trigger_and_component_with_hand_computed_totals() {
        let mut v = vec![
            inc("random failure", "web#1", 900.0, 3.0, 10),
            inc("crash", "app#0", 60.0, 8.0, 100),
            inc("random failure", "web#1", 300.0, 5.5, 7),
            inc("random failure", "web#0", 450.0, 1.0, 2),
            inc("random failure", "web#1", 1200.0, 2.0, 1),
        ];
        v.push(Incident {
            aggregated: 40,
            ..inc("random failure", "web", 5000.0, 600.0, 1234)
        });
        let all: Vec<usize> = (0..v.len()).collect();
        let g = groups(&v, &all);
        let keys: Vec<(&str, &str, u64)> = g
            .iter()
            .map(|g| (g.trigger.as_str(), g.component.as_str(), g.count))
            .collect();
        assert_eq!(
            keys,
            [
                ("crash", "app#0", 1),
                ("random failure", "web", 40),
                ("random failure", "web#0", 1),
                ("random failure", "web#1", 3),
            ]
        );
        let w1 = &g[3];
        assert_eq!((w1.first_start_s, w1.last_start_s), (300.0, 1200.0));
        assert_eq!(w1.requests_failed, 18);
        assert_eq!(w1.worst_rto_s, 5.5);
        assert_eq!(w1.members, [0, 2, 4]);
        // The counts add up to every incident the report stands for.
        assert_eq!(g.iter().map(|g| g.count).sum::<u64>(), 5 + 40);
        // Members follow the order given (here: a sort by start, latest first); bad indices
        // are skipped.
        let g = groups(&v, &[4, 0, 2, 99]);
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].members, [4, 0, 2]);
        assert!(groups(&v, &[]).is_empty());
    }
}

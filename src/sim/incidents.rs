//! Incident records and the chart's markers: a new incident (or its aggregate beyond
//! [`MAX_INCIDENT_RECORDS`]), its clearing and recovery, and the markers kept (at most
//! [`MAX_MARKERS`]; a lean run only counts them).

use super::config::limits::{MAX_INCIDENT_RECORDS, MAX_MARKERS};
use super::metrics::{IncidentRec, Metrics};
use super::time::Time;

impl Metrics {
    /// True once new incidents go to aggregate records (no label needs formatting then: the
    /// component's id is enough).
    pub fn incidents_full(&self) -> bool {
        self.incidents.len() >= MAX_INCIDENT_RECORDS
    }

    pub fn new_incident(&mut self, now: Time, trigger: &str, component: &str) -> u32 {
        if self.incidents_full() {
            return self.aggregate_incident(now, trigger, component);
        }
        self.incidents.push(IncidentRec {
            trigger: trigger.to_string(),
            component: component.to_string(),
            fault_at: now,
            ..IncidentRec::default()
        });
        if self.marker_slot() {
            let mut label = String::with_capacity(trigger.len() + 1 + component.len());
            label.push_str(trigger);
            label.push(' ');
            label.push_str(component);
            self.markers.push((now, label));
        }
        (self.incidents.len() - 1) as u32
    }

    /// Beyond [`MAX_INCIDENT_RECORDS`]: the incident joins its (trigger, component) aggregate
    /// (the component without its `#node`), which allocates nothing once it exists.
    #[inline(never)]
    fn aggregate_incident(&mut self, now: Time, trigger: &str, component: &str) -> u32 {
        let comp = component.split('#').next().unwrap_or(component);
        let known = self
            .aggregates
            .get(trigger)
            .and_then(|m| m.get(comp))
            .copied();
        let i = known.unwrap_or_else(|| {
            let i = self.incidents.len() as u32;
            self.incidents.push(IncidentRec {
                trigger: trigger.to_string(),
                component: comp.to_string(),
                fault_at: now,
                ..IncidentRec::default()
            });
            self.aggregates
                .entry(trigger.to_string())
                .or_default()
                .insert(comp.to_string(), i);
            i
        });
        let r = &mut self.incidents[i as usize];
        r.aggregated += 1;
        r.open += 1;
        r.cleared_at = None;
        self.markers_omitted += 1;
        i
    }

    pub fn clear_incident(&mut self, incident: u32, now: Time) {
        if let Some(r) = self.incidents.get_mut(incident as usize) {
            if r.aggregated > 0 {
                r.open = r.open.saturating_sub(1);
                if r.open == 0 {
                    r.cleared_at = Some(now);
                }
            } else if r.cleared_at.is_none() {
                r.cleared_at = Some(now);
            }
        }
    }

    /// A marker, unless [`MAX_MARKERS`] are kept already (then counted).
    fn mark(&mut self, now: Time, text: String) {
        if self.marker_slot() {
            self.markers.push((now, text));
        }
    }

    /// Whether a new marker is to be kept: at most [`MAX_MARKERS`] are (the rest are counted in
    /// `markers_omitted`), and a lean run only counts them.
    fn marker_slot(&mut self) -> bool {
        if self.markers.len() as u64 + self.unkept[1] >= MAX_MARKERS as u64 {
            self.markers_omitted += 1;
            false
        } else if self.lean {
            self.unkept[1] += 1;
            false
        } else {
            true
        }
    }

    /// Records how an incident recovered (a decisive step: replaces an earlier text).
    pub fn recovery(&mut self, incident: u32, now: Time, text: String) {
        if let Some(r) = self.incidents.get_mut(incident as usize) {
            if r.aggregated == 0 {
                r.recovery = text.clone();
                r.recovered_at = Some(now);
            }
        }
        self.mark(now, text);
    }

    /// Records a recovery step unless a text is already there.
    pub fn recovery_soft(&mut self, incident: u32, now: Time, text: String) {
        if let Some(r) = self.incidents.get_mut(incident as usize) {
            if r.recovery.is_empty() && r.aggregated == 0 {
                r.recovery = text.clone();
                r.recovered_at = Some(now);
            }
        }
        self.mark(now, text);
    }
}

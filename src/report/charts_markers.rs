//! Fault markers that stay readable with many faults: markers closer than a label's width on
//! the chart are merged into one cluster ("N faults"), whose hover text lists them all in full.
//! Pure geometry, shared by the drawing (`charts`) and the page's hover targets.

use super::charts::marker_label;
use super::charts_range::{x_at, TimeRange};
use super::format::duration_s;
use crate::sim::report::Marker;

/// Markers closer than this many pixels share one label.
pub const CLUSTER_GAP_PX: f64 = 28.0;

/// One or more markers drawn as one label.
#[derive(Clone, Debug, PartialEq)]
pub struct MarkerCluster {
    /// The pixel column of the cluster's first marker.
    pub x_px: f64,
    /// The pixel columns of all its markers (each keeps its own line).
    pub xs_px: Vec<f64>,
    /// Its markers' moments and full labels, in time order.
    pub items: Vec<(f64, String)>,
}

impl MarkerCluster {
    /// The label on the chart: the marker's short label; for two or three, the first one's
    /// first words and how many more ("crash app#0 +1"); for more, "N faults".
    pub fn label(&self) -> String {
        match self.items.as_slice() {
            [(_, l)] => marker_label(l),
            [(_, l), rest @ ..] if rest.len() <= 2 => {
                let short: String = l.chars().take(14).collect();
                format!("{} +{}", short.trim_end(), rest.len())
            }
            items => format!("{} faults", items.len()),
        }
    }

    /// The hover text: every marker in full with its moment, one a line.
    pub fn title(&self) -> String {
        self.items
            .iter()
            .map(|(t, l)| format!("{}: {l}", duration_s(*t)))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The markers in `view` on a chart `width_px` wide, clustered left to right: a marker within
/// `gap_px` of the current cluster's first marker joins it, otherwise it starts a new one.
pub fn cluster_markers(
    markers: &[Marker],
    view: &TimeRange,
    width_px: f64,
    gap_px: f64,
) -> Vec<MarkerCluster> {
    let mut in_view: Vec<(f64, &Marker)> = markers
        .iter()
        .filter_map(|m| x_at(view, m.t_s, width_px).map(|x| (x, m)))
        .collect();
    in_view.sort_by(|a, b| a.1.t_s.total_cmp(&b.1.t_s));
    let mut out: Vec<MarkerCluster> = Vec::new();
    for (x, m) in in_view {
        match out.last_mut() {
            Some(c) if x - c.x_px < gap_px => {
                c.xs_px.push(x);
                c.items.push((m.t_s, m.label.clone()));
            }
            _ => out.push(MarkerCluster {
                x_px: x,
                xs_px: vec![x],
                items: vec![(m.t_s, m.label.clone())],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(t_s: f64, label: &str) -> Marker {
        Marker {
            t_s,
            label: label.into(),
        }
    }

    /// A 0..1000 s view on a 566 px chart: the plot is 566 - 66 - 10 = 490 px wide from x = 66,
    /// so one second is 0.49 px.
    fn view() -> TimeRange {
        TimeRange {
            from_s: 0.0,
            to_s: 1000.0,
        }
    }

    #[test]
    fn far_markers_keep_their_own_labels() {
        let c = cluster_markers(
            &[m(500.0, "crash db"), m(0.0, "crash app")],
            &view(),
            566.0,
            28.0,
        );
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].x_px, 66.0);
        assert_eq!(c[1].x_px, 66.0 + 245.0);
        assert_eq!(c[0].label(), "crash app");
        assert_eq!(c[1].title(), format!("{}: crash db", duration_s(500.0)));
    }

    #[test]
    fn close_markers_are_one_cluster_listing_all() {
        // 10 s apart is 4.9 px: the first five (0..40 s, 19.6 px) share a label, 60 s (29.4 px
        // from the first) starts a new one.
        let ms: Vec<Marker> = [0.0, 10.0, 20.0, 30.0, 40.0, 60.0]
            .iter()
            .map(|t| m(*t, &format!("crash node-{t} and a long description of it")))
            .collect();
        let c = cluster_markers(&ms, &view(), 566.0, 28.0);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].label(), "5 faults");
        assert_eq!(c[0].xs_px.len(), 5);
        let title = c[0].title();
        assert_eq!(title.lines().count(), 5);
        assert!(title.contains("crash node-40 and a long description of it"));
        assert_eq!(c[1].label(), marker_label(&ms[5].label));
        // Two or three close together: the first one's first words and how many more.
        let two = cluster_markers(&ms[..2], &view(), 566.0, 28.0);
        assert_eq!(two.len(), 1);
        assert_eq!(two[0].label(), "crash node-0 a +1");
        let three = cluster_markers(&ms[..3], &view(), 566.0, 28.0);
        assert_eq!(three[0].label(), "crash node-0 a +2");
    }

    #[test]
    fn thousands_of_markers_give_few_labels_and_out_of_view_ones_none() {
        let ms: Vec<Marker> = (0..5000).map(|i| m(i as f64 * 0.2, "crash")).collect();
        let c = cluster_markers(&ms, &view(), 566.0, 28.0);
        // 490 px of plot at most one label per 28 px.
        assert!(c.len() <= 490 / 28 + 1, "{}", c.len());
        assert_eq!(c.iter().map(|c| c.items.len()).sum::<usize>(), 5000);
        let late = TimeRange {
            from_s: 2000.0,
            to_s: 3000.0,
        };
        assert!(cluster_markers(&ms, &late, 566.0, 28.0).is_empty());
    }
}

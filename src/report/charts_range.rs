//! The time range the charts show (zoom and pan on time, shared by the four charts) and the
//! mapping between a chart's drawing pixels and time, as [`draw_view`](super::charts::draw_view)
//! lays the plot out.

use super::charts::{x_span_s, PLOT_MARGIN, Y_LABEL_AREA};
use crate::sim::Report;

/// A drag narrower than this many drawing pixels is a click, not a zoom.
pub const MIN_DRAG_PX: f64 = 4.0;

/// A span of the x axis, in seconds of simulated time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimeRange {
    pub from_s: f64,
    pub to_s: f64,
}

impl TimeRange {
    /// The whole run.
    pub fn full(r: &Report) -> TimeRange {
        TimeRange {
            from_s: 0.0,
            to_s: x_span_s(r),
        }
    }

    pub fn len_s(&self) -> f64 {
        (self.to_s - self.from_s).max(1e-9)
    }

    pub fn contains(&self, t_s: f64) -> bool {
        (self.from_s..=self.to_s).contains(&t_s)
    }

    /// The narrowest range allowed: one window of the run, or a millionth of it.
    fn min_len(r: &Report) -> f64 {
        r.series.window_s.max(x_span_s(r) * 1e-6).max(1e-6)
    }

    /// This range, at least `min` long (widened about its middle) and inside the whole run.
    fn clamped(self, r: &Report) -> TimeRange {
        let full = TimeRange::full(r);
        let min = TimeRange::min_len(r).min(full.len_s());
        let (mut a, mut b) = (self.from_s.min(self.to_s), self.from_s.max(self.to_s));
        if b - a < min {
            let mid = (a + b) / 2.0;
            a = mid - min / 2.0;
            b = mid + min / 2.0;
        }
        // Shift back inside, keeping the length.
        if a < full.from_s {
            b += full.from_s - a;
            a = full.from_s;
        }
        if b > full.to_s {
            a -= b - full.to_s;
            b = full.to_s;
        }
        TimeRange {
            from_s: a.max(full.from_s),
            to_s: b,
        }
    }
}

/// The plot's left edge and width, in drawing pixels of a chart `width_px` wide.
fn plot_span(width_px: f64) -> (f64, f64) {
    let left = PLOT_MARGIN + Y_LABEL_AREA;
    (left, width_px - left - PLOT_MARGIN)
}

/// The moment under pixel column `x_px` of a chart showing `view`; `None` off the plot.
pub fn t_at(view: &TimeRange, x_px: f64, width_px: f64) -> Option<f64> {
    let (left, w) = plot_span(width_px);
    if !x_px.is_finite() || w <= 0.0 {
        return None;
    }
    let frac = (x_px - left) / w;
    (0.0..=1.0)
        .contains(&frac)
        .then(|| view.from_s + frac * view.len_s())
}

/// The pixel column of moment `t_s` on a chart showing `view`; `None` outside it.
pub fn x_at(view: &TimeRange, t_s: f64, width_px: f64) -> Option<f64> {
    let (left, w) = plot_span(width_px);
    view.contains(t_s)
        .then(|| left + w * (t_s - view.from_s) / view.len_s())
}

/// The range selected by dragging from pixel column `a_px` to `b_px` (either way) on a chart
/// showing `view`: `None` for a click (under [`MIN_DRAG_PX`]); the ends are held to the plot,
/// and the range is at least one window wide.
pub fn zoom_to(
    r: &Report,
    view: &TimeRange,
    a_px: f64,
    b_px: f64,
    width_px: f64,
) -> Option<TimeRange> {
    if !a_px.is_finite() || !b_px.is_finite() || (a_px - b_px).abs() < MIN_DRAG_PX {
        return None;
    }
    let (left, w) = plot_span(width_px);
    let hold = |x: f64| x.clamp(left, left + w);
    let (ta, tb) = (
        t_at(view, hold(a_px), width_px)?,
        t_at(view, hold(b_px), width_px)?,
    );
    Some(
        TimeRange {
            from_s: ta,
            to_s: tb,
        }
        .clamped(r),
    )
}

/// `view` panned by a drag of `dx_px` drawing pixels on a chart `width_px` wide: the plot
/// follows the pointer (a drag to the right shows earlier times), keeping the range's length
/// and staying inside the run.
pub fn pan_by_px(r: &Report, view: &TimeRange, dx_px: f64, width_px: f64) -> TimeRange {
    let (_, w) = plot_span(width_px);
    if !dx_px.is_finite() || w <= 0.0 {
        return *view;
    }
    shifted(r, view, -dx_px * view.len_s() / w)
}

/// `view` panned a quarter of its length later (`forward`) or earlier: the keys → and ←.
pub fn pan_step(r: &Report, view: &TimeRange, forward: bool) -> TimeRange {
    let d = view.len_s() / 4.0;
    shifted(r, view, if forward { d } else { -d })
}

fn shifted(r: &Report, view: &TimeRange, by_s: f64) -> TimeRange {
    TimeRange {
        from_s: view.from_s + by_s,
        to_s: view.to_s + by_s,
    }
    .clamped(r)
}

/// The range that shows the span `from_s..to_s` (an incident) with room on both sides: half
/// its length, and at least five windows, each way.
pub fn around(r: &Report, from_s: f64, to_s: f64) -> TimeRange {
    let (a, b) = (from_s.min(to_s), from_s.max(to_s));
    let pad = ((b - a) / 2.0).max(5.0 * r.series.window_s);
    TimeRange {
        from_s: a - pad,
        to_s: b + pad,
    }
    .clamped(r)
}

/// The window drawn under pixel column `x_px` of a chart showing `view`: the window that holds
/// that moment, `None` off the plot.
pub fn window_in(r: &Report, view: &TimeRange, x_px: f64, width_px: f64) -> Option<usize> {
    let s = &r.series;
    if s.t_s.is_empty() {
        return None;
    }
    let t = t_at(view, x_px, width_px)?;
    Some(s.t_s.iter().rposition(|w| *w <= t).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run of 200 windows of 10 s (2,000 s).
    fn sample() -> Report {
        let mut r = Report::default();
        r.series.window_s = 10.0;
        r.series.t_s = (0..200).map(|i| f64::from(i) * 10.0).collect();
        r.horizon_s = 2_000.0;
        r
    }

    const W: f64 = 640.0;
    // The plot runs from 66 to 630 px: 564 px wide.

    #[test]
    fn pixels_and_time_map_both_ways() {
        let r = sample();
        let view = TimeRange {
            from_s: 600.0,
            to_s: 1164.0,
        };
        assert_eq!(t_at(&view, 66.0, W), Some(600.0));
        assert_eq!(t_at(&view, 630.0, W), Some(1164.0));
        assert_eq!(t_at(&view, 166.0, W), Some(700.0));
        assert_eq!(t_at(&view, 10.0, W), None);
        assert_eq!(x_at(&view, 700.0, W), Some(166.0));
        assert_eq!(x_at(&view, 10.0, W), None);
        assert!(TimeRange::full(&r).contains(0.0));
    }

    #[test]
    fn a_drag_zooms_to_the_range_under_it_and_a_click_does_not() {
        let r = sample();
        let full = TimeRange::full(&r);
        let span = full.len_s();
        // From a quarter to half of the plot, dragged right to left.
        let (a, b) = (66.0 + 564.0 / 2.0, 66.0 + 564.0 / 4.0);
        let z = zoom_to(&r, &full, a, b, W).unwrap();
        assert!(
            (z.from_s - span / 4.0).abs() < 1e-9 && (z.to_s - span / 2.0).abs() < 1e-9,
            "{z:?}"
        );
        assert_eq!(zoom_to(&r, &full, 200.0, 202.0, W), None, "a click");
        // Dragged past the plot's ends: held to them.
        let z = zoom_to(&r, &full, 0.0, W, W).unwrap();
        assert_eq!(z, full);
        // Zooming again inside the zoomed range narrows it further, never below one window.
        let narrow = TimeRange {
            from_s: 100.0,
            to_s: 120.0,
        };
        let tiny = zoom_to(&r, &narrow, 300.0, 305.0, W).unwrap();
        assert!(
            narrow.contains(tiny.from_s) && narrow.contains(tiny.to_s),
            "{tiny:?}"
        );
        assert!((tiny.len_s() - r.series.window_s).abs() < 1e-9, "{tiny:?}");
    }

    #[test]
    fn a_pan_keeps_the_length_follows_the_pointer_and_stops_at_the_ends() {
        let r = sample();
        let full = TimeRange::full(&r);
        let view = TimeRange {
            from_s: full.len_s() * 0.25,
            to_s: full.len_s() * 0.5,
        };
        let (_, w) = plot_span(800.0);
        // A drag of a tenth of the plot to the left shows a tenth of the range later.
        let p = pan_by_px(&r, &view, -w / 10.0, 800.0);
        let d = view.len_s() / 10.0;
        assert!((p.from_s - (view.from_s + d)).abs() < 1e-9, "{p:?}");
        assert!((p.len_s() - view.len_s()).abs() < 1e-9);
        // A step is a quarter of the range; either way.
        let q = pan_step(&r, &view, true);
        assert!((q.from_s - (view.from_s + view.len_s() / 4.0)).abs() < 1e-9);
        let q = pan_step(&r, &view, false);
        assert!((q.from_s - (view.from_s - view.len_s() / 4.0)).abs() < 1e-9);
        // Far past either end: held at the end, the length kept.
        let end = pan_by_px(&r, &view, -100.0 * w, 800.0);
        assert!((end.to_s - full.to_s).abs() < 1e-9 && (end.len_s() - view.len_s()).abs() < 1e-9);
        let start = pan_by_px(&r, &view, 100.0 * w, 800.0);
        assert_eq!(start.from_s, 0.0);
        assert!((start.len_s() - view.len_s()).abs() < 1e-9);
        // The whole run does not move; a bad drag leaves the view as it is.
        assert_eq!(pan_step(&r, &full, true), full);
        assert_eq!(pan_by_px(&r, &view, f64::NAN, 800.0), view);
    }

    #[test]
    fn around_an_incident_leaves_room_and_stays_in_the_run() {
        let r = sample();
        let w = r.series.window_s;
        let full = TimeRange::full(&r);
        let z = around(&r, 1200.0, 1204.0);
        assert!((z.from_s - (1200.0 - 5.0 * w)).abs() < 1e-9, "{z:?}");
        assert!((z.to_s - (1204.0 + 5.0 * w)).abs() < 1e-9, "{z:?}");
        // At the very start: shifted right, same length.
        let z0 = around(&r, 0.0, 4.0);
        assert_eq!(z0.from_s, 0.0);
        assert!((z0.len_s() - (4.0 + 10.0 * w)).abs() < 1e-9, "{z0:?}");
        // Longer than the run: the whole run.
        assert_eq!(around(&r, -10.0, full.to_s * 3.0), full);
    }

    #[test]
    fn the_window_under_the_pointer_follows_the_zoom() {
        let r = sample();
        let w = r.series.window_s;
        let view = TimeRange {
            from_s: 10.0 * w,
            to_s: 20.0 * w,
        };
        assert_eq!(window_in(&r, &view, 66.0 + 0.5, W), Some(10));
        assert_eq!(window_in(&r, &view, 66.0 + 564.0 * 0.55, W), Some(15));
        assert_eq!(window_in(&r, &view, 5.0, W), None);
    }
}

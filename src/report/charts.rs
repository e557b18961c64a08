//! The result charts, drawn with plotters on any backend (canvas in the browser, SVG in tests):
//! success rate, failures stacked by cause, sessions, latency percentiles; each with axes, units,
//! a legend and the fault markers. Colours are the Okabe-Ito palette (safe for colour-blind
//! readers).

use crate::report::charts_markers::{cluster_markers, CLUSTER_GAP_PX};
use crate::report::charts_range::TimeRange;
use crate::report::Metric;
use crate::sim::config::Fidelity;
use crate::sim::report::{Marker, Series};
use crate::sim::Report;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;

const P50: Metric = Metric::LatencyP50;
const P95: Metric = Metric::LatencyP95;
const P99: Metric = Metric::LatencyP99;
use plotters::prelude::*;

/// The Okabe-Ito palette.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// The four charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    SuccessRate,
    FailuresByCause,
    Sessions,
    Latency,
}

impl ChartKind {
    pub const ALL: [ChartKind; 4] = [
        ChartKind::SuccessRate,
        ChartKind::FailuresByCause,
        ChartKind::Sessions,
        ChartKind::Latency,
    ];

    /// Stable key for ids and file names.
    pub fn key(self) -> &'static str {
        match self {
            ChartKind::SuccessRate => "success-rate",
            ChartKind::FailuresByCause => "failures-by-cause",
            ChartKind::Sessions => "sessions",
            ChartKind::Latency => "latency",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ChartKind::SuccessRate => "Success rate over time",
            ChartKind::FailuresByCause => "Failed requests by cause",
            ChartKind::Sessions => "Sessions: active and lost",
            ChartKind::Latency => "Latency p50 / p95 / p99",
        }
    }
}

/// Foreground, grid and background colours (light or dark page).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Theme {
    pub fg: RGBColor,
    pub grid: RGBColor,
    pub bg: RGBColor,
}

impl Theme {
    pub const LIGHT: Theme = Theme {
        fg: RGBColor(27, 31, 36),
        grid: RGBColor(220, 224, 228),
        bg: RGBColor(255, 255, 255),
    };
    pub const DARK: Theme = Theme {
        fg: RGBColor(230, 237, 243),
        grid: RGBColor(48, 54, 61),
        bg: RGBColor(13, 17, 23),
    };
}

/// Time axis unit chosen from the run length.
pub fn time_unit(max_s: f64) -> (f64, &'static str) {
    if max_s > 2.0 * 365.0 * 86_400.0 {
        (365.0 * 86_400.0, "time (years)")
    } else if max_s > 2.0 * 86_400.0 {
        (86_400.0, "time (d)")
    } else if max_s > 3.0 * 3600.0 {
        (3600.0, "time (h)")
    } else if max_s > 120.0 {
        (60.0, "time (min)")
    } else {
        (1.0, "time (s)")
    }
}

/// A cause name for legends: `detection_window` → `detection window`.
pub fn cause_label(cause: &str) -> String {
    cause.replace('_', " ")
}

type DrawResult = Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart drawing failed: {e:?}")
}

/// Height in pixels of the legend strip above the plot.
const LEGEND_STRIP: u32 = 20;

/// Draws one chart of the whole run into `root`, filling it.
pub fn draw<DB: DrawingBackend>(
    kind: ChartKind,
    root: &DrawingArea<DB, Shift>,
    r: &Report,
    theme: &Theme,
) -> DrawResult {
    draw_view(kind, root, r, theme, &TimeRange::full(r))
}

/// Draws one chart into `root`, filling it, its time axis showing `view` (the zoom).
pub fn draw_view<DB: DrawingBackend>(
    kind: ChartKind,
    root: &DrawingArea<DB, Shift>,
    r: &Report,
    theme: &Theme,
    view: &TimeRange,
) -> DrawResult {
    root.fill(&theme.bg).map_err(err)?;
    let s = &r.series;
    if s.t_s.is_empty() {
        return draw_message(
            root,
            &format!("{}: no data (run the scenario)", kind.title()),
            theme,
        );
    }
    if kind == ChartKind::Latency && r.fidelity == Fidelity::Flow {
        return draw_message(
            root,
            "Latency: not modelled at flow level (run at request level for percentiles)",
            theme,
        );
    }
    let (unit, x_label) = time_unit(view.len_s());
    // The windows that start in view (plotters does not clip what lies outside the axes).
    let first = s.t_s.iter().position(|t| *t >= view.from_s).unwrap_or(0);
    let last = s
        .t_s
        .iter()
        .rposition(|t| *t <= view.to_s)
        .unwrap_or(0)
        .max(first);
    let xs: Vec<f64> = s.t_s[first..=last].iter().map(|t| t / unit).collect();
    let x_range = (view.from_s / unit, view.to_s / unit);
    let lines = plot_lines(kind, s, s.t_s.len()).slice(first, last);

    // The legend gets its own strip above the plot, so that it never covers the data or the
    // fault markers' labels.
    let (strip, plot) = root.split_vertically(LEGEND_STRIP);
    draw_legend(&strip, &lines, theme)?;
    if kind == ChartKind::Sessions {
        let (active, lost) = sessions_panels(s);
        let (active, lost) = (active.slice(first, last), lost.slice(first, last));
        let (upper, lower) = plot.split_vertically(plot.dim_in_pixel().1 * 55 / 100);
        let mut chart = draw_axes(&upper, x_range, "", &active, theme)?;
        draw_line_series(&mut chart, &xs, &active)?;
        let y_span = (active.y_min, active.y_max);
        let at = (unit, view, f64::from(root.dim_in_pixel().0));
        draw_markers(&mut chart, root, &s.markers, at, y_span, theme)?;
        let mut chart = draw_axes(&lower, x_range, x_label, &lost, theme)?;
        draw_line_series(&mut chart, &xs, &lost)?;
        return root.present().map_err(err);
    }
    let mut chart = draw_axes(&plot, x_range, x_label, &lines, theme)?;
    if lines.stacked {
        draw_stacked(&mut chart, &xs, &lines)?;
    } else {
        draw_line_series(&mut chart, &xs, &lines)?;
    }
    draw_markers(
        &mut chart,
        root,
        &s.markers,
        (unit, view, f64::from(root.dim_in_pixel().0)),
        (lines.y_min, lines.y_max),
        theme,
    )?;
    root.present().map_err(err)
}

/// A message in place of the plot (no windows yet, or nothing modelled).
fn draw_message<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &str,
    theme: &Theme,
) -> DrawResult {
    let (_, h) = root.dim_in_pixel();
    let style = ("sans-serif", 14).into_font().color(&theme.fg);
    root.draw(&Text::new(text.to_string(), (12, (h / 2) as i32), style))
        .map_err(err)?;
    root.present().map_err(err)
}

/// What one chart plots: its series (label, colour, values), whether they are stacked areas
/// (else lines), and its y axis.
struct Lines {
    series: Vec<(String, RGBColor, Vec<f64>)>,
    stacked: bool,
    y_label: &'static str,
    y_min: f64,
    y_max: f64,
    /// How many y ticks at most.
    y_labels: usize,
}

impl Lines {
    /// Only the windows `first..=last` of each series (the ones in view).
    fn slice(mut self, first: usize, last: usize) -> Lines {
        for (_, _, v) in &mut self.series {
            let end = (last + 1).min(v.len());
            *v = v
                .get(first.min(end)..end)
                .map(<[f64]>::to_vec)
                .unwrap_or_default();
        }
        self
    }
}

/// The series of chart `kind` from the report's windows (`n` of them).
fn plot_lines(kind: ChartKind, s: &Series, n: usize) -> Lines {
    match kind {
        ChartKind::SuccessRate => success_rate_lines(s),
        ChartKind::FailuresByCause => failures_by_cause_lines(s, n),
        ChartKind::Sessions => sessions_lines(s),
        ChartKind::Latency => latency_lines(s),
    }
}

/// Lines that are not stacked, on a y axis from `y_min` to `y_max`.
fn unstacked(
    series: Vec<(String, RGBColor, Vec<f64>)>,
    y_label: &'static str,
    y_min: f64,
    y_max: f64,
) -> Lines {
    Lines {
        series,
        stacked: false,
        y_label,
        y_min,
        y_max,
        y_labels: 6,
    }
}

/// The share of offered requests served per window, in percent (100 % for an idle window).
fn success_rate_lines(s: &Series) -> Lines {
    let v: Vec<f64> = s
        .offered
        .iter()
        .zip(&s.served)
        .map(|(&o, &sv)| {
            if o == 0 {
                100.0
            } else {
                100.0 * sv as f64 / o as f64
            }
        })
        .collect();
    let lowest = v.iter().copied().fold(100.0, f64::min);
    let y_min = if lowest >= 99.0 {
        98.0
    } else {
        (lowest - 5.0).max(0.0).floor()
    };
    let series = vec![("success rate".into(), OKABE_ITO[0], v)];
    unstacked(series, "success (%)", y_min, 100.0)
}

/// Failed requests per window, one cumulative layer per cause.
fn failures_by_cause_lines(s: &Series, n: usize) -> Lines {
    let mut series = Vec::new();
    let mut acc = vec![0.0; n];
    for (i, (cause, v)) in s.failed_by_cause.iter().enumerate() {
        for (a, x) in acc.iter_mut().zip(v) {
            *a += *x as f64;
        }
        series.push((cause_label(cause), OKABE_ITO[i % 7], acc.clone()));
    }
    let top = acc.iter().copied().fold(0.0, f64::max);
    Lines {
        series,
        stacked: true,
        y_label: "failed requests / window",
        y_min: 0.0,
        y_max: (top * 1.45).max(1.0),
        y_labels: 6,
    }
}

/// Active sessions, and sessions lost per window; the lost ones get their own y axis (a
/// panel under the active ones, see [`sessions_panels`]), so a few lost sessions are not
/// flattened against thousands active.
fn sessions_lines(s: &Series) -> Lines {
    let (mut active, lost) = sessions_panels(s);
    active.series.extend(lost.series);
    active
}

/// The sessions chart's two panels: active sessions, and lost sessions per window, each on a
/// y axis of its own values.
fn sessions_panels(s: &Series) -> (Lines, Lines) {
    let a: Vec<f64> = s.sessions_active.iter().map(|x| *x as f64).collect();
    let l: Vec<f64> = s.sessions_lost.iter().map(|x| *x as f64).collect();
    let top = |v: &[f64]| (v.iter().copied().fold(0.0, f64::max) * 1.45).max(1.0);
    let (top_a, top_l) = (top(&a), top(&l));
    let lost = format!("{} / window", Metric::LostSessions.short());
    let active = vec![(Metric::SessionsActive.short().into(), OKABE_ITO[0], a)];
    let mut lost = unstacked(vec![(lost, OKABE_ITO[3], l)], "lost", 0.0, top_l);
    // The lost panel is short: a tick at 0, the middle and the top.
    lost.y_labels = 3;
    let mut active = unstacked(active, "active", 0.0, top_a);
    active.y_labels = 4;
    (active, lost)
}

/// The latency percentiles p50, p95 and p99 per window.
fn latency_lines(s: &Series) -> Lines {
    let top = s
        .latency_p99_ms
        .iter()
        .chain(&s.latency_p95_ms)
        .chain(&s.latency_p50_ms)
        .copied()
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max);
    let series = vec![
        (P50.short().into(), OKABE_ITO[2], s.latency_p50_ms.clone()),
        (P95.short().into(), OKABE_ITO[1], s.latency_p95_ms.clone()),
        (P99.short().into(), OKABE_ITO[3], s.latency_p99_ms.clone()),
    ];
    unstacked(series, "latency (ms)", 0.0, (top * 1.45).max(1.0))
}

/// The legend in its strip: a swatch (a box for stacked areas, a stroke for lines) and a label
/// per series, left to right.
fn draw_legend<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    lines: &Lines,
    theme: &Theme,
) -> DrawResult {
    let mut lx = 66;
    for (label, color, _) in lines.series.iter() {
        if lines.stacked {
            strip
                .draw(&Rectangle::new([(lx, 8), (lx + 14, 18)], color.filled()))
                .map_err(err)?;
        } else {
            strip
                .draw(&PathElement::new(
                    vec![(lx, 13), (lx + 18, 13)],
                    color.stroke_width(2),
                ))
                .map_err(err)?;
        }
        strip
            .draw(&Text::new(
                label.clone(),
                (lx + 22, 6),
                ("sans-serif", 12).into_font().color(&theme.fg),
            ))
            .map_err(err)?;
        lx += 22 + 7 * label.chars().count() as i32 + 18;
    }
    Ok(())
}

/// The plot's coordinates: the time in view (in the axis unit), the y axis of `lines`.
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The plot area with its axes, their units and the grid.
fn draw_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    (x0, x1): (f64, f64),
    x_label: &str,
    lines: &Lines,
    theme: &Theme,
) -> Result<Plot<'a, DB>, String> {
    // An empty `x_label`: a panel above another, its time axis left to the one below.
    let x_area = if x_label.is_empty() { 0 } else { 36 };
    let mut chart = ChartBuilder::on(plot)
        .margin(PLOT_MARGIN as u32)
        .x_label_area_size(x_area)
        .y_label_area_size(Y_LABEL_AREA as u32)
        .build_cartesian_2d(x0..x1, lines.y_min..lines.y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(lines.y_label)
        .axis_style(theme.fg)
        .x_labels(if x_area == 0 { 0 } else { 8 })
        .y_labels(lines.y_labels)
        .light_line_style(theme.grid.mix(0.25))
        .bold_line_style(theme.grid)
        .label_style(("sans-serif", 12).into_font().color(&theme.fg))
        .axis_desc_style(("sans-serif", 12).into_font().color(&theme.fg))
        .draw()
        .map_err(err)?;
    Ok(chart)
}

/// Stacked areas at the window times `xs`.
fn draw_stacked<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    xs: &[f64],
    lines: &Lines,
) -> DrawResult {
    // Draw the tallest (cumulative) layer first so that lower layers stay visible.
    for (label, color, v) in lines.series.iter().rev() {
        let pts: Vec<(f64, f64)> = xs.iter().copied().zip(v.iter().copied()).collect();
        let color = *color;
        chart
            .draw_series(AreaSeries::new(pts, 0.0, color.mix(0.85)).border_style(color))
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
    }
    Ok(())
}

/// Lines at the window times `xs`, broken where a value is not finite.
fn draw_line_series<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    xs: &[f64],
    lines: &Lines,
) -> DrawResult {
    for (label, color, v) in &lines.series {
        let pts: Vec<(f64, f64)> = xs
            .iter()
            .copied()
            .zip(v.iter().copied())
            .filter(|(_, y)| y.is_finite())
            .collect();
        let color = *color;
        chart
            .draw_series(LineSeries::new(pts, color.stroke_width(2)))
            .map_err(err)?
            .label(label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
            });
    }
    Ok(())
}

/// Fault markers: a vertical line each; markers too close to label apart share one label
/// ("N faults", see `charts_markers`), and labels are stacked in up to three rows so that they
/// do not overlap (a label with no room is left out; the page's hover targets and the incident
/// table have them all). `view` and `width_px` place them; `y_span` is the y axis.
fn draw_markers<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    root: &DrawingArea<DB, Shift>,
    markers: &[Marker],
    (unit, view, width_px): (f64, &TimeRange, f64),
    (y_min, y_max): (f64, f64),
    theme: &Theme,
) -> DrawResult {
    let marker_color = theme.fg.mix(0.6);
    let mut placed: Vec<(i32, usize)> = Vec::new();
    for c in cluster_markers(markers, view, width_px, CLUSTER_GAP_PX) {
        let lines = c.items.iter().map(|(t, _)| {
            let x = t / unit;
            PathElement::new(vec![(x, y_min), (x, y_max)], marker_color.stroke_width(1))
        });
        chart.draw_series(lines).map_err(err)?;
        let label = c.label();
        let (px, top) = chart.backend_coord(&(c.items[0].0 / unit, y_max));
        let width = (label.chars().count() as i32) * 6 + 8;
        let row = (0..3).find(|r| {
            !placed
                .iter()
                .any(|(ox, or)| or == r && (px - ox).abs() < width)
        });
        if let Some(row) = row {
            placed.push((px, row));
            root.draw(&Text::new(
                label,
                (px + 3, top + 2 + 13 * row as i32),
                ("sans-serif", 11).into_font().color(&theme.fg),
            ))
            .map_err(err)?;
        }
    }
    Ok(())
}

/// A marker label short enough for a chart (the first words, at most 24 characters).
pub fn marker_label(label: &str) -> String {
    if label.chars().count() <= 24 {
        return label.to_string();
    }
    let cut: String = label.chars().take(23).collect();
    format!("{}…", cut.trim_end())
}

/// Margin around the plot, in pixels of the drawing.
pub const PLOT_MARGIN: f64 = 10.0;
/// Width of the y label area left of the plot.
pub const Y_LABEL_AREA: f64 = 56.0;

/// The time span of the x axis in seconds: the last window's end or the horizon.
pub fn x_span_s(r: &Report) -> f64 {
    let s = &r.series;
    let t_max = s.t_s.last().copied().unwrap_or(0.0) + s.window_s.max(0.0);
    t_max.max(r.horizon_s).max(1e-9)
}

/// The window drawn under pixel column `x_px` of a chart `width_px` wide showing the whole run
/// (drawing pixels, as [`draw`] lays it out): the window that holds that moment, `None` off
/// the plot.
pub fn window_at(r: &Report, x_px: f64, width_px: f64) -> Option<usize> {
    crate::report::charts_range::window_in(r, &TimeRange::full(r), x_px, width_px)
}

/// The pixel column (drawing pixels) at the start of window `i` on a chart showing `view`, for
/// the hover cursor; `None` when it is out of view.
pub fn x_of_window_in(r: &Report, view: &TimeRange, i: usize, width_px: f64) -> Option<f64> {
    crate::report::charts_range::x_at(view, *r.series.t_s.get(i)?, width_px)
}

/// [`x_of_window_in`] on a chart showing the whole run.
pub fn x_of_window(r: &Report, i: usize, width_px: f64) -> Option<f64> {
    x_of_window_in(r, &TimeRange::full(r), i, width_px)
}

/// The value at the window under `x_frac` (0..1 of the plot width), for hover text.
pub fn hover_text(kind: ChartKind, r: &Report, x_frac: f64) -> Option<String> {
    let n = r.series.t_s.len();
    if n == 0 || !x_frac.is_finite() {
        return None;
    }
    let i = ((x_frac.clamp(0.0, 0.999_999)) * n as f64) as usize;
    window_text(kind, r, i.min(n - 1))
}

/// The values of window `i` in words, from the same series the chart draws.
pub fn window_text(kind: ChartKind, r: &Report, i: usize) -> Option<String> {
    let s = &r.series;
    let t = crate::report::duration_s(*s.t_s.get(i)?);
    Some(match kind {
        ChartKind::SuccessRate => {
            let o = *s.offered.get(i)?;
            let sv = *s.served.get(i)?;
            let pct = if o == 0 {
                "100 %".to_string()
            } else {
                crate::report::percent_of(sv, o)
            };
            format!("at {t}: {pct} ({sv} of {o} requests)")
        }
        ChartKind::FailuresByCause => {
            let parts: Vec<String> = s
                .failed_by_cause
                .iter()
                .filter_map(|(c, v)| v.get(i).map(|x| format!("{} {x}", cause_label(c))))
                .collect();
            format!("at {t}: {}", parts.join(", "))
        }
        ChartKind::Sessions => format!(
            "at {t}: {} active, {} lost",
            s.sessions_active.get(i)?,
            s.sessions_lost.get(i)?
        ),
        ChartKind::Latency => format!(
            "at {t}: {} {}, {} {}, {} {}",
            P50.short(),
            P50.format(*s.latency_p50_ms.get(i)?),
            P95.short(),
            P95.format(*s.latency_p95_ms.get(i)?),
            P99.short(),
            P99.format(*s.latency_p99_ms.get(i)?)
        ),
    })
}

#[cfg(test)]
#[path = "charts_tests.rs"]
mod tests;

//! A chart exported for a slide or a report: drawn as SVG (vector, so the page can rasterise it
//! at any scale) under a title line naming the chart, the scenario, the seed and the digest.

use super::charts::{draw_view, ChartKind, Theme};
use super::charts_range::TimeRange;
use crate::sim::Report;
use plotters::prelude::*;

/// Height of the title line above the chart, in drawing pixels.
pub const TITLE_H: u32 = 24;

/// The title line of an exported chart.
pub fn export_title(kind: ChartKind, r: &Report) -> String {
    format!(
        "{} · {} · seed {} · digest {}",
        kind.title(),
        r.scenario,
        r.seed,
        r.digest
    )
}

/// Chart `kind` of `r` showing `view`, `w` × `h` pixels, under its title line (`h + TITLE_H`
/// high in all), as an SVG document.
pub fn export_svg(
    kind: ChartKind,
    r: &Report,
    theme: &Theme,
    view: &TimeRange,
    (w, h): (u32, u32),
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h + TITLE_H)).into_drawing_area();
        root.fill(&theme.bg).map_err(|e| e.to_string())?;
        let (title, chart) = root.split_vertically(TITLE_H);
        let style = ("sans-serif", 13).into_font().color(&theme.fg);
        title
            .draw(&Text::new(export_title(kind, r), (8, 6), style))
            .map_err(|e| e.to_string())?;
        draw_view(kind, &chart, r, theme, view)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;

    #[test]
    fn an_export_is_titled_with_scenario_seed_and_digest() {
        let mut r = sample();
        r.scenario = "two-sites".into();
        r.seed = 42;
        r.digest = "0123abcd".into();
        let view = TimeRange::full(&r);
        let svg = export_svg(ChartKind::Sessions, &r, &Theme::LIGHT, &view, (560, 220)).unwrap();
        assert!(svg.starts_with("<svg"));
        assert!(
            svg.contains(r#"width="560" height="244""#),
            "{}",
            &svg[..200]
        );
        assert!(svg.contains("Sessions: active and lost · two-sites · seed 42 · digest 0123abcd"));
        // The chart itself is there, under the title.
        assert!(svg.contains("time (min)") && svg.contains("crash app"));
    }
}

//! The canvas's view: pan and zoom, client pixels to canvas units ([`View::to_canvas`]), zoom
//! around the pointer, and [`fit_view`] (every node and site box in sight). Pure apart from
//! [`svg_box`], which measures the canvas.

use super::drag::Point;
use crate::scenario::Scenario;
use crate::ui::state::{NODE_H, NODE_W};

/// How far the buttons and the wheel zoom.
pub const ZOOM_MIN: f64 = 0.25;
pub const ZOOM_MAX: f64 = 3.0;
/// Fit never zooms in further than this.
const FIT_MAX: f64 = 1.25;

/// Pan (px) and zoom of the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub pan: Point,
    pub zoom: f64,
}

impl Default for View {
    fn default() -> View {
        View {
            pan: (20.0, 20.0),
            zoom: 1.0,
        }
    }
}

impl View {
    /// Client px → canvas units, for a canvas whose top-left corner is at `origin` (client px).
    pub fn to_canvas(&self, client: Point, origin: Point) -> Point {
        (
            (client.0 - origin.0 - self.pan.0) / self.zoom,
            (client.1 - origin.1 - self.pan.1) / self.zoom,
        )
    }

    /// Canvas units → px from the canvas's top-left corner.
    pub fn to_screen(&self, at: Point) -> Point {
        (at.0 * self.zoom + self.pan.0, at.1 * self.zoom + self.pan.1)
    }

    /// Zoomed by `factor` (within the limits), the pan kept: about the canvas's top-left corner.
    pub fn zoomed(&self, factor: f64) -> View {
        View {
            pan: self.pan,
            zoom: (self.zoom * factor).clamp(ZOOM_MIN, ZOOM_MAX),
        }
    }

    /// Zoomed by `factor` keeping the point `at` (px from the canvas's corner) where it is.
    pub fn zoomed_at(&self, factor: f64, at: Point) -> View {
        let zoom = (self.zoom * factor).clamp(ZOOM_MIN, ZOOM_MAX);
        let k = zoom / self.zoom;
        View {
            pan: (
                at.0 - (at.0 - self.pan.0) * k,
                at.1 - (at.1 - self.pan.1) * k,
            ),
            zoom,
        }
    }

    /// The SVG transform of the drawing.
    pub fn transform(&self) -> String {
        format!(
            "translate({},{}) scale({})",
            self.pan.0, self.pan.1, self.zoom
        )
    }

    /// Whether some node centre or site corner of `s` is outside a `w`×`h` canvas.
    pub fn cuts_off(&self, s: &Scenario, w: f64, h: f64) -> bool {
        let off = |x: i32, y: i32| {
            let (sx, sy) = self.to_screen((x as f64, y as f64));
            sx < 0.0 || sy < 0.0 || sx > w || sy > h
        };
        s.components.iter().any(|c| {
            let [x, y] = c.pos.unwrap_or([0, 0]);
            off(x, y)
        }) || s
            .sites
            .iter()
            .filter_map(|x| x.rect)
            .any(|[x, y, rw, rh]| off(x, y) || off(x + rw, y + rh))
    }
}

/// The pan and zoom that show every node and site box in a `w`×`h` canvas (`None` while the
/// canvas has no size).
pub fn fit_view(s: &Scenario, w: f64, h: f64) -> Option<View> {
    if w <= 0.0 || h <= 0.0 {
        return None;
    }
    let mut b = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut add = |x0: f64, y0: f64, x1: f64, y1: f64| {
        b = (b.0.min(x0), b.1.min(y0), b.2.max(x1), b.3.max(y1));
    };
    let (hw, hh) = (f64::from(NODE_W / 2), f64::from(NODE_H / 2));
    for c in &s.components {
        let [x, y] = c.pos.unwrap_or([0, 0]);
        let (x, y) = (f64::from(x), f64::from(y));
        // The connect handle sticks out on the right.
        add(x - hw, y - hh, x + hw + 8.0, y + hh);
    }
    for site in &s.sites {
        if let Some([x, y, sw, sh]) = site.rect {
            add(x as f64, y as f64, (x + sw) as f64, (y + sh) as f64);
        }
    }
    if b.0 > b.2 {
        return Some(View::default());
    }
    let pad = 24.0;
    let (bw, bh) = (b.2 - b.0 + 2.0 * pad, b.3 - b.1 + 2.0 * pad);
    let zoom = (w / bw).min(h / bh).clamp(ZOOM_MIN, FIT_MAX);
    let pan = (
        (w - (b.2 - b.0) * zoom) / 2.0 - b.0 * zoom,
        (h - (b.3 - b.1) * zoom) / 2.0 - b.1 * zoom,
    );
    Some(View { pan, zoom })
}

/// The canvas element's box in client px: left, top, width, height (zeros before it exists).
pub fn svg_box(svg: &yew::NodeRef) -> (f64, f64, f64, f64) {
    svg.cast::<web_sys::Element>()
        .map(|e| {
            let r = e.get_bounding_client_rect();
            (r.left(), r.top(), r.width(), r.height())
        })
        .unwrap_or((0.0, 0.0, 0.0, 0.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtins;

    #[test]
    fn fit_shows_the_whole_drawing() {
        let s = builtins::get("liferay-reference").unwrap().scenario();
        let v = fit_view(&s, 800.0, 300.0).unwrap();
        assert!(v.zoom > ZOOM_MIN && v.zoom <= FIT_MAX);
        // The leftmost node's left edge lands inside the canvas.
        let left = (80.0 - 65.0) * v.zoom + v.pan.0;
        assert!((0.0..800.0).contains(&left));
        assert!(!v.cuts_off(&s, 800.0, 300.0));
        assert!(v.zoomed(4.0).cuts_off(&s, 800.0, 300.0));
        assert!(fit_view(&s, 0.0, 0.0).is_none());
        let mut empty = s.clone();
        empty.components.clear();
        empty.sites.clear();
        assert_eq!(fit_view(&empty, 800.0, 300.0), Some(View::default()));
    }

    #[test]
    fn canvas_and_screen_coordinates_invert_and_zoom_keeps_the_pointer_still() {
        let v = View {
            pan: (30.0, -10.0),
            zoom: 2.0,
        };
        let origin = (100.0, 50.0);
        let at = v.to_canvas((170.0, 90.0), origin);
        assert_eq!(at, (20.0, 25.0));
        assert_eq!(v.to_screen(at), (70.0, 40.0));
        let z = v.zoomed_at(1.5, (70.0, 40.0));
        assert_eq!(z.zoom, 3.0);
        assert_eq!(z.to_screen(at), (70.0, 40.0));
        // Limits.
        assert_eq!(z.zoomed(10.0).zoom, ZOOM_MAX);
        assert_eq!(v.zoomed(0.01).zoom, ZOOM_MIN);
        assert_eq!(v.zoomed(0.5).pan, v.pan);
        assert_eq!(v.transform(), "translate(30,-10) scale(2)");
    }
}

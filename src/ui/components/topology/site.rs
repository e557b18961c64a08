//! A site box on the canvas: its rectangle, label (name, id, kind and a problem badge), the
//! problems about it as a tooltip, and the corner handle that resizes it.

use super::drag::Pointer;
use super::keys::on_keys;
use crate::scenario::{Severity, Site, SiteKind};
use crate::ui::state::{Action, Sel};
use yew::prelude::*;

/// A site kind in words.
pub fn site_kind(k: &SiteKind) -> &'static str {
    match k {
        SiteKind::Zonal => "zonal",
        SiteKind::Regional => "regional",
    }
}

/// What a site box shows.
pub struct SiteView<'a> {
    pub site: &'a Site,
    /// Its box as drawn (moved or resized while dragged).
    pub rect: [i32; 4],
    pub selected: bool,
    /// Its worst problem.
    pub severity: Option<Severity>,
    /// The messages of the problems about it, joined.
    pub messages: String,
}

/// A site's box with its label and resize corner; `pointer` feeds the drag reducer.
pub fn site_box(
    v: SiteView<'_>,
    pointer: &Callback<(Pointer, PointerEvent)>,
    dispatch: &Callback<Action>,
) -> Html {
    let site = v.site;
    let [x, y, w, h] = v.rect;
    let (sev_class, badge, status) = match v.severity {
        Some(Severity::Error) => (Some("has-error"), "✖ ", " (has errors)"),
        Some(Severity::Warning) => (
            Some("has-warning"),
            "⚠ ",
            " (single point of failure or other warning)",
        ),
        None => (None, "", ""),
    };
    let start_drag = |resize: bool| {
        let (pointer, id) = (pointer.clone(), site.id.clone());
        Callback::from(move |e: PointerEvent| {
            e.stop_propagation();
            let p = Pointer::SiteDown {
                id: id.clone(),
                resize,
                button: e.button(),
                shift: e.shift_key(),
                client: (e.client_x() as f64, e.client_y() as f64),
            };
            pointer.emit((p, e));
        })
    };
    let onpointerdown = start_drag(false);
    let onresize = start_drag(true);
    let onkeydown = {
        let id = site.id.clone();
        on_keys(
            Sel::Site(site.id.clone()),
            dispatch.clone(),
            move |dx, dy| Action::DragSite {
                id: id.clone(),
                resize: false,
                dx,
                dy,
            },
        )
    };
    let title = if site.name.is_empty() {
        site.id.clone()
    } else {
        format!("{} ({})", site.name, site.id)
    };
    let kind = site_kind(&site.kind);
    html! {
        <g class={classes!("site", v.selected.then_some("selected"), sev_class)} data-site-id={site.id.clone()} key={format!("site-{}", site.id)}
            tabindex="0" role="button" aria-pressed={v.selected.to_string()} aria-label={format!("Site {title}{status}")} {onkeydown} {onpointerdown}>
            <rect x={x.to_string()} y={y.to_string()} width={w.to_string()} height={h.to_string()} rx="10" />
            <text x={(x + 10).to_string()} y={(y + 18).to_string()} class="site-label">
                { format!("{badge}{title} · {kind}") }
            </text>
            if !v.messages.is_empty() { <title>{ v.messages }</title> }
            <rect class="site-resize" x={(x + w - 12).to_string()} y={(y + h - 12).to_string()} width="12" height="12"
                data-resize-site={site.id.clone()} onpointerdown={onresize}>
                <title>{ "drag to resize the site" }</title>
            </rect>
        </g>
    }
}

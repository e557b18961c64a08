//! Ids of sites and components, and the sites with their links: checked, and emitted as the
//! engine's sites and site-latency matrix.

use super::Checker;
use crate::scenario::format::SiteKind;
use crate::scenario::problem::Location;
use crate::sim::config::SiteCfg;
use std::collections::BTreeSet;

/// Default one-way latency between two zonal sites.
const ZONAL_LATENCY: u64 = 1_000;
/// Default one-way latency when either site is regional.
const REGIONAL_LATENCY: u64 = 20_000;

impl Checker<'_> {
    pub(super) fn ids(&mut self) {
        let s = self.s;
        for (i, site) in s.sites.iter().enumerate() {
            if site.id.trim().is_empty() {
                self.err(Location::site(i, "id"), "must not be empty");
            } else if self.sites.contains_key(site.id.as_str()) {
                self.err(
                    Location::site(i, "id"),
                    format!("duplicate site id `{}`", site.id),
                );
            } else {
                self.sites.insert(site.id.as_str(), i);
            }
            if let Some([_, _, w, h]) = site.rect {
                if w <= 0 || h <= 0 {
                    self.err(Location::site(i, "rect"), "width and height must be > 0");
                }
            }
        }
        for (i, c) in s.components.iter().enumerate() {
            if c.id.trim().is_empty() {
                self.err(Location::component(i, "id"), "must not be empty");
            } else if self.comps.contains_key(c.id.as_str()) {
                self.err_about(
                    Location::component(i, "id"),
                    format!("duplicate component id `{}`", c.id),
                    &c.id,
                );
            } else {
                self.comps.insert(c.id.as_str(), i);
            }
        }
    }

    /// The sites and their latency matrix: by kind (1 ms between zonal sites, 20 ms when either
    /// is regional), then as the links say.
    pub(super) fn site_links(&mut self) {
        let s = self.s;
        self.cfg.sites = s
            .sites
            .iter()
            .map(|x| SiteCfg {
                id: x.id.clone(),
                regional: x.kind == SiteKind::Regional,
            })
            .collect();
        let n = s.sites.len();
        let mut lat = vec![0; n * n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let regional = self.cfg.sites[i].regional || self.cfg.sites[j].regional;
                    lat[i * n + j] = if regional {
                        REGIONAL_LATENCY
                    } else {
                        ZONAL_LATENCY
                    };
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, l) in s.site_links.iter().enumerate() {
            let at = Location::root("site_links").index(i);
            let a = self.site_ref(at.child("a"), &l.a);
            let b = self.site_ref(at.child("b"), &l.b);
            if a.is_some() && b.is_some() && l.a == l.b {
                self.err(at.child("b"), "a link joins two different sites");
            }
            let key = if l.a <= l.b {
                (l.a.as_str(), l.b.as_str())
            } else {
                (l.b.as_str(), l.a.as_str())
            };
            if !seen.insert(key) {
                self.err(
                    at.clone(),
                    format!("sites `{}` and `{}` are linked twice", l.a, l.b),
                );
            }
            let latency = self.dur0(at.child("latency"), &l.latency);
            if let (Some(a), Some(b)) = (a, b) {
                let (a, b) = (a as usize, b as usize);
                lat[a * n + b] = latency;
                lat[b * n + a] = latency;
            }
        }
        self.cfg.site_latency = lat;
    }
}

//! Sites as failure domains: each site's part of the service, the other sites' components
//! perfect.

use super::models::Outcome;
use super::{importance, Model, SiteExact};
use crate::sim::Config;

pub(crate) fn sites(cfg: &Config, model: &Model) -> Vec<SiteExact> {
    cfg.sites
        .iter()
        .enumerate()
        .map(|(s, site)| {
            let mut on: Vec<u32> = model
                .paths
                .iter()
                .flatten()
                .map(|h| h.comp)
                .filter(|c| cfg.components[*c as usize].site == s as u32)
                .collect();
            on.sort_unstable();
            on.dedup();
            // the site's part of every path: its components as they are, the others perfect
            let mut outs: Vec<Outcome> = (0..cfg.components.len())
                .map(|c| importance::perfect(cfg, c, &model.outcomes[c]))
                .collect();
            for c in &on {
                outs[*c as usize] = model.outcomes[*c as usize].clone();
            }
            SiteExact {
                id: site.id.clone(),
                request_availability: model.service(cfg, &outs),
                components: on
                    .iter()
                    .map(|c| cfg.components[*c as usize].id.clone())
                    .collect(),
            }
        })
        .collect()
}

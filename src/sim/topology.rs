//! The call graph flattened into paths: the hops a request from an entry visits, with the
//! blue/green sibling of each hop and where a cache hit skips to. Built once per run.

use super::config::*;
use super::limits::MAX_HOPS;

#[derive(Clone, Copy, Debug, Default)]
pub struct Hop {
    pub comp: u32,
    /// An alternative cluster (blue/green siblings of the same kind), or NONE.
    pub alt: u32,
    /// Next hop on a cache hit (for caches); `index + 1` otherwise.
    pub skip: u32,
}

fn same_family(a: &KindCfg, b: &KindCfg) -> bool {
    matches!(
        (a, b),
        (KindCfg::Web, KindCfg::Web) | (KindCfg::App { .. }, KindCfg::App { .. })
    )
}

/// Flattens the call graph from an entry into the sequence of hops a request visits.
pub(super) fn build_path(cfg: &Config, entry: u32) -> Vec<Hop> {
    flatten(cfg, entry, MAX_HOPS)
}

/// Whether the path from `entry` has more than [`MAX_HOPS`] hops: validation refuses such a
/// scenario instead of letting the engine cut the path.
pub fn path_too_long(cfg: &Config, entry: u32) -> bool {
    flatten(cfg, entry, MAX_HOPS + 1).len() > MAX_HOPS
}

fn flatten(cfg: &Config, entry: u32, max: usize) -> Vec<Hop> {
    fn visit(cfg: &Config, c: u32, stack: &mut Vec<u32>, out: &mut Vec<Hop>, alt: u32, max: usize) {
        if out.len() >= max || stack.contains(&c) || c as usize >= cfg.components.len() {
            return;
        }
        stack.push(c);
        let idx = out.len();
        out.push(Hop {
            comp: c,
            alt,
            skip: 0,
        });
        let next = &cfg.components[c as usize].next;
        let mut i = 0;
        while i < next.len() {
            let n = next[i];
            let mut alt = NONE;
            if let Some(m) = next.get(i + 1) {
                let (kn, km) = (
                    cfg.components.get(n as usize).map(|x| &x.kind),
                    cfg.components.get(*m as usize).map(|x| &x.kind),
                );
                if let (Some(kn), Some(km)) = (kn, km) {
                    if same_family(kn, km) {
                        alt = *m;
                    }
                }
            }
            visit(cfg, n, stack, out, alt, max);
            i += if alt != NONE { 2 } else { 1 };
        }
        out[idx].skip = out.len() as u32;
        if !matches!(cfg.components[c as usize].kind, KindCfg::Cache { .. }) {
            out[idx].skip = idx as u32 + 1;
        }
        stack.pop();
    }
    let mut out = Vec::new();
    visit(cfg, entry, &mut Vec::new(), &mut out, NONE, max);
    out
}

/// Every entry's path, in entry order: the same flattening the engine walks (for models that
/// read the topology without running it, `crate::exact`).
pub fn paths(cfg: &Config) -> Vec<Vec<Hop>> {
    cfg.entries.iter().map(|e| build_path(cfg, *e)).collect()
}

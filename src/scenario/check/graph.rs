//! The component graph: cycles (each reported once, capped), reachability from the entries,
//! single points of failure (components and whole sites), and the routing each tier inherits
//! from the nearest load balancer upstream.

use super::limits::MAX_CYCLE_PROBLEMS;
use super::Checker;
use crate::scenario::format::{Component, LbMode, Spec};
use crate::scenario::problem::Location;
use crate::sim::config::RouterCfg;

/// Edges by index, each target once, with the position of its first mention in `next`.
type Edges = Vec<Vec<(usize, usize)>>;

impl Checker<'_> {
    pub(super) fn graph(&mut self) {
        let s = self.s;
        let n = s.components.len();
        // Only to defined components (dangling ones are reported already).
        let mut stamp = vec![usize::MAX; n];
        let edges: Edges = s
            .components
            .iter()
            .enumerate()
            .map(|(v, c)| {
                let mut out = Vec::new();
                for (j, id) in c.next.iter().enumerate() {
                    if let Some(&w) = self.comps.get(id.as_str()) {
                        if stamp[w] != v {
                            stamp[w] = v;
                            out.push((w, j));
                        }
                    }
                }
                out
            })
            .collect();
        self.routing_of_tiers();
        self.cycles(&edges);
        let entries: Vec<usize> = self.cfg.entries.iter().map(|&e| e as usize).collect();
        self.path_lengths();
        if !entries.is_empty() {
            self.reach_and_spofs(&edges, &entries);
        }
    }

    /// A request from an entry walks the call graph flattened into a path of at most
    /// [`MAX_HOPS`](crate::sim::limits::MAX_HOPS) hops: a longer one is refused, never cut.
    fn path_lengths(&mut self) {
        for e in self.cfg.entries.clone() {
            if crate::sim::path_too_long(&self.cfg, e) {
                let id = self.s.components[e as usize].id.clone();
                self.err_about(
                    Location::component(e as usize, "next"),
                    format!(
                        "a request from `{id}` would visit more than {} components (hops); shorten the chain of `next`",
                        crate::sim::limits::MAX_HOPS
                    ),
                    &id,
                );
            }
        }
    }

    /// Each tier takes its routing (algorithm, health checks, stickiness, retry) from the
    /// nearest load balancer upstream, walking from the entries.
    fn routing_of_tiers(&mut self) {
        let n = self.cfg.components.len();
        let mut router: Vec<Option<RouterCfg>> = vec![None; n];
        let mut frontier: Vec<(u32, Option<RouterCfg>)> =
            self.cfg.entries.iter().map(|&e| (e, None)).collect();
        let mut seen = vec![false; n];
        while let Some((c, inherited)) = frontier.pop() {
            let ci = c as usize;
            if seen[ci] {
                continue;
            }
            seen[ci] = true;
            router[ci] = inherited.clone();
            let own = self.routers[ci].clone().or(inherited);
            for &next in self.cfg.components[ci].next.iter().rev() {
                frontier.push((next, own.clone()));
            }
        }
        for (c, r) in self.cfg.components.iter_mut().zip(router) {
            if let Some(r) = r {
                c.router = r;
            }
        }
    }

    /// Cycles in `next`: an iterative DFS that keeps each node's place on the stack, so every
    /// back edge closes one cycle, reported once (edges are deduplicated) with its names; linear
    /// time, and at most [`MAX_CYCLE_PROBLEMS`] messages plus one that counts the rest.
    fn cycles(&mut self, edges: &Edges) {
        const OFF: usize = usize::MAX;
        let s = self.s;
        let n = edges.len();
        let mut place = vec![OFF; n];
        let mut done = vec![false; n];
        let mut found = 0usize;
        for start in 0..n {
            if done[start] {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            place[start] = 0;
            while let Some(&mut (v, ref mut k)) = stack.last_mut() {
                let Some(&(w, j)) = edges[v].get(*k) else {
                    place[v] = OFF;
                    done[v] = true;
                    stack.pop();
                    continue;
                };
                *k += 1;
                if place[w] != OFF {
                    found += 1;
                    if found <= MAX_CYCLE_PROBLEMS {
                        let names: Vec<&str> = stack[place[w]..]
                            .iter()
                            .map(|&(x, _)| s.components[x].id.as_str())
                            .chain([s.components[w].id.as_str()])
                            .collect();
                        self.err_about(
                            Location::component(v, "next").index(j),
                            format!("cycle in next: {}", names.join(" → ")),
                            &s.components[v].id,
                        );
                    }
                } else if !done[w] {
                    place[w] = stack.len();
                    stack.push((w, 0));
                }
            }
        }
        if found > MAX_CYCLE_PROBLEMS {
            self.err(
                "components",
                format!("…and {} more cycles in next", found - MAX_CYCLE_PROBLEMS),
            );
        }
    }

    /// Unreachable components, and single points of failure between the clients and the data
    /// tier (databases, or the sinks when there is no database).
    fn reach_and_spofs(&mut self, edges: &Edges, entries: &[usize]) {
        let s = self.s;
        let n = s.components.len();
        let reach = reachable(edges, entries, |_| false);
        for (i, c) in s.components.iter().enumerate() {
            // A warning, not an error: a component being drawn is not wired yet, and the run
            // simply sends it no traffic.
            if !reach[i] && self.comps.get(c.id.as_str()) == Some(&i) {
                self.warn_about(
                    Location::component(i, ""),
                    format!(
                        "`{}` is unreachable: no path from traffic.entry through next leads to it, so it gets no traffic",
                        c.id
                    ),
                    &c.id,
                );
            }
        }
        let mut targets: Vec<usize> = (0..n)
            .filter(|&i| matches!(s.components[i].spec, Spec::Database(_)) && reach[i])
            .collect();
        if targets.is_empty() {
            targets = (0..n)
                .filter(|&i| edges[i].is_empty() && reach[i])
                .collect();
        }
        if targets.is_empty() {
            return;
        }
        let connected = |removed: &dyn Fn(usize) -> bool| {
            let r = reachable(edges, entries, removed);
            targets.iter().any(|&t| r[t] && !removed(t))
        };
        // Single points of failure: one effective node, and every entry→data path crosses it.
        for (i, c) in s.components.iter().enumerate() {
            if !reach[i] {
                continue;
            }
            let Some(why) = single_node(c) else { continue };
            if !connected(&|k| k == i) {
                self.warn_about(
                    Location::component(i, ""),
                    format!("single point of failure: `{}` has {why}, and every path from the clients to the data tier goes through it", c.id),
                    &c.id,
                );
            }
        }
        // Whole sites: losing one (with what it holds; a database survives through a replica
        // in another site) cuts the clients off.
        for (k, site) in s.sites.iter().enumerate() {
            let lost: Vec<bool> = s
                .components
                .iter()
                .map(|c| c.site.as_deref() == Some(site.id.as_str()) && !survives_site(c, &site.id))
                .collect();
            if !lost.iter().any(|&x| x) {
                continue;
            }
            if !connected(&|x| lost[x]) {
                self.warn_about(
                    Location::site(k, ""),
                    format!("single point of failure: an outage of site `{}` cuts every client off from the data tier", site.id),
                    &site.id,
                );
            }
        }
    }
}

/// Why a component counts as having one effective node, or `None`.
fn single_node(c: &Component) -> Option<&'static str> {
    match &c.spec {
        Spec::LoadBalancer(lb) if lb.mode == LbMode::Single => {
            Some("one load balancer (mode `single`, no passive partner)")
        }
        Spec::Web(w) if w.nodes.saturating_add(w.redundancy.spares) < 2 => {
            Some("one node and no spare")
        }
        Spec::App(a) if a.nodes.saturating_add(a.redundancy.spares) < 2 => {
            Some("one node and no spare")
        }
        Spec::Cache(k) if k.nodes < 2 => Some("one node"),
        Spec::Queue(q) if !q.standby => Some("no standby"),
        Spec::Database(d) if d.replicas.is_empty() => Some("no replica"),
        Spec::SearchIndex(st) | Spec::DocStore(st) if !st.embedded && st.nodes < 2 => {
            Some("one node")
        }
        _ => None,
    }
}

/// A database whose replica sits in another site survives that site's outage.
fn survives_site(c: &Component, site: &str) -> bool {
    match &c.spec {
        Spec::Database(d) => d
            .replicas
            .iter()
            .any(|r| r.site.as_deref().is_some_and(|rs| rs != site)),
        _ => false,
    }
}

/// Which components the entries reach through `next`, never entering a removed one.
fn reachable(edges: &Edges, entries: &[usize], removed: impl Fn(usize) -> bool) -> Vec<bool> {
    let mut seen = vec![false; edges.len()];
    let mut todo: Vec<usize> = Vec::new();
    for &e in entries {
        if !removed(e) && !seen[e] {
            seen[e] = true;
            todo.push(e);
        }
    }
    while let Some(v) = todo.pop() {
        for &(w, _) in &edges[v] {
            if !removed(w) && !seen[w] {
                seen[w] = true;
                todo.push(w);
            }
        }
    }
    seen
}

//! The call graph as the editor sees it: which calls would close a cycle (refused), which
//! components a component may still call, and which drawn edges already close one.

use crate::scenario::Scenario;
use std::collections::{BTreeMap, VecDeque};

/// `next` as indices into `s.components` (unknown targets left out), and the reverse.
struct Graph {
    out: Vec<Vec<usize>>,
    rev: Vec<Vec<usize>>,
}

fn index_of(s: &Scenario) -> BTreeMap<&str, usize> {
    let mut m = BTreeMap::new();
    for (i, c) in s.components.iter().enumerate() {
        m.entry(c.id.as_str()).or_insert(i);
    }
    m
}

impl Graph {
    fn new(s: &Scenario, index: &BTreeMap<&str, usize>) -> Graph {
        let n = s.components.len();
        let (mut out, mut rev) = (vec![Vec::new(); n], vec![Vec::new(); n]);
        for (v, c) in s.components.iter().enumerate() {
            for w in c.next.iter().filter_map(|t| index.get(t.as_str()).copied()) {
                out[v].push(w);
                rev[w].push(v);
            }
        }
        Graph { out, rev }
    }

    /// Breadth first from `start` along `adj`: where each reached index came from
    /// (`usize::MAX`: not reached).
    fn search(adj: &[Vec<usize>], start: usize) -> Vec<usize> {
        let mut came = vec![usize::MAX; adj.len()];
        came[start] = start;
        let mut queue = VecDeque::from([start]);
        while let Some(v) = queue.pop_front() {
            for &w in &adj[v] {
                if came[w] == usize::MAX {
                    came[w] = v;
                    queue.push_back(w);
                }
            }
        }
        came
    }
}

/// The calls from `from` to `to`, shortest first: the component ids along the way (both ends
/// included), or `None` when `to` cannot be reached from `from`. Breadth first over `next`, in
/// scenario order (deterministic; linear in the edges).
pub fn call_path(s: &Scenario, from: &str, to: &str) -> Option<Vec<String>> {
    let index = index_of(s);
    let (start, goal) = (*index.get(from)?, *index.get(to)?);
    let came = Graph::search(&Graph::new(s, &index).out, start);
    if came[goal] == usize::MAX {
        return None;
    }
    let mut path = vec![s.components[goal].id.clone()];
    let mut at = goal;
    while at != start {
        at = came[at];
        path.push(s.components[at].id.clone());
    }
    path.reverse();
    Some(path)
}

/// Why the call `from → to` would close a cycle (requests would go round forever), or `None`
/// when it would not.
pub fn cycle_reason(s: &Scenario, from: &str, to: &str) -> Option<String> {
    if from == to {
        return Some("A component cannot call itself.".into());
    }
    let back = call_path(s, to, from)?;
    Some(format!(
        "`{from}` cannot call `{to}`: `{to}` already leads to `{from}` ({}), so requests would go round in a cycle.",
        back.join(" → ")
    ))
}

/// What "Add a call to…" offers for `from`: each other component it does not call yet, with
/// whether calling it would close a cycle (those are listed, disabled, with the reason). One
/// search backwards from `from`.
pub fn call_candidates(s: &Scenario, from: &str) -> Vec<(String, bool)> {
    let index = index_of(s);
    let Some(&start) = index.get(from) else {
        return Vec::new();
    };
    let upstream = Graph::search(&Graph::new(s, &index).rev, start);
    let c = &s.components[start];
    s.components
        .iter()
        .enumerate()
        .filter(|(_, o)| o.id != from && !c.next.contains(&o.id))
        .map(|(i, o)| (o.id.clone(), upstream[i] != usize::MAX))
        .collect()
}

/// For each component, for each of its `next` calls: whether that edge lies on a cycle (its
/// target leads back to it). Such edges are drawn dashed in the warning colour. Linear: the
/// strongly connected components (Kosaraju, iterative), an edge is on a cycle when both ends
/// are in the same one.
pub fn cycle_edges(s: &Scenario) -> Vec<Vec<bool>> {
    let index = index_of(s);
    let g = Graph::new(s, &index);
    let n = g.out.len();
    // First pass: the finishing order of a depth-first search along `out`.
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if seen[root] {
            continue;
        }
        seen[root] = true;
        let mut stack = vec![(root, 0usize)];
        while let Some((v, k)) = stack.last_mut() {
            if let Some(&w) = g.out[*v].get(*k) {
                *k += 1;
                if !seen[w] {
                    seen[w] = true;
                    stack.push((w, 0));
                }
            } else {
                order.push(*v);
                stack.pop();
            }
        }
    }
    // Second pass: along `rev` in reverse finishing order; each tree is one component.
    let mut comp = vec![usize::MAX; n];
    for (label, &root) in order.iter().rev().enumerate() {
        if comp[root] != usize::MAX {
            continue;
        }
        comp[root] = label;
        let mut stack = vec![root];
        while let Some(v) = stack.pop() {
            for &w in &g.rev[v] {
                if comp[w] == usize::MAX {
                    comp[w] = label;
                    stack.push(w);
                }
            }
        }
    }
    s.components
        .iter()
        .enumerate()
        .map(|(v, c)| {
            c.next
                .iter()
                .map(|t| index.get(t.as_str()).is_some_and(|&w| comp[w] == comp[v]))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::state::tests::base;

    #[test]
    fn the_path_between_two_components_follows_next() {
        let s = base();
        assert_eq!(
            call_path(&s, "lb", "db"),
            Some(vec!["lb".into(), "web".into(), "app".into(), "db".into()])
        );
        assert_eq!(call_path(&s, "db", "lb"), None);
        assert_eq!(call_path(&s, "lb", "lb"), Some(vec!["lb".into()]));
        assert_eq!(call_path(&s, "lb", "nowhere"), None);
    }

    #[test]
    fn a_call_upstream_closes_a_cycle_and_says_through_where() {
        let s = base();
        let why = cycle_reason(&s, "app", "lb").unwrap();
        assert!(why.contains("lb → web → app"), "{why}");
        assert!(cycle_reason(&s, "lb", "lb").unwrap().contains("itself"));
        assert_eq!(cycle_reason(&s, "lb", "db"), None);
    }

    #[test]
    fn the_candidates_mark_the_upstream_ones() {
        let s = base();
        // app calls db already; lb and web are upstream of it.
        assert_eq!(
            call_candidates(&s, "app"),
            vec![("lb".into(), true), ("web".into(), true)]
        );
        assert_eq!(
            call_candidates(&s, "lb"),
            vec![("app".into(), false), ("db".into(), false)]
        );
        assert!(call_candidates(&s, "nowhere").is_empty());
    }

    #[test]
    fn only_the_edges_of_a_cycle_are_on_it() {
        let mut s = base();
        assert!(cycle_edges(&s).iter().flatten().all(|on| !on));
        s.components
            .iter_mut()
            .find(|c| c.id == "app")
            .unwrap()
            .next
            .push("lb".into());
        // lb → web, web → app, app → db (not on it), app → lb.
        assert_eq!(
            cycle_edges(&s),
            vec![vec![true], vec![true], vec![false, true], vec![]]
        );
        // A self-call is a cycle of one; a call to an unknown id is on none.
        s.components[3].next = vec!["db".into(), "nowhere".into()];
        assert_eq!(cycle_edges(&s)[3], vec![true, false]);
    }
}

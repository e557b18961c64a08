//! The edits of the editor reducer: each [`Action`] that changes the scenario, as one function
//! per family (components, connections, sites, faults, delete and duplicate). Each either edits
//! the scenario and selection or refuses with a [`Notice`] and leaves the state to be dropped.

use super::{
    default_spec, follow_site_boxes, fresh_id, id_prefix, new_site_rect, rect_contains,
    selected_ids, site_at, site_in, Action, Notice, Sel, SITE_MIN,
};
use crate::scenario::{Component, Dur, Fault, Scenario, Site, Spec};

/// Applies one edit to `s` and `selection` (copies: a refusal leaves the real state unchanged).
pub(super) fn edit_scenario(
    s: &mut Scenario,
    selection: &mut Vec<Sel>,
    edit: Action,
) -> Result<(), Notice> {
    match edit {
        Action::Load(new) => {
            *s = *new;
            selection.clear();
        }
        Action::Replace(new) => *s = *new,
        Action::AddComponent { kind, pos } => add_component(s, selection, &kind, pos)?,
        Action::MoveComponents { ids, dx, dy } => {
            for c in s.components.iter_mut().filter(|c| ids.contains(&c.id)) {
                let [x, y] = c.pos.unwrap_or([0, 0]);
                c.pos = Some([x.saturating_add(dx), y.saturating_add(dy)]);
            }
            // Dropped into a site box: it joins that site; dragged out of its box: it leaves.
            follow_site_boxes(s, &ids);
        }
        Action::AddSite { rect } => add_site(s, selection, rect),
        Action::DragSite { id, resize, dx, dy } => drag_site(s, &id, resize, dx, dy)?,
        Action::Connect { from, to } => connect(s, selection, from, to)?,
        Action::Disconnect { from, to } => {
            if let Some(c) = s.components.iter_mut().find(|c| c.id == from) {
                c.next.retain(|n| *n != to);
            }
        }
        Action::UpdateComponent { id, component } => {
            let c = s
                .components
                .iter_mut()
                .find(|c| c.id == id)
                .ok_or_else(|| format!("There is no component `{id}`."))?;
            let mut component = *component;
            component.id = id;
            *c = component;
        }
        Action::RenameComponent { from, to } => rename_component(s, selection, &from, &to)?,
        Action::GroupIntoSite => group_into_site(s, selection)?,
        Action::UpdateSite { id, site } => update_site(s, selection, &id, site)?,
        Action::AddFault(f) => {
            s.faults.push(f);
            *selection = vec![Sel::Fault(s.faults.len() - 1)];
        }
        Action::UpdateFault { index, fault } => *fault_slot(s, index)? = *fault,
        Action::MoveFault { index, at_us } => fault_slot(s, index)?.set_at(Dur::Valid(at_us)),
        Action::DeleteSelected => delete_selected(s, selection)?,
        Action::DuplicateSelected => duplicate_selected(s, selection)?,
        Action::Undo
        | Action::Redo
        | Action::Select(_)
        | Action::ToggleSelect(_)
        | Action::SelectRect { .. }
        | Action::SelectAll
        | Action::ClearSelection => {}
    }
    Ok(())
}

/// Adds a component of `kind`. Without a position (the palette's click), next to the one
/// selected component and called by it; else on a free spot. The first component of a scenario
/// without entry points becomes its entry.
fn add_component(
    s: &mut Scenario,
    selection: &mut Vec<Sel>,
    kind: &str,
    pos: Option<[i32; 2]>,
) -> Result<(), String> {
    let spec = default_spec(kind).ok_or_else(|| format!("Unknown component kind `{kind}`."))?;
    let id = fresh_id(id_prefix(kind), s.components.iter().map(|c| c.id.as_str()));
    let caller = match (pos, selection.as_slice()) {
        (None, [Sel::Component(from)]) => s.components.iter().position(|c| c.id == *from),
        _ => None,
    };
    let pos = match (pos, caller) {
        (Some(p), _) => p,
        (None, Some(i)) => spot_next_to(s, s.components[i].pos.unwrap_or([0, 0])),
        (None, None) => super::free_spot(s),
    };
    s.components.push(Component {
        id: id.clone(),
        name: String::new(),
        site: site_at(s, pos),
        next: Vec::new(),
        failure: None,
        pos: Some(pos),
        spec,
    });
    match caller {
        Some(i) => s.components[i].next.push(id.clone()),
        None if s.traffic.entry.is_empty() => s.traffic.entry.push(id.clone()),
        None => {}
    }
    *selection = vec![Sel::Component(id)];
    Ok(())
}

/// A spot right of a node at `at` (one column on), moved down past any node already there; on
/// the next free row ([`free_spot`](super::free_spot)) rather than grow a very wide drawing.
pub(super) fn spot_next_to(s: &Scenario, at: [i32; 2]) -> [i32; 2] {
    let (x, mut y) = (at[0].saturating_add(180), at[1]);
    let min_x = s
        .components
        .iter()
        .filter_map(|c| c.pos)
        .map(|p| p[0])
        .min();
    if min_x.is_some_and(|m| x > m.saturating_add(5 * 180)) {
        return super::free_spot(s);
    }
    let taken = |y: i32| {
        s.components
            .iter()
            .filter_map(|c| c.pos)
            .any(|p| (p[0] - x).abs() < super::NODE_W + 20 && (p[1] - y).abs() < super::NODE_H + 10)
    };
    while taken(y) {
        y = y.saturating_add(super::NODE_H + 24);
    }
    [x, y]
}

fn add_site(s: &mut Scenario, selection: &mut Vec<Sel>, rect: [i32; 4]) {
    let id = fresh_id("site", s.sites.iter().map(|x| x.id.as_str()));
    let [x, y, w, h] = rect;
    s.sites.push(Site {
        id: id.clone(),
        name: String::new(),
        kind: Default::default(),
        rect: Some([x, y, w.max(SITE_MIN[0]), h.max(SITE_MIN[1])]),
    });
    let inside: Vec<String> = s
        .components
        .iter()
        .filter(|c| site_in(&s.sites, c.pos.unwrap_or([0, 0])).as_deref() == Some(&id))
        .map(|c| c.id.clone())
        .collect();
    follow_site_boxes(s, &inside);
    *selection = vec![Sel::Site(id)];
}

/// Moves a site box with its members, or (`resize`) drags its bottom-right corner.
fn drag_site(s: &mut Scenario, id: &str, resize: bool, dx: i32, dy: i32) -> Result<(), String> {
    let site = s
        .sites
        .iter_mut()
        .find(|x| x.id == id)
        .ok_or_else(|| format!("There is no site `{id}`."))?;
    let r = site
        .rect
        .as_mut()
        .ok_or_else(|| format!("The site `{id}` has no box on the canvas."))?;
    if resize {
        r[2] = r[2].saturating_add(dx).max(SITE_MIN[0]);
        r[3] = r[3].saturating_add(dy).max(SITE_MIN[1]);
        let r = *r;
        // Who is in the box now: members and anything the new box covers.
        let affected: Vec<String> = s
            .components
            .iter()
            .filter(|c| {
                let [x, y] = c.pos.unwrap_or([0, 0]);
                c.site.as_deref() == Some(id) || rect_contains(r, [x, y, 0, 0])
            })
            .map(|c| c.id.clone())
            .collect();
        follow_site_boxes(s, &affected);
    } else {
        r[0] = r[0].saturating_add(dx);
        r[1] = r[1].saturating_add(dy);
        for c in s
            .components
            .iter_mut()
            .filter(|c| c.site.as_deref() == Some(id))
        {
            let [x, y] = c.pos.unwrap_or([0, 0]);
            c.pos = Some([x.saturating_add(dx), y.saturating_add(dy)]);
        }
    }
    Ok(())
}

fn connect(
    s: &mut Scenario,
    selection: &mut Vec<Sel>,
    from: String,
    to: String,
) -> Result<(), String> {
    if !s.components.iter().any(|c| c.id == to) {
        return Err(format!("There is no component `{to}`."));
    }
    let c = s
        .components
        .iter()
        .find(|c| c.id == from)
        .ok_or_else(|| format!("There is no component `{from}`."))?;
    if c.next.contains(&to) {
        return Err(format!("`{from}` already calls `{to}`."));
    }
    // Refused rather than left to the check: a cycle would stop every run.
    if let Some(why) = super::cycle_reason(s, &from, &to) {
        return Err(why);
    }
    let Some(c) = s.components.iter_mut().find(|c| c.id == from) else {
        return Err(format!("There is no component `{from}`."));
    };
    c.next.push(to.clone());
    *selection = vec![Sel::Link(from, to)];
    Ok(())
}

/// Renames a component and every reference to it: edges, entry points, fault targets and the
/// selection.
fn rename_component(
    s: &mut Scenario,
    selection: &mut [Sel],
    from: &str,
    to: &str,
) -> Result<(), String> {
    let to = to.trim().to_string();
    if to.is_empty() {
        return Err("An id cannot be empty.".into());
    }
    if to == from {
        return Ok(());
    }
    if s.components.iter().any(|c| c.id == to) {
        return Err(format!("The id `{to}` is already used."));
    }
    let fix = |x: &mut String| {
        if x == from {
            *x = to.clone();
        }
    };
    for c in &mut s.components {
        fix(&mut c.id);
        c.next.iter_mut().for_each(fix);
    }
    s.traffic.entry.iter_mut().for_each(fix);
    for f in &mut s.faults {
        f.targets_mut().into_iter().for_each(fix);
    }
    for sel in selection.iter_mut() {
        if let Sel::Component(id) = sel {
            fix(id);
        }
    }
    Ok(())
}

/// Puts the selected components into a new site, its box around them ([`new_site_rect`]).
fn group_into_site(s: &mut Scenario, selection: &mut Vec<Sel>) -> Result<(), String> {
    let ids = selected_ids(selection);
    if ids.is_empty() {
        return Err(
            "Select the components to group first (shift-click, or drag a rectangle around them)."
                .into(),
        );
    }
    let rect = new_site_rect(s, selection);
    let id = fresh_id("site", s.sites.iter().map(|x| x.id.as_str()));
    s.sites.push(Site {
        id: id.clone(),
        name: String::new(),
        kind: Default::default(),
        rect: Some(rect),
    });
    for c in s.components.iter_mut().filter(|c| ids.contains(&c.id)) {
        c.site = Some(id.clone());
    }
    *selection = vec![Sel::Site(id)];
    Ok(())
}

fn update_site(
    s: &mut Scenario,
    selection: &mut [Sel],
    id: &str,
    site: Site,
) -> Result<(), String> {
    let new_id = site.id.trim().to_string();
    if new_id.is_empty() {
        return Err("A site id cannot be empty.".into());
    }
    if new_id != id && s.sites.iter().any(|x| x.id == new_id) {
        return Err(format!("The site id `{new_id}` is already used."));
    }
    let slot = s
        .sites
        .iter_mut()
        .find(|x| x.id == id)
        .ok_or_else(|| format!("There is no site `{id}`."))?;
    *slot = Site {
        id: new_id.clone(),
        ..site
    };
    if new_id != id {
        rename_site(s, id, &new_id);
        for sel in selection.iter_mut() {
            if *sel == Sel::Site(id.to_string()) {
                *sel = Sel::Site(new_id.clone());
            }
        }
    }
    Ok(())
}

fn fault_slot(s: &mut Scenario, index: usize) -> Result<&mut Fault, String> {
    s.faults
        .get_mut(index)
        .ok_or_else(|| format!("There is no fault #{index}."))
}

/// Deletes what is selected: components (and the edges and entries naming them), sites (their
/// members stay, outside any site), edges and faults.
fn delete_selected(s: &mut Scenario, selection: &mut Vec<Sel>) -> Result<(), Notice> {
    if selection.is_empty() {
        return Err(Notice::minor("Nothing is selected."));
    }
    let mut fault_idx: Vec<usize> = Vec::new();
    for sel in selection.iter() {
        match sel {
            Sel::Component(id) => {
                s.components.retain(|c| c.id != *id);
                for c in &mut s.components {
                    c.next.retain(|n| n != id);
                }
                s.traffic.entry.retain(|e| e != id);
            }
            Sel::Site(id) => {
                s.sites.retain(|x| x.id != *id);
                s.site_links.retain(|l| l.a != *id && l.b != *id);
                for c in &mut s.components {
                    if c.site.as_deref() == Some(id) {
                        c.site = None;
                    }
                }
            }
            Sel::Link(a, b) => {
                if let Some(c) = s.components.iter_mut().find(|c| c.id == *a) {
                    c.next.retain(|n| n != b);
                }
            }
            Sel::Fault(i) => fault_idx.push(*i),
        }
    }
    fault_idx.sort_unstable();
    fault_idx.dedup();
    for i in fault_idx.into_iter().rev() {
        if i < s.faults.len() {
            s.faults.remove(i);
        }
    }
    selection.clear();
    Ok(())
}

/// Copies the selected components, with the edges between them, and selects the copies.
fn duplicate_selected(s: &mut Scenario, selection: &mut Vec<Sel>) -> Result<(), String> {
    let ids = selected_ids(selection);
    if ids.is_empty() {
        return Err("Select components to duplicate.".into());
    }
    // Old id → new id, so edges inside the copied group are copied too.
    let mut mapping: Vec<(String, String)> = Vec::new();
    let mut copies: Vec<Component> = Vec::new();
    for id in &ids {
        let Some(orig) = s.components.iter().find(|c| c.id == *id) else {
            continue;
        };
        let taken: Vec<&str> = s
            .components
            .iter()
            .chain(copies.iter())
            .map(|c| c.id.as_str())
            .collect();
        let new_id = fresh_id(&format!("{id}-copy"), taken.iter().copied());
        let mut copy = orig.clone();
        copy.id = new_id.clone();
        let [x, y] = orig.pos.unwrap_or([0, 0]);
        copy.pos = Some([x + 30, y + 30]);
        mapping.push((id.clone(), new_id));
        copies.push(copy);
    }
    for c in &mut copies {
        for n in &mut c.next {
            if let Some((_, new)) = mapping.iter().find(|(old, _)| old == n) {
                *n = new.clone();
            }
        }
    }
    *selection = copies
        .iter()
        .map(|c| Sel::Component(c.id.clone()))
        .collect();
    s.components.extend(copies);
    Ok(())
}

/// Renames a site in every reference: members, replicas, site links and site faults.
fn rename_site(s: &mut Scenario, from: &str, to: &str) {
    let fix = |x: &mut String| {
        if x == from {
            *x = to.to_string();
        }
    };
    for c in &mut s.components {
        if let Some(site) = c.site.as_mut() {
            fix(site);
        }
        if let Spec::Database(db) = &mut c.spec {
            for r in &mut db.replicas {
                if let Some(site) = r.site.as_mut() {
                    fix(site);
                }
            }
        }
    }
    for l in &mut s.site_links {
        fix(&mut l.a);
        fix(&mut l.b);
    }
    for f in &mut s.faults {
        match f {
            Fault::SiteOutage(x) => fix(&mut x.site),
            Fault::Partition(x) => {
                fix(&mut x.a);
                fix(&mut x.b);
            }
            Fault::SiteSwitchover(x) => {
                fix(&mut x.from);
                fix(&mut x.to);
            }
            _ => {}
        }
    }
}

//! The editor's state: the scenario being edited, the selection and the undo history, changed
//! only through the closed [`Action`] enum (a Yew reducer, unit-tested natively).

use crate::scenario::{
    App, Cache, Component, ComponentKind, Database, Dur, Fault, LoadBalancer, NodeFault, Queue,
    Scenario, Site, Spec, Store, Web,
};
use std::rc::Rc;
use strum::IntoEnumIterator;
use yew::Reducible;

/// How many edits undo remembers.
pub const HISTORY_LIMIT: usize = 200;

/// Size of a node box on the canvas (pos is its centre).
pub const NODE_W: i32 = 130;
pub const NODE_H: i32 = 56;

/// Something selected in the editor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sel {
    Component(String),
    Site(String),
    /// A `next` edge from one component to another.
    Link(String, String),
    /// A scripted fault, by index.
    Fault(usize),
}

/// Every component kind the palette offers, in palette order (the order of [`Spec`]).
pub fn kinds() -> impl Iterator<Item = ComponentKind> {
    ComponentKind::iter()
}

/// A human label for a component kind (its JSON name, as `Spec::kind_name` gives it).
pub fn kind_label(kind: &str) -> &'static str {
    let Ok(kind) = kind.parse::<ComponentKind>() else {
        return "Component";
    };
    match kind {
        ComponentKind::LoadBalancer => "Load balancer",
        ComponentKind::Web => "Web tier",
        ComponentKind::App => "App cluster",
        ComponentKind::Cache => "Cache",
        ComponentKind::Queue => "Message queue",
        ComponentKind::Database => "Database",
        ComponentKind::SearchIndex => "Search index",
        ComponentKind::DocStore => "Document store",
    }
}

/// A component spec with default parameters for `kind`.
pub fn default_spec(kind: &str) -> Option<Spec> {
    Some(match kind.parse::<ComponentKind>().ok()? {
        ComponentKind::LoadBalancer => Spec::LoadBalancer(LoadBalancer::default()),
        ComponentKind::Web => Spec::Web(Web::default()),
        ComponentKind::App => Spec::App(App::default()),
        ComponentKind::Cache => Spec::Cache(Cache::default()),
        ComponentKind::Queue => Spec::Queue(Queue::default()),
        ComponentKind::Database => Spec::Database(Database::default()),
        ComponentKind::SearchIndex => Spec::SearchIndex(Store::default()),
        ComponentKind::DocStore => Spec::DocStore(Store::default()),
    })
}

/// A short id prefix for new components of a kind.
fn id_prefix(kind: &str) -> &'static str {
    let Ok(kind) = kind.parse::<ComponentKind>() else {
        return "node";
    };
    match kind {
        ComponentKind::LoadBalancer => "lb",
        ComponentKind::Web => "web",
        ComponentKind::App => "app",
        ComponentKind::Cache => "cache",
        ComponentKind::Queue => "mq",
        ComponentKind::Database => "db",
        ComponentKind::SearchIndex => "search",
        ComponentKind::DocStore => "docs",
    }
}

/// The first `prefix`, `prefix2`, `prefix3`, ... not in `taken`.
pub fn fresh_id<'a>(prefix: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    let mut n = 1u32;
    loop {
        let candidate = if n == 1 {
            prefix.to_string()
        } else {
            format!("{prefix}{n}")
        };
        if !taken.clone().any(|t| t == candidate) {
            return candidate;
        }
        n += 1;
    }
}

/// The site whose box holds `pos` (the smallest, when boxes nest).
fn site_in(sites: &[Site], pos: [i32; 2]) -> Option<String> {
    sites
        .iter()
        .filter_map(|s| s.rect.map(|r| (s, r)))
        .filter(|(_, [x, y, w, h])| {
            pos[0] >= *x && pos[0] <= x + w && pos[1] >= *y && pos[1] <= y + h
        })
        .min_by_key(|(_, [_, _, w, h])| i64::from(*w) * i64::from(*h))
        .map(|(s, _)| s.id.clone())
}

fn site_at(s: &Scenario, pos: [i32; 2]) -> Option<String> {
    site_in(&s.sites, pos)
}

/// The rectangle `[x, y, width, height]` spanned by two corners, in any order.
pub fn rect_between(a: [i32; 2], b: [i32; 2]) -> [i32; 4] {
    let (x0, x1) = (a[0].min(b[0]), a[0].max(b[0]));
    let (y0, y1) = (a[1].min(b[1]), a[1].max(b[1]));
    [x0, y0, x1.saturating_sub(x0), y1.saturating_sub(y0)]
}

/// The box a node at `pos` (its centre) covers on the canvas.
pub fn node_rect(pos: [i32; 2]) -> [i32; 4] {
    [pos[0] - NODE_W / 2, pos[1] - NODE_H / 2, NODE_W, NODE_H]
}

/// Whether `inner` lies wholly inside `outer` (edges included).
pub fn rect_contains(outer: [i32; 4], inner: [i32; 4]) -> bool {
    let [ox, oy, ow, oh] = outer.map(i64::from);
    let [ix, iy, iw, ih] = inner.map(i64::from);
    ix >= ox && iy >= oy && ix + iw <= ox + ow && iy + ih <= oy + oh
}

/// The components whose whole box lies inside `rect` (a rubber band), in scenario order.
pub fn components_in_rect(s: &Scenario, rect: [i32; 4]) -> Vec<String> {
    s.components
        .iter()
        .filter(|c| rect_contains(rect, node_rect(c.pos.unwrap_or([0, 0]))))
        .map(|c| c.id.clone())
        .collect()
}

/// Site membership follows the drawing for the components in `ids`: a component whose centre
/// is in a site box joins that site (the smallest, when boxes nest); one outside every box
/// leaves a site that has a box. A site without a box (written in JSON) is kept.
fn follow_site_boxes(s: &mut Scenario, ids: &[String]) {
    let sites = s.sites.clone();
    for c in s.components.iter_mut().filter(|c| ids.contains(&c.id)) {
        let pos = c.pos.unwrap_or([0, 0]);
        match site_in(&sites, pos) {
            Some(site) => c.site = Some(site),
            None => {
                let boxed = c
                    .site
                    .as_ref()
                    .and_then(|id| sites.iter().find(|x| x.id == *id))
                    .is_some_and(|x| x.rect.is_some());
                if boxed {
                    c.site = None;
                }
            }
        }
    }
}

/// Smallest site box, in canvas units.
pub const SITE_MIN: [i32; 2] = [80, 60];

/// A spot for a new, empty site box: below everything drawn, at the left edge of the drawing.
pub fn free_site_rect(s: &Scenario) -> [i32; 4] {
    let mut left = i32::MAX;
    let mut bottom = i32::MIN;
    for c in &s.components {
        let [x, y, _, h] = node_rect(c.pos.unwrap_or([0, 0]));
        left = left.min(x);
        bottom = bottom.max(y + h);
    }
    for r in s.sites.iter().filter_map(|x| x.rect) {
        left = left.min(r[0]);
        bottom = bottom.max(r[1].saturating_add(r[3]));
    }
    if left == i32::MAX {
        return [40, 40, 320, 200];
    }
    [left, bottom.saturating_add(40), 320, 200]
}

/// The box of a new site: around the selected components when there are any (grouping them
/// into the site), else an empty one below the drawing ([`free_site_rect`]).
pub fn new_site_rect(s: &Scenario, selection: &[Sel]) -> [i32; 4] {
    const PAD: i32 = 24;
    let boxes: Vec<[i32; 4]> = selection
        .iter()
        .filter_map(|x| match x {
            Sel::Component(id) => s.components.iter().find(|c| c.id == *id),
            _ => None,
        })
        .map(|c| node_rect(c.pos.unwrap_or([0, 0])))
        .collect();
    if boxes.is_empty() {
        return free_site_rect(s);
    }
    let left = boxes
        .iter()
        .map(|r| r[0])
        .min()
        .unwrap_or(0)
        .saturating_sub(PAD);
    // room above the nodes for the site's label
    let top = boxes
        .iter()
        .map(|r| r[1])
        .min()
        .unwrap_or(0)
        .saturating_sub(PAD + 12);
    let right = boxes
        .iter()
        .map(|r| r[0].saturating_add(r[2]))
        .max()
        .unwrap_or(0)
        .saturating_add(PAD);
    let bottom = boxes
        .iter()
        .map(|r| r[1].saturating_add(r[3]))
        .max()
        .unwrap_or(0)
        .saturating_add(PAD);
    [
        left,
        top,
        right.saturating_sub(left),
        bottom.saturating_sub(top),
    ]
}

/// A spot for a new component: right of the rightmost node, on the first row with room.
pub fn free_spot(s: &Scenario) -> [i32; 2] {
    let positions: Vec<[i32; 2]> = s.components.iter().filter_map(|c| c.pos).collect();
    let min_x = positions.iter().map(|p| p[0]).min().unwrap_or(80);
    let mut x = positions.iter().map(|p| p[0]).max().map_or(80, |m| m + 180);
    let mut y = positions.iter().map(|p| p[1]).min().unwrap_or(100);
    // Wrap to a new row rather than grow a very wide drawing.
    if x > min_x + 5 * 180 {
        let last_row = positions.iter().map(|p| p[1]).max().unwrap_or(100);
        let row_end = positions
            .iter()
            .filter(|p| (p[1] - last_row).abs() < NODE_H)
            .map(|p| p[0])
            .max()
            .unwrap_or(min_x);
        if row_end + 180 <= min_x + 5 * 180 && last_row > y {
            x = row_end + 180;
            y = last_row;
        } else {
            x = min_x;
            y = last_row + NODE_H + 44;
        }
    }
    while positions
        .iter()
        .any(|p| (p[0] - x).abs() < NODE_W && (p[1] - y).abs() < NODE_H + 10)
    {
        y += NODE_H + 24;
    }
    [x, y]
}

/// Everything the editor can do to its state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Replaces the whole scenario (built-in picked, file imported); undoable.
    Load(Box<Scenario>),
    /// Replaces the scenario after an edit made elsewhere (settings forms); undoable.
    Replace(Box<Scenario>),
    /// Adds a component; `pos: None` puts it on a free spot next to the others.
    AddComponent {
        kind: String,
        pos: Option<[i32; 2]>,
    },
    /// Moves components by a delta (one undo step per drag).
    MoveComponents {
        ids: Vec<String>,
        dx: i32,
        dy: i32,
    },
    Connect {
        from: String,
        to: String,
    },
    Disconnect {
        from: String,
        to: String,
    },
    /// Replaces the component `id` (its parameters; its id stays).
    UpdateComponent {
        id: String,
        component: Box<Component>,
    },
    /// Renames a component and every reference to it.
    RenameComponent {
        from: String,
        to: String,
    },
    /// Puts the selected components into a new site sized around them.
    GroupIntoSite,
    /// Adds an empty site box at `rect` (components whose centre is inside join it).
    AddSite {
        rect: [i32; 4],
    },
    /// Moves a site box with its components, or (`resize`) drags its bottom-right corner; the
    /// components inside the resized box join it, those left outside leave it.
    DragSite {
        id: String,
        resize: bool,
        dx: i32,
        dy: i32,
    },
    UpdateSite {
        id: String,
        site: Site,
    },
    AddFault(Fault),
    UpdateFault {
        index: usize,
        fault: Box<Fault>,
    },
    /// Moves a fault along the time axis.
    MoveFault {
        index: usize,
        at_us: u64,
    },
    DeleteSelected,
    DuplicateSelected,
    Select(Sel),
    /// Shift-click: adds or removes from the selection.
    ToggleSelect(Sel),
    /// Ctrl+A: every component.
    SelectAll,
    /// Rubber band: selects the components wholly inside `rect` (canvas units); with `add`,
    /// adds them to the selection instead of replacing it.
    SelectRect {
        rect: [i32; 4],
        add: bool,
    },
    ClearSelection,
    Undo,
    Redo,
}

/// The editor's state.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub scenario: Scenario,
    pub selection: Vec<Sel>,
    past: Vec<Scenario>,
    future: Vec<Scenario>,
    /// A short message about the last action that did nothing (shown in the status line).
    pub notice: Option<String>,
}

impl AppState {
    pub fn new(scenario: Scenario) -> AppState {
        AppState {
            scenario,
            selection: Vec::new(),
            past: Vec::new(),
            future: Vec::new(),
            notice: None,
        }
    }

    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    pub fn is_selected(&self, sel: &Sel) -> bool {
        self.selection.contains(sel)
    }

    /// The selected component ids.
    pub fn selected_components(&self) -> Vec<String> {
        self.selection
            .iter()
            .filter_map(|s| match s {
                Sel::Component(id) => Some(id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Applies an action, returning the new state.
    pub fn apply(mut self, action: Action) -> AppState {
        self.notice = None;
        match action {
            Action::Undo => {
                if let Some(prev) = self.past.pop() {
                    let current = std::mem::replace(&mut self.scenario, prev);
                    self.future.push(current);
                    self.prune_selection();
                } else {
                    self.notice = Some("Nothing to undo.".into());
                }
                self
            }
            Action::Redo => {
                if let Some(next) = self.future.pop() {
                    let current = std::mem::replace(&mut self.scenario, next);
                    self.past.push(current);
                    self.prune_selection();
                } else {
                    self.notice = Some("Nothing to redo.".into());
                }
                self
            }
            Action::Select(sel) => {
                self.selection = vec![sel];
                self
            }
            Action::ToggleSelect(sel) => {
                if let Some(i) = self.selection.iter().position(|s| *s == sel) {
                    self.selection.remove(i);
                } else {
                    self.selection.push(sel);
                }
                self
            }
            Action::ClearSelection => {
                self.selection.clear();
                self
            }
            Action::SelectAll => {
                self.selection = self
                    .scenario
                    .components
                    .iter()
                    .map(|c| Sel::Component(c.id.clone()))
                    .collect();
                self
            }
            Action::SelectRect { rect, add } => {
                if !add {
                    self.selection.clear();
                }
                for id in components_in_rect(&self.scenario, rect) {
                    let sel = Sel::Component(id);
                    if !self.selection.contains(&sel) {
                        self.selection.push(sel);
                    }
                }
                self
            }
            edit => {
                let mut next = self.scenario.clone();
                let mut selection = self.selection.clone();
                match edit_scenario(&mut next, &mut selection, edit) {
                    Ok(()) => {
                        if next != self.scenario {
                            let prev = std::mem::replace(&mut self.scenario, next);
                            self.past.push(prev);
                            if self.past.len() > HISTORY_LIMIT {
                                self.past.remove(0);
                            }
                            self.future.clear();
                        }
                        self.selection = selection;
                        self.prune_selection();
                    }
                    Err(msg) => self.notice = Some(msg),
                }
                self
            }
        }
    }

    /// Drops selected things that no longer exist.
    fn prune_selection(&mut self) {
        let s = &self.scenario;
        let has = |id: &str| s.components.iter().any(|c| c.id == id);
        self.selection.retain(|sel| match sel {
            Sel::Component(id) => has(id),
            Sel::Site(id) => s.sites.iter().any(|x| x.id == *id),
            Sel::Link(a, b) => s
                .components
                .iter()
                .any(|c| c.id == *a && c.next.iter().any(|n| n == b)),
            Sel::Fault(i) => *i < s.faults.len(),
        });
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new((*self).clone().apply(action))
    }
}

/// A fault's target components and sites, for renames and deletes.
fn fault_targets_mut(f: &mut Fault) -> Vec<&mut String> {
    match f {
        Fault::Crash(x) | Fault::Hang(x) | Fault::Corruption(x) => vec![&mut x.target],
        Fault::ErrorRate(x) => vec![&mut x.target],
        Fault::Latency(x) => vec![&mut x.target],
        Fault::Leak(x) => vec![&mut x.target],
        Fault::Flapping(x) => vec![&mut x.target],
        Fault::RollingRestart(x) => vec![&mut x.target],
        Fault::BlueGreen(x) => vec![&mut x.blue, &mut x.green],
        Fault::DbSwitchover(x) => vec![&mut x.target],
        Fault::Partition(x) => x.component.as_mut().into_iter().collect(),
        Fault::SiteOutage(_)
        | Fault::TrafficSpike(_)
        | Fault::DnsFailure(_)
        | Fault::SiteSwitchover(_) => Vec::new(),
    }
}

/// Sets a fault's start time.
pub fn set_fault_at(f: &mut Fault, at: Dur) {
    match f {
        Fault::Crash(x) | Fault::Hang(x) | Fault::Corruption(x) => x.at = at,
        Fault::ErrorRate(x) => x.at = at,
        Fault::Latency(x) => x.at = at,
        Fault::Leak(x) => x.at = at,
        Fault::Flapping(x) => x.at = at,
        Fault::SiteOutage(x) => x.at = at,
        Fault::Partition(x) => x.at = at,
        Fault::TrafficSpike(x) => x.at = at,
        Fault::DnsFailure(x) => x.at = at,
        Fault::RollingRestart(x) => x.at = at,
        Fault::BlueGreen(x) => x.at = at,
        Fault::SiteSwitchover(x) => x.at = at,
        Fault::DbSwitchover(x) => x.at = at,
    }
}

/// A crash of every node of `target` at `at`, for ten minutes.
pub fn crash_at(target: &str, at: Dur) -> Fault {
    Fault::Crash(NodeFault {
        at,
        target: target.to_string(),
        node: Some(0),
        duration: Some(Dur::mins(10)),
    })
}

fn edit_scenario(s: &mut Scenario, selection: &mut Vec<Sel>, edit: Action) -> Result<(), String> {
    match edit {
        Action::Load(new) => {
            *s = *new;
            selection.clear();
        }
        Action::Replace(new) => *s = *new,
        Action::AddComponent { kind, pos } => {
            let spec =
                default_spec(&kind).ok_or_else(|| format!("Unknown component kind `{kind}`."))?;
            let id = fresh_id(id_prefix(&kind), s.components.iter().map(|c| c.id.as_str()));
            let pos = pos.unwrap_or_else(|| free_spot(s));
            s.components.push(Component {
                id: id.clone(),
                name: String::new(),
                site: site_at(s, pos),
                next: Vec::new(),
                failure: None,
                pos: Some(pos),
                spec,
            });
            *selection = vec![Sel::Component(id)];
        }
        Action::MoveComponents { ids, dx, dy } => {
            for c in s.components.iter_mut().filter(|c| ids.contains(&c.id)) {
                let [x, y] = c.pos.unwrap_or([0, 0]);
                c.pos = Some([x.saturating_add(dx), y.saturating_add(dy)]);
            }
            // Dropped into a site box: it joins that site; dragged out of its box: it leaves.
            follow_site_boxes(s, &ids);
        }
        Action::AddSite { rect } => {
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
        Action::DragSite { id, resize, dx, dy } => {
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
                        c.site.as_deref() == Some(id.as_str()) || rect_contains(r, [x, y, 0, 0])
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
                    .filter(|c| c.site.as_deref() == Some(id.as_str()))
                {
                    let [x, y] = c.pos.unwrap_or([0, 0]);
                    c.pos = Some([x.saturating_add(dx), y.saturating_add(dy)]);
                }
            }
        }
        Action::Connect { from, to } => {
            if from == to {
                return Err("A component cannot call itself.".into());
            }
            if !s.components.iter().any(|c| c.id == to) {
                return Err(format!("There is no component `{to}`."));
            }
            let c = s
                .components
                .iter_mut()
                .find(|c| c.id == from)
                .ok_or_else(|| format!("There is no component `{from}`."))?;
            if c.next.contains(&to) {
                return Err(format!("`{from}` already calls `{to}`."));
            }
            c.next.push(to.clone());
            *selection = vec![Sel::Link(from, to)];
        }
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
        Action::RenameComponent { from, to } => {
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
            for c in &mut s.components {
                if c.id == from {
                    c.id = to.clone();
                }
                for n in &mut c.next {
                    if *n == from {
                        *n = to.clone();
                    }
                }
            }
            for e in &mut s.traffic.entry {
                if *e == from {
                    *e = to.clone();
                }
            }
            for f in &mut s.faults {
                for t in fault_targets_mut(f) {
                    if *t == from {
                        *t = to.clone();
                    }
                }
            }
            for sel in selection.iter_mut() {
                if *sel == Sel::Component(from.clone()) {
                    *sel = Sel::Component(to.clone());
                }
            }
        }
        Action::GroupIntoSite => {
            let ids: Vec<String> = selection
                .iter()
                .filter_map(|x| match x {
                    Sel::Component(id) => Some(id.clone()),
                    _ => None,
                })
                .collect();
            if ids.is_empty() {
                return Err("Select the components to group first (shift-click, or drag a rectangle around them).".into());
            }
            let (mut x0, mut y0, mut x1, mut y1) = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
            for c in s.components.iter().filter(|c| ids.contains(&c.id)) {
                let [x, y] = c.pos.unwrap_or([0, 0]);
                x0 = x0.min(x - NODE_W / 2);
                y0 = y0.min(y - NODE_H / 2);
                x1 = x1.max(x + NODE_W / 2);
                y1 = y1.max(y + NODE_H / 2);
            }
            let id = fresh_id("site", s.sites.iter().map(|x| x.id.as_str()));
            let pad = 24;
            s.sites.push(Site {
                id: id.clone(),
                name: String::new(),
                kind: Default::default(),
                rect: Some([
                    x0 - pad,
                    y0 - pad - 16,
                    x1 - x0 + 2 * pad,
                    y1 - y0 + 2 * pad + 16,
                ]),
            });
            for c in s.components.iter_mut().filter(|c| ids.contains(&c.id)) {
                c.site = Some(id.clone());
            }
            *selection = vec![Sel::Site(id)];
        }
        Action::UpdateSite { id, site } => {
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
                rename_site(s, &id, &new_id);
                for sel in selection.iter_mut() {
                    if *sel == Sel::Site(id.clone()) {
                        *sel = Sel::Site(new_id.clone());
                    }
                }
            }
        }
        Action::AddFault(f) => {
            s.faults.push(f);
            *selection = vec![Sel::Fault(s.faults.len() - 1)];
        }
        Action::UpdateFault { index, fault } => {
            let slot = s
                .faults
                .get_mut(index)
                .ok_or_else(|| format!("There is no fault #{index}."))?;
            *slot = *fault;
        }
        Action::MoveFault { index, at_us } => {
            let slot = s
                .faults
                .get_mut(index)
                .ok_or_else(|| format!("There is no fault #{index}."))?;
            set_fault_at(slot, Dur::Valid(at_us));
        }
        Action::DeleteSelected => {
            if selection.is_empty() {
                return Err("Nothing is selected.".into());
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
        }
        Action::DuplicateSelected => {
            let ids: Vec<String> = selection
                .iter()
                .filter_map(|x| match x {
                    Sel::Component(id) => Some(id.clone()),
                    _ => None,
                })
                .collect();
            if ids.is_empty() {
                return Err("Select components to duplicate.".into());
            }
            // Old id → new id, so edges inside the copied group are copied too.
            let mut mapping: Vec<(String, String)> = Vec::new();
            let mut copies = Vec::new();
            for id in &ids {
                let Some(orig) = s.components.iter().find(|c| c.id == *id) else {
                    continue;
                };
                let taken: Vec<String> = s
                    .components
                    .iter()
                    .map(|c| c.id.clone())
                    .chain(copies.iter().map(|c: &Component| c.id.clone()))
                    .collect();
                let new_id = fresh_id(&format!("{id}-copy"), taken.iter().map(|t| t.as_str()));
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
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::builtins;

    /// The reference scenario without its scripted faults.
    fn base() -> crate::scenario::Scenario {
        let mut s = builtins::get("liferay-reference").unwrap().scenario();
        s.faults.clear();
        s
    }

    fn reference() -> AppState {
        AppState::new(base())
    }

    fn ids(st: &AppState) -> Vec<&str> {
        st.scenario
            .components
            .iter()
            .map(|c| c.id.as_str())
            .collect()
    }

    #[test]
    fn add_and_connect_two_components_then_undo_redo() {
        let st = reference();
        let n = st.scenario.components.len();
        let st = st.apply(Action::AddComponent {
            kind: "cache".into(),
            pos: Some([10, 20]),
        });
        assert_eq!(st.scenario.components.len(), n + 1);
        assert_eq!(st.selection, vec![Sel::Component("cache".into())]);
        let st = st.apply(Action::AddComponent {
            kind: "cache".into(),
            pos: Some([200, 20]),
        });
        assert!(ids(&st).contains(&"cache2"));
        let st = st.apply(Action::Connect {
            from: "cache".into(),
            to: "cache2".into(),
        });
        let c = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "cache")
            .unwrap();
        assert_eq!(c.next, vec!["cache2".to_string()]);
        let st = st.apply(Action::Undo);
        let c = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "cache")
            .unwrap();
        assert!(c.next.is_empty());
        assert!(st.can_redo());
        let st = st.apply(Action::Redo);
        let c = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "cache")
            .unwrap();
        assert_eq!(c.next, vec!["cache2".to_string()]);
        let st = st
            .apply(Action::Undo)
            .apply(Action::Undo)
            .apply(Action::Undo);
        assert_eq!(st.scenario.components.len(), n);
        assert!(!st.can_undo());
        let st = st.apply(Action::Undo);
        assert_eq!(st.notice.as_deref(), Some("Nothing to undo."));
    }

    #[test]
    fn components_added_without_a_position_do_not_overlap() {
        let mut st = reference();
        for _ in 0..14 {
            st = st.apply(Action::AddComponent {
                kind: "cache".into(),
                pos: None,
            });
        }
        let ps: Vec<[i32; 2]> = st
            .scenario
            .components
            .iter()
            .filter_map(|c| c.pos)
            .collect();
        for (i, a) in ps.iter().enumerate() {
            for b in &ps[i + 1..] {
                assert!(
                    (a[0] - b[0]).abs() >= NODE_W || (a[1] - b[1]).abs() >= NODE_H,
                    "{a:?} overlaps {b:?}"
                );
            }
        }
        let width = ps.iter().map(|p| p[0]).max().unwrap() - ps.iter().map(|p| p[0]).min().unwrap();
        assert!(width <= 5 * 180, "rows wrap: {width}");
    }

    #[test]
    fn a_new_edit_clears_redo() {
        let st = reference()
            .apply(Action::AddComponent {
                kind: "web".into(),
                pos: Some([0, 0]),
            })
            .apply(Action::Undo);
        assert!(st.can_redo());
        let st = st.apply(Action::AddComponent {
            kind: "queue".into(),
            pos: Some([0, 0]),
        });
        assert!(!st.can_redo());
    }

    #[test]
    fn bad_connections_are_refused_with_a_message() {
        let st = reference().apply(Action::Connect {
            from: "app".into(),
            to: "app".into(),
        });
        assert!(st.notice.is_some());
        assert!(!st.can_undo());
        let st = st.apply(Action::Connect {
            from: "app".into(),
            to: "nowhere".into(),
        });
        assert!(st.notice.unwrap().contains("nowhere"));
        let st = reference().apply(Action::Connect {
            from: "lb".into(),
            to: "web".into(),
        });
        assert!(st.notice.unwrap().contains("already"));
    }

    #[test]
    fn delete_removes_references_and_undo_restores() {
        let st = reference()
            .apply(Action::AddFault(crash_at("app", Dur::mins(20))))
            .apply(Action::Select(Sel::Component("app".into())))
            .apply(Action::DeleteSelected);
        assert!(!ids(&st).contains(&"app"));
        let web = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "web")
            .unwrap();
        assert!(web.next.is_empty());
        assert!(st.selection.is_empty());
        let st = st.apply(Action::Undo);
        assert!(ids(&st).contains(&"app"));
    }

    #[test]
    fn multi_select_and_duplicate_copies_inner_edges() {
        let st = reference()
            .apply(Action::Select(Sel::Component("web".into())))
            .apply(Action::ToggleSelect(Sel::Component("app".into())))
            .apply(Action::DuplicateSelected);
        assert!(ids(&st).contains(&"web-copy"));
        assert!(ids(&st).contains(&"app-copy"));
        let web_copy = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "web-copy")
            .unwrap();
        assert_eq!(web_copy.next, vec!["app-copy".to_string()]);
        let app_copy = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "app-copy")
            .unwrap();
        assert_eq!(app_copy.next, vec!["db".to_string()]);
        assert_eq!(st.selection.len(), 2);
        // Toggle removes from the selection.
        let st = st.apply(Action::ToggleSelect(Sel::Component("web-copy".into())));
        assert_eq!(st.selection, vec![Sel::Component("app-copy".into())]);
    }

    #[test]
    fn move_is_one_undo_step() {
        let st = reference().apply(Action::MoveComponents {
            ids: vec!["lb".into(), "web".into()],
            dx: 10,
            dy: -5,
        });
        let lb = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "lb")
            .unwrap();
        assert_eq!(lb.pos, Some([90, 195]));
        let st = st.apply(Action::Undo);
        let lb = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "lb")
            .unwrap();
        assert_eq!(lb.pos, Some([80, 200]));
    }

    #[test]
    fn edit_params_and_rename_updates_references() {
        let st = reference();
        let mut app = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "app")
            .unwrap()
            .clone();
        if let Spec::App(a) = &mut app.spec {
            a.nodes = 6;
        }
        let st = st.apply(Action::UpdateComponent {
            id: "app".into(),
            component: Box::new(app),
        });
        let got = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "app")
            .unwrap();
        assert!(matches!(&got.spec, Spec::App(a) if a.nodes == 6));
        let st = st
            .apply(Action::AddFault(crash_at("app", Dur::mins(5))))
            .apply(Action::RenameComponent {
                from: "app".into(),
                to: "portal".into(),
            });
        let web = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "web")
            .unwrap();
        assert_eq!(web.next, vec!["portal".to_string()]);
        assert!(matches!(&st.scenario.faults[0], Fault::Crash(f) if f.target == "portal"));
        let st = st.apply(Action::RenameComponent {
            from: "portal".into(),
            to: "db".into(),
        });
        assert!(st.notice.unwrap().contains("already used"));
        let st = reference().apply(Action::RenameComponent {
            from: "lb".into(),
            to: "edge".into(),
        });
        assert_eq!(st.scenario.traffic.entry, vec!["edge".to_string()]);
    }

    #[test]
    fn faults_add_move_update_delete() {
        let st = reference().apply(Action::AddFault(crash_at("db", Dur::mins(20))));
        assert_eq!(st.scenario.faults.len(), 1);
        assert_eq!(st.selection, vec![Sel::Fault(0)]);
        let st = st.apply(Action::MoveFault {
            index: 0,
            at_us: 30 * 60_000_000,
        });
        assert_eq!(st.scenario.faults[0].at(), &Dur::mins(30));
        let st = st.apply(Action::UpdateFault {
            index: 0,
            fault: Box::new(crash_at("app", Dur::mins(1))),
        });
        assert!(matches!(&st.scenario.faults[0], Fault::Crash(f) if f.target == "app"));
        let st = st.apply(Action::MoveFault { index: 7, at_us: 0 });
        assert!(st.notice.is_some());
        let st = st
            .apply(Action::Select(Sel::Fault(0)))
            .apply(Action::DeleteSelected);
        assert!(st.scenario.faults.is_empty());
        let st = st.apply(Action::Undo);
        assert_eq!(st.scenario.faults.len(), 1);
    }

    #[test]
    fn components_dropped_into_a_site_box_join_it() {
        let st = reference()
            .apply(Action::Select(Sel::Component("db".into())))
            .apply(Action::GroupIntoSite);
        let [x, y, w, h] = st.scenario.sites[0].rect.unwrap();
        let st = st.apply(Action::AddComponent {
            kind: "cache".into(),
            pos: Some([x + w / 2, y + h / 2]),
        });
        let cache = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "cache")
            .unwrap();
        assert_eq!(cache.site.as_deref(), Some("site"));
        // Moving app into the box makes it a member; moving it far away keeps it.
        let app = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "app")
            .unwrap()
            .pos
            .unwrap();
        let st = st.apply(Action::MoveComponents {
            ids: vec!["app".into()],
            dx: x + w / 2 - app[0],
            dy: y + h / 2 - app[1],
        });
        let app = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "app")
            .unwrap();
        assert_eq!(app.site.as_deref(), Some("site"));
        // Dragged out of every box, it leaves the site; undo puts it back in.
        let st = st.apply(Action::MoveComponents {
            ids: vec!["app".into()],
            dx: 5000,
            dy: 0,
        });
        assert_eq!(site_of(&st, "app"), None);
        let st = st.apply(Action::Undo);
        assert_eq!(site_of(&st, "app").as_deref(), Some("site"));
    }

    fn site_of(st: &AppState, id: &str) -> Option<String> {
        st.scenario
            .components
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.site.clone())
    }

    fn pos_of(st: &AppState, id: &str) -> [i32; 2] {
        st.scenario
            .components
            .iter()
            .find(|c| c.id == id)
            .and_then(|c| c.pos)
            .unwrap()
    }

    #[test]
    fn rectangles_and_hit_testing() {
        assert_eq!(rect_between([10, 50], [0, 20]), [0, 20, 10, 30]);
        assert_eq!(node_rect([100, 100]), [35, 72, NODE_W, NODE_H]);
        assert!(rect_contains([0, 0, 10, 10], [0, 0, 10, 10]));
        assert!(!rect_contains([0, 0, 10, 10], [1, 1, 10, 10]));
        assert!(rect_contains(
            [i32::MIN, i32::MIN, i32::MAX, i32::MAX],
            [-5, -5, 1, 1]
        ));
        // lb at (80, 200), web at (260, 200), app (440, 200), db (620, 200).
        let s = base();
        let around = |ids: &[&str]| {
            let rs: Vec<[i32; 4]> = ids
                .iter()
                .map(|i| node_rect(pos_of(&AppState::new(s.clone()), i)))
                .collect();
            let x0 = rs.iter().map(|r| r[0]).min().unwrap() - 2;
            let y0 = rs.iter().map(|r| r[1]).min().unwrap() - 2;
            let x1 = rs.iter().map(|r| r[0] + r[2]).max().unwrap() + 2;
            let y1 = rs.iter().map(|r| r[1] + r[3]).max().unwrap() + 2;
            rect_between([x1, y1], [x0, y0])
        };
        assert_eq!(
            components_in_rect(&s, around(&["web", "app"])),
            ["web", "app"]
        );
        // A box cut through a node does not take it.
        let mut cut = around(&["web", "app"]);
        cut[2] -= 20;
        assert_eq!(components_in_rect(&s, cut), ["web"]);
        assert!(components_in_rect(&s, [0, 0, 0, 0]).is_empty());
    }

    #[test]
    fn rubber_band_selects_exactly_the_nodes_inside_and_shift_adds() {
        let st = reference().apply(Action::Select(Sel::Component("lb".into())));
        let [x, y, _, _] = node_rect(pos_of(&st, "app"));
        let [dx, dy, dw, dh] = node_rect(pos_of(&st, "db"));
        let band = rect_between([x - 5, y - 5], [dx + dw + 5, dy + dh + 5]);
        let replaced = st.clone().apply(Action::SelectRect {
            rect: band,
            add: false,
        });
        assert_eq!(
            replaced.selection,
            vec![Sel::Component("app".into()), Sel::Component("db".into())]
        );
        // Selection is not an edit: nothing to undo.
        assert!(!replaced.can_undo());
        let added = st.apply(Action::SelectRect {
            rect: band,
            add: true,
        });
        assert_eq!(
            added.selection,
            vec![
                Sel::Component("lb".into()),
                Sel::Component("app".into()),
                Sel::Component("db".into())
            ]
        );
        assert_eq!(all_selected(&added).selection.len(), 4);
        // An empty band (a click on the background) clears the selection.
        let cleared = added.apply(Action::SelectRect {
            rect: [-900, -900, 0, 0],
            add: false,
        });
        assert!(cleared.selection.is_empty());
    }

    fn all_selected(st: &AppState) -> AppState {
        st.clone().apply(Action::SelectAll)
    }

    #[test]
    fn new_site_groups_the_selected_components() {
        let st = reference();
        assert_eq!(
            new_site_rect(&st.scenario, &[]),
            free_site_rect(&st.scenario)
        );
        let sel = vec![Sel::Component("web".into()), Sel::Component("app".into())];
        let r = new_site_rect(&st.scenario, &sel);
        for id in ["web", "app"] {
            assert!(
                rect_contains(r, node_rect(pos_of(&st, id))),
                "{id} inside {r:?}"
            );
        }
        let st = st.apply(Action::AddSite { rect: r });
        assert_eq!(site_of(&st, "web").as_deref(), Some("site"));
        assert_eq!(site_of(&st, "app").as_deref(), Some("site"));
        assert_eq!(site_of(&st, "lb"), None);
        assert_eq!(site_of(&st, "db"), None);
    }

    #[test]
    fn a_new_site_box_takes_the_nodes_under_it_and_resizing_changes_members() {
        let st = reference();
        let spot = free_site_rect(&st.scenario);
        // Below the drawing: nothing joins an empty box put there.
        let st2 = st.clone().apply(Action::AddSite { rect: spot });
        assert_eq!(st2.scenario.sites.len(), 1);
        assert_eq!(st2.selection, vec![Sel::Site("site".into())]);
        assert!(st2.scenario.components.iter().all(|c| c.site.is_none()));
        // A box drawn around web and app takes both.
        let [wx, wy] = pos_of(&st, "web");
        let [ax, _] = pos_of(&st, "app");
        let st = st.apply(Action::AddSite {
            rect: [wx - 80, wy - 50, ax - wx + 160, 100],
        });
        assert_eq!(site_of(&st, "web").as_deref(), Some("site"));
        assert_eq!(site_of(&st, "app").as_deref(), Some("site"));
        assert_eq!(site_of(&st, "db"), None);
        // Grow it to the right over db: db joins. Shrink it: app and db leave.
        let st = st.apply(Action::DragSite {
            id: "site".into(),
            resize: true,
            dx: 180,
            dy: 0,
        });
        assert_eq!(st.scenario.sites[0].rect.unwrap()[2], ax - wx + 340);
        assert_eq!(site_of(&st, "db").as_deref(), Some("site"));
        let st = st.apply(Action::DragSite {
            id: "site".into(),
            resize: true,
            dx: -5000,
            dy: -5000,
        });
        let r = st.scenario.sites[0].rect.unwrap();
        assert_eq!([r[2], r[3]], SITE_MIN);
        assert_eq!(site_of(&st, "app"), None);
        assert_eq!(site_of(&st, "db"), None);
        // Each drag is one undo step.
        let st = st.apply(Action::Undo);
        assert_eq!(site_of(&st, "db").as_deref(), Some("site"));
        // Moving a box carries its members along; others stay.
        let lb0 = pos_of(&st, "lb");
        let web0 = pos_of(&st, "web");
        let st = st.apply(Action::DragSite {
            id: "site".into(),
            resize: false,
            dx: 10,
            dy: 20,
        });
        assert_eq!(pos_of(&st, "web"), [web0[0] + 10, web0[1] + 20]);
        assert_eq!(pos_of(&st, "lb"), lb0);
        assert!(st
            .clone()
            .apply(Action::DragSite {
                id: "nowhere".into(),
                resize: true,
                dx: 1,
                dy: 1
            })
            .notice
            .unwrap()
            .contains("nowhere"));
    }

    #[test]
    fn sites_without_a_box_keep_their_members_when_nodes_move() {
        let mut s = base();
        s.sites.push(Site {
            id: "dc1".into(),
            name: String::new(),
            kind: Default::default(),
            rect: None,
        });
        for c in &mut s.components {
            c.site = Some("dc1".into());
        }
        let st = AppState::new(s).apply(Action::MoveComponents {
            ids: vec!["db".into()],
            dx: 300,
            dy: 300,
        });
        assert_eq!(site_of(&st, "db").as_deref(), Some("dc1"));
    }

    #[test]
    fn builtin_members_sit_inside_their_site_boxes() {
        // Otherwise moving such a node would silently take it out of its site.
        for b in crate::scenario::builtins::all() {
            let s = b.scenario();
            for c in &s.components {
                let Some(r) = c
                    .site
                    .as_ref()
                    .and_then(|id| s.sites.iter().find(|x| x.id == *id))
                    .and_then(|x| x.rect)
                else {
                    continue;
                };
                let [x, y] = c.pos.unwrap_or([0, 0]);
                assert!(
                    rect_contains(r, [x, y, 0, 0]),
                    "{}: {} at {:?} outside its site box {:?}",
                    b.name,
                    c.id,
                    c.pos,
                    r
                );
            }
        }
    }

    #[test]
    fn group_into_site_and_rename_site() {
        let st = reference()
            .apply(Action::Select(Sel::Component("app".into())))
            .apply(Action::ToggleSelect(Sel::Component("db".into())))
            .apply(Action::GroupIntoSite);
        assert_eq!(st.scenario.sites.len(), 1);
        let site = st.scenario.sites[0].clone();
        assert_eq!(site.id, "site");
        let [x, _, w, _] = site.rect.unwrap();
        assert!(x < 440 - NODE_W / 2 && x + w > 620 + NODE_W / 2);
        let st = st.apply(Action::UpdateSite {
            id: "site".into(),
            site: Site {
                id: "dc1".into(),
                ..site
            },
        });
        let app = st
            .scenario
            .components
            .iter()
            .find(|c| c.id == "app")
            .unwrap();
        assert_eq!(app.site.as_deref(), Some("dc1"));
        assert_eq!(st.selection, vec![Sel::Site("dc1".into())]);
    }

    #[test]
    fn every_palette_kind_has_a_default_spec() {
        assert_eq!(kinds().count(), 8);
        for k in kinds() {
            let spec = default_spec(k.as_ref()).unwrap_or_else(|| panic!("{k}"));
            assert_eq!(spec.kind(), k);
            // The derived name is serde's.
            let json = serde_json::to_value(&spec).unwrap();
            assert!(json.get(k.as_ref()).is_some(), "{json}");
            assert_ne!(kind_label(k.as_ref()), "Component");
        }
        let st = reference().apply(Action::AddComponent {
            kind: "teleporter".into(),
            pos: Some([0, 0]),
        });
        assert!(st.notice.unwrap().contains("teleporter"));
    }

    #[test]
    fn undo_history_is_bounded() {
        let mut st = reference();
        for i in 0..(HISTORY_LIMIT + 20) {
            st = st.apply(Action::MoveComponents {
                ids: vec!["lb".into()],
                dx: 1,
                dy: i as i32 % 2,
            });
        }
        assert_eq!(st.past.len(), HISTORY_LIMIT);
    }
}

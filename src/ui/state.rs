//! The editor's state: the scenario being edited, the selection and the undo history, changed
//! only through the closed [`Action`] enum (a Yew reducer, unit-tested natively).

use crate::scenario::{
    App, Cache, Component, ComponentKind, Database, Dur, Fault, LoadBalancer, NodeFault, Queue,
    Scenario, Site, Spec, Store, Web,
};
use std::rc::Rc;
use strum::IntoEnumIterator;
use yew::Reducible;

mod edit;
mod graph;
pub use graph::{call_candidates, call_path, cycle_edges, cycle_reason};

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
    let boxes: Vec<[i32; 4]> = selected_ids(selection)
        .iter()
        .filter_map(|id| s.components.iter().find(|c| c.id == *id))
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
    /// Why the last action did nothing, if it did nothing.
    pub notice: Option<Notice>,
}

/// How much a refused action matters: a shrug ("Nothing to undo.") goes to the status line, a
/// refusal with a reason (a bad connection, a taken id) to the action banner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    Minor,
    Refused,
}

/// A message about an action that changed nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
}

impl Notice {
    pub fn minor(text: &str) -> Notice {
        Notice {
            kind: NoticeKind::Minor,
            text: text.to_string(),
        }
    }
}

impl From<String> for Notice {
    fn from(text: String) -> Notice {
        Notice {
            kind: NoticeKind::Refused,
            text,
        }
    }
}

impl From<&str> for Notice {
    fn from(text: &str) -> Notice {
        Notice::from(text.to_string())
    }
}

/// The selected component ids, in selection order.
pub fn selected_ids(selection: &[Sel]) -> Vec<String> {
    selection
        .iter()
        .filter_map(|s| match s {
            Sel::Component(id) => Some(id.clone()),
            _ => None,
        })
        .collect()
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
                    self.notice = Some(Notice::minor("Nothing to undo."));
                }
                self
            }
            Action::Redo => {
                if let Some(next) = self.future.pop() {
                    let current = std::mem::replace(&mut self.scenario, next);
                    self.past.push(current);
                    self.prune_selection();
                } else {
                    self.notice = Some(Notice::minor("Nothing to redo."));
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
                match edit::edit_scenario(&mut next, &mut selection, edit) {
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

/// A crash of every node of `target` at `at`, for ten minutes.
pub fn crash_at(target: &str, at: Dur) -> Fault {
    Fault::Crash(NodeFault {
        at,
        target: target.to_string(),
        node: Some(0),
        duration: Some(Dur::mins(10)),
    })
}

#[cfg(test)]
mod site_tests;
#[cfg(test)]
mod tests;

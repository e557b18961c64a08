//! Scripted faults and planned events of the format, one struct per family of parameters.

use super::{Scenario, Spec};
use crate::scenario::units::Dur;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A scripted fault or planned event. `duration` absent = until the end (or, for node faults of a
/// component with `failure`, until a random repair).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema, strum::EnumDiscriminants)]
#[serde(rename_all = "snake_case")]
#[strum_discriminants(
    name(FaultKind),
    doc = "The kinds of fault, in timeline-picker order; `Display`/`as_ref` give the JSON name.",
    derive(
        strum::EnumIter,
        strum::IntoStaticStr,
        strum::Display,
        strum::EnumString,
        strum::AsRefStr
    ),
    strum(serialize_all = "snake_case")
)]
pub enum Fault {
    Crash(NodeFault),
    Hang(NodeFault),
    ErrorRate(ErrorRate),
    Latency(AddedLatency),
    Leak(Leak),
    Flapping(Flapping),
    /// Data corruption: replicas copy it, only a restore from backup repairs it.
    Corruption(NodeFault),
    SiteOutage(SiteOutage),
    Partition(Partition),
    TrafficSpike(TrafficSpike),
    DnsFailure(Window),
    RollingRestart(RollingRestart),
    BlueGreen(BlueGreen),
    /// Planned, graceful move of all traffic from one site to another (seed 004).
    SiteSwitchover(SiteSwitchover),
    /// Planned primary switch of a database (upgrade of database software).
    DbSwitchover(Target),
    /// A database's disk (tablespace) is full: its writes fail, its reads are served, until it
    /// is cleared after `duration` (or at the end).
    DiskFull(DiskFull),
}

/// Runs `$e` with `$x` bound to the fault's parameter struct, whatever its kind: the one match
/// over every kind that the editor's questions (start, targets, subject, span) go through, so a
/// new kind is added here and in [`Fault::template`], both exhaustive.
macro_rules! with_params {
    ($f:expr, $x:ident => $e:expr) => {
        match $f {
            Fault::Crash($x) | Fault::Hang($x) | Fault::Corruption($x) => $e,
            Fault::ErrorRate($x) => $e,
            Fault::Latency($x) => $e,
            Fault::Leak($x) => $e,
            Fault::Flapping($x) => $e,
            Fault::SiteOutage($x) => $e,
            Fault::Partition($x) => $e,
            Fault::TrafficSpike($x) => $e,
            Fault::DnsFailure($x) => $e,
            Fault::RollingRestart($x) => $e,
            Fault::BlueGreen($x) => $e,
            Fault::SiteSwitchover($x) => $e,
            Fault::DbSwitchover($x) => $e,
            Fault::DiskFull($x) => $e,
        }
    };
}

/// What the editor asks of one family's parameters, answered next to its struct.
pub trait Params {
    fn at(&self) -> &Dur;
    fn at_mut(&mut self) -> &mut Dur;
    /// The component ids it names (for renames and deletes; sites are not components).
    fn targets_mut(&mut self) -> Vec<&mut String>;
    /// The component, site or sites it is about, in words.
    fn subject(&self) -> String;
    /// How long its scripted effect lasts in µs (`None`, the default: no end of its own, or a
    /// single step; the timeline then draws no bar).
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        None
    }
}

impl Fault {
    pub fn at(&self) -> &Dur {
        with_params!(self, x => x.at())
    }
    pub fn set_at(&mut self, at: Dur) {
        with_params!(self, x => *x.at_mut() = at)
    }
    /// The component ids the fault names, for renames and deletes.
    pub fn targets_mut(&mut self) -> Vec<&mut String> {
        with_params!(self, x => x.targets_mut())
    }
    /// The component, site or sites the fault is about, in words.
    pub fn subject(&self) -> String {
        with_params!(self, x => x.subject())
    }
    /// How long the fault's scripted effect lasts, in µs, drawn as a bar after its marker:
    /// `None` for a fault with no end of its own (a crash without `duration` lasts until
    /// repaired; switch-overs are a single step), and for a zero span.
    pub fn span_us(&self, s: &Scenario) -> Option<u64> {
        with_params!(self, x => x.span_us(s)).filter(|d| *d > 0)
    }

    pub fn kind(&self) -> FaultKind {
        FaultKind::from(self)
    }
    /// The snake_case name used in JSON and in messages.
    pub fn kind_name(&self) -> &'static str {
        self.kind().into()
    }

    /// A fault of `kind` at `at` with sensible parameters, aimed at the scenario's components
    /// and sites; the reason when the scenario lacks what it needs.
    pub fn template(kind: FaultKind, s: &Scenario, at: Dur) -> Result<Fault, String> {
        let first = |pred: &dyn Fn(&Spec) -> bool| {
            s.components
                .iter()
                .find(|c| pred(&c.spec))
                .map(|c| c.id.clone())
        };
        let app = first(&|x| matches!(x, Spec::App(_)))
            .or_else(|| s.components.first().map(|c| c.id.clone()));
        let db = first(&|x| matches!(x, Spec::Database(_)));
        let need = |x: Option<String>, what: &str| x.ok_or_else(|| format!("Add {what} first."));
        let site = |i: usize, what: &str| need(s.sites.get(i).map(|x| x.id.clone()), what);
        let two = "two sites";
        let ten = Some(Dur::mins(10));
        let node = |target: Option<String>| -> Result<NodeFault, String> {
            Ok(NodeFault {
                at: at.clone(),
                target: need(target, "a component")?,
                node: Some(0),
                duration: ten.clone(),
            })
        };
        let apps: Vec<String> = s
            .components
            .iter()
            .filter(|c| matches!(c.spec, Spec::App(_) | Spec::Web(_)))
            .map(|c| c.id.clone())
            .collect();
        Ok(match kind {
            FaultKind::Crash => Fault::Crash(node(app)?),
            FaultKind::Hang => Fault::Hang(node(app)?),
            FaultKind::Corruption => Fault::Corruption(node(db.or(app))?),
            FaultKind::ErrorRate => Fault::ErrorRate(ErrorRate {
                at,
                target: need(app, "a component")?,
                node: None,
                rate: 0.5,
                duration: ten,
            }),
            FaultKind::Latency => Fault::Latency(AddedLatency {
                at,
                target: need(app, "a component")?,
                node: None,
                added: Dur::millis(500),
                duration: ten,
            }),
            FaultKind::Leak => Fault::Leak(Leak {
                at,
                target: need(app, "a component")?,
                node: None,
                exhaustion: Dur::mins(30),
                restart: Dur::mins(2),
            }),
            FaultKind::Flapping => Fault::Flapping(Flapping {
                at,
                target: need(app, "a component")?,
                node: None,
                down: Dur::secs(30),
                up: Dur::mins(2),
                cycles: 5,
            }),
            FaultKind::SiteOutage => Fault::SiteOutage(SiteOutage {
                at,
                site: site(0, "a site (select nodes, then Group into a site)")?,
                duration: Some(Dur::mins(30)),
            }),
            FaultKind::Partition => Fault::Partition(Partition {
                at,
                a: site(0, two)?,
                b: site(1, two)?,
                one_way: false,
                component: None,
                duration: ten,
            }),
            FaultKind::TrafficSpike => Fault::TrafficSpike(TrafficSpike {
                at,
                factor: 3.0,
                duration: Dur::mins(10),
            }),
            FaultKind::DnsFailure => Fault::DnsFailure(Window { at, duration: ten }),
            FaultKind::RollingRestart => Fault::RollingRestart(RollingRestart {
                at,
                target: need(app, "a component")?,
                batch: 1,
                drain: Dur::mins(1),
                restart: Dur::mins(2),
            }),
            FaultKind::BlueGreen => Fault::BlueGreen(BlueGreen {
                at,
                blue: need(apps.first().cloned(), "two app clusters")?,
                green: need(apps.get(1).cloned(), "two app or web clusters")?,
                drain: Dur::mins(1),
                deploy: Dur::mins(5),
            }),
            FaultKind::SiteSwitchover => Fault::SiteSwitchover(SiteSwitchover {
                at,
                from: site(0, two)?,
                to: site(1, two)?,
            }),
            FaultKind::DbSwitchover => Fault::DbSwitchover(Target {
                at,
                target: need(db, "a database")?,
            }),
            FaultKind::DiskFull => Fault::DiskFull(DiskFull {
                at,
                target: need(db, "a database")?,
                duration: ten,
            }),
        })
    }
}

/// `Params::at` and `at_mut` of a struct whose start is its `at` field (all of them).
macro_rules! at_field {
    () => {
        fn at(&self) -> &Dur {
            &self.at
        }
        fn at_mut(&mut self) -> &mut Dur {
            &mut self.at
        }
    };
}

fn opt_us(d: &Option<Dur>) -> Option<u64> {
    d.as_ref().and_then(Dur::as_micros)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Target {
    pub at: Dur,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Window {
    pub at: Dur,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DiskFull {
    pub at: Dur,
    /// The database whose disk fills up.
    pub target: String,
    /// Until the space is cleared; to the end when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NodeFault {
    pub at: Dur,
    pub target: String,
    /// Node index within the component (0-based); all nodes when absent. For a database, 0 is the
    /// primary and 1.. the replicas; for a load-balancer pair, 0 is the active member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorRate {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    /// Share of requests answered with an error (0..=1).
    #[schemars(range(min = 0.0, max = 1.0))]
    pub rate: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddedLatency {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    pub added: Dur,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

/// A resource leak: the node's capacity shrinks linearly to nothing over `exhaustion`, then it
/// crashes; it restarts after `restart`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Leak {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    pub exhaustion: Dur,
    pub restart: Dur,
}

/// Fails for `down`, recovers for `up`, `cycles` times.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Flapping {
    pub at: Dur,
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-unit" = "index (empty = all)"))]
    pub node: Option<u32>,
    pub down: Dur,
    pub up: Dur,
    #[schemars(extend("x-unit" = "cycles"))]
    pub cycles: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteOutage {
    pub at: Dur,
    pub site: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

/// A network partition between two sites; `one_way` cuts only traffic from `a` to `b`. With
/// `component`, only that component's cross-site traffic is cut (e.g. the session cache's or the
/// database's replication link, seed 003).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Partition {
    pub at: Dur,
    pub a: String,
    pub b: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_way: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Dur>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrafficSpike {
    pub at: Dur,
    /// Multiplies the session arrival rate.
    #[schemars(extend("x-unit" = "×"))]
    pub factor: f64,
    pub duration: Dur,
}

/// Restart a cluster `batch` nodes at a time; each batch is drained for `drain` (no new sessions,
/// existing ones finish or are replicated away), then down for `restart` (seed 000: a six-node
/// cluster in two halves).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RollingRestart {
    pub at: Dur,
    pub target: String,
    #[schemars(extend("x-unit" = "nodes at a time"))]
    pub batch: u32,
    pub drain: Dur,
    pub restart: Dur,
}

/// Deploy across two clusters (seed 004): `blue` takes no new sessions, drains for `drain`, is
/// deployed in `deploy`, comes back; then the same for `green`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct BlueGreen {
    pub at: Dur,
    pub blue: String,
    pub green: String,
    pub drain: Dur,
    pub deploy: Dur,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SiteSwitchover {
    pub at: Dur,
    pub from: String,
    pub to: String,
}

impl Params for NodeFault {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        match self.node {
            Some(n) => format!("{}#{n}", self.target),
            None => self.target.clone(),
        }
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        opt_us(&self.duration)
    }
}

impl Params for ErrorRate {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        format!("{} ({:.0}% errors)", self.target, self.rate * 100.0)
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        opt_us(&self.duration)
    }
}

impl Params for AddedLatency {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        format!("{} (+{})", self.target, self.added)
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        opt_us(&self.duration)
    }
}

impl Params for Leak {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        self.target.clone()
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        Some(
            self.exhaustion
                .as_micros()?
                .saturating_add(self.restart.as_micros()?),
        )
    }
}

impl Params for Flapping {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        format!("{} ×{}", self.target, self.cycles)
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        let cycle = self.down.as_micros()?.saturating_add(self.up.as_micros()?);
        Some(cycle.saturating_mul(u64::from(self.cycles)))
    }
}

impl Params for SiteOutage {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        Vec::new()
    }
    fn subject(&self) -> String {
        self.site.clone()
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        opt_us(&self.duration)
    }
}

impl Params for Partition {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        self.component.as_mut().into_iter().collect()
    }
    fn subject(&self) -> String {
        format!("{} ⟷ {}", self.a, self.b)
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        opt_us(&self.duration)
    }
}

impl Params for TrafficSpike {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        Vec::new()
    }
    fn subject(&self) -> String {
        format!("×{}", self.factor)
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        self.duration.as_micros()
    }
}

/// DNS failure's parameters.
impl Params for Window {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        Vec::new()
    }
    fn subject(&self) -> String {
        "DNS".into()
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        opt_us(&self.duration)
    }
}

impl Params for RollingRestart {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        self.target.clone()
    }
    /// It walks the serving nodes `batch` at a time, each batch drained then restarted.
    fn span_us(&self, s: &Scenario) -> Option<u64> {
        let n = s
            .components
            .iter()
            .find(|c| c.id == self.target)?
            .serving_count();
        let batches = u64::from(n.div_ceil(self.batch.max(1)));
        let each = self
            .drain
            .as_micros()?
            .saturating_add(self.restart.as_micros()?);
        Some(batches.saturating_mul(each))
    }
}

impl Params for BlueGreen {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.blue, &mut self.green]
    }
    fn subject(&self) -> String {
        format!("{} → {}", self.blue, self.green)
    }
    /// At most the whole `drain` and `deploy` twice (sessions may end sooner).
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        let each = self
            .drain
            .as_micros()?
            .saturating_add(self.deploy.as_micros()?);
        Some(each.saturating_mul(2))
    }
}

impl Params for SiteSwitchover {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        Vec::new()
    }
    fn subject(&self) -> String {
        format!("{} → {}", self.from, self.to)
    }
}

/// Database switch-over's parameters.
impl Params for Target {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        self.target.clone()
    }
}

impl Params for DiskFull {
    at_field!();
    fn targets_mut(&mut self) -> Vec<&mut String> {
        vec![&mut self.target]
    }
    fn subject(&self) -> String {
        format!("{} (writes fail)", self.target)
    }
    fn span_us(&self, _: &Scenario) -> Option<u64> {
        opt_us(&self.duration)
    }
}

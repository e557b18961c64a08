//! The closed event enums: [`Event`] (eight bytes, so a queue entry is sixteen; the frequent
//! request events carry one index) and the rare [`StateEvent`]s, which wait in a slab
//! (`World::state_events`) behind [`Event::State`].

use super::stage::Stage;

/// Everything that can happen. Eight bytes, so that a queue entry (time and event) is sixteen:
/// the frequent request events carry one index, and the rare state-changing events wait in
/// [`World::state_events`] (a slab) behind [`Event::State`].
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// A new session arrives (the next arrival is scheduled from here).
    SessionArrival,
    /// A session issues its next request.
    NextRequest { session: u32 },
    /// A client retries a failed request.
    Retry { req: u32 },
    /// A node finished serving a request: the node and its service epoch are in the request
    /// (stale when the epoch no longer matches: the node died).
    ServiceDone { req: u32 },
    /// A request sent to a hung node times out.
    Timeout { req: u32 },
    /// A state-changing event, stored in slot `slot` of [`World::state_events`].
    State { slot: u32 },
    /// Flow level: integrate rates up to now.
    FlowTick,
    /// The warm-up ends: statistics are reset (`Config::warmup`).
    WarmupEnd,
}

/// The rare events that change the state of nodes, components, sites and routing.
#[derive(Clone, Copy, Debug)]
pub enum StateEvent {
    /// A stage of a scripted fault.
    Fault { fault: u32, stage: Stage },
    /// A random failure of a node.
    NodeFail { node: u32 },
    /// The repair of a node after a random failure (or a crash without duration).
    NodeRepair { node: u32, incident: u32 },
    /// The load balancer's health checks reach a verdict about a node.
    Detect { node: u32, epoch: u32 },
    /// A warm or cold spare starts serving.
    SpareActivate { node: u32, epoch: u32 },
    /// The passive member of a pair takes over the virtual IP.
    Takeover { comp: u32, epoch: u32 },
    /// A database replica is promoted (or a restore completes).
    DbPromote { comp: u32, epoch: u32 },
    /// Global routing (DNS / BGP) updates its view of an entry.
    RouteUpdate { entry: u32 },
}

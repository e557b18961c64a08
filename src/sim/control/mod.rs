//! The control plane, shared by both fidelities: faults (one family per file), health checks
//! and spares, nodes going down and up, failover (pair takeover, database promotion and the
//! lost-write ledger) and global routing. It changes the world's state and tells the data
//! plane through the hooks in `plane`; it never names the request or the flow plane.

mod failover;
pub(super) mod faults;
mod health;
mod node;
mod routing;

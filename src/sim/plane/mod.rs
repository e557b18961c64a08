//! The two data planes behind one enum: the request plane (`request/`: every session and
//! request an entity) and the flow plane (`flow/`: rates and populations between state
//! changes). The control plane calls the hooks in `hooks.rs`, one `match` per hook (enum
//! dispatch, so they stay static and inlinable); it never names either plane.

mod hooks;

use super::config::Fidelity;

/// Which data plane carries the traffic of a run (from [`Fidelity`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataPlane {
    Request,
    Flow,
}

impl From<Fidelity> for DataPlane {
    fn from(f: Fidelity) -> DataPlane {
        match f {
            Fidelity::Request => DataPlane::Request,
            Fidelity::Flow => DataPlane::Flow,
        }
    }
}

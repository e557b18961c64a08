//! The two data planes behind one enum: the request plane (`request/`: every session and
//! request an entity) and the flow plane (`flow/`: rates and populations between state
//! changes). The control plane calls the hooks in `hooks.rs`, one `match` per hook (enum
//! dispatch, so they stay static and inlinable); it never names either plane.

mod hooks;

pub(crate) use super::entities::DataPlane;

//! Recording the state trace: after each state-changing event, the nodes it concerns are viewed
//! (`view.rs`: what a node is doing, read from the world) and their changes appended
//! (`record.rs`). The trace's types live in [`super::trace`], which the world holds; this part
//! reads the world, so it sits beside it, not under it.

pub(crate) mod record;
mod view;

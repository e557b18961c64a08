//! Custom hooks.

pub mod use_prefers_dark;
pub mod use_sim;

//! Custom hooks.

pub mod use_persistence;
pub mod use_prefers_dark;
pub mod use_shortcuts;
pub mod use_sim;
pub mod use_study;
pub mod use_watch;

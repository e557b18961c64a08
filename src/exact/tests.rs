//! Unit tests of the exact models.

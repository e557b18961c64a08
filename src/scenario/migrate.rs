//! Format migration: turns scenario JSON written by an older Failover Lab into the current
//! version, one step at a time, on `serde_json::Value` (before the typed parse, so a step can
//! rename, move or drop fields that the current types no longer know).
//!
//! Architecture invariant: a migration step is a pure function from version `n` to `n + 1`.
//! Adding format version 2 means: bump `FORMAT_VERSION`, append the `1 → 2` step to [`STEPS`],
//! and add a test that loads a saved version-1 file. Version 1 is the first published version,
//! so today the chain is empty; the mechanism is tested with a synthetic chain.

use super::format::FORMAT_VERSION;
use serde_json::Value;

/// One migration step: rewrites a document of version `from` into version `from + 1`.
pub struct Step {
    pub from: u32,
    pub apply: fn(&mut Value) -> Result<(), String>,
}

/// The production chain, oldest first. Empty: version 1 is the first published version.
pub const STEPS: &[Step] = &[];

/// Why a document could not be brought to the current version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MigrateError {
    /// No `version` field, or not a whole number.
    Missing,
    /// A version older than the oldest supported one (0 never existed).
    TooOld(u64),
    /// Written by a newer Failover Lab.
    TooNew(u64),
    /// A step failed (the message says why).
    Step { from: u32, message: String },
}

impl std::fmt::Display for MigrateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrateError::Missing => write!(
                f,
                "missing or not a whole number: every scenario starts with \"version\": {FORMAT_VERSION}"
            ),
            MigrateError::TooOld(v) => write!(
                f,
                "version {v} is not a Failover Lab scenario version (the first is 1)"
            ),
            MigrateError::TooNew(v) => write!(
                f,
                "version {v} was made by a newer Failover Lab (this one reads versions up to {FORMAT_VERSION}); update Failover Lab"
            ),
            MigrateError::Step { from, message } => {
                write!(f, "cannot upgrade from version {from}: {message}")
            }
        }
    }
}

/// Reads `version` and migrates the document to [`FORMAT_VERSION`] with the production chain.
pub fn migrate(doc: &mut Value) -> Result<(), MigrateError> {
    migrate_with(doc, FORMAT_VERSION, 1, STEPS)
}

/// Migrates `doc` to `current` with `steps`, where `oldest` is the oldest version the chain
/// accepts. Sets `version` after each step, so a failed step names where it stopped.
pub fn migrate_with(
    doc: &mut Value,
    current: u32,
    oldest: u32,
    steps: &[Step],
) -> Result<(), MigrateError> {
    let version = doc
        .get("version")
        .and_then(Value::as_u64)
        .ok_or(MigrateError::Missing)?;
    if version > u64::from(current) {
        return Err(MigrateError::TooNew(version));
    }
    if version < u64::from(oldest) {
        return Err(MigrateError::TooOld(version));
    }
    // `version <= current`, so it fits in u32.
    let mut at = u32::try_from(version).map_err(|_| MigrateError::TooNew(version))?;
    while at < current {
        let step = steps
            .iter()
            .find(|s| s.from == at)
            .ok_or_else(|| MigrateError::Step {
                from: at,
                message: "no migration step is defined".into(),
            })?;
        (step.apply)(doc).map_err(|message| MigrateError::Step { from: at, message })?;
        at += 1;
        if let Some(obj) = doc.as_object_mut() {
            obj.insert("version".into(), Value::from(at));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A synthetic version 0 for testing the mechanism: it wrote `duration_s` as a number of
    /// seconds where version 1 writes `horizon` as a duration text.
    fn v0_to_v1(doc: &mut Value) -> Result<(), String> {
        let obj = doc.as_object_mut().ok_or("not an object")?;
        let secs = obj
            .remove("duration_s")
            .and_then(|v| v.as_u64())
            .ok_or("duration_s must be a whole number of seconds")?;
        obj.insert("horizon".into(), Value::from(format!("{secs}s")));
        Ok(())
    }

    /// A synthetic step 1 → 2 renaming `name` to `title`.
    fn v1_to_v2(doc: &mut Value) -> Result<(), String> {
        let obj = doc.as_object_mut().ok_or("not an object")?;
        let name = obj.remove("name").unwrap_or(Value::Null);
        obj.insert("title".into(), name);
        Ok(())
    }

    const SYNTHETIC: &[Step] = &[
        Step {
            from: 0,
            apply: v0_to_v1,
        },
        Step {
            from: 1,
            apply: v1_to_v2,
        },
    ];

    #[test]
    fn chains_steps_in_order() {
        let mut doc = json!({ "version": 0, "name": "x", "duration_s": 90 });
        migrate_with(&mut doc, 2, 0, SYNTHETIC).unwrap();
        assert_eq!(doc, json!({ "version": 2, "title": "x", "horizon": "90s" }));
    }

    #[test]
    fn a_failing_step_names_its_version() {
        let mut doc = json!({ "version": 0, "name": "x" });
        let err = migrate_with(&mut doc, 2, 0, SYNTHETIC).unwrap_err();
        assert_eq!(
            err,
            MigrateError::Step {
                from: 0,
                message: "duration_s must be a whole number of seconds".into()
            }
        );
    }

    #[test]
    fn production_chain_accepts_only_version_1() {
        let mut doc = json!({ "version": 1 });
        assert_eq!(migrate(&mut doc), Ok(()));
        assert_eq!(
            migrate(&mut json!({ "version": 0 })),
            Err(MigrateError::TooOld(0))
        );
        assert_eq!(
            migrate(&mut json!({ "version": 7 })),
            Err(MigrateError::TooNew(7))
        );
        assert_eq!(migrate(&mut json!({})), Err(MigrateError::Missing));
        assert_eq!(
            migrate(&mut json!({ "version": "1" })),
            Err(MigrateError::Missing)
        );
        assert!(MigrateError::TooNew(7).to_string().contains("newer"));
    }
}

//! The JSON Schema of lesson files, generated from the serde types with `schemars` (committed as
//! `static/lesson.schema.json`, diffed by `tests/lessons.rs`); the inline scenario and the hidden
//! fault are described by the scenario format's own types.

use super::Lesson;

/// Where the committed schema lives, relative to the crate root.
pub const PATH: &str = "static/lesson.schema.json";

/// The committed schema text.
pub const COMMITTED: &str = include_str!("../../static/lesson.schema.json");

/// The schema generated from the lesson types, as pretty JSON with a final newline.
pub fn generate() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Lesson>();
    let obj = schema.ensure_object();
    obj.insert(
        "$id".into(),
        "https://failover-lab.invalid/lesson.schema.json".into(),
    );
    obj.insert("title".into(), "Failover Lab lesson".into());
    // The scenario's objects refuse unknown fields here too, as in its own schema.
    let mut value = schema.to_value();
    crate::scenario::schema::close_objects(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

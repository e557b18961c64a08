//! The JSON Schema of the scenario format, generated from the serde types of [`format`] with
//! `schemars` (committed as `static/scenario.schema.json`, diffed by `tests/scenario.rs`), and
//! the lookups the inspector form makes in it: a field's kind (duration, share, enum), unit,
//! default and description.
//!
//! [`format`]: super::format

use super::format::Scenario;
use serde_json::{Map, Value};

/// Where the committed schema lives, relative to the crate root.
pub const PATH: &str = "static/scenario.schema.json";

/// The committed schema text (what the inspector form reads).
pub const COMMITTED: &str = include_str!("../../static/scenario.schema.json");

/// The schema generated from the format types, as pretty JSON with a final newline.
pub fn generate() -> String {
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<Scenario>();
    let obj = schema.ensure_object();
    obj.insert(
        "$id".into(),
        "https://failover-lab.invalid/scenario.schema.json".into(),
    );
    obj.insert(
        "title".into(),
        "Failover Lab scenario, format version 1".into(),
    );
    let mut value = schema.to_value();
    close_objects(&mut value);
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// Every object schema with `properties` refuses other fields (`additionalProperties: false`),
/// as parsing lists unknown fields as problems.
pub(crate) fn close_objects(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.contains_key("properties") && !m.contains_key("additionalProperties") {
                m.insert("additionalProperties".into(), Value::Bool(false));
            }
            for x in m.values_mut() {
                close_objects(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// What the form shows for one field, read from the schema.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldInfo {
    pub kind: FieldShape,
    /// The unit shown after the value (`x-unit`), empty when none.
    pub unit: String,
    pub description: Option<String>,
    pub default: Option<Value>,
}

/// The shape of a leaf value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum FieldShape {
    Duration,
    /// A number between 0 and 1.
    Share,
    /// One of these names.
    Enum(Vec<String>),
    Integer,
    Number,
    Bool,
    #[default]
    Text,
}

/// The parsed committed schema.
pub fn committed() -> &'static Value {
    static SCHEMA: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(COMMITTED).unwrap_or(Value::Null))
}

fn defs(root: &Value) -> Option<&Map<String, Value>> {
    root.get("$defs")?.as_object()
}

/// Follows `$ref` (and a lone `allOf`/`anyOf` with `null`, as optional fields are written).
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = node.get("$ref").and_then(Value::as_str) {
            let name = r.trim_start_matches("#/$defs/");
            match defs(root).and_then(|d| d.get(name)) {
                Some(n) => node = n,
                None => return node,
            }
        } else if let Some(alts) = node.get("anyOf").and_then(Value::as_array) {
            let non_null: Vec<&Value> = alts
                .iter()
                .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                .collect();
            match non_null.as_slice() {
                [one] => node = one,
                _ => return node,
            }
        } else {
            return node;
        }
    }
    node
}

/// The schema of the property `key` of an object schema, looking into the variants of an
/// externally tagged enum (`oneOf` of one-property objects) too.
fn property<'a>(root: &'a Value, node: &'a Value, key: &str) -> Option<&'a Value> {
    let node = resolve(root, node);
    if let Some(p) = node.get("properties").and_then(|p| p.get(key)) {
        return Some(p);
    }
    for alt in node.get("oneOf").and_then(Value::as_array)? {
        let alt = resolve(root, alt);
        if let Some(p) = alt.get("properties").and_then(|p| p.get(key)) {
            return Some(p);
        }
    }
    None
}

/// The schema node at a scenario path (`components[3].spec.app.capacity.workers`).
pub fn node_at<'a>(root: &'a Value, path: &str) -> Option<&'a Value> {
    let mut node = root;
    for part in path.split('.') {
        let key = part.split('[').next().unwrap_or(part);
        if !key.is_empty() {
            node = property(root, node, key)?;
        }
        for _ in part.matches('[') {
            node = resolve(root, node).get("items")?;
        }
    }
    Some(node)
}

/// The names of a plain enum (`enum`, or `oneOf` of `const`s when the variants have docs).
fn enum_names(node: &Value) -> Option<Vec<String>> {
    if let Some(list) = node.get("enum").and_then(Value::as_array) {
        return Some(
            list.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
        );
    }
    let alts = node.get("oneOf")?.as_array()?;
    alts.iter()
        .map(|a| {
            a.get("const")
                .and_then(Value::as_str)
                .map(String::from)
                .or_else(|| enum_names(a).and_then(|v| (v.len() == 1).then(|| v[0].clone())))
        })
        .collect()
}

/// The variant names of an enum, unit and data variants alike (`routing`: single, dns, bgp).
pub fn variants_at(root: &Value, path: &str) -> Vec<String> {
    let Some(node) = node_at(root, path).map(|n| resolve(root, n)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for alt in node
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let alt = resolve(root, alt);
        if let Some(name) = alt.get("const").and_then(Value::as_str) {
            out.push(name.to_string());
        } else if let Some(names) = enum_names(alt) {
            out.extend(names);
        } else if let Some(p) = alt.get("properties").and_then(Value::as_object) {
            out.extend(p.keys().cloned());
        }
    }
    out
}

/// What the form shows for the field at `path`; `None` when the schema does not know it.
pub fn field_at(root: &Value, path: &str) -> Option<FieldInfo> {
    let raw = node_at(root, path)?;
    let node = resolve(root, raw);
    let text = |n: &Value, k: &str| n.get(k).and_then(Value::as_str).map(String::from);
    let is_dur = raw.to_string().contains("#/$defs/Duration");
    let types: Vec<&str> = match node.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let has = |t: &str| types.contains(&t);
    let kind = if is_dur {
        FieldShape::Duration
    } else if let Some(names) = enum_names(node) {
        FieldShape::Enum(names)
    } else if has("boolean") {
        FieldShape::Bool
    } else if has("integer") {
        FieldShape::Integer
    } else if has("number")
        && node.get("minimum").and_then(Value::as_f64) == Some(0.0)
        && node.get("maximum").and_then(Value::as_f64) == Some(1.0)
    {
        FieldShape::Share
    } else if has("number") {
        FieldShape::Number
    } else {
        FieldShape::Text
    };
    Some(FieldInfo {
        kind,
        unit: text(raw, "x-unit")
            .or_else(|| text(node, "x-unit"))
            .unwrap_or_default(),
        description: text(raw, "description").or_else(|| text(node, "description")),
        default: raw.get("default").or_else(|| node.get("default")).cloned(),
    })
}

/// Every declared field of the object at `path`, in declared order.
pub fn fields(root: &Value, path: &str) -> Vec<String> {
    node_at(root, path)
        .map(|n| resolve(root, n))
        .and_then(|n| n.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The optional fields of the object at `path` (declared, not required), in declared order:
/// `faults[0].crash` has `node` and `duration`.
pub fn optional_fields(root: &Value, path: &str) -> Vec<String> {
    let Some(node) = node_at(root, path).map(|n| resolve(root, n)) else {
        return Vec::new();
    };
    let required: Vec<&str> = node
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.keys()
                .filter(|k| !required.contains(&k.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

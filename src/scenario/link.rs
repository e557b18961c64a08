//! Share links: scenario + seed + engine version → `#s=v1.<payload>` in the URL fragment (never
//! sent to a server), and a decoder that never panics and never allocates without bound.
//!
//! `<payload>` = base64url without padding of the raw deflate of the compact JSON
//! `{"e": engine_version, "r": seed, "s": scenario}`, where the scenario JSON leaves out every
//! field equal to its default (see [`compact`]). Decompression stops at [`MAX_DECOMPRESSED`].
//!
//! The limits agree (issue 13: what the app accepts it can save, export and share, or says why at
//! once): a link unpacks to at most the scenario-file limit ([`MAX_DECOMPRESSED`] =
//! `parse::MAX_JSON_BYTES`), its text is at most [`MAX_LINK_CHARS`], and [`encode_checked`]
//! refuses, with the reason, a scenario whose link would break either, so no link is handed out
//! that does not open. [`file_text`] and [`stored_text`] give a scenario's file and storage text,
//! checked to read back under the same file limit.

use super::{Problem, Scenario};
use serde_json::{Map, Value};

/// What a link carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub scenario: Scenario,
    pub seed: u64,
    pub engine_version: String,
}

/// Why a link could not be opened, in words for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkError(pub String);

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The link format version written by [`encode`].
pub const PREFIX: &str = "v1.";
/// Decompressed payloads larger than this are refused: the scenario-file limit, so that a link
/// holds whatever a file may.
pub const MAX_DECOMPRESSED: usize = super::parse::MAX_JSON_BYTES;
/// Link texts longer than this are refused before decoding (half of Chromium's 2 MiB URL limit,
/// so that a link made here fits in an address bar with room for the page's address).
pub const MAX_LINK_CHARS: usize = 1024 * 1024;

/// The link of `shared`, or why it cannot have one that opens: its JSON would unpack to more than
/// [`MAX_DECOMPRESSED`], or its text would be longer than [`MAX_LINK_CHARS`]. Every `Ok` link
/// decodes back to `shared` (tested on scenarios at the file limit).
pub fn encode_checked(shared: &Shared) -> Result<String, LinkError> {
    let body = payload_json(shared);
    if body.len() > MAX_DECOMPRESSED {
        return Err(LinkError(format!(
            "this scenario is too big for a share link: it is {} KiB as JSON and a link holds at most {} KiB; use Export to share it as a file",
            body.len().div_ceil(1024),
            MAX_DECOMPRESSED / 1024
        )));
    }
    let text = pack(&body);
    if text.len() > MAX_LINK_CHARS {
        return Err(LinkError(format!(
            "this scenario is too big for a share link: its link would be {} characters and links are at most {MAX_LINK_CHARS}; use Export to share it as a file",
            text.len()
        )));
    }
    Ok(text)
}

/// The scenario as a file (Export) that [`super::parse_json`] reads back to the same scenario:
/// pretty-printed in full when that is within the file limit, else pretty with the defaults left
/// out ([`compact`]), else compact on one line; an error when even that is over the limit.
pub fn file_text(scenario: &Scenario) -> Result<String, String> {
    let limit = super::parse::MAX_JSON_BYTES;
    if let Ok(full) = serde_json::to_string_pretty(scenario) {
        if full.len() <= limit {
            return Ok(full);
        }
    }
    let small = compact(scenario);
    if let Ok(pretty) = serde_json::to_string_pretty(&small) {
        if pretty.len() <= limit {
            return Ok(pretty);
        }
    }
    let line = small.to_string();
    if line.len() <= limit {
        return Ok(line);
    }
    Err(format!(
        "the scenario is {} KiB even written compactly, over the {} KiB a scenario file may hold, so a file of it would not open again; make it smaller (its descriptions, its components) to export it",
        line.len().div_ceil(1024),
        limit / 1024
    ))
}

/// The scenario as the library stores it: [`compact`] JSON, or why it would not read back (over
/// the file limit). The text is what the library's reader parses.
pub fn stored_value(scenario: &Scenario) -> Result<Value, String> {
    let small = compact(scenario);
    let len = small.to_string().len();
    let limit = super::parse::MAX_JSON_BYTES;
    if len > limit {
        return Err(format!(
            "the scenario is {} KiB even written compactly, over the {} KiB a saved scenario may hold",
            len.div_ceil(1024),
            limit / 1024
        ));
    }
    Ok(small)
}

/// The fragment text after `#s=`: `v1.<base64url(deflate(compact json))>`.
pub fn encode(shared: &Shared) -> String {
    pack(&payload_json(shared))
}

fn pack(body: &str) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(body.as_bytes(), 10);
    let mut out = String::with_capacity(PREFIX.len() + packed.len() * 4 / 3 + 4);
    out.push_str(PREFIX);
    base64url_encode(&packed, &mut out);
    out
}

/// The JSON inside a link, before deflate (exposed for size reports).
pub fn payload_json(shared: &Shared) -> String {
    let mut obj = Map::new();
    obj.insert("e".into(), Value::from(shared.engine_version.clone()));
    obj.insert("r".into(), Value::from(shared.seed));
    obj.insert("s".into(), compact(&shared.scenario));
    Value::Object(obj).to_string()
}

/// Parses a link: the fragment text after `#s=`, a whole `#s=…` fragment, or a full URL.
pub fn decode(text: &str) -> Result<Shared, LinkError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(LinkError("the link is empty".into()));
    }
    if text.len() > MAX_LINK_CHARS {
        return Err(LinkError(format!(
            "the link is {} characters long; links are at most {MAX_LINK_CHARS}",
            text.len()
        )));
    }
    let text = strip_url(text)?;
    let payload = match text.split_once('.') {
        Some(("v1", payload)) => payload,
        Some((version, _))
            if version.len() > 1
                && version.starts_with('v')
                && version[1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            return Err(LinkError(format!(
                "this link ({version}) was made by a newer Failover Lab; this one opens v1 links"
            )))
        }
        _ => {
            return Err(LinkError(
                "not a Failover Lab link: it should start with `v1.`".into(),
            ))
        }
    };
    if payload.is_empty() {
        return Err(LinkError("the link has no scenario after `v1.`".into()));
    }
    let packed = base64url_decode(payload)?;
    let body = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_DECOMPRESSED)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError(format!(
                "the link unpacks to more than {} KiB; refusing it",
                MAX_DECOMPRESSED / 1024
            )),
            miniz_oxide::inflate::TINFLStatus::FailedCannotMakeProgress => {
                LinkError(TRUNCATED.into())
            }
            _ => LinkError("the link is damaged: its compressed data is corrupt".into()),
        })?;
    let body = String::from_utf8(body)
        .map_err(|_| LinkError("the link is damaged: its content is not text".into()))?;
    // Read as scenario files are: a key given twice is refused, not silently the last.
    let mut doc: Value = super::parse::read_document(&body).map_err(|problems| {
        if problems.iter().any(|p| p.path.starts_with("line ")) {
            LinkError("the link is damaged: its content is not JSON".into())
        } else {
            unreadable(&problems)
        }
    })?;
    let obj = doc
        .as_object_mut()
        .ok_or_else(|| LinkError("the link does not hold a scenario".into()))?;
    let engine_version = match obj.remove("e") {
        Some(Value::String(v)) => v,
        _ => {
            return Err(LinkError(
                "the link does not hold a scenario (no engine version)".into(),
            ))
        }
    };
    let seed = obj
        .remove("r")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| LinkError("the link does not hold a scenario (no seed)".into()))?;
    let scenario_doc = obj
        .remove("s")
        .ok_or_else(|| LinkError("the link does not hold a scenario".into()))?;
    let scenario = scenario_from_doc(scenario_doc).map_err(|problems| unreadable(&problems))?;
    Ok(Shared {
        scenario,
        seed,
        engine_version,
    })
}

/// How many of a link's problems its message lists (the banner stays short; issue 13).
const LISTED_PROBLEMS: usize = 5;

fn unreadable(problems: &[Problem]) -> LinkError {
    let list: Vec<String> = problems
        .iter()
        .take(LISTED_PROBLEMS)
        .map(|p| match p.path.as_str() {
            "" | super::parse::ROOT => p.message.clone(),
            path => format!("{path}: {}", p.message),
        })
        .collect();
    let more = match problems.len().saturating_sub(LISTED_PROBLEMS) {
        0 => String::new(),
        n => format!("; {n} more not shown here"),
    };
    LinkError(format!(
        "the link holds a scenario this Failover Lab cannot read: {}{more}",
        list.join("; ")
    ))
}

fn scenario_from_doc(mut doc: Value) -> Result<Scenario, Vec<Problem>> {
    if !doc.is_object() {
        return Err(vec![Problem::error("", "not a JSON object")]);
    }
    super::migrate::migrate(&mut doc)
        .map_err(|e| vec![Problem::error("version", e.to_string())])?;
    super::parse::from_value(doc)
}

/// Accepts `v1.…`, `#s=v1.…`, `s=v1.…` or a URL whose fragment holds `s=v1.…`.
fn strip_url(text: &str) -> Result<&str, LinkError> {
    let fragment = match text.split_once('#') {
        Some((_, frag)) => frag,
        None if text.starts_with("http://") || text.starts_with("https://") => {
            return Err(LinkError(
                "this address has no scenario in it (no `#s=` part)".into(),
            ))
        }
        None => text,
    };
    // A fragment may carry other parameters (`#s=…&run=1`).
    for part in fragment.split('&') {
        if let Some(value) = part.strip_prefix("s=") {
            return Ok(value);
        }
    }
    if text.contains('#') {
        return Err(LinkError(
            "this address has no scenario in it (no `#s=` part)".into(),
        ));
    }
    Ok(fragment)
}

/// base64url (RFC 4648 §5) without padding, as links have always been written. Decoding is
/// lenient where the hand-written decoder was: trailing `=` padding and non-zero trailing bits
/// are accepted (links typed by hand), and `+` `/` are read as `-` `_` (see [`base64url_decode`]).
const B64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    base64::engine::GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

fn base64url_encode(bytes: &[u8], out: &mut String) {
    use base64::Engine;
    B64.encode_string(bytes, out);
}

/// Decodes base64url without padding; a bad character gives its 0-based char position (counted
/// in characters, so a non-ASCII character is named where the user sees it). A trailing `=`
/// padding is tolerated, and the standard alphabet's `+` `/` are read as `-` `_`.
const TRUNCATED: &str =
    "the link is truncated: it ends in the middle of the scenario (was it cut off when copied?)";

fn base64url_decode(text: &str) -> Result<Vec<u8>, LinkError> {
    use base64::Engine;
    let trimmed = text.trim_end_matches('=');
    let mut chars = 0;
    for (pos, ch) in trimmed.chars().enumerate() {
        if !(ch.is_ascii_alphanumeric() || matches!(ch, '-' | '_' | '+' | '/')) {
            return Err(LinkError(format!(
                "the link is damaged: character {} (`{}`) is not allowed in a link (position counted after `v1.`)",
                pos + 1,
                ch.escape_default()
            )));
        }
        chars = pos + 1;
    }
    if chars % 4 == 1 {
        // 6 dangling bits cannot come from an encoder: the text was cut.
        return Err(LinkError(TRUNCATED.into()));
    }
    let normalized: std::borrow::Cow<'_, str> = if trimmed.contains(['+', '/']) {
        trimmed.replace('+', "-").replace('/', "_").into()
    } else {
        trimmed.into()
    };
    // Every character is in the alphabet and the length is possible: all that can remain is a
    // last character whose unused bits are set, which an encoder never writes — the text was
    // cut (or edited) at its end.
    B64.decode(normalized.as_bytes())
        .map_err(|_| LinkError(TRUNCATED.into()))
}

/// The scenario as JSON with every field equal to its default left out. Exact by construction:
/// when the compacted form would not read back to the same scenario, the plain form is used.
pub fn compact(scenario: &Scenario) -> Value {
    let full = serde_json::to_value(scenario).unwrap_or(Value::Null);
    let mut small = full.clone();
    compact_scenario(&mut small);
    match super::parse::from_value(small.clone()) {
        Ok(back) if back == *scenario => small,
        _ => full,
    }
}

fn defaults<T: Default + serde::Serialize>() -> Value {
    serde_json::to_value(T::default()).unwrap_or(Value::Null)
}

/// Removes the fields of `obj` equal to the same field of `default` (a serialized `Default`
/// of a `#[serde(default)]` struct), then compacts the nested `#[serde(default)]` structs named
/// in `nested` against their own type's default (which is what a present-but-partial nested
/// object is filled from).
/// A nested field name and the serialized default of its type.
type Nested<'a> = (&'a str, fn() -> Value);

fn strip(value: &mut Value, default: &Value, nested: &[Nested<'_>]) {
    let (Some(obj), Some(def)) = (value.as_object_mut(), default.as_object()) else {
        return;
    };
    obj.retain(|k, v| def.get(k) != Some(v));
    for (key, make) in nested {
        if let Some(inner) = obj.get_mut(*key) {
            strip(inner, &make(), &[]);
        }
    }
}

fn compact_scenario(doc: &mut Value) {
    use super::format::*;
    let Some(obj) = doc.as_object_mut() else {
        return;
    };
    if let Some(t) = obj.get_mut("traffic") {
        strip(t, &defaults::<Traffic>(), &[]);
    }
    if let Some(m) = obj.get_mut("metrics") {
        strip(m, &defaults::<MetricsSettings>(), &[]);
    }
    if let Some(Value::Array(sites)) = obj.get_mut("sites") {
        for site in sites {
            if let Some(s) = site.as_object_mut() {
                if s.get("kind") == Some(&Value::from("zonal")) {
                    s.remove("kind");
                }
            }
        }
    }
    let cap: fn() -> Value = defaults::<Capacity>;
    let red: fn() -> Value = defaults::<Redundancy>;
    let hb: fn() -> Value = defaults::<Heartbeat>;
    let hc: fn() -> Value = defaults::<HealthCheck>;
    if let Some(Value::Array(components)) = obj.get_mut("components") {
        for c in components {
            let Some(c) = c.as_object_mut() else { continue };
            if let Some(Value::Object(f)) = c.get_mut("failure") {
                if f.get("repair") == Some(&Value::from("exponential")) {
                    f.remove("repair");
                }
            }
            let Some(Value::Object(spec)) = c.get_mut("spec") else {
                continue;
            };
            for (kind, body) in spec.iter_mut() {
                match kind.as_str() {
                    "load_balancer" => strip(
                        body,
                        &defaults::<LoadBalancer>(),
                        &[("capacity", cap), ("health_check", hc), ("heartbeat", hb)],
                    ),
                    "web" => strip(
                        body,
                        &defaults::<Web>(),
                        &[("capacity", cap), ("redundancy", red)],
                    ),
                    "app" => strip(
                        body,
                        &defaults::<App>(),
                        &[("capacity", cap), ("redundancy", red)],
                    ),
                    "cache" => strip(body, &defaults::<Cache>(), &[("capacity", cap)]),
                    "queue" => strip(body, &defaults::<Queue>(), &[("capacity", cap)]),
                    "database" => {
                        strip(
                            body,
                            &defaults::<Database>(),
                            &[("capacity", cap), ("detection", hb)],
                        );
                        if let Some(Value::Array(replicas)) = body.get_mut("replicas") {
                            for r in replicas {
                                if let Some(r) = r.as_object_mut() {
                                    if r.get("standby") == Some(&Value::from("hot")) {
                                        r.remove("standby");
                                    }
                                }
                            }
                        }
                    }
                    "search_index" | "doc_store" => {
                        strip(body, &defaults::<Store>(), &[("capacity", cap)])
                    }
                    _ => {}
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "link_tests.rs"]
mod tests;

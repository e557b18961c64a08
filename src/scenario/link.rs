//! Share links: scenario + seed + engine version → `#s=v1.…` in the URL fragment, and a decoder
//! that never panics. PLACEHOLDER: plain JSON in base64url-free form; the real codec (deflate,
//! base64url, bounded decompression) replaces it.

use super::Scenario;

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

/// The fragment text after `#s=`.
pub fn encode(shared: &Shared) -> String {
    let _ = shared;
    String::from("v1.placeholder")
}

/// Parses the fragment text after `#s=`.
pub fn decode(text: &str) -> Result<Shared, LinkError> {
    Err(LinkError(format!(
        "this link cannot be opened yet ({} characters)",
        text.len()
    )))
}

//! The footer: engine version and the digest of the report shown.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct FooterProps {
    pub engine_version: String,
    /// The digest of the report shown, if any.
    pub digest: Option<String>,
    /// A short status line (autosave, last action).
    #[prop_or_default]
    pub status: String,
}

#[function_component(Footer)]
pub fn footer(props: &FooterProps) -> Html {
    html! {
        <footer class="footer">
            <span>{ "engine " }<span id="engine-version" data-testid="engine-version">{ props.engine_version.clone() }</span></span>
            <span>{ "digest " }<code id="digest" data-testid="digest">{ props.digest.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| "—".into()) }</code></span>
            <span class="status" id="status" role="status">{ props.status.clone() }</span>
        </footer>
    }
}

//! A dismissible message banner (bad link, unreadable autosave, quota exceeded, run errors).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    /// Stable id for tests, e.g. `link-error`.
    pub id: String,
    pub message: String,
    /// `error`, `warning` or `info`.
    #[prop_or(String::from("error"))]
    pub level: String,
    pub ondismiss: Callback<()>,
}

#[function_component(Banner)]
pub fn banner(props: &BannerProps) -> Html {
    let ondismiss = {
        let c = props.ondismiss.clone();
        Callback::from(move |_| c.emit(()))
    };
    html! {
        <div class={classes!("banner", props.level.clone())} id={props.id.clone()} data-testid={props.id.clone()}
            role={if props.level == "info" { "status" } else { "alert" }}>
            <span class="banner-text">{ props.message.clone() }</span>
            <button class="btn small" onclick={ondismiss} aria-label="Dismiss this message">{ "Dismiss" }</button>
        </div>
    }
}

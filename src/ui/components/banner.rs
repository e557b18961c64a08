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

#[derive(Properties, PartialEq)]
pub struct BannersProps {
    pub messages: crate::ui::messages::Messages,
    pub ondispatch: Callback<crate::ui::messages::MessageAction>,
    /// Why the last run could not start, finish or be trusted (`#run-error`).
    #[prop_or_default]
    pub run_message: Option<String>,
    pub ondismissrun: Callback<()>,
}

/// The page's banners, top to bottom: bad link, autosave, refused action, run error, info.
#[function_component(Banners)]
pub fn banners(props: &BannersProps) -> Html {
    use crate::ui::messages::{MessageAction, Slot};
    let banner = |slot: Slot| {
        props.messages.get(slot).map(|m| {
            let d = props.ondispatch.clone();
            html! {
                <Banner id={slot.id()} level={slot.level()} message={m.to_string()}
                    ondismiss={Callback::from(move |_| d.emit(MessageAction::Dismiss(slot)))} />
            }
        })
    };
    html! {
        <div class="banners">
            { for banner(Slot::Link) }
            { for banner(Slot::Autosave) }
            { for banner(Slot::Action) }
            if let Some(m) = &props.run_message {
                <Banner id="run-error" level="warning" message={m.clone()} ondismiss={props.ondismissrun.clone()} />
            }
            { for banner(Slot::Info) }
        </div>
    }
}

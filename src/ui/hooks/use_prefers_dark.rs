//! Whether the system prefers a dark colour scheme (follows changes).

use yew::prelude::*;

#[hook]
pub fn use_prefers_dark() -> bool {
    let dark = use_state_eq(|| query().map(|q| q.matches()).unwrap_or(false));
    {
        let dark = dark.clone();
        use_effect_with((), move |_| {
            let listener = query().map(|q| {
                let q2 = q.clone();
                gloo::events::EventListener::new(&q, "change", move |_| dark.set(q2.matches()))
            });
            move || drop(listener)
        });
    }
    *dark
}

fn query() -> Option<web_sys::MediaQueryList> {
    web_sys::window()?
        .match_media("(prefers-color-scheme: dark)")
        .ok()?
}

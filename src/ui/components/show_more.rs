//! The tail of a long list: how many items are not drawn yet, and a button that draws more.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ShowMoreProps {
    /// Items in the list.
    pub total: usize,
    /// Items drawn now.
    pub shown: usize,
    /// Items one click adds.
    pub step: usize,
    /// What the items are, plural ("incidents").
    pub what: AttrValue,
    /// Called with the new number of items to draw.
    pub onmore: Callback<usize>,
}

/// Nothing when every item is drawn; else "N more incidents not shown" and a button.
#[function_component(ShowMore)]
pub fn show_more(props: &ShowMoreProps) -> Html {
    let rest = hidden(props.total, props.shown);
    if rest == 0 {
        return html! {};
    }
    let next = props.shown + props.step;
    let onclick = {
        let onmore = props.onmore.clone();
        Callback::from(move |_| onmore.emit(next))
    };
    html! {
        <p class="show-more" data-testid="show-more">
            { format!("{rest} more {} not shown. ", props.what) }
            <button class="linklike" {onclick}>{ format!("Show {}", rest.min(props.step)) }</button>
        </p>
    }
}

/// How many of `total` items are left out when `shown` are drawn.
pub fn hidden(total: usize, shown: usize) -> usize {
    total.saturating_sub(shown)
}

#[cfg(test)]
mod tests {
    use super::hidden;

    #[test]
    fn counts_what_is_left_out() {
        assert_eq!(hidden(250, 200), 50);
        assert_eq!(hidden(200, 200), 0);
        assert_eq!(hidden(3, 100), 0);
    }
}

use crate::components::{guard::NotFoundView, layout::Frame};
use leptos::prelude::*;

/// Any path no route matches.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <Frame><NotFoundView what="There is no page at this address."/></Frame> }
}

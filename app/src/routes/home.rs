use crate::components::guard::GoTo;
use crate::use_viewer;
use leptos::prelude::*;
use leptos_meta::Title;

/// The start page: administrators go to their webhooks, others see what they may do.
#[component]
pub fn HomePage() -> impl IntoView {
    match use_viewer() {
        None => view! { <GoTo path="/login"/> }.into_any(),
        Some(u) if u.role.manages_webhooks() => view! { <GoTo path="/webhooks"/> }.into_any(),
        Some(u) => view! {
            <Title text="Welcome"/>
            <section class="page">
                <h1>"Welcome, " {u.username.clone()}</h1>
                <p>"You are signed in as " {u.role.label()} ". Webhooks are managed by Site Administrators and Integration Administrators."</p>
            </section>
        }
        .into_any(),
    }
}

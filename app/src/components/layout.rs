use crate::model::Role;
use crate::use_viewer;
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// Header, navigation and main area around every page.
#[component]
pub fn Frame(children: Children) -> impl IntoView {
    let viewer = use_viewer();
    let role = viewer.as_ref().map(|u| u.role);
    let admin = role.is_some_and(Role::manages_webhooks);
    let site_admin = role == Some(Role::SiteAdmin);
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="top">
            <a class="brand" href="/">"Hookwell"</a>
            <nav aria-label="Main">
                <ul>
                    <Show when=move || admin>
                        <li><a href="/webhooks">"Manage webhooks"</a></li>
                        <li><a href="/work-groups">"Work groups"</a></li>
                        <li><a href="/templates">"Templates"</a></li>
                        <li><a href="/api-keys">"API keys"</a></li>
                        <li><a href="/audit">"Audit log"</a></li>
                    </Show>
                    <Show when=move || site_admin>
                        <li><a href="/users">"Users"</a></li>
                    </Show>
                </ul>
            </nav>
            {match viewer {
                Some(u) => view! {
                    <form class="signout" method="post" action="/logout">
                        <span class="who">{u.username.clone()} " · " {u.role.label()}</span>
                        <button type="submit" class="link-button">"Sign out"</button>
                    </form>
                }.into_any(),
                None => view! { <a class="signin" href="/login">"Sign in"</a> }.into_any(),
            }}
        </header>
        <main id="main" tabindex="-1">{children()}</main>
    }
}

/// The frame with the current route inside.
#[component]
pub fn Layout() -> impl IntoView {
    view! { <Frame><Outlet/></Frame> }
}

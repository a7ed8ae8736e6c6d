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
        <FocusAfterNavigation/>
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

/// After a navigation in the page, focus that was on the old page goes to the new heading: after
/// a link is followed or a form posted, once the address changes (the islands router sets it when
/// the new page is in), and after Back. The browser has no router to watch.
#[island]
fn FocusAfterNavigation() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use crate::components::modal::focus_heading_if_lost;
        use wasm_bindgen::JsCast;
        fn here() -> String {
            window().location().href().unwrap_or_default()
        }
        /// Waits up to 5 s for the address to leave `from`.
        fn when_moved(from: String, left: u32) {
            if here() != from {
                focus_heading_if_lost();
            } else if left > 0 {
                set_timeout(move || when_moved(from, left - 1), std::time::Duration::from_millis(50));
            }
        }
        let on_click = |ev: leptos::ev::MouseEvent| {
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            if target.is_some_and(|t| t.closest("a[href]").ok().flatten().is_some()) {
                when_moved(here(), 100);
            }
        };
        // For the document's life: the islands router keeps this island across pages.
        let _ = window_event_listener(leptos::ev::click, on_click);
        let _ = window_event_listener(leptos::ev::submit, |_| when_moved(here(), 100));
        let _ = window_event_listener(leptos::ev::popstate, |_| focus_heading_if_lost());
    }
}

/// The frame with the current route inside.
#[component]
pub fn Layout() -> impl IntoView {
    view! { <Frame><Outlet/></Frame> }
}

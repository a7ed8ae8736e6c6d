//! Hookwell's Leptos app: pages, components and server functions shared by the server
//! (feature `ssr`) and the browser (feature `hydrate`).
#![recursion_limit = "512"]

pub mod api;
pub mod components;
pub mod error;
pub mod hydration;
#[cfg(feature = "hydrate")]
pub mod islands;
pub mod model;
pub mod navigation;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod submission;
pub mod web_url;

use components::layout::Layout;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
};
use model::CurrentUser;

/// The HTML document around the app. `<body>` gets `data-hydrated="true"` once the page is
/// interactive, its islands hydrated (the server never
/// sends the attribute: the islands router copies the next page's body attributes
/// onto this one, and would otherwise take the mark away).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // No favicon request (and no 404 in the console): an empty inline icon.
                <link rel="icon" href="data:,"/>
                <Scripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The scripts that make the page interactive: the islands' loader (see `hydration`) and Leptos'
/// islands router, with our fixes (see the file's header).
#[component]
fn Scripts(options: LeptosOptions) -> impl IntoView {
    view! {
        <hydration::IslandScripts options/>
        <script type="module" nonce=leptos::nonce::use_nonce()>{include_str!("islands_routing.js")}</script>
    }
}

/// The signed-in user for this page view (sign-in and sign-out reload the page).
#[derive(Clone, Debug)]
pub struct Viewer(pub Option<CurrentUser>);

/// The signed-in user, or `None` on public pages.
pub fn use_viewer() -> Option<CurrentUser> {
    use_context::<Viewer>().and_then(|v| v.0)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let viewer = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        return ssr::auth::signed_in();
        #[cfg(not(feature = "ssr"))]
        None
    })
    .into_inner();
    provide_context(Viewer(viewer));

    view! {
        <Stylesheet id="leptos" href="/pkg/hookwell.css"/>
        <Title formatter=|t: String| if t.is_empty() { "Hookwell".to_string() } else { format!("{t} · Hookwell") }/>
        <Router>
            <Routes fallback=routes::status::NotFoundPage>
                <ParentRoute path=path!("") view=Layout ssr=SsrMode::Async>
                    <Route path=path!("") view=routes::home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("login") view=routes::login::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks") view=routes::webhook_list::WebhookListPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/new") view=routes::webhook_new::NewWebhookPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id") view=routes::webhook_detail::WebhookDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id/edit") view=routes::webhook_edit::EditWebhookPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id/delete") view=routes::webhook_delete::DeleteWebhookPage ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id/deliveries") view=routes::deliveries::WebhookDeliveriesPage ssr=SsrMode::Async/>
                    <Route path=path!("deliveries/:id") view=routes::deliveries::DeliveryPage ssr=SsrMode::Async/>
                    <Route path=path!("work-groups") view=routes::catalog::WorkGroupsPage ssr=SsrMode::Async/>
                    <Route path=path!("work-groups/:id/delete") view=routes::catalog::DeleteWorkGroupPage ssr=SsrMode::Async/>
                    <Route path=path!("templates") view=routes::catalog::TemplatesPage ssr=SsrMode::Async/>
                    <Route path=path!("templates/:id/delete") view=routes::catalog::DeleteTemplatePage ssr=SsrMode::Async/>
                    <Route path=path!("api-keys") view=routes::api_keys::ApiKeysPage ssr=SsrMode::Async/>
                    <Route path=path!("api-keys/:id/revoke") view=routes::api_keys::RevokeApiKeyPage ssr=SsrMode::Async/>
                    <Route path=path!("users") view=routes::users::UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=routes::audit::AuditPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Called by the WASM entry point: takes over the server-rendered page's islands
/// (src/island_script.js marks the page once they are hydrated).
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    navigation::follow_server_redirects();
    leptos::mount::hydrate_islands();
}

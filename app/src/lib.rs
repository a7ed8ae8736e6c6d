//! Hookwell's Leptos app: pages, components and server functions shared by the server
//! (feature `ssr`) and the browser (feature `hydrate`).
#![recursion_limit = "512"]

pub mod api;
pub mod components;
pub mod error;
pub mod model;
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
    path, Lazy, SsrMode,
};
use model::CurrentUser;

/// The HTML document around the app. `<body data-hydrated>` flips to "true" once the WASM runs.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // No favicon request (and no 404 in the console): an empty inline icon.
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body data-hydrated="false">
                <App/>
            </body>
        </html>
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
                    <Route path=path!("") view={Lazy::<routes::HomeRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("login") view={Lazy::<routes::LoginRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("webhooks") view={Lazy::<routes::WebhookListRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/new") view={Lazy::<routes::NewWebhookRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id") view={Lazy::<routes::WebhookDetailRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id/edit") view={Lazy::<routes::EditWebhookRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id/delete") view={Lazy::<routes::DeleteWebhookRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("webhooks/:id/deliveries") view={Lazy::<routes::WebhookDeliveriesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("deliveries/:id") view={Lazy::<routes::DeliveryRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("work-groups") view={Lazy::<routes::WorkGroupsRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("work-groups/:id/delete") view={Lazy::<routes::DeleteWorkGroupRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("templates") view={Lazy::<routes::TemplatesRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("templates/:id/delete") view={Lazy::<routes::DeleteTemplateRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("api-keys") view={Lazy::<routes::ApiKeysRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("api-keys/:id/revoke") view={Lazy::<routes::RevokeApiKeyRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("users") view={Lazy::<routes::UsersRoute>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("audit") view={Lazy::<routes::AuditRoute>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// Called by the WASM entry point: takes over the server-rendered page. The page's view code
/// is a lazily loaded chunk, so hydration waits for it; `<body data-hydrated>` flips to "true"
/// once the page reacts.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body();
        let Some(body) = body else { return };
        leptos::mount::hydrate_from_async(body.clone(), App).await.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

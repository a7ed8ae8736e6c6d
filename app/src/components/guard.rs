use crate::error::AppError;
use crate::model::Role;
use crate::use_viewer;
use http::StatusCode;
use leptos::prelude::*;
use leptos_router::{components::Redirect, hooks::use_location};

/// Sets the HTTP status of the page being rendered on the server (no-op in the browser).
pub fn set_status(code: StatusCode) {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

/// Sends the browser to `path`: a real 302 when rendering on the server, a client-side
/// navigation in the browser.
#[component]
pub fn GoTo(#[prop(into)] path: String) -> impl IntoView {
    set_status(StatusCode::FOUND);
    view! { <Redirect path/> }
}

/// `/login?next=…` that returns to `here` after sign-in.
pub fn login_path(here: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
    format!("/login?next={next}")
}

/// `/login?next=…` for the current page.
fn login_redirect() -> String {
    let loc = use_location();
    let (path, search) = (loc.pathname.get_untracked(), loc.search.get_untracked());
    login_path(&if search.is_empty() { path } else { format!("{path}?{search}") })
}

/// Shows `children` only to a signed-in user with one of `roles`: others are sent to sign in
/// or shown the 403 page.
#[component]
pub fn Guarded(roles: &'static [Role], children: ChildrenFn) -> impl IntoView {
    match use_viewer() {
        None => view! { <GoTo path=login_redirect()/> }.into_any(),
        Some(u) if !roles.contains(&u.role) => view! { <ForbiddenView/> }.into_any(),
        Some(_) => children().into_any(),
    }
}

/// The 403 page.
#[component]
pub fn ForbiddenView() -> impl IntoView {
    set_status(StatusCode::FORBIDDEN);
    view! {
        <leptos_meta::Title text="Not allowed"/>
        <section class="status-page">
            <h1>"Not allowed"</h1>
            <p>"Your role does not give access to this page. Webhooks are managed by Site Administrators and Integration Administrators."</p>
            <p><a href="/">"Go to the start page"</a></p>
        </section>
    }
}

/// The 404 page.
#[component]
pub fn NotFoundView(#[prop(into)] what: String) -> impl IntoView {
    set_status(StatusCode::NOT_FOUND);
    view! {
        <leptos_meta::Title text="Not found"/>
        <section class="status-page">
            <h1>"Not found"</h1>
            <p>{what} " It may have been deleted, or the link is wrong."</p>
            <p><a href="/webhooks">"Back to webhooks"</a></p>
        </section>
    }
}

/// A failed page load, shown with the matching status instead of a panic.
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound(what) => view! { <NotFoundView what=format!("{what} not found.")/> }.into_any(),
        AppError::Forbidden => view! { <ForbiddenView/> }.into_any(),
        AppError::Unauthenticated => view! { <GoTo path=login_redirect()/> }.into_any(),
        other => {
            set_status(other.status());
            view! {
                <section class="status-page">
                    <h1>"Something went wrong"</h1>
                    <p role="alert">{other.to_string()}</p>
                </section>
            }
            .into_any()
        }
    }
}

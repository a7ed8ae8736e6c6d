//! The scaffold of every page that loads data.
use crate::components::guard::ErrorView;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

/// "Loading…" while `resource` loads, then `page` with its data, or the matching error page
/// (404, 403, a redirect to sign in, or "Something went wrong") when loading failed.
#[component]
pub fn Loaded<T, V, F>(resource: Resource<Result<T, AppError>>, page: F) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => page(data).into_any(),
                        Err(error) => view! { <ErrorView error/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

use super::webhook_detail::DeleteConfirm;
use super::webhook_form::use_webhook_id;
use crate::api::webhooks::get_webhook;
use crate::components::guard::{ErrorView, Guarded};
use crate::error::AppError;
use crate::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/webhooks/:id/delete`: the delete confirmation as a page, for browsers without JavaScript.
#[component]
pub fn DeleteWebhookPage() -> impl IntoView {
    let id = use_webhook_id();
    let data = Resource::new(
        move || id.get(),
        |id| async move { get_webhook(id.ok_or_else(|| AppError::NotFound("Webhook".into()))?).await },
    );
    view! {
        <Title text="Delete webhook"/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(w) => view! { <DeleteConfirm id=w.id name=w.name/> }.into_any(),
                        Err(e) => view! { <ErrorView error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </Guarded>
    }
}

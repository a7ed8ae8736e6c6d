use super::use_id_param;
use crate::api::webhooks::get_webhook;
use crate::components::delete_confirm::DeleteConfirm;
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::error::AppError;
use crate::model::Role;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/webhooks/:id/delete`: the delete confirmation as a page, for browsers without JavaScript.
#[component]
pub fn DeleteWebhookPage() -> impl IntoView {
    let id = use_id_param();
    let data = Resource::new(
        move || id.get(),
        |id| async move { get_webhook(id.ok_or_else(|| AppError::NotFound("Webhook".into()))?).await },
    );
    view! {
        <Title text="Delete webhook"/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <Loaded resource=data page=|w| view! { <DeleteConfirm id=w.id name=w.name/> }/>
        </Guarded>
    }
}

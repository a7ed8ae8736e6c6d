use super::use_id_param;
use crate::api::deliveries::SendTestEvent;
use crate::api::webhooks::{get_webhook, SetWebhookActive};
use crate::components::delete_confirm::DeleteConfirm;
use crate::components::fields::hydrated;
use crate::components::form_feedback::{Feedback, PageField};
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::components::secret_dialog::SecretDialog;
use crate::error::AppError;
use crate::model::{AuthMethod, CatalogItem, Role, WebhookDetail};
use crate::submission::{use_submission, Submission};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/webhooks/:id`: every setting, and Edit, Activate/Deactivate, Delete.
#[component]
pub fn WebhookDetailPage() -> impl IntoView {
    view! { <Guarded roles=Role::WEBHOOK_ADMINS><WebhookDetailView/></Guarded> }
}

#[component]
fn WebhookDetailView() -> impl IntoView {
    let id = use_id_param();
    let toggle = ServerAction::<SetWebhookActive>::new();
    let data = Resource::new(
        move || (id.get(), toggle.version().get()),
        |(id, _)| async move { get_webhook(id.ok_or_else(|| AppError::NotFound("Webhook".into()))?).await },
    );
    let submitted = use_submission();
    let unacknowledged = matches!(submitted, Some(Submission::SecretNotAcknowledged));
    let issued = match submitted {
        Some(Submission::SecretIssued { webhook_id, secret }) => Some((webhook_id, secret)),
        _ => None,
    };
    view! {
        <Loaded resource=data page=move |w| {
            let id = w.id;
            view! {
                {unacknowledged.then(|| view! {
                    <p class="form-error" role="alert">
                        "You continued without confirming that you copied the HMAC secret, and it cannot be shown again. "
                        "If you did not copy it, use Regenerate HMAC secret on the "
                        <a href=format!("/webhooks/{id}/edit")>"edit page"</a> "."
                    </p>
                })}
                <WebhookSettings w toggle/>
                {issued.clone().map(|(webhook_id, secret)| view! { <SecretDialog webhook_id secret/> })}
            }
        }/>
    }
}

fn names(items: &[CatalogItem], none: &'static str) -> String {
    if items.is_empty() {
        none.to_string()
    } else {
        items.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

#[component]
fn WebhookSettings(w: WebhookDetail, toggle: ServerAction<SetWebhookActive>) -> impl IntoView {
    let ready = hydrated();
    let confirm_delete = RwSignal::new(false);
    let send_test = ServerAction::<SendTestEvent>::new();
    let test_refused = Feedback::new("send_test_event", send_test.value()).summary();
    let id = w.id;
    let status = if w.active { "Active" } else { "Inactive" };
    view! {
        <Title text=w.name.clone()/>
        <section class="page">
            <p class="crumbs"><a href="/webhooks">"Webhooks"</a> " › " {w.name.clone()}</p>
            <div class="page-head">
                <h1>{w.name.clone()}</h1>
                <span class=if w.active { "badge on" } else { "badge off" } data-testid="active-state">{status}</span>
            </div>
            <div class="toolbar">
                <a class="button" href=format!("/webhooks/{id}/edit")>"Edit"</a>
                <ActionForm action=toggle>
                    <PageField/>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="active" value=(!w.active).to_string()/>
                    <button type="submit">{if w.active { "Deactivate" } else { "Activate" }}</button>
                </ActionForm>
                <ActionForm action=send_test>
                    <PageField/>
                    <input type="hidden" name="webhook_id" value=id.to_string()/>
                    <button type="submit" disabled=move || send_test.pending().get()>"Send test event"</button>
                </ActionForm>
                <a class="button" href=format!("/webhooks/{id}/deliveries")>"Deliveries"</a>
                <a class="button danger" href=format!("/webhooks/{id}/delete")
                    on:click=move |ev| if ready.get_untracked() { ev.prevent_default(); confirm_delete.set(true); }>"Delete"</a>
            </div>
            <p class="form-error" role="alert" hidden=move || test_refused.get().is_none()>{move || test_refused.get()}</p>
            <dl class="settings">
                <dt>"URL"</dt><dd><code>{w.url.clone()}</code></dd>
                <dt>"Authentication Method"</dt><dd>{w.auth_method.label()}</dd>
                {(w.auth_method == AuthMethod::AccessToken).then(|| view! {
                    <dt>"Access token"</dt><dd><code>{w.access_token_hint.clone().unwrap_or_else(|| "none stored".into())}</code></dd>
                })}
                <dt>"Event type"</dt><dd>{w.event_type.as_str()}</dd>
                {w.event_name.clone().map(|n| view! { <dt>"Interview Event Name"</dt><dd><code>{n}</code></dd> })}
                <dt>"Webhook active"</dt><dd>{status}</dd>
                <dt>"Accepts untrusted SSL certificates"</dt><dd>{if w.accept_untrusted_ssl { "Accept untrusted SSL" } else { "Block untrusted SSL" }}</dd>
                {w.event_type.uses_work_groups().then(|| view! { <dt>"Work Groups"</dt><dd>{names(&w.work_groups, "All work groups")}</dd> })}
                {w.event_type.uses_templates().then(|| view! { <dt>"Templates"</dt><dd>{names(&w.templates, "All templates")}</dd> })}
                <dt>"Created"</dt><dd>{format!("{} by {}", w.created_at, w.created_by)}</dd>
                <dt>"Last changed"</dt><dd>{format!("{} by {}", w.updated_at, w.updated_by)}</dd>
            </dl>
            <Show when=move || confirm_delete.get()>
                <DeleteConfirm id=id name=w.name.clone() on_cancel=Callback::new(move |_| confirm_delete.set(false))/>
            </Show>
        </section>
    }
}

use super::use_id_param;
use crate::api::deliveries::{get_delivery_chart, SendTestEvent};
use crate::api::webhooks::{get_webhook, SetWebhookActive};
use crate::components::delete_confirm::DeleteWebhookButton;
use crate::components::delivery_chart::DeliveryChartView;
use crate::components::form_feedback::{Feedback, PageField};
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::components::secret_dialog::SecretDialog;
use crate::error::AppError;
use crate::model::{AuthMethod, CatalogItem, DeliveryChart, Role, WebhookDetail};
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
        |(id, _)| async move {
            let id = id.ok_or_else(|| AppError::NotFound("Webhook".into()))?;
            Ok::<_, AppError>((get_webhook(id).await?, get_delivery_chart(id).await?))
        },
    );
    let submitted = use_submission();
    let unacknowledged = matches!(submitted, Some(Submission::SecretNotAcknowledged));
    let issued = match submitted {
        Some(Submission::SecretIssued { webhook_id, secret }) => Some((webhook_id, secret)),
        _ => None,
    };
    view! {
        <Loaded resource=data page=move |(w, chart)| {
            let id = w.id;
            view! {
                {unacknowledged.then(|| view! {
                    <p class="form-error" role="alert">
                        "You continued without confirming that you copied the HMAC secret, and it cannot be shown again. "
                        "If you did not copy it, use Regenerate HMAC secret on the "
                        <a href=format!("/webhooks/{id}/edit")>"edit page"</a> "."
                    </p>
                })}
                <WebhookSettings w chart toggle/>
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
fn WebhookSettings(w: WebhookDetail, chart: DeliveryChart, toggle: ServerAction<SetWebhookActive>) -> impl IntoView {
    let send_test = ServerAction::<SendTestEvent>::new();
    let test_refused = Feedback::new("send_test_event", send_test.value()).summary();
    let id = w.id;
    let status = if w.active { "Active" } else { "Inactive" };
    let disabled = w.disabled_reason.clone().filter(|_| !w.active);
    view! {
        <Title text=w.name.clone()/>
        <section class="page">
            <p class="crumbs"><a href="/webhooks">"Webhooks"</a> " › " {w.name.clone()}</p>
            <div class="page-head">
                <h1>{w.name.clone()}</h1>
                <span class="badges">
                    <span class=if w.active { "badge on" } else { "badge off" } data-testid="active-state">{status}</span>
                    {disabled.clone().map(|reason| view! { <span class="badge fail" data-testid="disabled-reason">{reason}</span> })}
                </span>
            </div>
            {w.failing.clone().map(|f| view! {
                <p class="banner warning" role="status" data-testid="failing-banner">
                    {format!(
                        "Deliveries to this webhook have failed since {}; it will be deactivated on {} unless one succeeds.",
                        f.since, f.deactivates_at
                    )}
                </p>
            })}
            {disabled.map(|_| view! {
                <p class="banner danger" role="status">
                    "The delivery engine deactivated this webhook because every delivery failed for too long. "
                    "Fix the receiver, then Activate it: new events are delivered again; failed ones can be sent again with Recover on the "
                    <a href=format!("/webhooks/{id}/deliveries")>"deliveries page"</a> "."
                </p>
            })}
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
                <DeleteWebhookButton id name=w.name.clone()/>
            </div>
            <p class="form-error" role="alert" hidden=move || test_refused.get().is_none()>{move || test_refused.get()}</p>
            <dl class="settings">
                <dt>"URL"</dt><dd><code>{w.url.clone()}</code></dd>
                <dt>"Authentication Method"</dt><dd>{w.auth_method.label()}</dd>
                {w.previous_secret_until.clone().map(|until| view! {
                    <dt>"Previous HMAC secret"</dt>
                    <dd data-testid="previous-secret">{format!("The previous secret keeps working for Standard Webhooks signatures until {until}.")}</dd>
                })}
                {(w.auth_method == AuthMethod::AccessToken).then(|| view! {
                    <dt>"Access token"</dt><dd><code>{w.access_token_hint.clone().unwrap_or_else(|| "none stored".into())}</code></dd>
                })}
                <dt>"Event type"</dt><dd>{w.event_type.as_str()}</dd>
                {w.event_name.clone().map(|n| view! { <dt>"Interview Event Name"</dt><dd><code>{n}</code></dd> })}
                <dt>"Webhook active"</dt><dd>{status}{w.disabled_reason.clone().filter(|_| !w.active).map(|r| format!(" · {r}"))}</dd>
                <dt>"Accepts untrusted SSL certificates"</dt><dd>{if w.accept_untrusted_ssl { "Accept untrusted SSL" } else { "Block untrusted SSL" }}</dd>
                {w.event_type.uses_work_groups().then(|| view! { <dt>"Work Groups"</dt><dd>{names(&w.work_groups, "All work groups")}</dd> })}
                {w.event_type.uses_templates().then(|| view! { <dt>"Templates"</dt><dd>{names(&w.templates, "All templates")}</dd> })}
                <dt>"Created"</dt><dd>{format!("{} by {}", w.created_at, w.created_by)}</dd>
                <dt>"Last changed"</dt><dd>{format!("{} by {}", w.updated_at, w.updated_by)}</dd>
            </dl>
            <DeliveryChartView webhook_id=id chart/>
        </section>
    }
}

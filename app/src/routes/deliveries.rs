use super::use_id_param;
use crate::api::deliveries::{get_delivery, list_deliveries, RecoverDeliveries, Redeliver};
use crate::api::webhooks::get_webhook;
use crate::components::fields::{aria_invalid, described_by, FieldError};
use crate::components::form_feedback::{Feedback, PageField};
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::components::pager::Pager;
use crate::error::AppError;
use crate::model::{DeliveryDetail, DeliveryPage, DeliveryRow, DeliveryStatus, Role, RECOVER_SINCE, SYNC_NOT_RESENT};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Response bodies longer than this are shown cut (the server keeps 4 KiB of each anyway).
const SHOWN_CHARS: usize = 64 * 1024;

/// "1.5 MiB" / "80 KiB" / "512 bytes".
fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{} KiB", b / 1024),
        b => format!("{b} bytes"),
    }
}

fn shown(text: &str) -> (String, bool) {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => (text[..cut].to_string(), true),
        None => (text.to_string(), false),
    }
}

/// "2026-12-01 10:02:03 UTC" from RFC 3339.
fn when(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

fn status_badge(row: &DeliveryRow) -> impl IntoView {
    let class = match row.status {
        DeliveryStatus::Succeeded => "badge on",
        DeliveryStatus::Failed => "badge fail",
        DeliveryStatus::Pending | DeliveryStatus::Retrying => "badge off",
    };
    view! { <span class=class>{row.status.as_str()}</span> }
}

/// `/webhooks/:id/deliveries`: every delivery of a webhook, newest first, filtered by status.
#[component]
pub fn WebhookDeliveriesPage() -> impl IntoView {
    let id = use_id_param();
    let query = use_query_map();
    let filter = Memo::new(move |_| query.with(|q| q.get("status").and_then(|s| DeliveryStatus::parse(&s))));
    let page = Memo::new(move |_| {
        query.with(|q| q.get("page").and_then(|p| p.parse::<u64>().ok()).map(|p| p.saturating_sub(1)).unwrap_or(0))
    });
    let recover = ServerAction::<RecoverDeliveries>::new();
    let recovered = Memo::new(move |_| query.with(|q| q.get("recovered").and_then(|n| n.parse::<u64>().ok())));
    let data = Resource::new(
        move || (id.get(), filter.get(), page.get(), recover.version().get()),
        |(id, status, page, _)| async move {
            let id = id.ok_or_else(|| AppError::NotFound("Webhook".into()))?;
            Ok::<_, AppError>((get_webhook(id).await?.name, list_deliveries(id, status, page).await?))
        },
    );
    view! {
        <Title text="Deliveries"/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <Loaded resource=data page=move |(name, deliveries)| view! {
                <DeliveriesView webhook_id=id.get_untracked().unwrap_or_default() name deliveries status=filter.get_untracked() recover recovered/>
            }/>
        </Guarded>
    }
}

#[component]
fn DeliveriesView(
    webhook_id: i32,
    name: String,
    deliveries: DeliveryPage,
    status: Option<DeliveryStatus>,
    recover: ServerAction<RecoverDeliveries>,
    recovered: Memo<Option<u64>>,
) -> impl IntoView {
    let href = move |page: u64| {
        let status = status.map(|s| format!("status={}&", s.as_str())).unwrap_or_default();
        format!("/webhooks/{webhook_id}/deliveries?{status}page={}", page + 1)
    };
    let (cur, pages, total, more) = (deliveries.page, deliveries.pages, deliveries.total, deliveries.more);
    let counted = if more {
        format!("More than {total} deliveries")
    } else {
        format!("{total} deliver{}", if total == 1 { "y" } else { "ies" })
    };
    view! {
        <section class="page">
            <p class="crumbs"><a href="/webhooks">"Webhooks"</a> " › " <a href=format!("/webhooks/{webhook_id}")>{name.clone()}</a> " › Deliveries"</p>
            <h1>{format!("Deliveries of “{name}”")}</h1>
            <form method="get" action=format!("/webhooks/{webhook_id}/deliveries") class="filters" role="search">
                <div class="filter">
                    <label for="status">"Status"</label>
                    <select id="status" name="status">
                        <option value="" selected=status.is_none()>"Every status"</option>
                        {DeliveryStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=status == Some(s)>{s.as_str()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit">"Apply"</button>
            </form>
            <RecoverForm webhook_id recover recovered/>
            {if deliveries.rows.is_empty() {
                view! { <p class="empty">{if status.is_some() { "No delivery has this status." } else { "No deliveries yet. Send test event on the webhook's page sends one." }}</p> }.into_any()
            } else {
                view! {
                    <p class="muted" aria-live="polite">{counted}</p>
                    <table class="list">
                        <thead><tr>
                            <th scope="col">"Status"</th><th scope="col">"HTTP status"</th><th scope="col">"Attempts"</th>
                            <th scope="col">"Created"</th><th scope="col">"Next retry"</th><th scope="col">"Event"</th>
                        </tr></thead>
                        <tbody>
                            {deliveries.rows.into_iter().map(|d| view! {
                                <tr>
                                    <td>{status_badge(&d)} {kind(&d)}</td>
                                    <td>{d.http_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                                    <td>{d.attempts}</td>
                                    <td><a href=format!("/deliveries/{}", d.id)>{when(&d.created_at)}</a></td>
                                    <td>{d.next_retry.as_deref().map(when).unwrap_or_else(|| "—".into())}</td>
                                    <td><code>{d.event_id.clone()}</code></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <Pager page=cur pages href open_ended=more/>
                }.into_any()
            }}
        </section>
    }
}

/// "test" or "synchronous call", after the status.
fn kind(d: &DeliveryRow) -> &'static str {
    match (d.is_test, d.is_sync) {
        (true, _) => " · test event",
        (false, true) => " · synchronous call",
        (false, false) => "",
    }
}

/// "N failed deliveries queued again".
fn recovered_message(n: u64) -> String {
    match n {
        0 => "No failed delivery since then: nothing was queued again.".into(),
        1 => "1 failed delivery queued again.".into(),
        n => format!("{n} failed deliveries queued again."),
    }
}

/// Recover: every Failed delivery created at or after "Failed since" is sent again. Its
/// server function redirects to `?recovered=N`, with and without JavaScript.
#[component]
fn RecoverForm(
    webhook_id: i32,
    recover: ServerAction<RecoverDeliveries>,
    recovered: Memo<Option<u64>>,
) -> impl IntoView {
    let feedback = Feedback::new("recover_deliveries", recover.value());
    let message = feedback.field(RECOVER_SINCE);
    let other = Signal::derive(move || match feedback.field("delivery").get() {
        Some(m) => Some(m),
        None => feedback.message().get(),
    });
    let field_id: &'static str = "recover-since";
    view! {
        <section class="recover" aria-labelledby="recover-heading">
        <h2 id="recover-heading">"Recover failed deliveries"</h2>
        <ActionForm action=recover attr:class="filters">
            <PageField/>
            <input type="hidden" name="webhook_id" value=webhook_id.to_string()/>
            <div class="filter">
                <label for=field_id>"Failed since"</label>
                <input id=field_id name=RECOVER_SINCE type="datetime-local" required
                    value=feedback.typed(RECOVER_SINCE)
                    aria-invalid=aria_invalid(message) aria-describedby=described_by(field_id, message, Some("recover-hint"))/>
                <FieldError field=field_id message/>
            </div>
            <button type="submit" disabled=move || recover.pending().get()>"Recover"</button>
        </ActionForm>
        <p class="hint" id="recover-hint">"In UTC, like every time here. Every failed delivery created since then is sent again."</p>
        <p class="form-error" role="alert" hidden=move || other.get().is_none()>{move || other.get()}</p>
        <p class="notice" role="status" data-testid="recovered" hidden=move || recovered.get().is_none()>
            {move || recovered.get().map(recovered_message)}
        </p>
        </section>
    }
}

/// `/deliveries/:id`: the payload as sent and every attempt with its response; Redeliver.
#[component]
pub fn DeliveryPage() -> impl IntoView {
    let id = use_id_param();
    let redeliver = ServerAction::<Redeliver>::new();
    let data = Resource::new(
        move || (id.get(), redeliver.version().get()),
        |(id, _)| async move { get_delivery(id.ok_or_else(|| AppError::NotFound("Delivery".into()))?).await },
    );
    view! {
        <Title text="Delivery"/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <Loaded resource=data page=move |d| view! { <DeliveryView d redeliver/> }/>
        </Guarded>
    }
}

#[component]
fn DeliveryView(d: DeliveryDetail, redeliver: ServerAction<Redeliver>) -> impl IntoView {
    let refused = Feedback::new("redeliver", redeliver.value()).summary();
    let row = d.delivery;
    let (payload, cut, documents) = (d.payload, d.payload_cut, d.documents_shortened);
    let payload_size = size(d.payload_bytes);
    let webhook = format!("/webhooks/{}", row.webhook_id);
    view! {
        <section class="page">
            <p class="crumbs">
                <a href="/webhooks">"Webhooks"</a> " › " <a href=webhook.clone()>{d.webhook_name.clone()}</a> " › "
                <a href=format!("{webhook}/deliveries")>"Deliveries"</a>
            </p>
            <div class="page-head">
                <h1>{format!("Delivery {}", row.id)}</h1>
                {status_badge(&row)}
            </div>
            {if row.is_sync {
                view! { <p class="hint">{SYNC_NOT_RESENT}</p> }.into_any()
            } else {
                view! {
                    <div class="toolbar">
                        <ActionForm action=redeliver>
                            <PageField/>
                            <input type="hidden" name="id" value=row.id.to_string()/>
                            <button type="submit" disabled=move || redeliver.pending().get()>"Redeliver"</button>
                        </ActionForm>
                    </div>
                }.into_any()
            }}
            <p class="form-error" role="alert" hidden=move || refused.get().is_none()>{move || refused.get()}</p>
            <dl class="settings">
                <dt>"Status"</dt><dd>{row.status.as_str()} {kind(&row)}</dd>
                <dt>"HTTP status"</dt><dd>{row.http_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Attempts"</dt><dd>{row.attempts}</dd>
                <dt>"Created"</dt><dd>{when(&row.created_at)}</dd>
                <dt>"Next retry"</dt><dd>{row.next_retry.as_deref().map(when).unwrap_or_else(|| "—".into())}</dd>
                <dt>"Event"</dt><dd><code>{row.event_id.clone()}</code> " · " {row.event_type.clone()}</dd>
                <dt><code>"webhook-id"</code></dt><dd><code>{row.msg_id.clone()}</code></dd>
                {row.last_error.clone().map(|e| view! { <dt>"Last error"</dt><dd>{e}</dd> })}
            </dl>
            <h2>"Payload"</h2>
            <pre class="payload" tabindex="0" aria-label="Payload">{payload}</pre>
            {cut.then(|| view! { <p class="hint" data-testid="payload-cut">{format!("Only the first 64 KiB of {payload_size} are shown.")}</p> })}
            {(documents > 0).then(|| view! {
                <p class="hint" data-testid="documents-shortened">
                    {format!("{documents} base64 document{} shortened to {} characters.", if documents == 1 { " is" } else { "s are" }, 64)}
                </p>
            })}
            <h2>"Attempts"</h2>
            {if d.attempts.is_empty() {
                view! { <p class="empty">"Not attempted yet."</p> }.into_any()
            } else {
                view! {
                    <table class="list">
                        <thead><tr><th scope="col">"#"</th><th scope="col">"Time"</th><th scope="col">"Duration"</th><th scope="col">"HTTP status"</th><th scope="col">"Response or error"</th></tr></thead>
                        <tbody>
                            {d.attempts.into_iter().map(|a| view! {
                                <tr>
                                    <td>{a.number}</td>
                                    <td>{when(&a.at)}</td>
                                    <td>{format!("{} ms", a.duration_ms)}</td>
                                    <td>{a.http_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                                    <td>
                                        {a.error.map(|e| view! { <p class="field-error">{e}</p> })}
                                        {a.response_body.filter(|b| !b.is_empty()).map(|b| view! { <pre class="response">{shown(&b).0}</pre> })}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

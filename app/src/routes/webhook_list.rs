use crate::api::webhooks::{list_webhooks, MoveWebhook};
use crate::components::form_feedback::{Feedback, PageField};
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::components::pager::Pager;
use crate::model::{AuthMethod, CallOrder, EventType, Role, WebhookPage, WebhookQuery, WebhookSort};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Reads search, filters, sort and page from the query string.
fn query_from_url() -> Memo<WebhookQuery> {
    let q = use_query_map();
    Memo::new(move |_| {
        q.with(|m| WebhookQuery {
            search: m.get("q").unwrap_or_default(),
            event_type: m.get("event").and_then(|e| EventType::parse(&e)),
            active: match m.get("status").as_deref() {
                Some("active") => Some(true),
                Some("inactive") => Some(false),
                _ => None,
            },
            sort: WebhookSort::parse(&m.get("sort").unwrap_or_default()),
            page: m.get("page").and_then(|p| p.parse::<u64>().ok()).map(|p| p.saturating_sub(1)).unwrap_or(0),
        })
    })
}

fn page_href(q: &WebhookQuery, page: u64) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.search.is_empty() {
        s.append_pair("q", &q.search);
    }
    if let Some(e) = q.event_type {
        s.append_pair("event", e.as_str());
    }
    if let Some(a) = q.active {
        s.append_pair("status", if a { "active" } else { "inactive" });
    }
    s.append_pair("sort", q.sort.as_str());
    s.append_pair("page", &(page + 1).to_string());
    format!("/webhooks?{}", s.finish())
}

/// `/webhooks`: every webhook, searchable, filterable, sortable and paged.
#[component]
pub fn WebhookListPage() -> impl IntoView {
    view! {
        <Title text="Webhooks"/>
        <Guarded roles=Role::WEBHOOK_ADMINS><WebhookList/></Guarded>
    }
}

#[component]
fn WebhookList() -> impl IntoView {
    let query = query_from_url();
    let moved = ServerAction::<MoveWebhook>::new();
    let data = Resource::new(move || (query.get(), moved.version().get()), |(q, _)| list_webhooks(q));
    let move_refused = Feedback::new("move_webhook", moved.value()).summary();
    view! {
        <section class="page">
            <div class="page-head">
                <h1>"Webhooks"</h1>
                <a class="button primary" href="/webhooks/new">"Create new webhook"</a>
            </div>
            <Filters query=query/>
            <p class="form-error" role="alert" hidden=move || move_refused.get().is_none()>{move || move_refused.get()}</p>
            <Loaded resource=data page=move |page| view! { <WebhookTable page query=query.get_untracked() moved/> }/>
        </section>
    }
}

#[component]
fn Filters(query: Memo<WebhookQuery>) -> impl IntoView {
    let q = query.get_untracked();
    let status = match q.active {
        Some(true) => "active",
        Some(false) => "inactive",
        None => "",
    };
    view! {
        <form method="get" action="/webhooks" class="filters" role="search">
            <div class="filter">
                <label for="q">"Search"</label>
                <input id="q" name="q" type="search" placeholder="Name or URL" value=q.search.clone()/>
            </div>
            <div class="filter">
                <label for="event">"Event type"</label>
                <select id="event" name="event">
                    <option value="" selected=q.event_type.is_none()>"All event types"</option>
                    {EventType::ALL.into_iter().map(|e| view! {
                        <option value=e.as_str() selected=q.event_type == Some(e)>{e.as_str()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="filter">
                <label for="status">"Status"</label>
                <select id="status" name="status">
                    <option value="" selected=status.is_empty()>"Active and inactive"</option>
                    <option value="active" selected=status == "active">"Active"</option>
                    <option value="inactive" selected=status == "inactive">"Inactive"</option>
                </select>
            </div>
            <div class="filter">
                <label for="sort">"Sort by"</label>
                <select id="sort" name="sort">
                    <option value="name" selected=q.sort == WebhookSort::Name>"Name"</option>
                    <option value="event" selected=q.sort == WebhookSort::EventType>"Event type and order"</option>
                    <option value="newest" selected=q.sort == WebhookSort::Newest>"Newest first"</option>
                </select>
            </div>
            <button type="submit">"Apply"</button>
        </form>
    }
}

#[component]
fn WebhookTable(page: WebhookPage, query: WebhookQuery, moved: ServerAction<MoveWebhook>) -> impl IntoView {
    if !page.any {
        return view! {
            <div class="empty">
                <h2>"No webhooks yet"</h2>
                <p>"A webhook sends event data from the platform to an endpoint of your own application."</p>
                <a class="button primary" href="/webhooks/new">"Create new webhook"</a>
            </div>
        }
        .into_any();
    }
    if page.rows.is_empty() {
        return view! { <p class="empty">"No webhook matches this search. " <a href="/webhooks">"Clear filters"</a></p> }.into_any();
    }
    let (cur, pages, total) = (page.page, page.pages, page.total);
    let ordered = page.rows.iter().any(|w| w.order.is_some());
    let by_order = (ordered && query.sort != WebhookSort::EventType).then(|| {
        let href = page_href(&WebhookQuery { sort: WebhookSort::EventType, page: 0, ..query.clone() }, 0);
        view! { " · " <a href=href>"List in call order"</a> }
    });
    view! {
        <p class="muted" aria-live="polite">{format!("{total} webhook{}", if total == 1 { "" } else { "s" })}{by_order}</p>
        <table class="list">
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Event type"</th><th scope="col">"URL host"</th><th scope="col">"Auth"</th><th scope="col">"Status"</th><th scope="col">"Last delivery"</th>{ordered.then(|| view! { <th scope="col">"Call order"</th> })}</tr>
            </thead>
            <tbody>
                {page.rows.into_iter().map(|w| view! {
                    <tr>
                        <td><a href=format!("/webhooks/{}", w.id)>{w.name.clone()}</a></td>
                        <td>{w.event_type.as_str()}</td>
                        <td>{w.url_host}</td>
                        <td>{match w.auth_method { AuthMethod::Hmac => "HMAC", AuthMethod::AccessToken => "Access token" }}</td>
                        <td>
                            <span class=if w.active { "badge on" } else { "badge off" }>{if w.active { "Active" } else { "Inactive" }}</span>
                            {w.disabled_reason.filter(|_| !w.active).map(|r| view! { " " <span class="badge fail">{r}</span> })}
                        </td>
                        <td>{w.last_delivery.unwrap_or_else(|| "No deliveries yet".into())}</td>
                        {ordered.then(|| view! { <td>{w.order.map(|o| view! { <OrderCell id=w.id name=w.name.clone() event_type=w.event_type order=o moved/> })}</td> })}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <Pager page=cur pages href=move |p| page_href(&query, p)/>
    }
    .into_any()
}

/// "2 of 3 InterviewLoadEvent" and the Move up / Move down buttons (none at the ends).
#[component]
fn OrderCell(
    id: i32,
    name: String,
    event_type: EventType,
    order: CallOrder,
    moved: ServerAction<MoveWebhook>,
) -> impl IntoView {
    let button = move |direction: &'static str, word: &'static str, label: String| {
        view! {
            <ActionForm action=moved attr:class="inline-form">
                <PageField/>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="direction" value=direction/>
                <button type="submit" aria-label=label disabled=move || moved.pending().get()>{format!("Move {word}")}</button>
            </ActionForm>
        }
    };
    view! {
        <div class="call-order">
            <span>{format!("{} of {} {}", order.place, order.of, event_type.as_str())}</span>
            <div class="row-actions">
                {order.can_move_up().then(|| button("Up", "up", format!("Move “{name}” up")))}
                {order.can_move_down().then(|| button("Down", "down", format!("Move “{name}” down")))}
            </div>
        </div>
    }
}

//! The create / edit webhook form, shared by `/webhooks/new` and `/webhooks/:id/edit`.
use crate::api::webhooks::{create_webhook, update_webhook};
use crate::components::fields::{aria_invalid, described_by, hydrated, FieldError};
use crate::components::secret_dialog::SecretDialog;
use crate::error::AppError;
use crate::hydration::{preload_island, LazyIsland};
use crate::model::{field, is_plain_http, AuthMethod, CatalogItem, EventType, FieldErrors, SavedWebhook, WebhookForm};
use crate::navigation::use_go;
use leptos::prelude::*;

/// The create / edit form. Without JavaScript it posts to the page's own URL and the server
/// answers with the page again (errors, typed values kept) or the next page, and every field is
/// on the page (with a hint). With JavaScript it validates as you type, saves through a server
/// function and shows only the fields that apply: the stylesheet hides the others, from the
/// first paint, before the WASM has arrived (see [`applies`]).
#[cfg_attr(feature = "ssr", island)]
#[cfg_attr(not(feature = "ssr"), component)]
pub fn WebhookFormView(
    /// `(id, access token hint)` when editing.
    edit: Option<(i32, Option<String>)>,
    initial: WebhookForm,
    error: Option<AppError>,
    work_groups: Vec<CatalogItem>,
    templates: Vec<CatalogItem>,
) -> impl IntoView {
    preload_island(LazyIsland::WebhookFormView);
    let ready = hydrated();
    let edit_id = edit.as_ref().map(|e| e.0);
    let token_hint = edit.and_then(|e| e.1);
    let has_stored_token = token_hint.is_some();
    let form = RwSignal::new(initial.clone());
    let server_errors = RwSignal::new(error.as_ref().map(AppError::field_errors).unwrap_or_default());
    let form_error = RwSignal::new(error.as_ref().map(form_message));
    let touched = RwSignal::new(Vec::<&'static str>::new());
    let attempted = RwSignal::new(false);
    let issued = RwSignal::new(None::<SavedWebhook>);

    let client_errors = Memo::new(move |_| form.with(|f| f.validate(has_stored_token).err().unwrap_or_default()));
    let message = move |f: &'static str| -> Signal<Option<String>> {
        Signal::derive(move || {
            let shown = attempted.get() || touched.with(|t| t.contains(&f));
            let client = if shown && ready.get() { client_errors.with(|e| e.get(f).map(str::to_string)) } else { None };
            client.or_else(|| server_errors.with(|e| e.get(f).map(str::to_string)))
        })
    };
    let edit_field = move |f: &'static str, apply: Box<dyn Fn(&mut WebhookForm)>| {
        form.update(|v| apply(v));
        touched.update(|t| {
            if !t.contains(&f) {
                t.push(f)
            }
        });
        server_errors.update(|e| {
            e.0.remove(f);
        });
    };

    let save = Action::new(move |f: &WebhookForm| {
        let f = f.clone();
        async move {
            match edit_id {
                Some(id) => update_webhook(id, f).await,
                None => create_webhook(f).await,
            }
        }
    });
    let go = use_go();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) if saved.new_secret.is_some() => issued.set(Some(saved)),
        Some(Ok(saved)) => go(&format!("/webhooks/{}", saved.id)),
        Some(Err(e)) => {
            server_errors.set(e.field_errors());
            form_error.set(Some(form_message(&e)));
        }
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        attempted.set(true);
        if client_errors.with(FieldErrors::is_empty) {
            form_error.set(None);
            save.dispatch(form.get_untracked());
        } else {
            form_error.set(Some("Please correct the highlighted fields.".into()));
        }
    };

    // What was typed (or ticked) before the island hydrated stays: the inputs hold it, the
    // state starts from what the server rendered. A lazily loaded form can arrive a moment
    // after the page is shown.
    let form_el = NodeRef::<leptos::html::Form>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let Some(typed) = form_el.get().and_then(|el| typed_values(&el)) else { return };
        let changed = form.with_untracked(|f| f.changed_fields(&typed));
        if !changed.is_empty() {
            form.set(typed);
            touched.update(|t| t.extend(changed.into_iter().filter(|f| *f != field::VERSION)));
        }
    });

    let event_type = Memo::new(move |_| form.with(|f| EventType::parse(&f.event_type)));
    let plain_http = move || form.with(|f| is_plain_http(&f.url));

    let (m_name, m_url, m_auth, m_token, m_event, m_event_name, m_wg, m_tpl) = (
        message(field::NAME),
        message(field::URL),
        message(field::AUTH_METHOD),
        message(field::ACCESS_TOKEN),
        message(field::EVENT_TYPE),
        message(field::EVENT_NAME),
        message(field::WORK_GROUPS),
        message(field::TEMPLATES),
    );
    let action_url = match edit_id {
        Some(id) => format!("/webhooks/{id}/edit"),
        None => "/webhooks/new".to_string(),
    };
    let submit_label = if edit_id.is_some() { "Save changes" } else { "Create" };
    let cancel_href = edit_id.map_or("/webhooks".to_string(), |id| format!("/webhooks/{id}"));

    view! {
        <form node_ref=form_el method="post" action=action_url class="webhook-form" novalidate on:submit=on_submit>
            <p class="form-error" role="alert" hidden=move || form_error.get().is_none()>{move || form_error.get().unwrap_or_default()}</p>
            {(!initial.version.is_empty()).then(|| view! { <input type="hidden" name=field::VERSION value=initial.version.clone()/> })}

            <div class="field">
                <label for=field::NAME>"Name"</label>
                <input id=field::NAME name=field::NAME maxlength="200" aria-required="true" value=initial.name.clone()
                    aria-invalid=aria_invalid(m_name) aria-describedby=described_by(field::NAME, m_name, None)
                    on:input=move |ev| { let v = event_target_value(&ev); edit_field(field::NAME, Box::new(move |f| f.name = v.clone())) }/>
                <FieldError field=field::NAME message=m_name/>
            </div>

            <div class="field">
                <label for=field::URL>"URL"</label>
                <input id=field::URL name=field::URL type="url" inputmode="url" aria-required="true" placeholder="https://example.com/hooks" value=initial.url.clone()
                    aria-invalid=aria_invalid(m_url) aria-describedby=described_by(field::URL, m_url, Some("url-warning"))
                    on:input=move |ev| { let v = event_target_value(&ev); edit_field(field::URL, Box::new(move |f| f.url = v.clone())) }/>
                <p class="hint warning" id="url-warning" hidden=move || !plain_http()>
                    "This URL uses plain http: event data will travel unencrypted. Use https if your endpoint supports it."
                </p>
                <FieldError field=field::URL message=m_url/>
            </div>

            <div class="field">
                <label for=field::AUTH_METHOD>"Authentication Method"</label>
                <select id=field::AUTH_METHOD name=field::AUTH_METHOD
                    aria-invalid=aria_invalid(m_auth) aria-describedby=described_by(field::AUTH_METHOD, m_auth, None)
                    on:change=move |ev| { let v = event_target_value(&ev); edit_field(field::AUTH_METHOD, Box::new(move |f| f.auth_method = v.clone())) }>
                    {[AuthMethod::Hmac, AuthMethod::AccessToken].into_iter().map(|a| view! {
                        <option value=a.as_str() selected=initial.auth_method == a.as_str()
                            data-applies=(a == AuthMethod::AccessToken).then_some(field::ACCESS_TOKEN)>{a.label()}</option>
                    }).collect_view()}
                </select>
                <FieldError field=field::AUTH_METHOD message=m_auth/>
            </div>

            <div class="field" data-if=field::ACCESS_TOKEN>
                <label for=field::ACCESS_TOKEN>"Access token"</label>
                <input id=field::ACCESS_TOKEN name=field::ACCESS_TOKEN type="password" autocomplete="off"
                    placeholder=token_hint.clone().map(|h| format!("Stored: {h} — leave blank to keep it"))
                    aria-invalid=aria_invalid(m_token) aria-describedby=described_by(field::ACCESS_TOKEN, m_token, Some("access_token-hint"))
                    on:input=move |ev| { let v = event_target_value(&ev); edit_field(field::ACCESS_TOKEN, Box::new(move |f| f.access_token = v.clone())) }/>
                <p class="hint" id="access_token-hint">
                    "Only for Access token: sent as " <code>"Authorization: Bearer …"</code> ". "
                    {token_hint.clone().map(|h| format!("Stored token: {h}."))}
                </p>
                <FieldError field=field::ACCESS_TOKEN message=m_token/>
            </div>

            <div class="field">
                <label for=field::EVENT_TYPE>"Event type"</label>
                <select id=field::EVENT_TYPE name=field::EVENT_TYPE
                    aria-invalid=aria_invalid(m_event) aria-describedby=described_by(field::EVENT_TYPE, m_event, None)
                    on:change=move |ev| { let v = event_target_value(&ev); edit_field(field::EVENT_TYPE, Box::new(move |f| f.event_type = v.clone())) }>
                    {EventType::ALL.into_iter().map(|e| view! {
                        <option value=e.as_str() selected=initial.event_type == e.as_str() data-applies=applies(e)>{e.as_str()}</option>
                    }).collect_view()}
                </select>
                <FieldError field=field::EVENT_TYPE message=m_event/>
            </div>

            <div class="field" data-if=field::EVENT_NAME>
                <label for=field::EVENT_NAME>"Interview Event Name"</label>
                <input id=field::EVENT_NAME name=field::EVENT_NAME maxlength="100" value=initial.event_name.clone()
                    aria-required=move || event_type.get().is_some_and(EventType::has_event_name).then_some("true")
                    aria-invalid=aria_invalid(m_event_name) aria-describedby=described_by(field::EVENT_NAME, m_event_name, Some("event_name-hint"))
                    on:input=move |ev| { let v = event_target_value(&ev); edit_field(field::EVENT_NAME, Box::new(move |f| f.event_name = v.clone())) }/>
                <p class="hint" id="event_name-hint">"Only for CustomInterviewEvent: the Event Name of the Interview Event dialog element in the template."</p>
                <FieldError field=field::EVENT_NAME message=m_event_name/>
            </div>

            <div class="field">
                <label class="check">
                    <input type="checkbox" name=field::ACTIVE value="on" checked=initial.active.is_some()
                        on:change=move |ev| { let on = event_target_checked(&ev); edit_field(field::ACTIVE, Box::new(move |f| f.active = on.then(|| "on".into()))) }/>
                    "Webhook active"
                </label>
                <p class="hint">"Inactive webhooks send nothing."</p>
            </div>

            <fieldset class="field">
                <legend>"Accepts untrusted SSL certificates"</legend>
                <label class="check">
                    <input type="radio" name=field::SSL value="block" checked=initial.ssl != "accept"
                        on:change=move |_| edit_field(field::SSL, Box::new(|f| f.ssl = "block".into()))/>
                    "Block untrusted SSL"
                </label>
                <label class="check">
                    <input type="radio" name=field::SSL value="accept" checked=initial.ssl == "accept"
                        on:change=move |_| edit_field(field::SSL, Box::new(|f| f.ssl = "accept".into()))/>
                    "Accept untrusted SSL"
                </label>
            </fieldset>

            <fieldset class="field" data-if=field::WORK_GROUPS aria-describedby="work_groups-hint">
                <legend>"Work Groups"</legend>
                <p class="hint" id="work_groups-hint">"Only for InterviewLoadEvent and NewWorkItemVersionComplete. None chosen means every work group."</p>
                <CatalogChecks name=field::WORK_GROUPS items=work_groups chosen=initial.work_groups.clone()
                    on_toggle=move |id, on| edit_field(field::WORK_GROUPS, Box::new(move |f| toggle(&mut f.work_groups, id, on)))/>
                <FieldError field=field::WORK_GROUPS message=m_wg/>
            </fieldset>

            <fieldset class="field" data-if=field::TEMPLATES aria-describedby="templates-hint">
                <legend>"Templates"</legend>
                <p class="hint" id="templates-hint">"Only for InterviewLoadEvent, NewWorkItemVersionComplete and PostProcessingEvent. None chosen means every template."</p>
                <CatalogChecks name=field::TEMPLATES items=templates chosen=initial.templates.clone()
                    on_toggle=move |id, on| edit_field(field::TEMPLATES, Box::new(move |f| toggle(&mut f.templates, id, on)))/>
                <FieldError field=field::TEMPLATES message=m_tpl/>
            </fieldset>

            <div class="actions">
                <button type="submit" class="primary" disabled=move || save.pending().get()>{submit_label}</button>
                <a class="button" href=cancel_href>"Cancel"</a>
            </div>
        </form>
        {move || issued.get().and_then(|s| s.new_secret.map(|secret| view! { <SecretDialog webhook_id=s.id secret/> }))}
    }
}

/// The form's inputs as they are now, read as the browser would post them.
#[cfg(feature = "hydrate")]
fn typed_values(el: &web_sys::HtmlFormElement) -> Option<WebhookForm> {
    let data = web_sys::FormData::new_with_form(el).ok()?;
    let one = |k: &str| data.get(k).as_string().unwrap_or_default();
    let all = |k: &str| data.get_all(k).iter().filter_map(|v| v.as_string()).collect();
    Some(WebhookForm {
        name: one(field::NAME),
        url: one(field::URL),
        auth_method: one(field::AUTH_METHOD),
        access_token: one(field::ACCESS_TOKEN),
        event_type: one(field::EVENT_TYPE),
        event_name: one(field::EVENT_NAME),
        active: data.get(field::ACTIVE).as_string(),
        ssl: one(field::SSL),
        work_groups: all(field::WORK_GROUPS),
        templates: all(field::TEMPLATES),
        version: one(field::VERSION),
    })
}

/// The line above the form: a form-wide reason, or a pointer to the refused fields.
fn form_message(e: &AppError) -> String {
    match e {
        AppError::Invalid(f) => f.get(field::FORM).unwrap_or("Please correct the highlighted fields.").to_string(),
        other => other.to_string(),
    }
}

/// The conditional fields (`data-if`) that apply with Event type `e`, as its option's
/// `data-applies`. With scripting on, style/main.scss hides each conditional field that the
/// chosen options do not list: the rules stay here, the stylesheet only reads them, and so the
/// fields that do not apply are gone from the first paint (hidden by the WASM once it had
/// arrived, they used to show and then vanish).
fn applies(e: EventType) -> String {
    [
        (e.has_event_name(), field::EVENT_NAME),
        (e.uses_work_groups(), field::WORK_GROUPS),
        (e.uses_templates(), field::TEMPLATES),
    ]
    .into_iter()
    .filter_map(|(applies, f)| applies.then_some(f))
    .collect::<Vec<_>>()
    .join(" ")
}

fn toggle(list: &mut Vec<String>, id: i32, on: bool) {
    let id = id.to_string();
    list.retain(|x| *x != id);
    if on {
        list.push(id);
    }
}

/// A checkbox per work group or template.
#[component]
fn CatalogChecks(
    name: &'static str,
    items: Vec<CatalogItem>,
    chosen: Vec<String>,
    on_toggle: impl Fn(i32, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="muted">"None defined yet."</p> }.into_any();
    }
    view! {
        <div class="checks">
            {items.into_iter().map(|item| {
                let id = item.id;
                view! {
                    <label class="check">
                        <input type="checkbox" name=name value=id.to_string() checked=chosen.contains(&id.to_string())
                            on:change=move |ev| on_toggle(id, event_target_checked(&ev))/>
                        {item.name}
                    </label>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

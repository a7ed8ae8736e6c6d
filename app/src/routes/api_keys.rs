use super::use_id_param;
use crate::api::api_keys::{list_api_keys, CreateApiKey, RevokeApiKey};
use crate::components::fields::hydrated;
use crate::components::form_feedback::{Feedback, InlineField, PageField};
use crate::components::guard::Guarded;
use crate::components::modal::Modal;
use crate::components::page_data::Loaded;
use crate::components::secret_dialog::ApiKeyDialog;
use crate::error::AppError;
use crate::hydration::{preload_island, LazyIsland};
use crate::model::{ApiKeyRow, Role};
use crate::navigation::{use_go, use_list_changed};
use crate::submission::{use_refused, use_submission, with_secrets, Submission, PAGE_FIELD};
use leptos::prelude::*;
use leptos_meta::Title;

/// Where the list of keys lives; revoking returns here.
const PAGE: &str = "/api-keys";

/// An RFC 3339 time as the console shows it: `2026-12-01 11:50 UTC`.
fn when(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => rfc3339.to_string(),
    }
}

/// `/api-keys`: administrators create keys for the platform API (each shown once) and revoke them.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    view! {
        <Title text="API keys"/>
        <Guarded roles=Role::WEBHOOK_ADMINS><ApiKeys/></Guarded>
    }
}

#[component]
fn ApiKeys() -> impl IntoView {
    let keys = Resource::new(|| (), |_| list_api_keys());
    // Why a no-JavaScript revoke was refused (in the page, the confirmation says it).
    let revoke_refused = use_refused("revoke_api_key").map(|r| r.error.message());
    let submitted = use_submission();
    let unacknowledged = matches!(submitted, Some(Submission::ApiKeyNotAcknowledged));
    // A no-JavaScript create shows its key in the dialog.
    let issued = matches!(submitted, Some(Submission::ApiKeyIssued { .. }));
    view! {
        <section class="page">
            <h1>"API keys"</h1>
            <p class="muted">"The platform authenticates its calls to the Hookwell API (" <code>"/api/v1"</code> ") with an API key, sent as " <code>"Authorization: Bearer <key>"</code> ". A key is shown once, when it is created; Hookwell keeps only its hash."</p>
            {unacknowledged.then(|| view! {
                <p class="form-error" role="alert">
                    "You continued without confirming that you copied the API key, and it cannot be shown again. "
                    "If you did not copy it, revoke it and create a new one."
                </p>
            })}
            <h2>"Create API key"</h2>
            <NewApiKeyForm issued/>
            {revoke_refused.map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <h2>"Keys"</h2>
            <Loaded resource=keys page=move |list| view! { <KeyTable list/> }/>
        </section>
    }
}

/// The create form, and the new key's shown-once dialog. Without JavaScript the form posts to
/// `/api-keys` and the server shows the key in its dialog (`issued`); with it, the server
/// function is called and the dialog opens in the page.
#[cfg_attr(feature = "ssr", island)]
#[cfg_attr(not(feature = "ssr"), component)]
pub(crate) fn NewApiKeyForm(issued: bool) -> impl IntoView {
    preload_island(LazyIsland::NewApiKeyForm);
    let create = ServerAction::<CreateApiKey>::new();
    let created = Feedback::new("create_api_key", create.value());
    let created_message = created.message();
    let list_changed = use_list_changed();
    // The key of a no-JavaScript create (never in the props, blank in the browser: the dialog's
    // HTML keeps it), or of the last create in the page.
    let issued = RwSignal::new(issued.then(|| match with_secrets(None) {
        Some(Submission::ApiKeyIssued { key, .. }) => key,
        _ => String::new(),
    }));
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(new)) = create.value().get() {
            issued.set(Some(new.key));
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
            list_changed();
        }
    });
    let create_btn = NodeRef::<leptos::html::Button>::new();
    let done = Callback::new(move |_| {
        issued.set(None);
        // After the dialog has left the page (until then the rest of it is inert).
        set_timeout(
            move || {
                if let Some(b) = create_btn.get_untracked() {
                    let _ = b.focus();
                }
            },
            std::time::Duration::from_millis(0),
        );
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match CreateApiKey::from_event(&ev) {
            Ok(input) => {
                create.dispatch(input);
            }
            Err(e) => create.value().set(Some(Err(AppError::BadRequest(e.to_string())))),
        }
    };
    view! {
        <form method="post" action=PAGE class="inline-form" node_ref=form on:submit=on_submit>
            <PageField/>
            <InlineField feedback=created name="name" id="new-api-key-name" label="Name" maxlength=200 autocomplete="off"/>
            <button type="submit" class="primary" node_ref=create_btn disabled=move || create.pending().get()>"Create API key"</button>
        </form>
        <p class="form-error" role="alert" hidden=move || created_message.get().is_none()>{move || created_message.get()}</p>
        {move || issued.get().map(|key| view! { <ApiKeyDialog key on_continue=done/> })}
    }
}

#[component]
fn KeyTable(list: Vec<ApiKeyRow>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">"No API keys yet. Create one for each system that calls the Hookwell API."</p> }.into_any();
    }
    view! {
        <table class="list">
            <thead>
                <tr><th scope="col">"Name"</th><th scope="col">"Key"</th><th scope="col">"Created"</th><th scope="col">"Last used"</th><th scope="col">"Status"</th><th scope="col">"Actions"</th></tr>
            </thead>
            <tbody>
                {list.into_iter().map(|k| {
                    view! {
                        <tr>
                            <td>{k.name.clone()}</td>
                            <td><code>{format!("{}…", k.prefix)}</code></td>
                            <td><time datetime=k.created_at.clone()>{when(&k.created_at)}</time> " by " {k.created_by.clone()}</td>
                            <td>{match &k.last_used_at {
                                Some(t) => view! { <time datetime=t.clone()>{when(t)}</time> }.into_any(),
                                None => "Never".into_any(),
                            }}</td>
                            <td>{match &k.revoked_at {
                                Some(t) => view! { <span class="badge off">"Revoked"</span> " at " <time datetime=t.clone()>{when(t)}</time> }.into_any(),
                                None => view! { <span class="badge on">"Active"</span> }.into_any(),
                            }}</td>
                            <td>
                                {k.revoked_at.is_none().then(|| view! { <RevokeKeyButton key=k.clone()/> })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

/// Revoke in a row: a link to `/api-keys/:id/revoke`, which once the page is interactive opens
/// the confirmation in the page instead.
#[cfg_attr(feature = "ssr", island)]
#[cfg_attr(not(feature = "ssr"), component)]
pub(crate) fn RevokeKeyButton(key: ApiKeyRow) -> impl IntoView {
    preload_island(LazyIsland::RevokeKeyButton);
    let ready = hydrated();
    let revoking = RwSignal::new(false);
    let revoke = ServerAction::<RevokeApiKey>::new();
    let list_changed = use_list_changed();
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            revoking.set(false);
            list_changed();
        }
    });
    let href = format!("{PAGE}/{}/revoke", key.id);
    let label = format!("Revoke “{}”", key.name);
    view! {
        <a class="button danger" href=href aria-label=label
            on:click=move |ev| if ready.get_untracked() { ev.prevent_default(); revoking.set(true); }>"Revoke"</a>
        <Show when=move || revoking.get()>
            <RevokeConfirm key=key.clone() revoke on_cancel=Callback::new(move |_| revoking.set(false))/>
        </Show>
    }
}

/// The revoke confirmation, in the page (with JavaScript) or as `/api-keys/:id/revoke` (without).
#[component]
fn RevokeConfirm(
    key: ApiKeyRow,
    revoke: ServerAction<RevokeApiKey>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let refused = Feedback::new("revoke_api_key", revoke.value()).summary();
    let submit_btn = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = submit_btn.get() {
            let _ = b.focus();
        }
    });
    view! {
        <Modal role="alertdialog" labelledby="revoke-title" describedby="revoke-text">
            <h2 id="revoke-title">{format!("Revoke API key “{}”?", key.name)}</h2>
            <p id="revoke-text">{format!(
                "Calls to the Hookwell API with the key {}… are refused from now on. This cannot be undone: the platform needs a new key.",
                key.prefix
            )}</p>
            <ActionForm action=revoke>
                // Back to the list, also from the confirmation page.
                <input type="hidden" name=PAGE_FIELD value=PAGE/>
                <input type="hidden" name="id" value=key.id.to_string()/>
                <div class="actions">
                    <button type="submit" class="danger" node_ref=submit_btn disabled=move || revoke.pending().get()>"Revoke"</button>
                    <a class="button" href=PAGE data-cancel=""
                        on:click=move |ev| if let Some(cb) = on_cancel { ev.prevent_default(); cb.run(()); }>"Cancel"</a>
                </div>
            </ActionForm>
            <p class="form-error" role="alert" hidden=move || refused.get().is_none()>{move || refused.get()}</p>
        </Modal>
    }
}

/// `/api-keys/:id/revoke`: the revoke confirmation as a page, for browsers without JavaScript.
#[component]
pub fn RevokeApiKeyPage() -> impl IntoView {
    let id = use_id_param();
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            let id = id.ok_or_else(|| AppError::NotFound("API key".into()))?;
            list_api_keys().await?.into_iter().find(|k| k.id == id).ok_or_else(|| AppError::NotFound("API key".into()))
        },
    );
    view! {
        <Title text="Revoke API key"/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <Loaded resource=data page=|key| view! { <RevokePage key/> }/>
        </Guarded>
    }
}

#[component]
fn RevokePage(key: ApiKeyRow) -> impl IntoView {
    let revoke = ServerAction::<RevokeApiKey>::new();
    // With JavaScript the form stays in the page: go back to the list once revoked.
    let go = use_go();
    Effect::new(move |_| {
        if let Some(Ok(())) = revoke.value().get() {
            go(PAGE);
        }
    });
    if key.revoked_at.is_some() {
        return view! {
            <section class="status-page">
                <h1>"Already revoked"</h1>
                <p>{format!("The API key “{}” was revoked at {}.", key.name, key.revoked_at.as_deref().map(when).unwrap_or_default())}</p>
                <p><a href=PAGE>"Back to API keys"</a></p>
            </section>
        }
        .into_any();
    }
    view! { <RevokeConfirm key revoke/> }.into_any()
}

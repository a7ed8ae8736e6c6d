//! `Regenerate HMAC secret` on the edit page: asks first, then shows the new secret once.
use crate::api::webhooks::regenerate_hmac_secret;
use crate::components::modal::Modal;
use crate::components::secret_dialog::SecretDialog;
use crate::hydration::{preload_island, LazyIsland};
use crate::model::SecretGrace;
use crate::submission::{with_secrets, Submission};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// How the section starts after a no-JavaScript post: the island's props. A small enum rather
/// than the whole `Submission`, whose deserializer (webhook forms, errors) the browser would
/// otherwise carry for this island.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegenerateStart {
    Idle,
    /// `Regenerate HMAC secret` was pressed: ask.
    Confirming,
    /// Regenerating was refused, with the reason.
    Refused(String),
    /// A new secret was issued (the server renders it from the post; the props never carry it).
    Issued,
}

impl RegenerateStart {
    pub fn of(submitted: Option<&Submission>) -> Self {
        match submitted {
            Some(Submission::ConfirmRegenerate) => RegenerateStart::Confirming,
            Some(Submission::RegenerateRefused(message)) => RegenerateStart::Refused(message.clone()),
            Some(Submission::SecretIssued { .. }) => RegenerateStart::Issued,
            _ => RegenerateStart::Idle,
        }
    }
}

/// The secret a no-JavaScript post just issued: on the server, from the post; in the browser,
/// where islands do not see the page's context, blank (the dialog keeps its server-rendered HTML).
fn issued_secret() -> String {
    match with_secrets(None) {
        Some(Submission::SecretIssued { secret, .. }) => secret,
        _ => String::new(),
    }
}

/// The "HMAC secret" section of the edit page. Without JavaScript the two forms post to
/// `/webhooks/:id/regenerate-secret` (first to ask, then with `confirm=yes`); with it the same
/// confirmation opens in the page. The confirmation carries the webhook's `version`, so a form
/// that is posted twice (a reload, a double click) rotates the secret only once.
#[cfg_attr(feature = "ssr", island)]
#[cfg_attr(not(feature = "ssr"), component)]
pub fn RegenerateSecret(id: i32, name: String, version: i32, start: RegenerateStart) -> impl IntoView {
    preload_island(LazyIsland::RegenerateSecret);
    let issued = RwSignal::new((start == RegenerateStart::Issued).then(issued_secret));
    let confirming = RwSignal::new(start == RegenerateStart::Confirming);
    let refused = RwSignal::new(match start {
        RegenerateStart::Refused(message) => Some(message),
        _ => None,
    });
    let grace = RwSignal::new(SecretGrace::None);
    let regenerate = Action::new(move |g: &SecretGrace| regenerate_hmac_secret(id, version, *g));
    Effect::new(move |_| match regenerate.value().get() {
        Some(Ok(secret)) => {
            confirming.set(false);
            issued.set(Some(secret));
        }
        Some(Err(e)) => {
            confirming.set(false);
            refused.set(Some(e.message()));
        }
        None => {}
    });
    let action = format!("/webhooks/{id}/regenerate-secret");
    view! {
        <section class="danger-zone" aria-labelledby="secret-heading">
            <h2 id="secret-heading">"HMAC secret"</h2>
            <p>"The secret was shown once when it was issued. If it is lost or exposed, issue a new one; the current secret stops working immediately, unless you choose a grace period."</p>
            <form method="post" action=action.clone() on:submit=move |ev| { ev.prevent_default(); grace.set(SecretGrace::None); confirming.set(true); }>
                <button type="submit">"Regenerate HMAC secret"</button>
            </form>
        </section>
        <p class="form-error" role="alert" hidden=move || refused.get().is_none()>{move || refused.get().unwrap_or_default()}</p>
        <Show when=move || confirming.get()>
            <RegenerateConfirm id name=name.clone() version action=action.clone() grace regenerate confirming/>
        </Show>
        {move || issued.get().map(|secret| view! { <SecretDialog webhook_id=id secret/> })}
    }
}

/// The confirmation of `RegenerateSecret`, in the page (with JavaScript) or as the answer to the
/// first post (without).
#[component]
fn RegenerateConfirm(
    id: i32,
    name: String,
    version: i32,
    action: String,
    grace: RwSignal<SecretGrace>,
    regenerate: Action<SecretGrace, Result<String, crate::error::AppError>>,
    confirming: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <Modal role="alertdialog" labelledby="regen-title" describedby="regen-text">
            <h2 id="regen-title">"Regenerate HMAC secret?"</h2>
            <p id="regen-text">{format!("“{name}” gets a new secret, shown once. Without a grace period the current secret stops working immediately, so update your application right away.")}</p>
            <form method="post" action=action on:submit=move |ev| { ev.prevent_default(); regenerate.dispatch(grace.get_untracked()); }>
                <input type="hidden" name="confirm" value="yes"/>
                <input type="hidden" name="version" value=version.to_string()/>
                <fieldset class="field" aria-describedby="grace-hint">
                    <legend>"Grace period for the current secret"</legend>
                    {SecretGrace::ALL.into_iter().map(|g| view! {
                        <label class="check">
                            <input type="radio" name="grace" value=g.as_str() checked=g == SecretGrace::None
                                on:change=move |_| grace.set(g)/>
                            {g.label()}
                        </label>
                    }).collect_view()}
                    <p class="hint" id="grace-hint">"During a grace period every delivery's webhook-signature header also carries a v1 signature made with the current secret, so receivers that verify Standard Webhooks signatures keep working while you switch. The token (JWT) is signed with the new secret only."</p>
                </fieldset>
                <div class="actions">
                    <button type="submit" class="danger" disabled=move || regenerate.pending().get()>"Regenerate HMAC secret"</button>
                    <a class="button" href=format!("/webhooks/{id}/edit") data-cancel="" on:click=move |ev| { ev.prevent_default(); confirming.set(false); }>"Cancel"</a>
                </div>
            </form>
        </Modal>
    }
}

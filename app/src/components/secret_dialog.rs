//! Dialogs that show a just-issued secret exactly once: the HMAC secret of a webhook and the key
//! of a new API key.
use super::fields::hydrated;
use super::modal::Modal;
use crate::navigation::use_go;
use leptos::prelude::*;

/// What a shown-once dialog says, and where its Continue goes without JavaScript.
#[derive(Clone, Debug)]
pub struct ShownOnce {
    /// The dialog's heading and accessible name, e.g. "Your HMAC secret".
    pub title: &'static str,
    /// What to do with the value, before "It will not be shown again."
    pub help: &'static str,
    /// The id (and test id) of the element that shows the value.
    pub value_id: &'static str,
    /// The checkbox that must be ticked to continue.
    pub checkbox: &'static str,
    /// The plain form post of Continue (the server checks the checkbox).
    pub action: String,
}

/// Shows `value` once, with a copy button, and lets the user continue only after ticking the
/// checkbox (the server checks it without JS). Focus goes to the Copy button once the page is
/// interactive. Escape does not close it (the value would be lost): it says what to do instead.
/// With JavaScript, Continue stays in the page: it calls `on_continue`, or goes to `continue_to`
/// (where the post would have led), instead of posting.
#[component]
pub fn ShownOnceDialog(
    text: ShownOnce,
    value: String,
    #[prop(optional)] on_continue: Option<Callback<()>>,
    #[prop(optional)] continue_to: Option<String>,
) -> impl IntoView {
    let go = use_go();
    let ready = hydrated();
    let (copied, set_copied) = signal(false);
    let (status, set_status) = signal(String::new());
    let copy_btn = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = copy_btn.get() {
            let _ = b.focus();
        }
    });
    let ShownOnce { title, help, value_id, checkbox, action } = text;
    // The value is read from the page, not from state: after a no-JavaScript post the
    // hydration state carries it blanked (see `Submission::without_secrets`).
    let copy = move |_| {
        let shown = document().get_element_by_id(value_id).and_then(|e| e.text_content()).unwrap_or_default();
        let _ = window().navigator().clipboard().write_text(&shown);
        set_status.set("Copied to the clipboard.".into());
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        if let Some(cb) = on_continue {
            ev.prevent_default();
            cb.run(());
        } else if let Some(to) = &continue_to {
            ev.prevent_default();
            go(to);
        }
    };
    let refuse_escape = Callback::new(move |_| {
        set_status.set(format!("This dialog stays open until you tick “{checkbox}” and press Continue."))
    });
    view! {
        <Modal labelledby="secret-title" describedby="secret-help" on_escape_refused=refuse_escape>
            <h2 id="secret-title">{title}</h2>
            <p id="secret-help">
                {help} " "
                <strong>"It will not be shown again."</strong>
            </p>
            <div class="secret-row">
                <code class="secret" id=value_id data-testid=value_id>{value}</code>
                <Show when=move || ready.get()>
                    <button type="button" node_ref=copy_btn on:click=copy>"Copy"</button>
                </Show>
            </div>
            <p class="copy-status" aria-live="polite">{move || status.get()}</p>
            <form method="post" action=action on:submit=on_submit>
                <label class="check">
                    <input type="checkbox" name="copied" value="yes" required
                        on:change=move |ev| set_copied.set(event_target_checked(&ev))/>
                    {checkbox}
                </label>
                <div class="actions">
                    <button type="submit" class="primary" disabled=move || ready.get() && !copied.get()>"Continue"</button>
                </div>
            </form>
        </Modal>
    }
}

/// "Your HMAC secret": shows a just-issued secret once, with a copy button, and lets the user
/// continue only after ticking "I have copied the secret" (the server checks it without JS).
#[component]
pub fn SecretDialog(webhook_id: i32, secret: String) -> impl IntoView {
    let text = ShownOnce {
        title: "Your HMAC secret",
        help: "Copy this secret now and store it in your application: it verifies the token Hookwell sends.",
        value_id: "hmac-secret",
        checkbox: "I have copied the secret",
        action: format!("/webhooks/{webhook_id}/secret-acknowledged"),
    };
    view! { <ShownOnceDialog text value=secret continue_to=format!("/webhooks/{webhook_id}")/> }
}

/// "Your API key": a new API key, shown once. Continue calls `on_continue` in the page (with
/// JavaScript) or posts to `/api-keys/key-acknowledged` (without).
#[component]
pub fn ApiKeyDialog(key: String, on_continue: Callback<()>) -> impl IntoView {
    let text = ShownOnce {
        title: "Your API key",
        help:
            "Copy this key now and give it to the platform: it authenticates the platform's calls to the Hookwell API.",
        value_id: "api-key",
        checkbox: "I have copied the key",
        action: "/api-keys/key-acknowledged".into(),
    };
    view! { <ShownOnceDialog text value=key on_continue/> }
}

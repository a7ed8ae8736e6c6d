use super::fields::hydrated;
use leptos::prelude::*;

/// "Your HMAC secret": shows a just-issued secret once, with a copy button, and lets the user
/// continue only after ticking "I have copied the secret" (the server checks it without JS).
#[component]
pub fn SecretDialog(webhook_id: i32, secret: String) -> impl IntoView {
    let ready = hydrated();
    let (copied, set_copied) = signal(false);
    let (status, set_status) = signal(String::new());
    let copy_btn = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(b) = copy_btn.get() {
            let _ = b.focus();
        }
    });
    // The secret is read from the page, not from state: after a no-JavaScript post the
    // hydration state carries it blanked (see `Submission::without_secrets`).
    let copy = move |_| {
        let shown = document().get_element_by_id("hmac-secret").and_then(|e| e.text_content()).unwrap_or_default();
        let _ = window().navigator().clipboard().write_text(&shown);
        set_status.set("Copied to the clipboard.".into());
    };
    view! {
        <div class="dialog-backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="secret-title" aria-describedby="secret-help">
                <h2 id="secret-title">"Your HMAC secret"</h2>
                <p id="secret-help">
                    "Copy this secret now and store it in your application: it verifies the token Hookwell sends. "
                    <strong>"It will not be shown again."</strong>
                </p>
                <div class="secret-row">
                    <code class="secret" id="hmac-secret" data-testid="hmac-secret">{secret}</code>
                    <Show when=move || ready.get()>
                        <button type="button" node_ref=copy_btn on:click=copy>"Copy"</button>
                    </Show>
                </div>
                <p class="copy-status" aria-live="polite">{move || status.get()}</p>
                <form method="post" action=format!("/webhooks/{webhook_id}/secret-acknowledged")>
                    <label class="check">
                        <input type="checkbox" name="copied" value="yes" required
                            on:change=move |ev| set_copied.set(event_target_checked(&ev))/>
                        "I have copied the secret"
                    </label>
                    <div class="actions">
                        <button type="submit" class="primary" disabled=move || ready.get() && !copied.get()>"Continue"</button>
                    </div>
                </form>
            </div>
        </div>
    }
}

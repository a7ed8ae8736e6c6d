//! Delete confirmations: in the page with JavaScript, as their own page without.
use crate::api::webhooks::DeleteWebhook;
use crate::components::fields::hydrated;
use crate::components::form_feedback::PageField;
use crate::components::modal::Modal;
use crate::hydration::{preload_island, LazyIsland};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Delete on a webhook's page: a link to `/webhooks/:id/delete`, which once the page is
/// interactive opens the confirmation in the page instead.
#[cfg_attr(feature = "ssr", island)]
#[cfg_attr(not(feature = "ssr"), component)]
pub fn DeleteWebhookButton(id: i32, name: String) -> impl IntoView {
    preload_island(LazyIsland::DeleteWebhookButton);
    let ready = hydrated();
    let confirming = RwSignal::new(false);
    view! {
        <a class="button danger" href=format!("/webhooks/{id}/delete")
            on:click=move |ev| if ready.get_untracked() { ev.prevent_default(); confirming.set(true); }>"Delete"</a>
        <Show when=move || confirming.get()>
            <DeleteConfirm id name=name.clone() on_cancel=Callback::new(move |_| confirming.set(false))/>
        </Show>
    }
}

/// The delete confirmation, in-page (with JavaScript) or as `/webhooks/:id/delete` (without).
#[component]
pub fn DeleteConfirm(id: i32, name: String, #[prop(optional)] on_cancel: Option<Callback<()>>) -> impl IntoView {
    let delete = ServerAction::<DeleteWebhook>::new();
    // A plain form rather than `ActionForm`: without JavaScript it posts; in the page the
    // action gets its input as it is, so the browser decodes no form data (which would put a
    // form-data deserializer in the WASM of the webhook page).
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        delete.dispatch(DeleteWebhook { id });
    };
    view! {
        <Modal role="alertdialog" labelledby="delete-title" describedby="delete-text">
            <h2 id="delete-title">{format!("Delete webhook “{name}”?")}</h2>
            <p id="delete-text">"The webhook and its work group and template links are removed and it sends nothing more. Its history stays in the audit log."</p>
            <form method="post" action=DeleteWebhook::url() on:submit=on_submit>
                <PageField/>
                <input type="hidden" name="id" value=id.to_string()/>
                <div class="actions">
                    <button type="submit" class="danger">"Delete"</button>
                    <a class="button" href=format!("/webhooks/{id}") data-cancel=""
                        on:click=move |ev| if let Some(cb) = on_cancel { ev.prevent_default(); cb.run(()); }>"Cancel"</a>
                </div>
            </form>
            {move || delete.value().get().and_then(|r| r.err()).map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })}
        </Modal>
    }
}

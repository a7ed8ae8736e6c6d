//! Deleting a work group or template: asks first, and names the webhooks limited to it.
use crate::api::catalog::{get_catalog_usage, DeleteCatalogItem};
use crate::components::fields::hydrated;
use crate::components::form_feedback::{Feedback, PageField};
use crate::components::modal::Modal;
use crate::hydration::{preload_island, LazyIsland};
use crate::model::{CatalogKind, CatalogUsage};
use crate::navigation::use_list_changed;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// Delete in a row of the work group or template list: a link to the confirmation page, which
/// once the page is interactive opens the confirmation (with the webhooks limited to the item)
/// in the page instead.
#[cfg_attr(feature = "ssr", island)]
#[cfg_attr(not(feature = "ssr"), component)]
pub fn CatalogDeleteButton(kind: CatalogKind, id: i32, name: String) -> impl IntoView {
    preload_island(LazyIsland::CatalogDeleteButton);
    let ready = hydrated();
    let deleting = RwSignal::new(false);
    let delete = ServerAction::<DeleteCatalogItem>::new();
    let list_changed = use_list_changed();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            deleting.set(false);
            list_changed();
        }
    });
    // What uses the item, asked for each time the confirmation opens. An action rather than a
    // resource under `Suspense`: the same answer, without the async-resource machinery in the
    // WASM that the webhook page's Delete shares this module with.
    let usage = Action::new(move |_: &()| get_catalog_usage(kind, id));
    let open = move || {
        usage.value().set(None);
        deleting.set(true);
        usage.dispatch(());
    };
    view! {
        <a class="button danger" href=format!("{}/{id}/delete", kind.path()) aria-label=format!("Delete {name}")
            on:click=move |ev| if ready.get_untracked() { ev.prevent_default(); open(); }>"Delete"</a>
        {move || match (deleting.get(), usage.value().get()) {
            (true, Some(Ok(usage))) => view! {
                <CatalogDeleteConfirm kind usage delete on_cancel=Callback::new(move |_| deleting.set(false))/>
            }.into_any(),
            (true, Some(Err(e))) => view! { <p class="field-error" role="alert">{e.message()}</p> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// The delete confirmation, in the page (with JavaScript) or as `/work-groups/:id/delete`
/// (without). When webhooks are limited to the item, deleting it would widen them to every
/// work group or template, so the only way to delete is to deactivate them with it.
#[component]
pub fn CatalogDeleteConfirm(
    kind: CatalogKind,
    usage: CatalogUsage,
    #[prop(optional)] delete: Option<ServerAction<DeleteCatalogItem>>,
    #[prop(optional)] on_cancel: Option<Callback<()>>,
) -> impl IntoView {
    let delete = delete.unwrap_or_default();
    let refused = Feedback::new("delete_catalog_item", delete.value()).summary();
    let CatalogUsage { item, webhooks } = usage;
    let used = !webhooks.is_empty();
    let count = webhooks.len();
    let explanation = if used {
        format!(
            "{count} {} limited to this {noun}. Deleting it would make {} receive the events of every {noun}, so they are deactivated with it. You can change them first instead.",
            if count == 1 { "webhook is" } else { "webhooks are" },
            if count == 1 { "it" } else { "them" },
            noun = kind.noun(),
        )
    } else {
        format!("No webhook is limited to this {}. Webhooks refer to it by its key “{}”.", kind.noun(), item.key)
    };
    // A plain form, as `DeleteConfirm`'s: the action gets its input as it is.
    let input = DeleteCatalogItem { kind, id: item.id, deactivate_webhooks: used };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        delete.dispatch(input.clone());
    };
    let button = if used {
        format!("Delete and deactivate {count} {}", if count == 1 { "webhook" } else { "webhooks" })
    } else {
        "Delete".to_string()
    };
    view! {
        <Modal role="alertdialog" labelledby="catalog-delete-title" describedby="catalog-delete-text">
            <h2 id="catalog-delete-title">{format!("Delete {} “{}”?", kind.noun(), item.name)}</h2>
            <p id="catalog-delete-text">{explanation}</p>
            {used.then(|| view! {
                <ul class="webhook-refs">
                    {webhooks.into_iter().map(|w| view! {
                        <li><a href=format!("/webhooks/{}", w.id)>{w.name}</a> {(!w.active).then_some(" (inactive)")}</li>
                    }).collect_view()}
                </ul>
            })}
            <form method="post" action=DeleteCatalogItem::url() on:submit=on_submit>
                <PageField/>
                <input type="hidden" name="kind" value=kind.form_value()/>
                <input type="hidden" name="id" value=item.id.to_string()/>
                {used.then(|| view! { <input type="hidden" name="deactivate_webhooks" value="true"/> })}
                <div class="actions">
                    <button type="submit" class="danger">{button}</button>
                    <a class="button" href=kind.path() data-cancel=""
                        on:click=move |ev| if let Some(cb) = on_cancel { ev.prevent_default(); cb.run(()); }>"Cancel"</a>
                </div>
            </form>
            <p class="form-error" role="alert" hidden=move || refused.get().is_none()>{move || refused.get()}</p>
        </Modal>
    }
}

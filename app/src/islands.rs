//! The browser's side of the lazy islands (see `hydration`): the main module exports
//! `hydrate_lazy_island`, which src/island_script.js calls for every island the main module does
//! not hold; it awaits the `#[lazy]` loader of the island's group, whose module holds the code of
//! the group's islands, and that loader hydrates the island from its server-rendered HTML and
//! props, as Leptos' own `#[island(lazy)]` would. (Leptos splits each lazy island into a module
//! of its own, plus one chunk per set of islands sharing code: 30 files for the edit page.)
use crate::components::catalog_delete::{CatalogDeleteButton, CatalogDeleteButtonProps};
use crate::components::delete_confirm::{DeleteWebhookButton, DeleteWebhookButtonProps};
use crate::components::regenerate_dialog::{RegenerateSecret, RegenerateSecretProps, RegenerateStart};
use crate::components::webhook_form::{WebhookFormView, WebhookFormViewProps};
use crate::error::AppError;
use crate::hydration::{IslandGroup, LazyIsland};
use crate::model::{ApiKeyRow, CatalogItem, CatalogKind, WebhookForm};
use crate::routes::api_keys::{NewApiKeyForm, NewApiKeyFormProps, RevokeKeyButton, RevokeKeyButtonProps};
use leptos::prelude::*;
use leptos::tachys::html::islands::Island;
use leptos::tachys::reactive_graph::OwnedView;
use leptos::tachys::view::Position;
use leptos::web_sys::HtmlElement;

/// Hydrates the island `<leptos-island data-component=…>` `el`; `false` when it is no lazy island.
#[leptos::wasm_bindgen::prelude::wasm_bindgen(
    wasm_bindgen = ::leptos::wasm_bindgen,
    wasm_bindgen_futures = ::leptos::__reexports::wasm_bindgen_futures
)]
pub async fn hydrate_lazy_island(component: String, el: HtmlElement) -> bool {
    let Some(island) = LazyIsland::of(&component) else { return false };
    match island.group() {
        IslandGroup::WebhookForm => webhook_form_islands(island, el).await,
        IslandGroup::Delete => delete_islands(island, el).await,
        IslandGroup::ApiKeys => api_key_islands(island, el).await,
    }
    true
}

/// Hydrates `$el` as the island `$island`, its props read from `data-props` (the fields, as the
/// server's `#[island]` serialized them, are listed with their types).
macro_rules! hydrate_as {
    ($el:expr, $island:ident($props:ident { $($prop:ident: $ty:ty),* $(,)? })) => {{
        #[derive(serde::Deserialize)]
        struct Serialized {
            $($prop: $ty),*
        }
        match props::<Serialized>(&$el) {
            Some(Serialized { $($prop),* }) => {
                hydrate_view(&$el, stringify!($island), move || $island($props::builder()$(.$prop($prop))*.build()))
            }
            None => leptos::logging::error!("Hookwell: the props of {} could not be read", stringify!($island)),
        }
    }};
}

// One `#[lazy]` loader per group: its module holds what only it reaches.

#[lazy]
fn webhook_form_islands(island: LazyIsland, el: HtmlElement) {
    match island {
        LazyIsland::WebhookFormView => hydrate_as!(el, WebhookFormView(WebhookFormViewProps {
            edit: Option<(i32, Option<String>)>,
            initial: WebhookForm,
            error: Option<AppError>,
            work_groups: Vec<CatalogItem>,
            templates: Vec<CatalogItem>,
        })),
        LazyIsland::RegenerateSecret => hydrate_as!(
            el,
            RegenerateSecret(RegenerateSecretProps { id: i32, name: String, version: i32, start: RegenerateStart })
        ),
        other => not_in_group(other),
    }
}

#[lazy]
fn delete_islands(island: LazyIsland, el: HtmlElement) {
    match island {
        LazyIsland::DeleteWebhookButton => {
            hydrate_as!(el, DeleteWebhookButton(DeleteWebhookButtonProps { id: i32, name: String }))
        }
        LazyIsland::CatalogDeleteButton => {
            hydrate_as!(el, CatalogDeleteButton(CatalogDeleteButtonProps { kind: CatalogKind, id: i32, name: String }))
        }
        other => not_in_group(other),
    }
}

#[lazy]
fn api_key_islands(island: LazyIsland, el: HtmlElement) {
    match island {
        LazyIsland::NewApiKeyForm => hydrate_as!(el, NewApiKeyForm(NewApiKeyFormProps { issued: bool })),
        LazyIsland::RevokeKeyButton => hydrate_as!(el, RevokeKeyButton(RevokeKeyButtonProps { key: ApiKeyRow })),
        other => not_in_group(other),
    }
}

/// Cannot happen: `hydrate_lazy_island` calls a group's loader with its own islands only.
fn not_in_group(island: LazyIsland) {
    leptos::logging::error!("Hookwell: {island:?} is not in the group it was loaded with");
}

/// An island's props, from the `data-props` the server wrote.
fn props<T: serde::de::DeserializeOwned>(el: &HtmlElement) -> Option<T> {
    let data = el.dataset().get("props")?;
    serde_json::from_str(&data).ok()
}

/// What the code `#[island]` generates does in the browser: the island's view, made in an owner
/// of its own, hydrated from the HTML inside `el`.
fn hydrate_view<V: IntoView + 'static>(
    el: &HtmlElement,
    name: &'static str,
    view: impl FnOnce() -> V + Send + 'static,
) {
    let island = Island::new(name, Owner::new().with(|| Owner::with_hydration(|| OwnedView::new(view()))));
    let state = island.hydrate_from_position::<true>(el, Position::Current);
    // The island lives as long as the page (as in Leptos' own island code).
    std::mem::forget(state);
}

use super::use_id_param;
use crate::api::catalog::{get_catalog_usage, list_catalog, AddCatalogItem, RenameCatalogItem};
use crate::components::catalog_delete::{CatalogDeleteButton, CatalogDeleteConfirm};
use crate::components::form_feedback::{Feedback, InlineField, PageField};
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::error::AppError;
use crate::model::{CatalogItem, CatalogKind, Role};
use crate::use_viewer;
use leptos::prelude::*;
use leptos_meta::Title;

/// `/work-groups`.
#[component]
pub fn WorkGroupsPage() -> impl IntoView {
    view! { <CatalogPage kind=CatalogKind::WorkGroup/> }
}

/// `/templates`.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    view! { <CatalogPage kind=CatalogKind::Template/> }
}

/// `/work-groups/:id/delete`: the delete confirmation as a page, for browsers without JavaScript.
#[component]
pub fn DeleteWorkGroupPage() -> impl IntoView {
    view! { <CatalogDeletePage kind=CatalogKind::WorkGroup/> }
}

/// `/templates/:id/delete`.
#[component]
pub fn DeleteTemplatePage() -> impl IntoView {
    view! { <CatalogDeletePage kind=CatalogKind::Template/> }
}

#[component]
fn CatalogDeletePage(kind: CatalogKind) -> impl IntoView {
    let id = use_id_param();
    let usage = Resource::new(
        move || id.get(),
        move |id| async move { get_catalog_usage(kind, id.ok_or_else(|| AppError::NotFound("Item".into()))?).await },
    );
    view! {
        <Title text=format!("Delete {}", kind.noun())/>
        <Guarded roles=Role::USER_ADMINS>
            <Loaded resource=usage page=move |usage| view! { <CatalogDeleteConfirm kind usage/> }/>
        </Guarded>
    }
}

/// A list of work groups or templates; Site Administrators add, rename and delete them.
#[component]
fn CatalogPage(kind: CatalogKind) -> impl IntoView {
    let add = ServerAction::<AddCatalogItem>::new();
    let rename = ServerAction::<RenameCatalogItem>::new();
    let items = Resource::new(move || (add.version().get(), rename.version().get()), move |_| list_catalog(kind));
    let editable = use_viewer().is_some_and(|u| u.role == Role::SiteAdmin);
    let (added, renamed) =
        (Feedback::new("add_catalog_item", add.value()), Feedback::new("rename_catalog_item", rename.value()));
    let (added_message, renamed_message) = (added.message(), renamed.summary());
    view! {
        <Title text=kind.heading()/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <section class="page">
                <h1>{kind.heading()}</h1>
                <p class="muted">{format!("Webhooks can be limited to {}s. The platform refers to each by its key.", kind.noun())}</p>
                {editable.then(|| view! {
                    <ActionForm action=add attr:class="inline-form">
                        <PageField/>
                        <input type="hidden" name="kind" value=kind.form_value()/>
                        <InlineField feedback=added name="key" id="new-key" label="Key" maxlength=100/>
                        <InlineField feedback=added name="name" id="new-name" label="Name" maxlength=200/>
                        <button type="submit" class="primary">{format!("Add {}", kind.noun())}</button>
                    </ActionForm>
                    <p class="form-error" role="alert" hidden=move || added_message.get().is_none()>{move || added_message.get()}</p>
                })}
                <p class="form-error" role="alert" hidden=move || renamed_message.get().is_none()>{move || renamed_message.get()}</p>
                <Loaded resource=items page=move |list| view! { <CatalogTable kind list editable rename renamed/> }/>
            </section>
        </Guarded>
    }
}

#[component]
fn CatalogTable(
    kind: CatalogKind,
    list: Vec<CatalogItem>,
    editable: bool,
    rename: ServerAction<RenameCatalogItem>,
    renamed: Feedback,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="empty">{format!("No {}s yet.", kind.noun())}</p> }.into_any();
    }
    view! {
        <table class="list">
            <thead><tr><th scope="col">"Key"</th><th scope="col">"Name"</th>{editable.then(|| view! { <th scope="col">"Actions"</th> })}</tr></thead>
            <tbody>
                {list.into_iter().map(|item| {
                    let id = item.id;
                    let rename_label = format!("New name for {}", item.name);
                    let name = item.name.clone();
                    view! {
                        <tr>
                            <td><code>{item.key.clone()}</code></td>
                            <td>{item.name.clone()}</td>
                            {editable.then(|| view! {
                                <td class="row-actions">
                                    <ActionForm action=rename attr:class="inline-form">
                                        <PageField/>
                                        <input type="hidden" name="kind" value=kind.form_value()/>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <label class="visually-hidden" for=format!("rename-{id}")>{rename_label}</label>
                                        <input id=format!("rename-{id}") name="name" value=renamed.row_message(id).and(renamed.typed("name")).unwrap_or(item.name.clone()) required maxlength="200"/>
                                        <button type="submit">"Rename"</button>
                                    </ActionForm>
                                    {renamed.row_message(id).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                                    <CatalogDeleteButton kind id name=name.clone()/>
                                </td>
                            })}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

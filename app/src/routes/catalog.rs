use crate::api::catalog::{list_catalog, AddCatalogItem, DeleteCatalogItem, RenameCatalogItem};
use crate::components::fields::action_error;
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::model::{CatalogKind, Role};
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

/// A list of work groups or templates; Site Administrators add, rename and delete them.
#[component]
fn CatalogPage(kind: CatalogKind) -> impl IntoView {
    let add = ServerAction::<AddCatalogItem>::new();
    let rename = ServerAction::<RenameCatalogItem>::new();
    let delete = ServerAction::<DeleteCatalogItem>::new();
    let items = Resource::new(
        move || (add.version().get(), rename.version().get(), delete.version().get()),
        move |_| list_catalog(kind),
    );
    let editable = use_viewer().is_some_and(|u| u.role == Role::SiteAdmin);
    let kind_value = kind.form_value();
    let (add_err, rename_err, delete_err) =
        (action_error(add.value()), action_error(rename.value()), action_error(delete.value()));
    view! {
        <Title text=kind.heading()/>
        <Guarded roles=Role::WEBHOOK_ADMINS>
            <section class="page">
                <h1>{kind.heading()}</h1>
                <p class="muted">{format!("Webhooks can be limited to {}s. The platform refers to each by its key.", kind.noun())}</p>
                {editable.then(|| view! {
                    <ActionForm action=add attr:class="inline-form">
                        <input type="hidden" name="kind" value=kind_value/>
                        <div class="filter"><label for="new-key">"Key"</label><input id="new-key" name="key" required maxlength="100"/></div>
                        <div class="filter"><label for="new-name">"Name"</label><input id="new-name" name="name" required maxlength="200"/></div>
                        <button type="submit" class="primary">{format!("Add {}", kind.noun())}</button>
                    </ActionForm>
                    <p class="field-error" role="alert" hidden=move || add_err().is_none()>{add_err}</p>
                })}
                <p class="field-error" role="alert" hidden=move || rename_err().is_none() && delete_err().is_none()>{rename_err} {delete_err}</p>
                <Loaded resource=items page=move |list| match list {
                            list if list.is_empty() => view! { <p class="empty">{format!("No {}s yet.", kind.noun())}</p> }.into_any(),
                            list => view! {
                                <table class="list">
                                    <thead><tr><th scope="col">"Key"</th><th scope="col">"Name"</th>{editable.then(|| view! { <th scope="col">"Actions"</th> })}</tr></thead>
                                    <tbody>
                                        {list.into_iter().map(|item| {
                                            let (rename_label, delete_label) = (format!("New name for {}", item.name), format!("Delete {}", item.name));
                                            view! {
                                            <tr>
                                                <td><code>{item.key.clone()}</code></td>
                                                <td>{item.name.clone()}</td>
                                                {editable.then(|| view! {
                                                    <td class="row-actions">
                                                        <ActionForm action=rename attr:class="inline-form">
                                                            <input type="hidden" name="kind" value=kind_value/>
                                                            <input type="hidden" name="id" value=item.id.to_string()/>
                                                            <label class="visually-hidden" for=format!("rename-{}", item.id)>{rename_label}</label>
                                                            <input id=format!("rename-{}", item.id) name="name" value=item.name.clone() required maxlength="200"/>
                                                            <button type="submit">"Rename"</button>
                                                        </ActionForm>
                                                        <ActionForm action=delete attr:class="inline-form">
                                                            <input type="hidden" name="kind" value=kind_value/>
                                                            <input type="hidden" name="id" value=item.id.to_string()/>
                                                            <button type="submit" class="danger" aria-label=delete_label>"Delete"</button>
                                                        </ActionForm>
                                                    </td>
                                                })}
                                            </tr>
                                        }}).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any(),
                }/>
            </section>
        </Guarded>
    }
}

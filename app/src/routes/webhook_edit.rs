use super::use_id_param;
use crate::api::webhooks::{get_webhook, webhook_form_options};
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::components::regenerate_dialog::{RegenerateSecret, RegenerateStart};
use crate::components::webhook_form::WebhookFormView;
use crate::error::AppError;
use crate::model::{AuthMethod, CatalogItem, Role, WebhookDetail};
use crate::submission::{use_submission, Submission};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/webhooks/:id/edit`.
#[component]
pub fn EditWebhookPage() -> impl IntoView {
    view! {
        <Title text="Edit webhook"/>
        <Guarded roles=Role::WEBHOOK_ADMINS><EditWebhook/></Guarded>
    }
}

#[component]
fn EditWebhook() -> impl IntoView {
    let id = use_id_param();
    let submitted = use_submission();
    let data = Resource::new(
        move || id.get(),
        |id| async move {
            let id = id.ok_or_else(|| AppError::NotFound("Webhook".into()))?;
            let (detail, options) = (get_webhook(id).await?, webhook_form_options().await?);
            Ok::<_, AppError>((detail, options))
        },
    );
    view! {
        <Loaded resource=data page=move |(detail, (work_groups, templates))| {
            view! { <EditWebhookView detail work_groups templates submitted=submitted.clone()/> }
        }/>
    }
}

#[component]
fn EditWebhookView(
    detail: WebhookDetail,
    work_groups: Vec<CatalogItem>,
    templates: Vec<CatalogItem>,
    submitted: Option<Submission>,
) -> impl IntoView {
    let id = detail.id;
    let (initial, error) = match submitted.clone() {
        Some(Submission::WebhookRefused { form, error }) => (*form, Some(error)),
        _ => (detail.to_form(), None),
    };
    let is_hmac = detail.auth_method == AuthMethod::Hmac;
    let name = detail.name.clone();
    // A webhook without a secret has no regenerate section, so a refused regenerate post (e.g.
    // an old edit page's form sent after switching to an access token) says why here.
    let refused_without_section = match &submitted {
        Some(Submission::RegenerateRefused(message)) if !is_hmac => Some(message.clone()),
        _ => None,
    };
    view! {
        <section class="page">
            <p class="crumbs"><a href="/webhooks">"Webhooks"</a> " › " <a href=format!("/webhooks/{id}")>{detail.name.clone()}</a></p>
            <h1>"Edit webhook"</h1>
            {refused_without_section.map(|message| view! { <p class="form-error" role="alert">{message}</p> })}
            <WebhookFormView
                edit=Some((id, detail.access_token_hint.clone()))
                initial
                error
                work_groups
                templates
            />
            {is_hmac.then(|| view! { <RegenerateSecret id name version=detail.version start=RegenerateStart::of(submitted.as_ref())/> })}
        </section>
    }
}

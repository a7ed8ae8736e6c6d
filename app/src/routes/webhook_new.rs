use crate::api::webhooks::webhook_form_options;
use crate::components::guard::Guarded;
use crate::components::page_data::Loaded;
use crate::components::webhook_form::WebhookFormView;
use crate::model::{Role, WebhookForm};
use crate::submission::{use_submission, Submission};
use leptos::prelude::*;
use leptos_meta::Title;

/// `/webhooks/new`.
#[component]
pub fn NewWebhookPage() -> impl IntoView {
    view! {
        <Title text="Create new webhook"/>
        <Guarded roles=Role::WEBHOOK_ADMINS><NewWebhook/></Guarded>
    }
}

#[component]
fn NewWebhook() -> impl IntoView {
    let submitted = use_submission();
    let options = Resource::new(|| (), |_| webhook_form_options());
    view! {
        <section class="page">
            <h1>"Create new webhook"</h1>
            <Loaded resource=options page=move |(work_groups, templates)| {
                let (initial, error) = match submitted.clone() {
                    Some(Submission::WebhookRefused { form, error }) => (*form, Some(error)),
                    _ => (WebhookForm::new_defaults(), None),
                };
                view! { <WebhookFormView edit=None initial error work_groups templates/> }
            }/>
        </section>
    }
}

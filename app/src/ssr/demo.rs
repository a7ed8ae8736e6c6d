//! `--demo`: a realistic starting set so a new user sees a populated console.
use super::{catalog, crypto::SecretCipher, users, webhooks};
use crate::error::AppResult;
use crate::model::{CatalogKind, CurrentUser, EventType, Role, WebhookForm};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

const WORK_GROUPS: &[(&str, &str)] =
    &[("legal", "Legal"), ("hr", "Human Resources"), ("sales", "Sales"), ("finance", "Finance")];
const TEMPLATES: &[(&str, &str)] = &[
    ("nda", "Mutual NDA"),
    ("employment-offer", "Employment Offer Letter"),
    ("engagement-letter", "Engagement Letter"),
    ("sales-quote", "Sales Quote"),
    ("invoice", "Invoice"),
    ("lease", "Commercial Lease"),
    ("will", "Last Will and Testament"),
    ("poa", "Power of Attorney"),
    ("privacy-notice", "Privacy Notice"),
    ("board-minutes", "Board Minutes"),
    ("purchase-order", "Purchase Order"),
    ("termination", "Termination Letter"),
];

/// Seeds work groups, templates, demo users and webhooks of every type, once.
pub async fn seed(db: &DatabaseConnection, cipher: &SecretCipher) -> AppResult<bool> {
    if super::entities::webhook::Entity::find().count(db).await? > 0 {
        return Ok(false);
    }
    let mut wg = Vec::new();
    for (k, n) in WORK_GROUPS {
        wg.push(catalog::upsert(db, CatalogKind::WorkGroup, k, n).await?);
    }
    let mut tpl = Vec::new();
    for (k, n) in TEMPLATES {
        tpl.push(catalog::upsert(db, CatalogKind::Template, k, n).await?);
    }
    for (name, role) in [("integrator", Role::IntegrationAdmin), ("author", Role::Author)] {
        let _ = users::create_unaudited(db, name, "hookwell-demo", role).await;
    }
    let actor = CurrentUser { id: 0, username: "demo".into(), role: Role::SiteAdmin };
    let hooks: Vec<WebhookForm> = vec![
        demo_form(
            "Archive completed work items",
            "https://archive.example.com/hooks/work-items",
            EventType::NewWorkItemVersionComplete,
            "",
            vec![wg[0]],
            vec![tpl[0], tpl[2]],
        ),
        // A legacy integration that still authenticates with an access token.
        WebhookForm {
            auth_method: "AccessToken".into(),
            access_token: "hr-legacy-token-7f3a9c2e".into(),
            ..demo_form(
                "Notify HR system",
                "https://hr.example.com/api/hookwell",
                EventType::NewWorkItemVersionComplete,
                "",
                vec![wg[1]],
                vec![tpl[1], tpl[11]],
            )
        },
        demo_form(
            "Prefill customer answers",
            "https://crm.example.com/hookwell/interview-load",
            EventType::InterviewLoadEvent,
            "",
            vec![wg[2]],
            vec![tpl[3]],
        ),
        demo_form(
            "Prefill employee answers",
            "https://hr.example.com/hookwell/prefill",
            EventType::InterviewLoadEvent,
            "",
            vec![wg[1]],
            vec![],
        ),
        demo_form(
            "Customer lookup",
            "https://crm.example.com/hookwell/lookup",
            EventType::CustomInterviewEvent,
            "customer.lookup",
            vec![],
            vec![],
        ),
        demo_form(
            "Address autocomplete",
            "http://address.internal.example.com/complete",
            EventType::CustomInterviewEvent,
            "address-complete",
            vec![],
            vec![],
        ),
        demo_form(
            "Stamp QR codes",
            "https://docs.example.com/hookwell/post-process",
            EventType::PostProcessingEvent,
            "",
            vec![],
            vec![tpl[4], tpl[10]],
        ),
    ];
    for f in &hooks {
        webhooks::create(db, cipher, &actor, f).await?;
    }
    Ok(true)
}

fn demo_form(
    name: &str,
    url: &str,
    event: EventType,
    event_name: &str,
    work_groups: Vec<i32>,
    templates: Vec<i32>,
) -> WebhookForm {
    WebhookForm {
        name: name.into(),
        url: url.into(),
        event_type: event.as_str().into(),
        event_name: event_name.into(),
        work_groups: work_groups.iter().map(i32::to_string).collect(),
        templates: templates.iter().map(i32::to_string).collect(),
        ..WebhookForm::new_defaults()
    }
}

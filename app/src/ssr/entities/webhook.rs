use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub name: String,
    pub url: String,
    pub auth_method: crate::model::AuthMethod,
    pub event_type: crate::model::EventType,
    pub event_name: Option<String>,
    pub active: bool,
    pub accept_untrusted_ssl: bool,
    /// Call order among InterviewLoadEvent / CustomInterviewEvent webhooks.
    pub position: i32,
    /// Bumped on every change; an edit based on an older version is refused.
    pub version: i32,
    /// The HMAC secret, sealed with the master key.
    pub hmac_secret_enc: Option<Vec<u8>>,
    /// The access token, sealed with the master key.
    pub access_token_enc: Option<Vec<u8>>,
    /// The last 4 characters of the access token, for display.
    pub access_token_hint: Option<String>,
    pub created_at: DateTimeUtc,
    pub created_by: String,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
    /// The HMAC secret before the last regeneration, sealed; signs a second `v1,` signature
    /// until `previous_secret_expires_at`.
    pub previous_hmac_secret_enc: Option<Vec<u8>>,
    pub previous_secret_expires_at: Option<DateTimeUtc>,
    /// Start of the current run of failed attempts (cleared by a success).
    pub failing_since: Option<DateTimeUtc>,
    /// Why the delivery engine deactivated this webhook (cleared when re-activated).
    pub disabled_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::webhook_work_group::Entity")]
    WorkGroupLinks,
    #[sea_orm(has_many = "super::webhook_template::Entity")]
    TemplateLinks,
    #[sea_orm(has_many = "super::delivery::Entity")]
    Deliveries,
}

impl Related<super::webhook_work_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::WorkGroupLinks.def()
    }
}

impl Related<super::webhook_template::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::TemplateLinks.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl Related<super::delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deliveries.def()
    }
}

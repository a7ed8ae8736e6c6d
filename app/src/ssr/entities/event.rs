use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The platform's id (or one generated at ingest); unique, for idempotency.
    #[sea_orm(unique)]
    pub event_id: String,
    pub event_type: crate::model::EventType,
    pub event_name: Option<String>,
    /// Work group key as sent.
    pub work_group: Option<String>,
    /// Template key as sent.
    pub template: Option<String>,
    /// RFC 3339.
    pub created_date: String,
    /// `createdBy` as sent (JSON), if any.
    pub created_by: Option<String>,
    /// The `data` object (JSON text).
    pub payload: String,
    /// The 202 body first answered, replayed for a repeated eventId.
    pub response: String,
    pub received_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::delivery::Entity")]
    Deliveries,
}

impl Related<super::delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Deliveries.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delivery_attempts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub delivery_id: i32,
    /// 1-based.
    pub number: i32,
    pub attempted_at: DateTimeUtc,
    pub duration_ms: i32,
    pub status: Option<i32>,
    /// The first 4 KiB of the response body.
    pub response_body: Option<String>,
    /// Timeout, connection error or egress refusal, with its reason.
    pub error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::delivery::Entity",
        from = "Column::DeliveryId",
        to = "super::delivery::Column::Id",
        on_delete = "Cascade"
    )]
    Delivery,
}

impl Related<super::delivery::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Delivery.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhook_work_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub webhook_id: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub work_group_id: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::webhook::Entity",
        from = "Column::WebhookId",
        to = "super::webhook::Column::Id",
        on_delete = "Cascade"
    )]
    Webhook,
    #[sea_orm(
        belongs_to = "super::work_group::Entity",
        from = "Column::WorkGroupId",
        to = "super::work_group::Column::Id",
        on_delete = "Cascade"
    )]
    WorkGroup,
}

impl Related<super::webhook::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Webhook.def()
    }
}

impl Related<super::work_group::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::WorkGroup.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

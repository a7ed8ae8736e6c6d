//! Synchronous calls are recorded as deliveries (marked `is_sync`, never resent), and a
//! webhook's deliveries filtered by status are read from an index, newest first.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    IsSync,
    WebhookId,
    Status,
    Id,
}

const STATUS_INDEX: &str = "idx_deliveries_webhook_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Deliveries::Table)
                    .add_column(boolean(Deliveries::IsSync).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(STATUS_INDEX)
                    .table(Deliveries::Table)
                    .col(Deliveries::WebhookId)
                    .col(Deliveries::Status)
                    .col(Deliveries::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(STATUS_INDEX).table(Deliveries::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Deliveries::Table).drop_column(Deliveries::IsSync).to_owned()).await
    }
}

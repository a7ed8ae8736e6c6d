//! Retention: indexes that let the pruner find finished deliveries by the time they finished,
//! and events by the time they arrived, oldest first, without scanning the tables.
//! (Not `(status, updated_at)`: on PostgreSQL that index drew the worker's claim query away from
//! `idx_deliveries_due` and slowed claiming.)
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    ReceivedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name("idx_deliveries_updated_at")
                    .table(Deliveries::Table)
                    .col(Deliveries::UpdatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_events_received_at").table(Events::Table).col(Events::ReceivedAt).to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("idx_events_received_at").table(Events::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name("idx_deliveries_updated_at").table(Deliveries::Table).to_owned()).await
    }
}

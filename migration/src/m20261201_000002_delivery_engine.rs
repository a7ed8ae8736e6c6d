//! The delivery engine and platform API: API keys, events, the delivery queue and its attempts,
//! and the webhook columns for secret rotation with a grace period and automatic disabling.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .col(pk_auto(ApiKeys::Id))
                    .col(string_len(ApiKeys::Name, 200))
                    .col(string_len_uniq(ApiKeys::KeyHash, 64))
                    .col(string_len(ApiKeys::Prefix, 16))
                    .col(timestamp_with_time_zone(ApiKeys::CreatedAt))
                    .col(string_len(ApiKeys::CreatedBy, 100))
                    .col(timestamp_with_time_zone_null(ApiKeys::LastUsedAt))
                    .col(timestamp_with_time_zone_null(ApiKeys::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Events::Table)
                    .col(pk_auto(Events::Id))
                    .col(string_len_uniq(Events::EventId, 200))
                    .col(string_len(Events::EventType, 40))
                    .col(string_len_null(Events::EventName, 100))
                    .col(string_len_null(Events::WorkGroup, 100))
                    .col(string_len_null(Events::Template, 100))
                    .col(string_len(Events::CreatedDate, 40))
                    .col(text_null(Events::CreatedBy))
                    .col(text(Events::Payload))
                    .col(text(Events::Response))
                    .col(timestamp_with_time_zone(Events::ReceivedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Deliveries::Table)
                    .col(pk_auto(Deliveries::Id))
                    .col(integer(Deliveries::EventId))
                    .col(integer(Deliveries::WebhookId))
                    .col(string_len(Deliveries::MsgId, 64))
                    .col(string_len(Deliveries::Status, 20))
                    .col(integer(Deliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(Deliveries::NextAttemptAt))
                    .col(string_len_null(Deliveries::LeaseOwner, 80))
                    .col(timestamp_with_time_zone_null(Deliveries::LeaseExpiresAt))
                    .col(integer_null(Deliveries::LastStatus))
                    .col(text_null(Deliveries::LastError))
                    .col(boolean(Deliveries::IsTest).default(false))
                    .col(timestamp_with_time_zone(Deliveries::CreatedAt))
                    .col(timestamp_with_time_zone(Deliveries::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deliveries::Table, Deliveries::EventId)
                            .to(Events::Table, Events::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Deliveries::Table, Deliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(DeliveryAttempts::Table)
                    .col(pk_auto(DeliveryAttempts::Id))
                    .col(integer(DeliveryAttempts::DeliveryId))
                    .col(integer(DeliveryAttempts::Number))
                    .col(timestamp_with_time_zone(DeliveryAttempts::AttemptedAt))
                    .col(integer(DeliveryAttempts::DurationMs))
                    .col(integer_null(DeliveryAttempts::Status))
                    .col(text_null(DeliveryAttempts::ResponseBody))
                    .col(text_null(DeliveryAttempts::Error))
                    .foreign_key(
                        ForeignKey::create()
                            .from(DeliveryAttempts::Table, DeliveryAttempts::DeliveryId)
                            .to(Deliveries::Table, Deliveries::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        let indexes = [
            // Claiming due work: status, then the due time.
            Index::create()
                .name("idx_deliveries_due")
                .table(Deliveries::Table)
                .col(Deliveries::Status)
                .col(Deliveries::NextAttemptAt)
                .to_owned(),
            // A webhook's deliveries, newest first; also the last result per webhook.
            Index::create()
                .name("idx_deliveries_webhook")
                .table(Deliveries::Table)
                .col(Deliveries::WebhookId)
                .col(Deliveries::Id)
                .to_owned(),
            Index::create().name("idx_deliveries_event").table(Deliveries::Table).col(Deliveries::EventId).to_owned(),
            Index::create()
                .name("idx_deliveries_lease_owner")
                .table(Deliveries::Table)
                .col(Deliveries::LeaseOwner)
                .to_owned(),
            Index::create()
                .name("idx_delivery_attempts_delivery")
                .table(DeliveryAttempts::Table)
                .col(DeliveryAttempts::DeliveryId)
                .to_owned(),
            Index::create()
                .name("idx_delivery_attempts_at")
                .table(DeliveryAttempts::Table)
                .col(DeliveryAttempts::AttemptedAt)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        // One column per statement: SQLite's ALTER TABLE adds one column at a time.
        for column in [
            blob_null(Webhooks::PreviousHmacSecretEnc),
            timestamp_with_time_zone_null(Webhooks::PreviousSecretExpiresAt),
            timestamp_with_time_zone_null(Webhooks::FailingSince),
            string_len_null(Webhooks::DisabledReason, 200),
        ] {
            manager.alter_table(Table::alter().table(Webhooks::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Webhooks::PreviousHmacSecretEnc,
            Webhooks::PreviousSecretExpiresAt,
            Webhooks::FailingSince,
            Webhooks::DisabledReason,
        ] {
            manager.alter_table(Table::alter().table(Webhooks::Table).drop_column(column).to_owned()).await?;
        }
        for table in [
            DeliveryAttempts::Table.into_iden(),
            Deliveries::Table.into_iden(),
            Events::Table.into_iden(),
            ApiKeys::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    Name,
    KeyHash,
    Prefix,
    CreatedAt,
    CreatedBy,
    LastUsedAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    EventId,
    EventType,
    EventName,
    WorkGroup,
    Template,
    CreatedDate,
    CreatedBy,
    Payload,
    Response,
    ReceivedAt,
}

#[derive(DeriveIden)]
enum Deliveries {
    Table,
    Id,
    EventId,
    WebhookId,
    MsgId,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseOwner,
    LeaseExpiresAt,
    LastStatus,
    LastError,
    IsTest,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum DeliveryAttempts {
    Table,
    Id,
    DeliveryId,
    Number,
    AttemptedAt,
    DurationMs,
    Status,
    ResponseBody,
    Error,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    PreviousHmacSecretEnc,
    PreviousSecretExpiresAt,
    FailingSince,
    DisabledReason,
}

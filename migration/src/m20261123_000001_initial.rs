use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id))
                    .col(string_len_uniq(Users::Username, 100))
                    .col(string(Users::PasswordHash))
                    .col(string_len(Users::Role, 40))
                    .col(boolean(Users::Disabled).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(string_len(Sessions::TokenHash, 64).primary_key())
                    .col(integer(Sessions::UserId))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (table, id, key, name) in [
            (
                WorkGroups::Table.into_iden(),
                WorkGroups::Id.into_iden(),
                WorkGroups::Key.into_iden(),
                WorkGroups::Name.into_iden(),
            ),
            (
                Templates::Table.into_iden(),
                Templates::Id.into_iden(),
                Templates::Key.into_iden(),
                Templates::Name.into_iden(),
            ),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table)
                        .col(pk_auto(id))
                        .col(string_len_uniq(key, 100))
                        .col(string_len(name, 200))
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(Webhooks::Table)
                    .col(pk_auto(Webhooks::Id))
                    .col(string_len_uniq(Webhooks::Name, 200))
                    .col(string_len(Webhooks::Url, 2048))
                    .col(string_len(Webhooks::AuthMethod, 20))
                    .col(string_len(Webhooks::EventType, 40))
                    .col(string_len_null(Webhooks::EventName, 100))
                    .col(boolean(Webhooks::Active))
                    .col(boolean(Webhooks::AcceptUntrustedSsl))
                    .col(integer(Webhooks::Position))
                    .col(integer(Webhooks::Version))
                    .col(blob_null(Webhooks::HmacSecretEnc))
                    .col(blob_null(Webhooks::AccessTokenEnc))
                    .col(string_len_null(Webhooks::AccessTokenHint, 8))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .col(string_len(Webhooks::CreatedBy, 100))
                    .col(timestamp_with_time_zone(Webhooks::UpdatedAt))
                    .col(string_len(Webhooks::UpdatedBy, 100))
                    .to_owned(),
            )
            .await?;
        for (table, link, other_table, other_id) in [
            (
                WebhookWorkGroups::Table.into_iden(),
                WebhookWorkGroups::WorkGroupId.into_iden(),
                WorkGroups::Table.into_iden(),
                WorkGroups::Id.into_iden(),
            ),
            (
                WebhookTemplates::Table.into_iden(),
                WebhookTemplates::TemplateId.into_iden(),
                Templates::Table.into_iden(),
                Templates::Id.into_iden(),
            ),
        ] {
            manager
                .create_table(
                    Table::create()
                        .table(table.clone())
                        .col(integer(WebhookWorkGroups::WebhookId))
                        .col(integer(link.clone()))
                        .primary_key(Index::create().col(WebhookWorkGroups::WebhookId).col(link.clone()))
                        .foreign_key(
                            ForeignKey::create()
                                .from(table.clone(), WebhookWorkGroups::WebhookId)
                                .to(Webhooks::Table, Webhooks::Id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .foreign_key(
                            ForeignKey::create()
                                .from(table.clone(), link.clone())
                                .to(other_table, other_id)
                                .on_delete(ForeignKeyAction::Cascade),
                        )
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string_len(AuditLog::Actor, 100))
                    .col(string_len(AuditLog::Action, 60))
                    .col(string_len(AuditLog::TargetType, 40))
                    .col(integer_null(AuditLog::TargetId))
                    .col(string_len(AuditLog::TargetName, 200))
                    .col(text(AuditLog::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_audit_log_at").table(AuditLog::Table).col(AuditLog::At).to_owned())
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditLog::Table.into_iden(),
            WebhookTemplates::Table.into_iden(),
            WebhookWorkGroups::Table.into_iden(),
            Webhooks::Table.into_iden(),
            Templates::Table.into_iden(),
            WorkGroups::Table.into_iden(),
            Sessions::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Username,
    PasswordHash,
    Role,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    TokenHash,
    UserId,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum WorkGroups {
    Table,
    Id,
    Key,
    Name,
}

#[derive(DeriveIden)]
enum Templates {
    Table,
    Id,
    Key,
    Name,
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Name,
    Url,
    AuthMethod,
    EventType,
    EventName,
    Active,
    AcceptUntrustedSsl,
    Position,
    Version,
    HmacSecretEnc,
    AccessTokenEnc,
    AccessTokenHint,
    CreatedAt,
    CreatedBy,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum WebhookWorkGroups {
    Table,
    WebhookId,
    WorkGroupId,
}

#[derive(DeriveIden)]
enum WebhookTemplates {
    Table,
    TemplateId,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    Action,
    TargetType,
    TargetId,
    TargetName,
    Detail,
}

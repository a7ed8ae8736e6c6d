//! Database migrations, applied at start-up by the server.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_initial;
mod m20261201_000001_database_rules;
mod m20261201_000002_delivery_engine;
mod m20261201_000010_session_idle;
mod m20261201_000020_retention;
mod m20261201_000021_sync_deliveries;
mod m20261201_000030_login_failures;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261201_000001_database_rules::Migration),
            Box::new(m20261201_000002_delivery_engine::Migration),
            Box::new(m20261201_000010_session_idle::Migration),
            Box::new(m20261201_000020_retention::Migration),
            Box::new(m20261201_000021_sync_deliveries::Migration),
            Box::new(m20261201_000030_login_failures::Migration),
        ]
    }
}

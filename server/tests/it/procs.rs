//! Real `server` processes for the multi-instance and crash tests: each on its own loopback
//! port, over a shared database (an SQLite file, or a fresh schema of the PostgreSQL test
//! database so no other test's rows interfere), killed with real signals; and a loopback
//! receiver that logs every `webhook-id` it is sent.
use crate::support::{actor, hook, ADMIN_PASSWORD, MASTER_KEY};
use app::model::DeliveryStatus;
use app::ssr::entities::delivery;
use axum::http::{HeaderMap, StatusCode};
use sea_orm::{ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The database the instances of one test share.
pub struct SharedDb {
    pub url: String,
    /// The test's own connection to it (to set up webhooks and watch the queue).
    pub conn: DatabaseConnection,
    /// On PostgreSQL: the schema made for this test and a connection to drop it afterwards.
    schema: Option<(String, DatabaseConnection)>,
}

impl SharedDb {
    /// An SQLite file in `dir`, once the first instance has created it.
    pub async fn sqlite(dir: &Path) -> SharedDb {
        let url = SharedDb::sqlite_url(dir);
        let conn = Database::connect(&url).await.unwrap();
        SharedDb { url, conn, schema: None }
    }

    /// A fresh, empty schema of the PostgreSQL test database, or `None` (the test then skips
    /// itself, saying so) when `TEST_DATABASE_URL` is unset.
    pub async fn postgres(test: &str) -> Option<SharedDb> {
        let Ok(base) = std::env::var("TEST_DATABASE_URL") else {
            eprintln!("SKIPPED {test}: needs PostgreSQL (set TEST_DATABASE_URL, see scripts/pg-test-db.sh)");
            return None;
        };
        let admin = Database::connect(&base).await.unwrap();
        let schema = format!("hw_{}", uuid::Uuid::new_v4().simple());
        admin.execute_unprepared(&format!("CREATE SCHEMA {schema}")).await.unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
        let conn = Database::connect(&url).await.unwrap();
        Some(SharedDb { url, conn, schema: Some((schema, admin)) })
    }

    /// The URL of an SQLite file in `dir`.
    pub fn sqlite_url(dir: &Path) -> String {
        format!("sqlite://{}/hookwell.db?mode=rwc", dir.display())
    }

    /// Deliveries still to be sent (Pending or Retrying).
    pub async fn queued(&self) -> u64 {
        delivery::Entity::find()
            .filter(delivery::Column::Status.is_in([DeliveryStatus::Pending, DeliveryStatus::Retrying]))
            .count(&self.conn)
            .await
            .unwrap_or(u64::MAX)
    }

    /// Every delivery row.
    pub async fn deliveries(&self) -> Vec<delivery::Model> {
        delivery::Entity::find().all(&self.conn).await.unwrap()
    }

    /// A new API key.
    pub async fn api_key(&self) -> String {
        app::ssr::api_keys::create(&self.conn, "tests", &crate::support::unique("key")).await.unwrap().key
    }

    /// A NewWorkItemVersionComplete webhook (HMAC) sending to `url`; returns its id.
    pub async fn webhook(&self, url: &str) -> i32 {
        let mut form = hook(&crate::support::unique("crash"), "NewWorkItemVersionComplete");
        form["url"] = json!(url);
        let form: app::model::WebhookForm = serde_json::from_value(form).unwrap();
        let cipher = app::ssr::crypto::SecretCipher::new(&app::ssr::crypto::parse_master_key(MASTER_KEY).unwrap());
        app::ssr::webhooks::create(&self.conn, &cipher, &actor(), &form).await.unwrap().id
    }

    /// Drops the PostgreSQL schema (best effort).
    pub async fn drop_schema(&self) {
        if let Some((schema, admin)) = &self.schema {
            let _ = admin.execute_unprepared(&format!("DROP SCHEMA {schema} CASCADE")).await;
        }
    }
}

/// A free loopback port (bound and let go; the instance binds it right after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One `server` process.
pub struct Instance {
    pub name: String,
    pub base: String,
    pub port: u16,
    child: Option<Child>,
    log: PathBuf,
}

/// Settings every test instance gets (fast timings, private targets allowed, one master key).
fn base_settings() -> Vec<(&'static str, String)> {
    vec![
        ("HOOKWELL_MASTER_KEY", MASTER_KEY.into()),
        ("HOOKWELL_ADMIN_PASSWORD", ADMIN_PASSWORD.into()),
        ("HOOKWELL_ALLOW_PRIVATE_TARGETS", "true".into()),
        ("HOOKWELL_RETRY_SCHEDULE", "200ms,200ms,200ms,200ms,200ms".into()),
        ("HOOKWELL_DELIVERY_TIMEOUT", "2s".into()),
        ("HOOKWELL_SYNC_TIMEOUT", "2s".into()),
        ("HOOKWELL_DELIVERY_LEASE", "3s".into()),
        ("HOOKWELL_DELIVERY_POLL_INTERVAL", "200ms".into()),
        ("HOOKWELL_SHUTDOWN_GRACE", "1s".into()),
        ("RUST_LOG", "info,sqlx=error,sea_orm=warn".into()),
    ]
}

impl Instance {
    /// Starts `server` on a free port over `db_url`, with `settings` over the test defaults;
    /// its log goes to `<dir>/<name>.log`.
    pub fn spawn(name: &str, dir: &Path, db_url: &str, settings: &[(&str, &str)]) -> Instance {
        Instance::spawn_on(free_port(), name, dir, db_url, settings)
    }

    /// The same on a given port (to restart an instance where its clients expect it).
    pub fn spawn_on(port: u16, name: &str, dir: &Path, db_url: &str, settings: &[(&str, &str)]) -> Instance {
        // For the test's own HTTP clients.
        server::delivery::client::install_crypto_provider();
        let data = dir.join(format!("data-{name}"));
        std::fs::create_dir_all(&data).unwrap();
        let log = dir.join(format!("{name}.log"));
        let out = std::fs::OpenOptions::new().create(true).append(true).open(&log).unwrap();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOOKWELL_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", db_url)
            .env("HOOKWELL_DATA_DIR", &data);
        for (k, v) in base_settings() {
            cmd.env(k, v);
        }
        for (k, v) in settings {
            cmd.env(k, v);
        }
        let child = cmd.stdin(Stdio::null()).stdout(out.try_clone().unwrap()).stderr(out).spawn().unwrap();
        Instance { name: name.into(), base: format!("http://127.0.0.1:{port}"), port, child: Some(child), log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Waits until `/readyz` answers 200, or fails the test (printing the log) after `secs`.
    pub async fn ready(&mut self, secs: u64) {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let c = reqwest::Client::new();
        while Instant::now() < deadline {
            if let Ok(res) = c.get(self.url("/readyz")).timeout(Duration::from_secs(2)).send().await {
                if res.status() == StatusCode::OK {
                    return;
                }
            }
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                panic!("instance {} exited ({status}) before it was ready:\n{}", self.name, self.log_text());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("instance {} not ready after {secs}s:\n{}", self.name, self.log_text());
    }

    /// SIGKILL: no chance to finish or release anything.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM: the graceful shutdown.
    pub fn terminate(&self) {
        if let Some(c) = &self.child {
            let ok = Command::new("kill").args(["-TERM", &c.id().to_string()]).status().unwrap().success();
            assert!(ok, "kill -TERM failed");
        }
    }

    /// Waits for the process to exit, up to `limit`; `None` when it is still running.
    pub async fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().unwrap()) {
                self.child = None;
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A loopback receiver answering 200 after a configurable delay, logging the `webhook-id` of
/// every request when it arrives (so a request cut off by a crash still counts as sent).
#[derive(Clone)]
pub struct LogReceiver {
    pub url: String,
    log: Arc<Mutex<Vec<String>>>,
    delay_ms: Arc<AtomicU64>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
}

impl LogReceiver {
    pub async fn start(delay: Duration) -> LogReceiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let r = LogReceiver {
            url: format!("http://{}/hook", listener.local_addr().unwrap()),
            log: Arc::default(),
            delay_ms: Arc::new(AtomicU64::new(delay.as_millis() as u64)),
            in_flight: Arc::default(),
            max_in_flight: Arc::default(),
        };
        let me = r.clone();
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: HeaderMap| {
                let me = me.clone();
                async move {
                    let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                    me.log.lock().unwrap().push(id);
                    let now = me.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    me.max_in_flight.fetch_max(now, Ordering::SeqCst);
                    let delay = me.delay_ms.load(Ordering::SeqCst);
                    // Counted down even when the sender gives up (the future is dropped).
                    struct Leave(Arc<AtomicUsize>);
                    impl Drop for Leave {
                        fn drop(&mut self) {
                            self.0.fetch_sub(1, Ordering::SeqCst);
                        }
                    }
                    let _leave = Leave(me.in_flight.clone());
                    if delay > 0 {
                        tokio::time::sleep(Duration::from_millis(delay)).await;
                    }
                    StatusCode::OK
                }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
        r
    }

    pub fn set_delay(&self, delay: Duration) {
        self.delay_ms.store(delay.as_millis() as u64, Ordering::SeqCst);
    }

    /// Requests received so far.
    pub fn received(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// How many times each webhook-id arrived.
    pub fn counts(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for id in self.log.lock().unwrap().iter() {
            *counts.entry(id.clone()).or_insert(0) += 1;
        }
        counts
    }
}

/// What the receiver's log says about the deliveries in the database.
#[derive(Debug)]
pub struct Tally {
    pub expected: usize,
    pub missing: Vec<String>,
    pub duplicates: usize,
    pub sent_twice: Vec<String>,
}

pub async fn tally(db: &SharedDb, r: &LogReceiver) -> Tally {
    let counts = r.counts();
    let rows = db.deliveries().await;
    let missing: Vec<String> =
        rows.iter().filter(|d| !counts.contains_key(&d.msg_id)).map(|d| d.msg_id.clone()).collect();
    let sent_twice: Vec<String> = counts.iter().filter(|(_, &n)| n > 1).map(|(id, _)| id.clone()).collect();
    let duplicates = counts.values().map(|n| n.saturating_sub(1)).sum();
    Tally { expected: rows.len(), missing, duplicates, sent_twice }
}

/// Posts events `e-<prefix>-0..n` to the API with `clients` concurrent clients, spreading them
/// over `bases` in turn. A client whose request fails (connection refused while an instance is
/// down, 5xx) tries the next instance after a short pause, as a real producer would: event
/// ids make the retry harmless. Returns when all are accepted.
pub async fn post_events(bases: Vec<String>, key: String, prefix: &str, n: usize, clients: usize) -> Duration {
    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let bases = Arc::new(bases);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (next, bases, key, prefix) = (next.clone(), bases.clone(), key.clone(), prefix.to_string());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            let mut turn = c;
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= n {
                    return;
                }
                let body = json!({"eventType": "NewWorkItemVersionComplete", "eventId": format!("{prefix}-{i}"), "data": {"n": i}});
                let deadline = Instant::now() + Duration::from_secs(45);
                loop {
                    let base = &bases[turn % bases.len()];
                    turn += 1;
                    let res = http.post(format!("{base}/api/v1/events")).bearer_auth(&key).json(&body).send().await;
                    match res {
                        Ok(r) if r.status().as_u16() == 202 => break,
                        Ok(r) if r.status().is_client_error() => panic!("event {i} refused: {}", r.status()),
                        _ => {
                            assert!(Instant::now() < deadline, "event {i} never accepted");
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    started.elapsed()
}

/// Waits until nothing is queued and every delivery reached the receiver, up to `secs`.
pub async fn drained(db: &SharedDb, r: &LogReceiver, secs: u64, what: &str) -> Duration {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    loop {
        let queued = db.queued().await;
        if queued == 0 && tally(db, r).await.missing.is_empty() {
            return started.elapsed();
        }
        assert!(Instant::now() < deadline, "{what}: not drained after {secs}s ({queued} queued)");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

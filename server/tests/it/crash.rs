//! Crash safety with real `server` processes and a real loopback receiver: SIGKILL mid-delivery
//! (SQLite with one instance; two PostgreSQL instances, one killed), SIGTERM draining within
//! the grace, and a PostgreSQL outage. The receiver's own log is the judge: every delivery
//! arrives at least once, and the only duplicates are attempts in flight at the crash.
use crate::procs::*;
use app::model::DeliveryStatus;
use std::time::{Duration, Instant};

/// Delivery settings of the crash tests: at most `CONCURRENCY` attempts in flight, so at most
/// that many can have been sent but not recorded when the process dies.
const CONCURRENCY: usize = 16;
const EVENTS: usize = 2000;
/// Fewer on PostgreSQL, where two instances share the (slower, per-commit fsync) ingest.
const PG_EVENTS: usize = 1000;

fn crash_settings() -> Vec<(&'static str, &'static str)> {
    vec![
        ("HOOKWELL_DELIVERY_CONCURRENCY", "16"),
        ("HOOKWELL_DELIVERY_PER_ENDPOINT", "16"),
        ("HOOKWELL_DELIVERY_BATCH", "16"),
        ("HOOKWELL_DELIVERY_LEASE", "3s"),
        ("HOOKWELL_DELIVERY_TIMEOUT", "2s"),
    ]
}

/// Waits until the receiver has at least `n` requests.
async fn received_at_least(r: &LogReceiver, n: usize, secs: u64) {
    let deadline = Instant::now() + Duration::from_secs(secs);
    while r.received() < n {
        assert!(Instant::now() < deadline, "only {} of {n} received after {secs}s", r.received());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn sigkill_mid_delivery_on_sqlite_loses_nothing_and_duplicates_only_what_was_in_flight() {
    if std::env::var("TEST_DATABASE_URL").is_ok() {
        eprintln!("SKIPPED sigkill on SQLite: this run is for PostgreSQL");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut db_dir = dir.path().to_path_buf();
    db_dir.push("db");
    std::fs::create_dir_all(&db_dir).unwrap();
    let db_url = SharedDb::sqlite_url(&db_dir);
    let settings = crash_settings();
    let mut first = Instance::spawn("first", dir.path(), &db_url, &settings);
    first.ready(40).await;
    let db = SharedDb::sqlite(&db_dir).await;
    let r = LogReceiver::start(Duration::from_millis(10)).await;
    db.webhook(&r.url).await;
    let key = db.api_key().await;
    let started = Instant::now();
    // The clients keep posting (retrying while the server is down) as the instance is killed.
    let posting = tokio::spawn(post_events(vec![first.base.clone()], key, "kill", EVENTS, 16));
    received_at_least(&r, EVENTS / 5, 40).await;
    let at_kill = (r.received(), r.in_flight());
    first.kill();
    let killed_at = started.elapsed();
    // On the same port, where the clients keep trying.
    let mut second = Instance::spawn_on(first.port, "second", dir.path(), &db_url, &settings);
    drop(first);
    second.ready(40).await;
    let ingest = posting.await.unwrap();
    let drain = drained(&db, &r, 45, "after restart").await;
    let t = tally(&db, &r).await;
    eprintln!(
        "sqlite sigkill: {EVENTS} events accepted in {ingest:?}; killed at {killed_at:?} with {} received, {} at the receiver; \
         drained {drain:?} after the last accept; {} requests (at most {} at once), {} duplicates: {:?}",
        at_kill.0,
        at_kill.1,
        r.received(),
        r.max_in_flight(),
        t.duplicates,
        t.sent_twice
    );
    assert_eq!(t.expected, EVENTS, "one delivery per event, even for events posted again after the crash");
    assert!(t.missing.is_empty(), "never delivered: {:?}", t.missing);
    assert!(t.duplicates <= CONCURRENCY, "{} duplicates, more than the {CONCURRENCY} in flight", t.duplicates);
    assert!(db.deliveries().await.iter().all(|d| d.status == DeliveryStatus::Succeeded));
}

#[tokio::test]
async fn sigkill_of_one_of_two_postgres_instances_the_other_takes_over_after_the_lease() {
    let Some(db) = SharedDb::postgres("sigkill of one of two instances").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let settings = crash_settings();
    let mut a = Instance::spawn("a", dir.path(), &db.url, &settings);
    let mut b = Instance::spawn("b", dir.path(), &db.url, &settings);
    a.ready(40).await;
    b.ready(40).await;
    let r = LogReceiver::start(Duration::from_millis(10)).await;
    db.webhook(&r.url).await;
    let key = db.api_key().await;
    let started = Instant::now();
    let posting = tokio::spawn(post_events(vec![a.base.clone(), b.base.clone()], key, "pgkill", PG_EVENTS, 16));
    received_at_least(&r, PG_EVENTS / 5, 40).await;
    let at_kill = r.received();
    a.kill();
    let killed_at = started.elapsed();
    let ingest = posting.await.unwrap();
    let drain = drained(&db, &r, 45, "B alone").await;
    let t = tally(&db, &r).await;
    eprintln!(
        "postgres, one of two killed: {PG_EVENTS} events accepted in {ingest:?}; A killed at {killed_at:?} with {at_kill} received; \
         B drained {drain:?} after the last accept; {} requests, {} duplicates: {:?}",
        r.received(),
        t.duplicates,
        t.sent_twice
    );
    assert_eq!(t.expected, PG_EVENTS);
    assert!(t.missing.is_empty(), "never delivered: {:?}", t.missing);
    assert!(t.duplicates <= CONCURRENCY, "{} duplicates, more than the {CONCURRENCY} A had in flight", t.duplicates);
    assert!(db.deliveries().await.iter().all(|d| d.status == DeliveryStatus::Succeeded));
    drop((a, b));
    db.drop_schema().await;
}

/// SIGTERM while `in_flight` attempts wait on a receiver that answers after `delay`; returns
/// how long the process took to exit, the receiver and the database.
async fn terminate_during(
    dir: &std::path::Path,
    delay: Duration,
    grace: &str,
) -> (Duration, LogReceiver, SharedDb, String, std::process::ExitStatus) {
    let db_dir = dir.join("db");
    std::fs::create_dir_all(&db_dir).unwrap();
    let pg = match std::env::var("TEST_DATABASE_URL") {
        Ok(_) => SharedDb::postgres("sigterm").await,
        Err(_) => None,
    };
    let db_url = pg.as_ref().map(|d| d.url.clone()).unwrap_or_else(|| SharedDb::sqlite_url(&db_dir));
    let settings = [
        ("HOOKWELL_DELIVERY_CONCURRENCY", "4"),
        ("HOOKWELL_DELIVERY_PER_ENDPOINT", "4"),
        ("HOOKWELL_DELIVERY_TIMEOUT", "10s"),
        ("HOOKWELL_DELIVERY_LEASE", "30s"),
        ("HOOKWELL_SHUTDOWN_GRACE", grace),
    ];
    let mut i = Instance::spawn("term", dir, &db_url, &settings);
    i.ready(40).await;
    let db = match pg {
        Some(db) => db,
        None => SharedDb::sqlite(&db_dir).await,
    };
    let r = LogReceiver::start(delay).await;
    db.webhook(&r.url).await;
    let key = db.api_key().await;
    post_events(vec![i.base.clone()], key, "term", 12, 4).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while r.in_flight() < 4 {
        assert!(Instant::now() < deadline, "attempts never reached the receiver");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let t0 = Instant::now();
    i.terminate();
    let status = i.wait_exit(Duration::from_secs(20)).await.expect("the server exits after SIGTERM");
    let took = t0.elapsed();
    (took, r, db, i.log_text(), status)
}

#[tokio::test]
async fn sigterm_releases_attempts_still_unfinished_after_the_grace_and_they_are_sent_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (took, r, db, log, status) = terminate_during(dir.path(), Duration::from_secs(8), "1s").await;
    eprintln!("sigterm with 4 attempts hanging: exited after {took:?} (grace 1 s), {status}");
    assert!(status.success(), "{status}\n{log}");
    assert!(took < Duration::from_secs(4), "exited after {took:?}, grace 1 s\n{log}");
    assert!(log.contains("releasing unfinished deliveries"), "{log}");
    let rows = db.deliveries().await;
    assert!(rows.iter().all(|d| d.lease_owner.is_none()), "every claim was released");
    assert_eq!(rows.iter().filter(|d| d.status == DeliveryStatus::Succeeded).count(), 0);
    // Released, not leased for 30 s: a new instance sends them all at once.
    r.set_delay(Duration::ZERO);
    let mut again = Instance::spawn(
        "again",
        dir.path(),
        &db.url,
        &[("HOOKWELL_DELIVERY_LEASE", "30s"), ("HOOKWELL_DELIVERY_TIMEOUT", "10s")],
    );
    again.ready(40).await;
    let drain = drained(&db, &r, 20, "after restart").await;
    let t = tally(&db, &r).await;
    eprintln!("after restart: drained in {drain:?}; {} duplicates (the 4 cut off)", t.duplicates);
    assert!(drain < Duration::from_secs(20));
    assert_eq!(t.expected, 12);
    assert_eq!(t.duplicates, 4, "exactly the attempts cut off by the shutdown were sent again");
    drop(again);
    db.drop_schema().await;
}

#[tokio::test]
async fn sigterm_lets_in_flight_attempts_finish_within_the_grace() {
    let dir = tempfile::tempdir().unwrap();
    let (took, r, db, log, status) = terminate_during(dir.path(), Duration::from_millis(700), "5s").await;
    eprintln!("sigterm with 4 attempts of 0.7 s in flight: exited after {took:?} (grace 5 s), {status}");
    assert!(status.success(), "{status}\n{log}");
    assert!(took < Duration::from_secs(4), "exited after {took:?}\n{log}");
    assert!(!log.contains("releasing unfinished deliveries"), "{log}");
    let rows = db.deliveries().await;
    assert!(rows.iter().all(|d| d.lease_owner.is_none()));
    let done = rows.iter().filter(|d| d.status == DeliveryStatus::Succeeded).count();
    assert!(done >= 4, "the attempts in flight finished and were recorded ({done})");
    let mut again = Instance::spawn("again", dir.path(), &db.url, &[]);
    again.ready(40).await;
    drained(&db, &r, 20, "after restart").await;
    let t = tally(&db, &r).await;
    assert_eq!(t.expected, 12);
    assert_eq!(t.duplicates, 0, "nothing finished was sent again: {:?}", t.sent_twice);
    drop(again);
    db.drop_schema().await;
}

fn pg_cluster(action: &str) {
    let mut cmd = std::process::Command::new("pg_ctlcluster");
    cmd.args(["15", "main", action]);
    if action == "stop" {
        cmd.args(["-m", "fast"]);
    }
    let status = cmd.status().expect("pg_ctlcluster");
    assert!(status.success(), "pg_ctlcluster {action}: {status}");
}

#[tokio::test]
async fn a_postgres_outage_costs_retries_not_events_and_readyz_reports_it() {
    if std::env::var("HOOKWELL_TEST_PG_OUTAGE").as_deref() != Ok("1") {
        eprintln!("SKIPPED the PostgreSQL outage test: it stops the cluster; set HOOKWELL_TEST_PG_OUTAGE=1 (scripts/test-all.sh does)");
        return;
    }
    let Some(db) = SharedDb::postgres("a_postgres_outage").await else { return };
    let dir = tempfile::tempdir().unwrap();
    let settings = [
        ("HOOKWELL_DELIVERY_CONCURRENCY", "4"),
        ("HOOKWELL_DELIVERY_PER_ENDPOINT", "4"),
        ("HOOKWELL_DELIVERY_LEASE", "3s"),
        ("HOOKWELL_DELIVERY_TIMEOUT", "2s"),
    ];
    let mut i = Instance::spawn("outage", dir.path(), &db.url, &settings);
    i.ready(40).await;
    let r = LogReceiver::start(Duration::from_millis(50)).await;
    db.webhook(&r.url).await;
    let key = db.api_key().await;
    let n = 300;
    post_events(vec![i.base.clone()], key, "outage", n, 8).await;
    received_at_least(&r, 40, 20).await;
    let http = reqwest::Client::new();
    let ready = |c: reqwest::Client, url: String| async move {
        c.get(url).timeout(Duration::from_secs(3)).send().await.map(|r| r.status().as_u16()).unwrap_or(0)
    };
    let before = r.received();
    let down = Instant::now();
    pg_cluster("stop");
    // The fast shutdown itself can take seconds on a busy machine (its checkpoint); then the
    // database stays away until /readyz has said so, 3 s at least, 6 s at most.
    let stopping = down.elapsed();
    let stopped = Instant::now();
    let mut saw_503 = false;
    let mut first_503 = None;
    loop {
        if ready(http.clone(), i.url("/readyz")).await == 503 {
            saw_503 = true;
            first_503.get_or_insert(stopped.elapsed());
        }
        let away = stopped.elapsed();
        if (saw_503 && away >= Duration::from_secs(3)) || away >= Duration::from_secs(6) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    pg_cluster("start");
    let outage = down.elapsed();
    assert!(saw_503, "/readyz answered 503 while the database was down");
    let back = Instant::now();
    while ready(http.clone(), i.url("/readyz")).await != 200 {
        assert!(back.elapsed() < Duration::from_secs(30), "/readyz not 200 again after the database came back");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered = back.elapsed();
    let drain = drained(&db, &r, 45, "after the outage").await;
    let t = tally(&db, &r).await;
    eprintln!(
        "postgres outage of {outage:?} (stopping took {stopping:?}) with {before} of {n} received (/readyz 503 {first_503:?} after the stop): ready again {recovered:?} after the start, \
         drained {drain:?} later; {} duplicates",
        t.duplicates
    );
    assert_eq!(t.expected, n);
    assert!(t.missing.is_empty());
    assert!(t.duplicates <= 4 * 3, "{} duplicates", t.duplicates);
    assert!(i.wait_exit(Duration::ZERO).await.is_none(), "the server survived the outage\n{}", i.log_text());
    drop(i);
    db.drop_schema().await;
}

//! The two fixed points of `bench/delivery.sh`:
//!
//! - `receiver <addr>`: a minimal receiver on loopback that answers 200 at once and remembers,
//!   per delivery, when it arrived (unix µs) and the event id inside the JWT (not verified: the
//!   benchmark measures Hookwell, not the receiver). `GET /stats` reports them as JSON.
//! - `bare <url> <count> <concurrency>`: the ceiling — the same signed 1 KB HMAC deliveries sent
//!   by a bare reqwest loop with the same concurrency, no queue and no database. Prints
//!   deliveries per second.
use axum::{body::Bytes, extract::State, http::HeaderMap, routing::get, routing::post, Json, Router};
use base64::Engine as _;
use serde_json::{json, Value};
use server::delivery::signing::{sign_delivery, Authentication, EventPayload, HmacKey};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

type Arrivals = Arc<Mutex<Vec<(String, u128)>>>;

fn now_us() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or_default()
}

/// The `eventId` claim of the form body's JWT, read without verifying it.
fn event_id(body: &[u8]) -> Option<String> {
    let token = std::str::from_utf8(body).ok()?.strip_prefix("token=")?;
    let claims = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(claims).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims["eventId"].as_str().map(str::to_string)
}

async fn receive(State(arrivals): State<Arrivals>, _headers: HeaderMap, body: Bytes) -> &'static str {
    let at = now_us();
    let id = event_id(&body).unwrap_or_default();
    arrivals.lock().unwrap_or_else(|p| p.into_inner()).push((id, at));
    "ok"
}

async fn stats(State(arrivals): State<Arrivals>) -> Json<Value> {
    let list = arrivals.lock().unwrap_or_else(|p| p.into_inner()).clone();
    Json(json!({ "count": list.len(), "arrivals": list }))
}

async fn receiver(addr: &str) -> Result<(), Box<dyn std::error::Error>> {
    let arrivals: Arrivals = Arc::default();
    let app = Router::new()
        .route("/hook", post(receive))
        .route("/stats", get(stats))
        .route(
            "/reset",
            post(|State(a): State<Arrivals>| async move { a.lock().unwrap_or_else(|p| p.into_inner()).clear() }),
        )
        .with_state(arrivals);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}

async fn bare(url: &str, count: usize, concurrency: usize) -> Result<(), Box<dyn std::error::Error>> {
    server::delivery::client::install_crypto_provider();
    let client = reqwest::Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build()?;
    let auth = Authentication::Hmac { key: HmacKey::from_bytes([7; 32]), previous_key: None };
    let data = json!({ "workItem": { "id": 42, "notes": "x".repeat(900) } });
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, auth, data, next, url) =
                (client.clone(), auth.clone(), data.clone(), next.clone(), url.to_string());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= count {
                        return Ok::<_, String>(());
                    }
                    let event = EventPayload {
                        event_id: format!("bare-{i}"),
                        event_type: "NewWorkItemVersionComplete".into(),
                        created_date: chrono::Utc::now().to_rfc3339(),
                        event_name: None,
                        data: data.clone(),
                    };
                    // Signed afresh per attempt, as the engine does.
                    let signed = sign_delivery(&auth, &format!("msg_bare_{i}"), &event, chrono::Utc::now(), "bench")
                        .map_err(|e| e.to_string())?;
                    let mut req = client.post(&url);
                    for (name, value) in signed.header_pairs() {
                        req = req.header(name, value);
                    }
                    let res = req.body(signed.body).send().await.map_err(|e| e.to_string())?;
                    if !res.status().is_success() {
                        return Err(format!("receiver answered {}", res.status()));
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{}", json!({ "deliveries": count, "seconds": secs, "per_second": count as f64 / secs }));
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["receiver", addr] => receiver(addr).await,
        ["bare", url, count, concurrency] => bare(url, count.parse()?, concurrency.parse()?).await,
        _ => Err("usage: delivery_bench receiver <addr> | bare <url> <count> <concurrency>".into()),
    }
}

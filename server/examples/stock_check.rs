//! Writes one HMAC-signed delivery as JSON for `stock_check/verify.py`:
//! `{"secret","previous_secret","headers":{…},"body","access_token":{"headers","body"}}`.
//!
//! Usage: `cargo run -p server --example stock_check -- <out.json>`

use serde_json::{json, Map, Value};
use server::delivery::signing::{sign_delivery, Authentication, EventPayload, HmacKey, SignedRequest};

fn headers(request: &SignedRequest) -> Value {
    let map: Map<String, Value> =
        request.header_pairs().map(|(name, value)| (name.to_owned(), Value::String(value.to_owned()))).collect();
    Value::Object(map)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).ok_or("usage: stock_check <out.json>")?;
    let key = HmacKey::from_bytes(std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(11)));
    let previous = HmacKey::from_bytes([0x5a; 32]);
    let event = EventPayload {
        event_id: "evt_stock_check".into(),
        event_type: "CustomInterviewEvent".into(),
        created_date: "2026-05-01T12:00:00Z".into(),
        event_name: Some("Approve".into()),
        data: json!({"answers": {"Name": "Ada & Co = 100%"}, "user": {"id": "u1"}}),
    };
    let now = chrono::Utc::now();
    let auth = Authentication::Hmac { key: key.clone(), previous_key: Some(previous.clone()) };
    let hmac = sign_delivery(&auth, "msg_stock_check", &event, now, env!("CARGO_PKG_VERSION"))?;
    let token = sign_delivery(&Authentication::AccessToken("tok".into()), "msg_stock_check", &event, now, "0")?;
    let report = json!({
        "secret": key.to_secret(),
        "previous_secret": previous.to_secret(),
        "headers": headers(&hmac),
        "body": String::from_utf8(hmac.body)?,
        "access_token": {"headers": headers(&token), "body": String::from_utf8(token.body)?},
    });
    std::fs::write(&out, serde_json::to_vec_pretty(&report)?)?;
    println!("wrote {out}");
    Ok(())
}

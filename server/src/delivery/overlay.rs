//! Answers of synchronous calls (DESIGN.md §6, §7).
//!
//! Interview calls start from the request's `answers` object and apply each receiver's
//! `{"answers":{…}}` in call order. The overlay is **shallow**: every top-level answer key a receiver
//! returns replaces that key's whole value (later webhooks win key by key; nested objects are not
//! merged; an explicit `null` is kept as the value). Keys a receiver does not return are untouched.
//! A response that is empty, not JSON, or has no `answers` object contributes nothing; the
//! [`ResponseRejected`] message is the outcome's reason.
//!
//! Post-processing receivers answer `{"documents":[{"name","contentType","contentBase64"}]}`;
//! [`parse_documents`] checks the shape and that every `contentBase64` is standard padded base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Answers of an interview: a JSON object keyed by answer name.
pub type Answers = Map<String, Value>;

/// Why a receiver's 2xx response contributes nothing. `Display` is the outcome reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseRejected {
    /// The body is empty.
    #[error("response body is empty, expected JSON")]
    Empty,
    /// The body is not JSON.
    #[error("response is not JSON: {0}")]
    NotJson(String),
    /// The JSON has no `answers` object.
    #[error("response has no \"answers\" object")]
    NoAnswers,
    /// The JSON has no `documents` array.
    #[error("response has no \"documents\" array")]
    NoDocuments,
    /// A document is malformed.
    #[error("document {index}: {reason}")]
    BadDocument {
        /// Zero-based position in `documents`.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}

fn parse_json(body: &[u8]) -> Result<Value, ResponseRejected> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ResponseRejected::Empty);
    }
    serde_json::from_slice(body).map_err(|e| ResponseRejected::NotJson(e.to_string()))
}

/// The `answers` object of an interview receiver's response body.
pub fn receiver_answers(body: &[u8]) -> Result<Answers, ResponseRejected> {
    match parse_json(body)? {
        Value::Object(mut response) => match response.remove("answers") {
            Some(Value::Object(answers)) => Ok(answers),
            _ => Err(ResponseRejected::NoAnswers),
        },
        _ => Err(ResponseRejected::NoAnswers),
    }
}

/// Shallow overlay: each key of `overlay` replaces the same key of `answers`.
pub fn overlay(answers: &mut Answers, overlay: Answers) {
    answers.extend(overlay);
}

/// Applies one receiver's response body to `answers`; on error `answers` is unchanged.
pub fn apply_response(answers: &mut Answers, body: &[u8]) -> Result<(), ResponseRejected> {
    overlay(answers, receiver_answers(body)?);
    Ok(())
}

/// A document of a post-processing call, as on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    /// File name; not empty.
    pub name: String,
    /// MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// Content, standard padded base64 (checked, passed through as given).
    pub content_base64: String,
}

/// The documents of a post-processing receiver's response body, each checked.
pub fn parse_documents(body: &[u8]) -> Result<Vec<Document>, ResponseRejected> {
    let documents = match parse_json(body)? {
        Value::Object(mut response) => match response.remove("documents") {
            Some(Value::Array(documents)) => documents,
            _ => return Err(ResponseRejected::NoDocuments),
        },
        _ => return Err(ResponseRejected::NoDocuments),
    };
    documents
        .into_iter()
        .enumerate()
        .map(|(index, value)| {
            let bad = |reason: String| ResponseRejected::BadDocument { index, reason };
            let document: Document = serde_json::from_value(value).map_err(|e| bad(e.to_string()))?;
            if document.name.trim().is_empty() {
                return Err(bad("\"name\" is empty".into()));
            }
            if document.content_type.trim().is_empty() {
                return Err(bad("\"contentType\" is empty".into()));
            }
            STANDARD
                .decode(&document.content_base64)
                .map_err(|e| bad(format!("\"contentBase64\" is not base64: {e}")))?;
            Ok(document)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answers(value: Value) -> Answers {
        match value {
            Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn later_webhooks_win_key_by_key() {
        let mut current = answers(json!({"Name": "Ada", "City": "London", "Age": 36}));
        apply_response(&mut current, br#"{"answers": {"City": "Paris", "Title": "Countess"}}"#).unwrap();
        apply_response(&mut current, br#"{"answers": {"Title": "Dr"}}"#).unwrap();
        assert_eq!(Value::Object(current), json!({"Name": "Ada", "City": "Paris", "Age": 36, "Title": "Dr"}));
    }

    #[test]
    fn overlay_is_shallow_per_top_level_answer() {
        let mut current = answers(json!({"Address": {"Street": "Main St", "Zip": "1000"}}));
        apply_response(&mut current, br#"{"answers": {"Address": {"Zip": "2000"}}}"#).unwrap();
        assert_eq!(Value::Object(current), json!({"Address": {"Zip": "2000"}}));
    }

    #[test]
    fn explicit_null_replaces_the_answer() {
        let mut current = answers(json!({"Name": "Ada"}));
        apply_response(&mut current, br#"{"answers": {"Name": null}}"#).unwrap();
        assert_eq!(Value::Object(current), json!({"Name": null}));
    }

    #[test]
    fn empty_answers_object_changes_nothing_but_is_applied() {
        let mut current = answers(json!({"Name": "Ada"}));
        assert_eq!(apply_response(&mut current, br#"{"answers": {}, "extra": 1}"#), Ok(()));
        assert_eq!(Value::Object(current), json!({"Name": "Ada"}));
    }

    #[test]
    fn response_without_an_answers_object_contributes_nothing_with_a_reason() {
        let cases: [(&[u8], &str); 6] = [
            (b"", "response body is empty, expected JSON"),
            (b"  \n", "response body is empty, expected JSON"),
            (br#"{"Name": "Eve"}"#, "response has no \"answers\" object"),
            (br#"{"answers": ["Eve"]}"#, "response has no \"answers\" object"),
            (br#"[{"answers": {}}]"#, "response has no \"answers\" object"),
            (br#""answers""#, "response has no \"answers\" object"),
        ];
        for (body, reason) in cases {
            let mut current = answers(json!({"Name": "Ada"}));
            let err = apply_response(&mut current, body).unwrap_err();
            assert_eq!(err.to_string(), reason);
            assert_eq!(Value::Object(current), json!({"Name": "Ada"}));
        }
        let not_json = receiver_answers(b"<html>oops</html>").unwrap_err();
        assert!(matches!(not_json, ResponseRejected::NotJson(_)));
        assert!(not_json.to_string().starts_with("response is not JSON: "), "{not_json}");
    }

    #[test]
    fn documents_are_parsed_and_checked() {
        let body = br#"{"documents": [
            {"name": "a.pdf", "contentType": "application/pdf", "contentBase64": "JVBERi0xLjQ="},
            {"name": "b.txt", "contentType": "text/plain", "contentBase64": ""}
        ]}"#;
        let documents = parse_documents(body).unwrap();
        assert_eq!(
            documents[0],
            Document {
                name: "a.pdf".into(),
                content_type: "application/pdf".into(),
                content_base64: "JVBERi0xLjQ=".into()
            }
        );
        assert_eq!(documents[1].name, "b.txt");
        assert_eq!(parse_documents(br#"{"documents": []}"#), Ok(vec![]));
    }

    #[test]
    fn invalid_documents_are_refused_with_a_reason() {
        let doc = |name: &str, content_type: &str, content: &str| {
            json!({"documents": [{"name": name, "contentType": content_type, "contentBase64": content}]}).to_string()
        };
        let reason = |body: String| parse_documents(body.as_bytes()).unwrap_err().to_string();
        assert!(reason(doc("a.pdf", "application/pdf", "not base64!"))
            .starts_with("document 0: \"contentBase64\" is not base64"));
        assert!(reason(doc("a.pdf", "application/pdf", "JVBERi0xLjQ"))
            .starts_with("document 0: \"contentBase64\" is not base64"));
        assert_eq!(reason(doc(" ", "application/pdf", "")), "document 0: \"name\" is empty");
        assert_eq!(reason(doc("a", "", "")), "document 0: \"contentType\" is empty");
        assert!(reason(r#"{"documents": [{"name": "a"}]}"#.into()).starts_with("document 0: missing field"));
        assert_eq!(reason(r#"{"answers": {}}"#.into()), "response has no \"documents\" array");
        assert_eq!(reason(r#"{"documents": {}}"#.into()), "response has no \"documents\" array");
        assert!(reason("nope".into()).starts_with("response is not JSON"));
    }
}

//! The one JSON encoding of server-function replies and errors.
//!
//! The browser reads JSON from two places: the page's hydration data (a `Resource`, decoded
//! from a `&str`) and a server function's reply (server_fn's `JsonEncoding` decodes it from a
//! `&[u8]`). serde_json builds a separate deserializer per input kind, so every type that
//! arrives both ways was compiled into the WASM twice. This encoding decodes replies from a
//! `&str` as well, so each type is compiled once. On the wire it is the same
//! `application/json`.
use serde::{de::DeserializeOwned, Serialize};
use server_fn::codec::Post;
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// JSON, decoded from text (see the module docs).
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde::de::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// The reply encoding of every server function: `#[server(…, output = Reply)]`.
pub type Reply = Post<JsonText>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_decodes_what_it_encoded_and_says_why_when_it_cannot() {
        let bytes = <JsonText as Encodes<Vec<String>>>::encode(&vec!["ä".to_string()]).unwrap();
        assert_eq!(&bytes[..], "[\"ä\"]".as_bytes());
        let back: Vec<String> = <JsonText as Decodes<Vec<String>>>::decode(bytes).unwrap();
        assert_eq!(back, ["ä"]);
        let bad = <JsonText as Decodes<Vec<String>>>::decode(Bytes::from_static(b"[\"\xff\"]"));
        assert!(bad.unwrap_err().to_string().contains("invalid utf-8"), "not UTF-8 is named");
    }
}

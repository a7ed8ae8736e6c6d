//! Secrets at rest: sealed with XChaCha20-Poly1305 under the master key.
use base64::{engine::general_purpose::STANDARD, Engine as _};
use chacha20poly1305::{
    aead::{Aead, AeadCore, KeyInit, OsRng, Payload},
    XChaCha20Poly1305, XNonce,
};
use rand::RngCore;
use std::{path::Path, sync::Arc};

const NONCE_LEN: usize = 24;
/// Marks a value sealed with associated data (see [`Binding`]); older values have no prefix.
const BOUND_PREFIX: &[u8] = b"hw1";

/// What a sealed secret belongs to. It is the AEAD associated data, so a sealed value copied
/// to another row, or into another column of the same row, no longer opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// A webhook's HMAC secret.
    HmacSecret { webhook_id: i32 },
    /// A webhook's access token.
    AccessToken { webhook_id: i32 },
    /// A webhook's HMAC secret before the last regeneration (grace period).
    PreviousHmacSecret { webhook_id: i32 },
}

impl Binding {
    fn associated_data(self) -> String {
        match self {
            Binding::HmacSecret { webhook_id } => format!("hookwell/webhook/{webhook_id}/hmac_secret"),
            Binding::AccessToken { webhook_id } => format!("hookwell/webhook/{webhook_id}/access_token"),
            Binding::PreviousHmacSecret { webhook_id } => format!("hookwell/webhook/{webhook_id}/previous_hmac_secret"),
        }
    }
}

/// Seals and opens secrets with the master key.
#[derive(Clone)]
pub struct SecretCipher(Arc<XChaCha20Poly1305>);

impl SecretCipher {
    pub fn new(key: &[u8; 32]) -> Self {
        SecretCipher(Arc::new(XChaCha20Poly1305::new(key.into())))
    }

    /// `hw1` ‖ nonce ‖ ciphertext+tag, bound to `binding`.
    pub fn seal(&self, plaintext: &str, binding: Binding) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = binding.associated_data();
        let mut out = BOUND_PREFIX.to_vec();
        out.extend_from_slice(&nonce);
        // Encryption with a fresh nonce and an in-memory buffer cannot fail.
        out.extend(
            self.0.encrypt(&nonce, Payload { msg: plaintext.as_bytes(), aad: aad.as_bytes() }).expect("encrypt"),
        );
        out
    }

    /// Opens what [`seal`](Self::seal) produced for the same `binding`; `None` when the key is
    /// wrong, the bytes are damaged or they were sealed for another row or purpose.
    pub fn open(&self, sealed: &[u8], binding: Binding) -> Option<String> {
        let rest = sealed.strip_prefix(BOUND_PREFIX)?;
        if rest.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ct) = rest.split_at(NONCE_LEN);
        let aad = binding.associated_data();
        let plain = self.0.decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: aad.as_bytes() }).ok()?;
        String::from_utf8(plain).ok()
    }

    /// Opens a value sealed before secrets were bound to their row (no prefix, no associated
    /// data), so that start-up can seal it again bound ([`super::secret_binding`]).
    pub fn open_unbound(&self, sealed: &[u8]) -> Option<String> {
        if sealed.starts_with(BOUND_PREFIX) || sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        let plain = self.0.decrypt(XNonce::from_slice(nonce), ct).ok()?;
        String::from_utf8(plain).ok()
    }
}

/// Parses `HOOKWELL_MASTER_KEY`: standard base64 of exactly 32 bytes.
pub fn parse_master_key(b64: &str) -> Result<[u8; 32], String> {
    let bytes = STANDARD
        .decode(b64.trim())
        .map_err(|_| "HOOKWELL_MASTER_KEY must be standard base64 (e.g. from `openssl rand -base64 32`)".to_string())?;
    bytes.try_into().map_err(|b: Vec<u8>| format!("HOOKWELL_MASTER_KEY must decode to 32 bytes, got {}", b.len()))
}

/// Reads `data_dir/master.key`, creating it (mode 0600) with a random key on first start.
pub fn load_or_create_key_file(data_dir: &Path) -> Result<[u8; 32], String> {
    let path = data_dir.join("master.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return parse_master_key(&text).map_err(|m| format!("{}: {m}", path.display()));
    }
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    write_private(&path, &STANDARD.encode(key)).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// A new HMAC secret: `whsec_` + standard padded base64 of 32 CSPRNG bytes.
pub fn new_hmac_secret() -> String {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    format!("whsec_{}", STANDARD.encode(key))
}

/// A random URL-safe token of 32 bytes (sessions, passwords).
pub fn random_token() -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Hex SHA-256, used to store session tokens without storing the tokens.
pub fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOOK_1: Binding = Binding::HmacSecret { webhook_id: 1 };

    #[test]
    fn sealed_secret_opens_with_the_same_key_only() {
        let a = SecretCipher::new(&[7; 32]);
        let sealed = a.seal("whsec_abc", HOOK_1);
        assert_eq!(a.open(&sealed, HOOK_1).as_deref(), Some("whsec_abc"));
        assert!(!sealed.windows(9).any(|w| w == b"whsec_abc"));
        assert_eq!(SecretCipher::new(&[8; 32]).open(&sealed, HOOK_1), None);
    }

    #[test]
    fn a_sealed_value_moved_to_another_row_or_purpose_does_not_open() {
        let c = SecretCipher::new(&[7; 32]);
        let sealed = c.seal("whsec_abc", HOOK_1);
        assert_eq!(c.open(&sealed, Binding::HmacSecret { webhook_id: 2 }), None);
        assert_eq!(c.open(&sealed, Binding::AccessToken { webhook_id: 1 }), None);
    }

    #[test]
    fn an_unbound_legacy_value_opens_only_through_open_unbound() {
        let c = SecretCipher::new(&[7; 32]);
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let mut legacy = nonce.to_vec();
        legacy.extend(c.0.encrypt(&nonce, b"tok".as_slice()).unwrap());
        assert_eq!(c.open(&legacy, HOOK_1), None);
        assert_eq!(c.open_unbound(&legacy).as_deref(), Some("tok"));
        assert_eq!(c.open_unbound(&c.seal("tok", HOOK_1)), None);
    }

    #[test]
    fn hmac_secret_is_whsec_and_32_bytes() {
        let s = new_hmac_secret();
        let raw = STANDARD.decode(s.strip_prefix("whsec_").unwrap()).unwrap();
        assert_eq!(raw.len(), 32);
        assert_ne!(s, new_hmac_secret());
    }

    #[test]
    fn master_key_must_be_32_bytes_of_base64() {
        assert!(parse_master_key("not base64!").unwrap_err().contains("base64"));
        assert!(parse_master_key(&STANDARD.encode([1u8; 16])).unwrap_err().contains("32 bytes"));
        assert!(parse_master_key(&STANDARD.encode([1u8; 32])).is_ok());
    }
}

//! Keygrip: sign data with the newest secret, verify it against every secret.
//!
//! Mirrors the npm package **keygrip 1.1.0**, the whole of
//! <https://github.com/crypto-utils/keygrip/blob/1.1.0/index.js> (the `Keygrip`
//! constructor and its `sign`, `verify` and `index` methods). Koa keeps its
//! `app.keys` in one, and the `cookies` package (our [`crate::cookies`]) uses it to
//! write and check the `name.sig` companion of a signed cookie.
//!
//! Why a key *list*: secrets get rotated. New signatures are always made with
//! `keys[0]`, but a signature made with any older key in the list still verifies, and
//! [`Keygrip::index`] says *which* key matched so the caller can re-sign with the
//! current one (that is exactly what `cookies` does on `get`).
//!
//! Byte-compatibility with Koa is the point of this module, so the digest is built the
//! way upstream builds it: an HMAC (SHA-1 unless told otherwise) keyed with the UTF-8
//! bytes of the secret, over the UTF-8 bytes of the data (Node's `hmac.update(string)`
//! default), encoded as base64 with `/` → `_`, `+` → `-` and the `=` padding dropped —
//! which is the "URL-safe, no padding" base64 alphabet. Verification compares in
//! constant time, as upstream does through the `tsscmp` package.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use subtle::ConstantTimeEq;

/// Errors raised while building a [`Keygrip`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeygripError {
    /// The key list was empty; upstream throws this (verbatim) from its constructor.
    #[error("Keys must be provided.")]
    KeysRequired,
    /// An algorithm name we do not know; Node's `crypto.createHmac` throws this
    /// message (verbatim) the first time such a Keygrip signs.
    #[error("Invalid digest: {0}")]
    InvalidDigest(String),
    /// An encoding name we do not support (upstream hands it to Node's `digest()`).
    #[error("Unknown encoding: {0}")]
    UnknownEncoding(String),
}

/// The HMAC hash function, upstream's `algorithm` argument (default `"sha1"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// HMAC-SHA1: upstream's default and what Koa uses; a 27-character signature.
    #[default]
    Sha1,
    /// HMAC-SHA224.
    Sha224,
    /// HMAC-SHA256 (upstream's tests use it for the "with algorithm" cases).
    Sha256,
    /// HMAC-SHA384.
    Sha384,
    /// HMAC-SHA512.
    Sha512,
}

impl FromStr for Algorithm {
    type Err = KeygripError;

    /// Parses the names Node's `crypto.createHmac` accepts for these hashes
    /// (case-insensitively, as OpenSSL looks them up).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "sha1" => Ok(Self::Sha1),
            "sha224" => Ok(Self::Sha224),
            "sha256" => Ok(Self::Sha256),
            "sha384" => Ok(Self::Sha384),
            "sha512" => Ok(Self::Sha512),
            _ => Err(KeygripError::InvalidDigest(s.to_owned())),
        }
    }
}

/// How the digest bytes become text, upstream's `encoding` argument (default `"base64"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Upstream's default: base64, then `/` → `_`, `+` → `-`, padding removed. That is
    /// the URL-safe alphabet without padding, so Node's `"base64url"` is the same thing.
    #[default]
    Base64,
    /// Lower-case hexadecimal (upstream's tests use it for the "with encoding" cases).
    Hex,
}

impl FromStr for Encoding {
    type Err = KeygripError;

    /// Parses `"base64"`, `"base64url"` (identical output) or `"hex"`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "base64" | "base64url" => Ok(Self::Base64),
            "hex" => Ok(Self::Hex),
            _ => Err(KeygripError::UnknownEncoding(s.to_owned())),
        }
    }
}

/// One HMAC computation with the given hash type. A macro rather than a generic
/// function because the trait bounds `Hmac<D>` needs are long and say nothing here.
macro_rules! compute_hmac {
    ($hash:ty, $key:expr, $data:expr) => {{
        // HMAC accepts keys of every length (long keys are hashed, short ones padded),
        // so `new_from_slice` cannot fail.
        let mut mac =
            <Hmac<$hash> as Mac>::new_from_slice($key).expect("HMAC accepts keys of any length");
        mac.update($data);
        mac.finalize().into_bytes().to_vec()
    }};
}

/// A list of secrets that signs with the first and verifies with any
/// (upstream's `Keygrip` object).
///
/// Cloning is cheap (the secrets sit behind an [`Arc`]), so an application can hold
/// one and hand a copy to every request's cookie jar, where upstream builds a new
/// `Keygrip` per request from `app.keys`. `Debug` never prints the secrets.
#[derive(Clone)]
pub struct Keygrip {
    /// The secrets, newest first; never empty.
    keys: Arc<[Box<[u8]>]>,
    /// Which HMAC to compute.
    algorithm: Algorithm,
    /// How to turn the MAC into text.
    encoding: Encoding,
}

impl fmt::Debug for Keygrip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keygrip")
            .field("keys", &format_args!("[{} redacted]", self.keys.len()))
            .field("algorithm", &self.algorithm)
            .field("encoding", &self.encoding)
            .finish()
    }
}

impl Keygrip {
    /// `new Keygrip(keys)`: HMAC-SHA1, base64url. Each key is used as raw bytes; a
    /// `&str` gives its UTF-8 bytes, exactly as Node treats a string key.
    ///
    /// Fails with [`KeygripError::KeysRequired`] (`"Keys must be provided."`) when the
    /// list is empty.
    pub fn new<I, K>(keys: I) -> Result<Self, KeygripError>
    where
        I: IntoIterator<Item = K>,
        K: AsRef<[u8]>,
    {
        Self::with_options(keys, Algorithm::default(), Encoding::default())
    }

    /// `new Keygrip(keys, algorithm, encoding)`.
    pub fn with_options<I, K>(
        keys: I,
        algorithm: Algorithm,
        encoding: Encoding,
    ) -> Result<Self, KeygripError>
    where
        I: IntoIterator<Item = K>,
        K: AsRef<[u8]>,
    {
        let keys: Arc<[Box<[u8]>]> = keys
            .into_iter()
            .map(|k| Box::<[u8]>::from(k.as_ref()))
            .collect();
        if keys.is_empty() {
            return Err(KeygripError::KeysRequired);
        }
        Ok(Self {
            keys,
            algorithm,
            encoding,
        })
    }

    /// How many secrets the list holds (at least one).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always `false`: a Keygrip cannot be built without a key. Present because a
    /// public `len` without `is_empty` surprises readers (and clippy).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The HMAC algorithm in use.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The digest encoding in use.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    // ANCHOR: sign
    /// `keys.sign(data)`: the digest of `data` under the first (newest) key.
    pub fn sign(&self, data: impl AsRef<[u8]>) -> String {
        self.sign_with(&self.keys[0], data.as_ref())
    }

    /// `keys.verify(data, digest)`: does any key produce `digest` for `data`?
    pub fn verify(&self, data: impl AsRef<[u8]>, digest: &str) -> bool {
        self.index(data, digest).is_some()
    }

    /// `keys.index(data, digest)`: the position of the first key whose digest of
    /// `data` equals `digest`, or `None` where upstream returns `-1`. Each comparison
    /// is constant-time in the digest contents.
    pub fn index(&self, data: impl AsRef<[u8]>, digest: &str) -> Option<usize> {
        let data = data.as_ref();
        self.keys.iter().position(|key| {
            let expected = self.sign_with(key, data);
            bool::from(expected.as_bytes().ct_eq(digest.as_bytes()))
        })
    }

    /// Upstream's inner `sign(data, key)`.
    fn sign_with(&self, key: &[u8], data: &[u8]) -> String {
        let mac = match self.algorithm {
            Algorithm::Sha1 => compute_hmac!(sha1::Sha1, key, data),
            Algorithm::Sha224 => compute_hmac!(sha2::Sha224, key, data),
            Algorithm::Sha256 => compute_hmac!(sha2::Sha256, key, data),
            Algorithm::Sha384 => compute_hmac!(sha2::Sha384, key, data),
            Algorithm::Sha512 => compute_hmac!(sha2::Sha512, key, data),
        };
        match self.encoding {
            Encoding::Base64 => URL_SAFE_NO_PAD.encode(mac),
            Encoding::Hex => to_hex(&mac),
        }
    }
    // ANCHOR_END: sign
}

/// Lower-case hex, as Node's `digest('hex')`.
fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    //! Behaviours from keygrip 1.1.0's `test/keygrip.js`
    //! (<https://github.com/crypto-utils/keygrip/blob/1.1.0/test/keygrip.js>), plus
    //! the signature cookies 0.9.1's tests expect for `foo=bar`.

    use super::*;

    const DATA: &str = "Keyboard Cat has a hat.";

    fn two() -> Keygrip {
        Keygrip::new(["SEKRIT2", "SEKRIT1"]).unwrap()
    }

    #[test]
    fn constructs_from_a_list_of_string_keys() {
        let keys = Keygrip::new(["SEKRIT1"]).unwrap();
        assert_eq!(keys.len(), 1);
        assert!(!keys.is_empty());
        assert_eq!(keys.algorithm(), Algorithm::Sha1);
        assert_eq!(keys.encoding(), Encoding::Base64);
    }

    #[test]
    fn empty_key_list_is_refused_with_upstream_message() {
        let err = Keygrip::new(Vec::<String>::new()).unwrap_err();
        assert_eq!(err, KeygripError::KeysRequired);
        assert_eq!(err.to_string(), "Keys must be provided.");
    }

    #[test]
    fn sign_uses_sha1_base64url_without_padding() {
        let keys = Keygrip::new(["SEKRIT1"]).unwrap();
        assert_eq!(keys.sign(DATA), "34Sr3OIsheUYWKL5_w--zJsdSNk");
    }

    #[test]
    fn sign_uses_the_first_key() {
        assert_eq!(two().sign(DATA), "_jl9qXYgk5AgBiKFOPYK073FMEQ");
    }

    #[test]
    fn sign_with_sha256_algorithm() {
        let keys = Keygrip::with_options(["SEKRIT1"], Algorithm::Sha256, Encoding::Base64).unwrap();
        assert_eq!(
            keys.sign(DATA),
            "pu97aPRZRLKi3-eANtIlTG_CwSc39mAcIZ1c6FxsGCk"
        );
        assert_eq!(
            keys.index(DATA, "pu97aPRZRLKi3-eANtIlTG_CwSc39mAcIZ1c6FxsGCk"),
            Some(0)
        );
        assert!(keys.verify(DATA, "pu97aPRZRLKi3-eANtIlTG_CwSc39mAcIZ1c6FxsGCk"));
    }

    #[test]
    fn sign_with_hex_encoding() {
        let keys = Keygrip::with_options(["SEKRIT1"], Algorithm::Sha1, Encoding::Hex).unwrap();
        assert_eq!(keys.sign(DATA), "df84abdce22c85e51858a2f9ff0fbecc9b1d48d9");
        assert_eq!(
            keys.index(DATA, "df84abdce22c85e51858a2f9ff0fbecc9b1d48d9"),
            Some(0)
        );
        assert!(keys.verify(DATA, "df84abdce22c85e51858a2f9ff0fbecc9b1d48d9"));
    }

    #[test]
    fn index_returns_the_key_that_signed() {
        let keys = two();
        assert_eq!(keys.index(DATA, "_jl9qXYgk5AgBiKFOPYK073FMEQ"), Some(0));
        assert_eq!(keys.index(DATA, "34Sr3OIsheUYWKL5_w--zJsdSNk"), Some(1));
    }

    #[test]
    fn index_is_none_when_no_key_matches() {
        assert_eq!(two().index(DATA, "xmM8HQl2eBtPP9nmZ7BK_wpqoxQ"), None);
    }

    #[test]
    fn verify_accepts_any_key() {
        let keys = two();
        assert!(keys.verify(DATA, "_jl9qXYgk5AgBiKFOPYK073FMEQ"));
        assert!(keys.verify(DATA, "34Sr3OIsheUYWKL5_w--zJsdSNk"));
    }

    #[test]
    fn verify_fails_with_bogus_data() {
        assert!(!two().verify(DATA, "bogus data"));
    }

    #[test]
    fn verify_fails_when_key_not_present() {
        assert!(!two().verify(DATA, "xmM8HQl2eBtPP9nmZ7BK_wpqoxQ"));
    }

    #[test]
    fn signs_cookie_data_like_the_cookies_package_expects() {
        // cookies 0.9.1 test/test.js: keys ['keyboard cat'] sign 'foo=bar' as this.
        let keys = Keygrip::new(["keyboard cat"]).unwrap();
        assert_eq!(keys.sign("foo=bar"), "iW2fuCIzk9Cg_rqLT1CAqrtdWs8");
    }

    #[test]
    fn algorithm_and_encoding_parse_from_upstream_names() {
        assert_eq!("sha256".parse::<Algorithm>().unwrap(), Algorithm::Sha256);
        assert_eq!("SHA512".parse::<Algorithm>().unwrap(), Algorithm::Sha512);
        assert_eq!(
            "foo".parse::<Algorithm>().unwrap_err().to_string(),
            "Invalid digest: foo"
        );
        assert_eq!("base64url".parse::<Encoding>().unwrap(), Encoding::Base64);
        assert_eq!("hex".parse::<Encoding>().unwrap(), Encoding::Hex);
        assert!("latin1".parse::<Encoding>().is_err());
    }

    #[test]
    fn debug_output_hides_the_secrets() {
        let shown = format!("{:?}", two());
        assert!(!shown.contains("SEKRIT"), "{shown}");
        assert!(shown.contains("2 redacted"), "{shown}");
    }

    #[test]
    fn keys_may_be_raw_bytes() {
        // A Buffer key in Node is used as-is; a byte slice here is the same.
        let from_bytes = Keygrip::new([b"SEKRIT1".as_slice()]).unwrap();
        assert_eq!(from_bytes.sign(DATA), "34Sr3OIsheUYWKL5_w--zJsdSNk");
    }
}

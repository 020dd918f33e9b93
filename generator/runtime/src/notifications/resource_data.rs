//! Notifications with resource data: the `validationTokens` that show a delivery comes
//! from Graph, and the `encryptedContent` that carries the changed resource.
//!
//! Sans-IO, like its parent: [`Notifications::verify`] checks every validation token
//! against signing keys the caller supplies ([`SigningKeys`]), and only the
//! [`Verified`] notifications it returns can be decrypted ([`VerifiedChange::resource`]),
//! with the private keys of the subscriptions' certificates ([`Certificates`]).
//! [`OpenIdKeys`] (with the `client` feature) fetches and caches the identity platform's
//! published keys.
//!
//! The cryptography is aws-lc-rs's, the provider the client's TLS uses: RSA signatures
//! (RS256) for the tokens; RSA-OAEP (SHA-1, as Graph encrypts), HMAC-SHA256 and
//! AES-256-CBC with PKCS#7 padding for the content.

use super::{ChangeNotification, LifecycleNotification, Notifications};
use aws_lc_rs::cipher::{DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey, AES_256};
use aws_lc_rs::rsa::{OaepPrivateDecryptingKey, PrivateDecryptingKey, OAEP_SHA1_MGF1SHA1};
use aws_lc_rs::{hmac, signature};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::ops::Deref;
use std::time::{SystemTime, UNIX_EPOCH};

/// The application id of Graph's change tracking, the `azp` of every validation token.
pub const CHANGE_TRACKING_APP_ID: &str = "0bf30f3b-4a52-48df-9a82-234910c4a086";

/// How far a token's `exp` and `nbf` may be off the local clock, in seconds: the
/// identity platform's own libraries allow five minutes.
pub const CLOCK_SKEW_SECONDS: u64 = 300;

/// One RSA public key of the identity platform: its key id (`kid`), modulus and
/// exponent, big-endian, as a JSON Web Key Set publishes them.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// The key id that tokens name in their header.
    pub kid: String,
    /// The modulus (`n`).
    pub modulus: Vec<u8>,
    /// The public exponent (`e`).
    pub exponent: Vec<u8>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("bits", &(self.modulus.len() * 8))
            .finish()
    }
}

/// Where validation tokens' signing keys come from. [`KeySet`] holds a fixed set
/// (tests, offline apps); [`OpenIdKeys`] fetches the platform's published set.
pub trait SigningKeys {
    /// The key with this id, if known.
    fn key(&self, kid: &str) -> Option<&SigningKey>;
}

/// A set of signing keys, as a JSON Web Key Set (`{"keys": [...]}`) lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeySet {
    keys: Vec<SigningKey>,
}

impl KeySet {
    /// An empty set.
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// The RSA signing keys of a JSON Web Key Set document. Keys of other types, and
    /// keys published for encryption (`"use": "enc"`), are skipped.
    pub fn from_jwks(document: &[u8]) -> Result<KeySet, KeySetError> {
        let json: Json =
            serde_json::from_slice(document).map_err(|e| KeySetError(e.to_string()))?;
        let listed = json
            .get("keys")
            .and_then(Json::as_array)
            .ok_or_else(|| KeySetError("no `keys` array".into()))?;
        let mut set = KeySet::new();
        for key in listed {
            let signs = key
                .get("use")
                .and_then(Json::as_str)
                .is_none_or(|u| u == "sig");
            if key.get("kty").and_then(Json::as_str) != Some("RSA") || !signs {
                continue;
            }
            let member = |name: &str| -> Result<Vec<u8>, KeySetError> {
                let text = key
                    .get(name)
                    .and_then(Json::as_str)
                    .ok_or_else(|| KeySetError(format!("an RSA key without `{name}`")))?;
                URL_SAFE_NO_PAD
                    .decode(text.trim_end_matches('='))
                    .map_err(|e| KeySetError(format!("`{name}` is not base64url: {e}")))
            };
            let kid = key
                .get("kid")
                .and_then(Json::as_str)
                .ok_or_else(|| KeySetError("an RSA key without `kid`".into()))?;
            set.insert(SigningKey {
                kid: kid.to_string(),
                modulus: member("n")?,
                exponent: member("e")?,
            });
        }
        Ok(set)
    }

    /// Adds a key, replacing one with the same id.
    pub fn insert(&mut self, key: SigningKey) -> &mut Self {
        self.keys.retain(|k| k.kid != key.kid);
        self.keys.push(key);
        self
    }

    /// The ids of the keys held.
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.kid.as_str())
    }
}

impl SigningKeys for KeySet {
    fn key(&self, kid: &str) -> Option<&SigningKey> {
        self.keys.iter().find(|k| k.kid == kid)
    }
}

impl<T: SigningKeys + ?Sized> SigningKeys for std::sync::Arc<T> {
    fn key(&self, kid: &str) -> Option<&SigningKey> {
        (**self).key(kid)
    }
}

/// A key set document that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySetError(pub String);

impl fmt::Display for KeySetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a JSON Web Key Set: {}", self.0)
    }
}

impl std::error::Error for KeySetError {}

/// What a validation token must say: that it was issued for this app (`aud`), by Graph's
/// change tracking (`azp`), in one of these tenants (`tid`, and `iss` naming it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPolicy {
    app_id: String,
    tenants: Option<BTreeSet<String>>,
}

impl TokenPolicy {
    /// Tokens for the app `app_id` (the application id the subscriptions were created
    /// with), in any tenant until [`TokenPolicy::tenant`] names some.
    pub fn new(app_id: &str) -> TokenPolicy {
        TokenPolicy {
            app_id: app_id.to_string(),
            tenants: None,
        }
    }

    /// Accepts tokens of this tenant; once one is named, only the named ones.
    pub fn tenant(mut self, tenant_id: &str) -> TokenPolicy {
        self.tenants
            .get_or_insert_with(BTreeSet::new)
            .insert(tenant_id.to_ascii_lowercase());
        self
    }
}

/// What a valid token vouches for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenClaims {
    /// The tenant (`tid`).
    pub tenant_id: String,
    /// The token's expiry, in seconds since the Unix epoch.
    pub expires: u64,
}

/// Why a validation token was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Resource data arrived without validation tokens.
    Missing,
    /// Not a JSON Web Token (three base64url parts, JSON header and claims).
    Malformed(String),
    /// Signed with another algorithm than RS256.
    Algorithm(String),
    /// Signed with a key the key set does not hold.
    UnknownKey {
        /// The key id the token names.
        kid: String,
    },
    /// The signature does not match the token.
    Signature,
    /// Expired (`exp`, beyond the allowed clock skew).
    Expired {
        /// `exp`, in seconds since the Unix epoch.
        at: u64,
    },
    /// Not valid yet (`nbf`).
    NotYetValid {
        /// `nbf`, in seconds since the Unix epoch.
        at: u64,
    },
    /// Issued for another application.
    Audience {
        /// The `aud` found.
        found: String,
    },
    /// Requested by another party than Graph's change tracking.
    AuthorizedParty {
        /// The `azp` found.
        found: String,
    },
    /// Issued by another issuer than the identity platform for the token's tenant.
    Issuer {
        /// The `iss` found.
        found: String,
    },
    /// Issued for a tenant the policy does not accept.
    Tenant {
        /// The `tid` found.
        found: String,
    },
    /// A notification with resource data from a tenant no valid token covers.
    Uncovered {
        /// The notification's `tenantId`.
        tenant_id: String,
    },
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::Missing => f.write_str("resource data came without validation tokens"),
            TokenError::Malformed(why) => write!(f, "the validation token is malformed: {why}"),
            TokenError::Algorithm(alg) => {
                write!(f, "the validation token is signed with {alg}, not RS256")
            }
            TokenError::UnknownKey { kid } => write!(
                f,
                "the validation token is signed with key {kid}, which the key set does not hold"
            ),
            TokenError::Signature => f.write_str("the validation token's signature does not match"),
            TokenError::Expired { at } => {
                write!(f, "the validation token expired (exp {at})")
            }
            TokenError::NotYetValid { at } => {
                write!(f, "the validation token is not valid before {at} (nbf)")
            }
            TokenError::Audience { found } => write!(
                f,
                "the validation token is for application {found}, not this one"
            ),
            TokenError::AuthorizedParty { found } => write!(
                f,
                "the validation token was requested by {found}, not Graph's change tracking ({CHANGE_TRACKING_APP_ID})"
            ),
            TokenError::Issuer { found } => write!(
                f,
                "the validation token's issuer {found} is not the identity platform for its tenant"
            ),
            TokenError::Tenant { found } => {
                write!(f, "the validation token is for tenant {found}, which is not accepted")
            }
            TokenError::Uncovered { tenant_id } => write!(
                f,
                "resource data from tenant {tenant_id}, which no valid validation token covers"
            ),
        }
    }
}

impl std::error::Error for TokenError {}

/// Checks one validation token: its RS256 signature against `keys`, then its issuer,
/// tenant, expiry, audience and authorized party against `policy`, at `now`.
pub fn validate_token(
    token: &str,
    keys: &dyn SigningKeys,
    policy: &TokenPolicy,
    now: SystemTime,
) -> Result<TokenClaims, TokenError> {
    let malformed = |why: &str| TokenError::Malformed(why.to_string());
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("not three dot-separated parts"));
    };
    let decode_json = |part: &str, what: &str| -> Result<Json, TokenError> {
        token_part(part).map_err(|why| malformed(&format!("the {what} is {why}")))
    };
    let head = decode_json(header, "header")?;
    let alg = head.get("alg").and_then(Json::as_str).unwrap_or_default();
    if alg != "RS256" {
        return Err(TokenError::Algorithm(alg.to_string()));
    }
    let kid = head
        .get("kid")
        .and_then(Json::as_str)
        .ok_or_else(|| malformed("the header has no `kid`"))?;
    let key = keys.key(kid).ok_or_else(|| TokenError::UnknownKey {
        kid: kid.to_string(),
    })?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| malformed("the signature is not base64url"))?;
    let signed = &token[..header.len() + 1 + payload.len()];
    signature::RsaPublicKeyComponents {
        n: key.modulus.as_slice(),
        e: key.exponent.as_slice(),
    }
    .verify(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        signed.as_bytes(),
        &signature,
    )
    .map_err(|_| TokenError::Signature)?;

    let claims = decode_json(payload, "claims")?;
    let text = |name: &str| claims.get(name).and_then(Json::as_str).unwrap_or_default();
    let tenant_id = text("tid").to_ascii_lowercase();
    let issuer = text("iss");
    // v1 tokens (which Graph sends) and v2 tokens name the tenant in their issuer.
    let expected_issuers = [
        format!("https://sts.windows.net/{tenant_id}/"),
        format!("https://login.microsoftonline.com/{tenant_id}/v2.0"),
    ];
    if tenant_id.is_empty()
        || !expected_issuers
            .iter()
            .any(|i| i.eq_ignore_ascii_case(issuer))
    {
        return Err(TokenError::Issuer {
            found: issuer.to_string(),
        });
    }
    if let Some(tenants) = &policy.tenants {
        if !tenants.contains(&tenant_id) {
            return Err(TokenError::Tenant { found: tenant_id });
        }
    }
    let seconds = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let expires = claims
        .get("exp")
        .and_then(Json::as_u64)
        .ok_or_else(|| malformed("the claims have no numeric `exp`"))?;
    if expires.saturating_add(CLOCK_SKEW_SECONDS) < seconds {
        return Err(TokenError::Expired { at: expires });
    }
    if let Some(not_before) = claims.get("nbf").and_then(Json::as_u64) {
        if not_before > seconds.saturating_add(CLOCK_SKEW_SECONDS) {
            return Err(TokenError::NotYetValid { at: not_before });
        }
    }
    let audience = text("aud");
    if !audience.eq_ignore_ascii_case(&policy.app_id) {
        return Err(TokenError::Audience {
            found: audience.to_string(),
        });
    }
    let party = text("azp");
    if !party.eq_ignore_ascii_case(CHANGE_TRACKING_APP_ID) {
        return Err(TokenError::AuthorizedParty {
            found: party.to_string(),
        });
    }
    Ok(TokenClaims { tenant_id, expires })
}

/// One base64url part of a token (its header or claims) as JSON, or what it is not.
fn token_part(part: &str) -> Result<Json, &'static str> {
    let bytes = URL_SAFE_NO_PAD.decode(part).map_err(|_| "not base64url")?;
    serde_json::from_slice(&bytes).map_err(|_| "not JSON")
}

/// Notifications whose validation tokens all passed: only these can be decrypted.
#[derive(Clone, Debug, PartialEq)]
pub struct Verified {
    notifications: Notifications,
    tenants: Vec<TokenClaims>,
}

impl Notifications {
    /// Checks every validation token of the delivery ([`validate_token`]) and that each
    /// change with encrypted content comes from a tenant a token covers. A delivery
    /// without resource data and without tokens passes as it is.
    pub fn verify(
        self,
        keys: &dyn SigningKeys,
        policy: &TokenPolicy,
        now: SystemTime,
    ) -> Result<Verified, TokenError> {
        let with_content = self
            .changes
            .iter()
            .filter(|c| c.encrypted_content.is_some());
        if self.validation_tokens.is_empty() && with_content.clone().next().is_some() {
            return Err(TokenError::Missing);
        }
        let tenants = self
            .validation_tokens
            .iter()
            .map(|token| validate_token(token, keys, policy, now))
            .collect::<Result<Vec<_>, _>>()?;
        for change in with_content {
            let tenant = change
                .tenant_id
                .as_deref()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !tenants.iter().any(|t| t.tenant_id == tenant) {
                return Err(TokenError::Uncovered { tenant_id: tenant });
            }
        }
        Ok(Verified {
            notifications: self,
            tenants,
        })
    }
}

impl Verified {
    /// The changes, each of which can decrypt its resource.
    pub fn changes(&self) -> impl Iterator<Item = VerifiedChange<'_>> {
        self.notifications
            .changes
            .iter()
            .map(|change| VerifiedChange { change })
    }

    /// The lifecycle events.
    pub fn lifecycle(&self) -> &[LifecycleNotification] {
        &self.notifications.lifecycle
    }

    /// What the valid tokens vouch for, one entry a token.
    pub fn tokens(&self) -> &[TokenClaims] {
        &self.tenants
    }

    /// The notifications, verified.
    pub fn into_inner(self) -> Notifications {
        self.notifications
    }
}

/// A change of a [`Verified`] delivery.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VerifiedChange<'a> {
    change: &'a ChangeNotification,
}

impl Deref for VerifiedChange<'_> {
    type Target = ChangeNotification;

    fn deref(&self) -> &ChangeNotification {
        self.change
    }
}

impl VerifiedChange<'_> {
    /// The decrypted resource as JSON, or `None` when the change carries no encrypted
    /// content.
    pub fn decrypt(&self, certificates: &Certificates) -> Result<Option<Json>, DecryptError> {
        let Some(content) = &self.change.encrypted_content else {
            return Ok(None);
        };
        let plain = certificates.decrypt(content)?;
        serde_json::from_slice(&plain)
            .map(Some)
            .map_err(|e| DecryptError::Resource(e.to_string()))
    }

    /// The decrypted resource as the model `T` (`User`, `ChatMessage`, ...), or `None`
    /// when the change carries no encrypted content.
    pub fn resource<T: DeserializeOwned>(
        &self,
        certificates: &Certificates,
    ) -> Result<Option<T>, DecryptError> {
        match self.decrypt(certificates)? {
            None => Ok(None),
            Some(json) => serde_json::from_value(json)
                .map(Some)
                .map_err(|e| DecryptError::Resource(e.to_string())),
        }
    }
}

/// The private keys of the certificates subscriptions were created with, by the
/// `encryptionCertificateId` given at creation.
#[derive(Default)]
pub struct Certificates {
    keys: HashMap<String, OaepPrivateDecryptingKey>,
}

impl fmt::Debug for Certificates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut ids: Vec<&String> = self.keys.keys().collect();
        ids.sort();
        f.debug_struct("Certificates").field("ids", &ids).finish()
    }
}

impl Certificates {
    /// No certificates.
    pub fn new() -> Certificates {
        Certificates::default()
    }

    /// The RSA private key (PKCS#8, DER) of the certificate known to subscriptions as
    /// `certificate_id`.
    pub fn add_pkcs8(
        &mut self,
        certificate_id: &str,
        pkcs8_der: &[u8],
    ) -> Result<&mut Self, DecryptError> {
        let key = PrivateDecryptingKey::from_pkcs8(pkcs8_der)
            .map_err(|e| DecryptError::PrivateKey(e.to_string()))?;
        let key = OaepPrivateDecryptingKey::new(key)
            .map_err(|_| DecryptError::PrivateKey("not usable for RSA-OAEP".into()))?;
        self.keys.insert(certificate_id.to_string(), key);
        Ok(self)
    }

    /// The plaintext of an `encryptedContent` object: its data key unwrapped with the
    /// certificate's private key, the signature checked, and only then the data
    /// decrypted. Nothing is returned of data that fails a check.
    pub fn decrypt(&self, encrypted_content: &Json) -> Result<Vec<u8>, DecryptError> {
        let field = |name: &'static str| -> Result<&str, DecryptError> {
            encrypted_content
                .get(name)
                .and_then(Json::as_str)
                .ok_or(DecryptError::Missing(name))
        };
        let bytes = |name: &'static str| -> Result<Vec<u8>, DecryptError> {
            STANDARD
                .decode(field(name)?)
                .map_err(|_| DecryptError::Encoding(name))
        };
        let certificate_id = field("encryptionCertificateId")?;
        let key =
            self.keys
                .get(certificate_id)
                .ok_or_else(|| DecryptError::UnknownCertificate {
                    id: certificate_id.to_string(),
                })?;
        let wrapped = bytes("dataKey")?;
        let mut unwrapped = vec![0; key.min_output_size()];
        let data_key = key
            .decrypt(&OAEP_SHA1_MGF1SHA1, &wrapped, &mut unwrapped, None)
            .map_err(|_| DecryptError::DataKey)?;
        if data_key.len() != 32 {
            return Err(DecryptError::DataKey);
        }
        let data = bytes("data")?;
        let claimed = bytes("dataSignature")?;
        hmac::verify(
            &hmac::Key::new(hmac::HMAC_SHA256, data_key),
            &data,
            &claimed,
        )
        .map_err(|_| DecryptError::Signature)?;
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&data_key[..16]);
        let cipher = UnboundCipherKey::new(&AES_256, data_key)
            .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
            .map_err(|_| DecryptError::DataKey)?;
        let mut in_out = data;
        let length = cipher
            .decrypt(&mut in_out, DecryptionContext::Iv128(iv.into()))
            .map_err(|_| DecryptError::Data)?
            .len();
        in_out.truncate(length);
        Ok(in_out)
    }
}

/// Why encrypted content was not decrypted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecryptError {
    /// A private key that is not an RSA key in PKCS#8.
    PrivateKey(String),
    /// A member of `encryptedContent` is missing.
    Missing(&'static str),
    /// A member of `encryptedContent` is not base64.
    Encoding(&'static str),
    /// The content names a certificate whose key was not added.
    UnknownCertificate {
        /// The `encryptionCertificateId`.
        id: String,
    },
    /// The data key does not decrypt with the certificate's private key.
    DataKey,
    /// The data's HMAC is not `dataSignature`: the content was altered.
    Signature,
    /// The data does not decrypt (bad padding).
    Data,
    /// The plaintext is not the JSON of the expected resource.
    Resource(String),
}

impl fmt::Display for DecryptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecryptError::PrivateKey(why) => {
                write!(f, "the certificate's private key is not RSA PKCS#8: {why}")
            }
            DecryptError::Missing(name) => write!(f, "encryptedContent has no `{name}`"),
            DecryptError::Encoding(name) => write!(f, "encryptedContent's `{name}` is not base64"),
            DecryptError::UnknownCertificate { id } => write!(
                f,
                "the content is encrypted for certificate {id}, whose key was not added"
            ),
            DecryptError::DataKey => {
                f.write_str("the data key does not decrypt with the certificate's private key")
            }
            DecryptError::Signature => {
                f.write_str("the data's signature does not match: the content was altered")
            }
            DecryptError::Data => f.write_str("the data does not decrypt"),
            DecryptError::Resource(why) => {
                write!(f, "the decrypted data is not the expected resource: {why}")
            }
        }
    }
}

impl std::error::Error for DecryptError {}

#[cfg(feature = "client-no-provider")]
pub use open_id::{OpenIdKeys, PLATFORM_KEYS};

#[cfg(feature = "client-no-provider")]
mod open_id {
    use super::{KeySet, SigningKeys};
    use crate::Error;
    use std::sync::Arc;
    use std::time::Duration;
    // tokio's clock, which tests can pause and advance.
    use tokio::time::Instant;

    /// The identity platform's key set, which signs validation tokens.
    pub const PLATFORM_KEYS: &str = "https://login.microsoftonline.com/common/discovery/v2.0/keys";

    /// How long a fetched key set is used before it is fetched again.
    const REFRESH_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

    /// The shortest time between two attempts to fetch, so that forged tokens (or a
    /// platform that is down) cannot make the app hammer the platform.
    const UNKNOWN_KEY_BACKOFF: Duration = Duration::from_secs(5 * 60);

    /// The identity platform's published signing keys, fetched with a plain HTTP client
    /// (never the Graph client: its token must not go to another host) and cached.
    #[derive(Debug)]
    pub struct OpenIdKeys {
        http: reqwest::Client,
        url: String,
        cached: tokio::sync::Mutex<Option<Held>>,
    }

    /// The key set held, when it was fetched, and when a fetch was last attempted.
    #[derive(Debug)]
    struct Held {
        keys: Arc<KeySet>,
        fetched: Instant,
        attempted: Instant,
    }

    impl OpenIdKeys {
        /// The keys at [`PLATFORM_KEYS`].
        pub fn new() -> Result<OpenIdKeys, Error> {
            OpenIdKeys::at(PLATFORM_KEYS)
        }

        /// The keys of another key set document (a national cloud's, a test server's).
        pub fn at(url: &str) -> Result<OpenIdKeys, Error> {
            Ok(OpenIdKeys {
                http: crate::client::build_http(crate::client::http_client_builder())?,
                url: url.to_string(),
                cached: tokio::sync::Mutex::new(None),
            })
        }

        /// Keys to check `tokens` with: the cached set, fetched again when it is a day
        /// old, or when a token names a key it lacks; at most one attempt every five
        /// minutes. When a fetch fails and a set is cached, the cached set is returned:
        /// a token it cannot check then fails as `UnknownKey`.
        pub async fn keys_for(&self, tokens: &[String]) -> Result<Arc<KeySet>, Error> {
            let mut cached = self.cached.lock().await;
            if let Some(held) = cached.as_ref() {
                let stale = held.fetched.elapsed() >= REFRESH_AFTER;
                let lacks_one = tokens
                    .iter()
                    .filter_map(|t| key_id(t))
                    .any(|kid| held.keys.key(&kid).is_none());
                if (!stale && !lacks_one) || held.attempted.elapsed() < UNKNOWN_KEY_BACKOFF {
                    return Ok(held.keys.clone());
                }
            }
            let now = Instant::now();
            match self.fetch().await {
                Ok(keys) => {
                    *cached = Some(Held {
                        keys: keys.clone(),
                        fetched: now,
                        attempted: now,
                    });
                    Ok(keys)
                }
                Err(e) => match cached.as_mut() {
                    Some(held) => {
                        held.attempted = now;
                        Ok(held.keys.clone())
                    }
                    None => Err(e),
                },
            }
        }

        async fn fetch(&self) -> Result<Arc<KeySet>, Error> {
            let response = self.http.get(&self.url).send().await?;
            let status = response.status();
            let body = response.bytes().await?;
            if !status.is_success() {
                return Err(Error::Transport(
                    format!("the key set at {} answered {status}", self.url).into(),
                ));
            }
            KeySet::from_jwks(&body)
                .map(Arc::new)
                .map_err(|e| Error::Protocol(format!("{}: {e}", self.url)))
        }
    }

    /// The `kid` of a token's header, if it can be read.
    fn key_id(token: &str) -> Option<String> {
        let header = super::token_part(token.split('.').next()?).ok()?;
        header.get("kid")?.as_str().map(str::to_string)
    }
}

//! Notifications with resource data, end to end: a certificate and signing keys made
//! here, content encrypted and tokens signed as Graph does, then received, verified and
//! decrypted, and every kind of tampering refused.

use aws_lc_rs::cipher::{EncryptionContext, PaddedBlockEncryptingKey, UnboundCipherKey, AES_256};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{OaepPublicEncryptingKey, PublicEncryptingKey, OAEP_SHA1_MGF1SHA1};
use aws_lc_rs::signature::{KeyPair, RsaKeyPair, RSA_PKCS1_SHA256};
use aws_lc_rs::{hmac, rsa::KeySize};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use graph_runtime::notifications::resource_data::{
    Certificates, DecryptError, KeySet, OpenIdKeys, SigningKeys, TokenError, TokenPolicy,
    CHANGE_TRACKING_APP_ID,
};
use graph_runtime::notifications::{
    encryption_certificate, encryption_certificate_from_pem, LifecycleEvent, Receiver, Reception,
};
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const APP: &str = "8ae8e4dc-1c7f-4d4a-a8d3-2a0e5c6f0b11";
const TENANT: &str = "2c937fad-a8a7-496c-b0e4-bf77dcc7eb2a";
const CERTIFICATE_ID: &str = "webhook-certificate-2026";

/// The app's certificate, as it would register it with subscriptions.
struct AppCertificate {
    pem: String,
    der: Vec<u8>,
    /// SubjectPublicKeyInfo: what Graph encrypts data keys with.
    public_key: Vec<u8>,
    private_pkcs8: Vec<u8>,
}

fn app_certificate() -> AppCertificate {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).expect("an RSA key");
    let params =
        rcgen::CertificateParams::new(vec!["webhook.example".to_string()]).expect("params");
    let certificate = params.self_signed(&key).expect("a certificate");
    AppCertificate {
        pem: certificate.pem(),
        der: certificate.der().to_vec(),
        public_key: rcgen::PublicKeyData::subject_public_key_info(&key),
        private_pkcs8: key.serialize_der(),
    }
}

/// `resource` encrypted for `public_key` as Graph does: a random 256-bit key, wrapped
/// with RSA-OAEP (SHA-1); the data in AES-CBC, PKCS#7, with the key's first 16 bytes as
/// IV; the HMAC-SHA256 of the encrypted data under the key.
fn encrypt_as_graph(resource: &Json, public_key: &[u8]) -> Json {
    let mut data_key = [0u8; 32];
    aws_lc_rs::rand::fill(&mut data_key).expect("random");
    let mut iv = [0u8; 16];
    iv.copy_from_slice(&data_key[..16]);
    let cipher = PaddedBlockEncryptingKey::cbc_pkcs7(
        UnboundCipherKey::new(&AES_256, &data_key).expect("key"),
    )
    .expect("cipher");
    let mut data = serde_json::to_vec(resource).expect("JSON");
    cipher
        .less_safe_encrypt(&mut data, EncryptionContext::Iv128(iv.into()))
        .expect("encrypt");
    let signature = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &data_key), &data);
    let wrapping = OaepPublicEncryptingKey::new(
        PublicEncryptingKey::from_der(public_key).expect("public key"),
    )
    .expect("OAEP");
    let mut wrapped = vec![0u8; wrapping.ciphertext_size()];
    let wrapped = wrapping
        .encrypt(&OAEP_SHA1_MGF1SHA1, &data_key, &mut wrapped, None)
        .expect("wrap");
    json!({
        "data": STANDARD.encode(&data),
        "dataSignature": STANDARD.encode(signature.as_ref()),
        "dataKey": STANDARD.encode(&*wrapped),
        "encryptionCertificateId": CERTIFICATE_ID,
        "encryptionCertificateThumbprint": "07293748CC064953A3052FB978C735FB89E61C3D",
    })
}

/// The identity platform's side: a signing key and its published key set.
struct Platform {
    kid: String,
    key: RsaKeyPair,
}

impl Platform {
    fn new(kid: &str) -> Platform {
        Platform {
            kid: kid.to_string(),
            key: RsaKeyPair::generate(KeySize::Rsa2048).expect("a signing key"),
        }
    }

    fn jwks(&self) -> Vec<u8> {
        let public = self.key.public_key();
        serde_json::to_vec(&json!({ "keys": [
            { "kty": "EC", "kid": "skipped", "crv": "P-256" },
            // The same key published for encryption: not a signing key.
            {
                "kty": "RSA",
                "use": "enc",
                "kid": "encryption-only",
                "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
                "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
            },
            {
                "kty": "RSA",
                "use": "sig",
                "kid": self.kid,
                "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
                "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
            }
        ]}))
        .expect("JSON")
    }

    fn keys(&self) -> KeySet {
        KeySet::from_jwks(&self.jwks()).expect("a key set")
    }

    /// A token with these claims over the valid ones.
    fn token(&self, changes: &[(&str, Json)]) -> String {
        let now = unix_now();
        let mut claims: BTreeMap<&str, Json> = BTreeMap::from([
            ("aud", json!(APP)),
            ("azp", json!(CHANGE_TRACKING_APP_ID)),
            ("iss", json!(format!("https://sts.windows.net/{TENANT}/"))),
            ("tid", json!(TENANT)),
            ("iat", json!(now - 60)),
            ("nbf", json!(now - 60)),
            ("exp", json!(now + 3600)),
        ]);
        for (name, value) in changes {
            claims.insert(name, value.clone());
        }
        let header = json!({ "alg": "RS256", "typ": "JWT", "kid": self.kid });
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(serde_json::to_string(&claims).expect("JSON"))
        );
        let mut signature = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signed.as_bytes(),
                &mut signature,
            )
            .expect("sign");
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(&signature))
    }
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

fn user() -> Json {
    json!({
        "@odata.type": "#microsoft.graph.user",
        "id": "8a1c3f5e-2b1d-4b6e-9a0e-7c4b7e9f1d22",
        "displayName": "Adele Vance",
        "mail": "adele@contoso.example",
        "accountEnabled": true
    })
}

fn delivery(tokens: &[String], content: Json) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "validationTokens": tokens,
        "value": [
            {
                "id": "n-1",
                "subscriptionId": "sub-1",
                "clientState": "secret-1",
                "changeType": "updated",
                "resource": "Users/8a1c3f5e-2b1d-4b6e-9a0e-7c4b7e9f1d22",
                "resourceData": { "@odata.type": "#Microsoft.Graph.User", "id": "8a1c3f5e-2b1d-4b6e-9a0e-7c4b7e9f1d22" },
                "encryptedContent": content,
                "tenantId": TENANT,
                "subscriptionExpirationDateTime": "2026-12-07T10:00:00Z"
            },
            {
                "subscriptionId": "sub-1",
                "clientState": "secret-1",
                "lifecycleEvent": "reauthorizationRequired",
                "resource": "users",
                "tenantId": TENANT,
                "subscriptionExpirationDateTime": "2026-12-07T10:00:00Z"
            }
        ]
    }))
    .expect("JSON")
}

fn receiver() -> Receiver {
    let mut receiver = Receiver::new();
    receiver.register("sub-1", "secret-1");
    receiver
}

fn received(body: &[u8]) -> graph_runtime::notifications::Notifications {
    match receiver().receive("", body).expect("accepted") {
        Reception::Notifications(n) => n,
        other => panic!("not notifications: {other:?}"),
    }
}

/// A user as a model: the fields a webhook reads.
#[derive(Debug, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    display_name: String,
    mail: String,
}

fn certificates(certificate: &AppCertificate) -> Certificates {
    let mut certificates = Certificates::new();
    certificates
        .add_pkcs8(CERTIFICATE_ID, &certificate.private_pkcs8)
        .expect("the private key");
    certificates
}

#[test]
fn content_encrypted_as_graph_does_decrypts_to_the_typed_resource() {
    let certificate = app_certificate();
    let platform = Platform::new("key-1");
    let body = delivery(
        &[platform.token(&[])],
        encrypt_as_graph(&user(), &certificate.public_key),
    );
    let notifications = received(&body);
    assert_eq!(notifications.validation_tokens.len(), 1);
    let verified = notifications
        .verify(
            &platform.keys(),
            &TokenPolicy::new(APP).tenant(TENANT),
            SystemTime::now(),
        )
        .expect("valid tokens");
    assert_eq!(verified.tokens()[0].tenant_id, TENANT);
    assert_eq!(
        verified.lifecycle()[0].event,
        LifecycleEvent::ReauthorizationRequired
    );
    let change = verified.changes().next().expect("a change");
    assert_eq!(change.change_type, "updated");
    let resource: Option<User> = change
        .resource(&certificates(&certificate))
        .expect("decrypted");
    assert_eq!(
        resource,
        Some(User {
            id: "8a1c3f5e-2b1d-4b6e-9a0e-7c4b7e9f1d22".into(),
            display_name: "Adele Vance".into(),
            mail: "adele@contoso.example".into(),
        })
    );
    assert_eq!(
        change.decrypt(&certificates(&certificate)).expect("JSON"),
        Some(user())
    );
}

/// Flips one bit of one byte of a base64 member.
fn flip(content: &Json, member: &str, at: usize) -> Json {
    let mut bytes = STANDARD
        .decode(content[member].as_str().expect("a string"))
        .expect("base64");
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x01;
    let mut altered = content.clone();
    altered[member] = json!(STANDARD.encode(bytes));
    altered
}

#[test]
fn a_flipped_byte_anywhere_is_refused_before_any_plaintext() {
    let certificate = app_certificate();
    let certificates = certificates(&certificate);
    let content = encrypt_as_graph(&user(), &certificate.public_key);
    assert!(certificates.decrypt(&content).is_ok());
    // Every byte position of the data is covered by the signature, the last block's
    // padding included.
    let data_len = STANDARD
        .decode(content["data"].as_str().expect("data"))
        .expect("base64")
        .len();
    for at in [0, 15, 16, data_len / 2, data_len - 1] {
        assert_eq!(
            certificates.decrypt(&flip(&content, "data", at)),
            Err(DecryptError::Signature),
            "data byte {at}"
        );
    }
    for at in [0, 100, 255] {
        assert_eq!(
            certificates.decrypt(&flip(&content, "dataKey", at)),
            Err(DecryptError::DataKey),
            "dataKey byte {at}"
        );
    }
    for at in [0, 31] {
        assert_eq!(
            certificates.decrypt(&flip(&content, "dataSignature", at)),
            Err(DecryptError::Signature),
            "dataSignature byte {at}"
        );
    }
    let mut elsewhere = content.clone();
    elsewhere["encryptionCertificateId"] = json!("another-certificate");
    assert_eq!(
        certificates.decrypt(&elsewhere),
        Err(DecryptError::UnknownCertificate {
            id: "another-certificate".into()
        })
    );
    let mut not_base64 = content.clone();
    not_base64["data"] = json!("%%%");
    assert_eq!(
        certificates.decrypt(&not_base64),
        Err(DecryptError::Encoding("data"))
    );
}

#[test]
fn each_bad_token_is_refused_with_its_own_error() {
    let platform = Platform::new("key-1");
    let keys = platform.keys();
    let policy = TokenPolicy::new(APP).tenant(TENANT);
    let check = |token: String| {
        graph_runtime::notifications::resource_data::validate_token(
            &token,
            &keys,
            &policy,
            SystemTime::now(),
        )
    };
    assert!(check(platform.token(&[])).is_ok());
    let now = unix_now();
    assert_eq!(
        check(platform.token(&[("exp", json!(now - 3600))])),
        Err(TokenError::Expired { at: now - 3600 })
    );
    assert_eq!(
        check(platform.token(&[("nbf", json!(now + 3600))])),
        Err(TokenError::NotYetValid { at: now + 3600 })
    );
    assert_eq!(
        check(platform.token(&[("aud", json!("another-app"))])),
        Err(TokenError::Audience {
            found: "another-app".into()
        })
    );
    assert_eq!(
        check(platform.token(&[("azp", json!("some-other-client"))])),
        Err(TokenError::AuthorizedParty {
            found: "some-other-client".into()
        })
    );
    assert_eq!(
        check(platform.token(&[("iss", json!("https://sts.example/evil/"))])),
        Err(TokenError::Issuer {
            found: "https://sts.example/evil/".into()
        })
    );
    let other_tenant = "0f1e2d3c-0000-4000-8000-000000000001";
    assert_eq!(
        check(platform.token(&[
            ("tid", json!(other_tenant)),
            (
                "iss",
                json!(format!("https://sts.windows.net/{other_tenant}/"))
            )
        ])),
        Err(TokenError::Tenant {
            found: other_tenant.into()
        })
    );
    // A key the set does not hold, and a key the set holds under another's id.
    let stranger = Platform::new("key-2");
    assert_eq!(
        check(stranger.token(&[])),
        Err(TokenError::UnknownKey {
            kid: "key-2".into()
        })
    );
    let impostor = Platform::new("key-1");
    assert_eq!(check(impostor.token(&[])), Err(TokenError::Signature));
    // Altered claims break the signature.
    let token = platform.token(&[]);
    let mut parts: Vec<&str> = token.split('.').collect();
    let forged_claims = URL_SAFE_NO_PAD.encode(
        json!({ "aud": APP, "azp": CHANGE_TRACKING_APP_ID, "tid": TENANT,
                "iss": format!("https://sts.windows.net/{TENANT}/"), "exp": now + 7200 })
        .to_string(),
    );
    parts[1] = &forged_claims;
    assert_eq!(check(parts.join(".")), Err(TokenError::Signature));
    // Only RS256: `none` and HMAC tokens are refused whatever they claim.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"key-1"}"#),
        parts[1]
    );
    assert_eq!(check(none), Err(TokenError::Algorithm("none".into())));
    assert!(matches!(check("a.b".into()), Err(TokenError::Malformed(_))));
}

#[test]
fn decryption_waits_for_valid_tokens() {
    let certificate = app_certificate();
    let platform = Platform::new("key-1");
    let content = encrypt_as_graph(&user(), &certificate.public_key);
    let policy = TokenPolicy::new(APP);
    // No token at all.
    assert_eq!(
        received(&delivery(&[], content.clone()))
            .verify(&platform.keys(), &policy, SystemTime::now())
            .map(|_| ()),
        Err(TokenError::Missing)
    );
    // One bad token among good ones spoils the delivery.
    let tokens = [
        platform.token(&[]),
        platform.token(&[("aud", json!("another-app"))]),
    ];
    assert!(matches!(
        received(&delivery(&tokens, content.clone())).verify(
            &platform.keys(),
            &policy,
            SystemTime::now()
        ),
        Err(TokenError::Audience { .. })
    ));
    // A valid token of another tenant does not cover this tenant's resource.
    let other_tenant = "0f1e2d3c-0000-4000-8000-000000000001";
    let elsewhere = platform.token(&[
        ("tid", json!(other_tenant)),
        (
            "iss",
            json!(format!("https://sts.windows.net/{other_tenant}/")),
        ),
    ]);
    assert_eq!(
        received(&delivery(&[elsewhere], content))
            .verify(&platform.keys(), &policy, SystemTime::now())
            .map(|_| ()),
        Err(TokenError::Uncovered {
            tenant_id: TENANT.into()
        })
    );
    // The same tokens a day later have expired.
    let later = SystemTime::now() + Duration::from_secs(24 * 3600);
    let fresh = delivery(
        &[platform.token(&[])],
        encrypt_as_graph(&user(), &certificate.public_key),
    );
    assert!(matches!(
        received(&fresh).verify(&platform.keys(), &policy, later),
        Err(TokenError::Expired { .. })
    ));
}

#[test]
fn the_encryption_certificate_is_the_certificate_in_base64() {
    let certificate = app_certificate();
    let field = encryption_certificate(&certificate.der);
    assert_eq!(STANDARD.decode(&field).expect("base64"), certificate.der);
    assert_eq!(
        encryption_certificate_from_pem(&certificate.pem).expect("PEM"),
        field
    );
    assert!(encryption_certificate_from_pem("-----BEGIN PRIVATE KEY-----").is_err());
}

#[tokio::test]
async fn the_platform_keys_are_fetched_without_the_graph_token_and_cached() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let platform = Platform::new("key-1");
    Mock::given(method("GET"))
        .and(path("/discovery/v2.0/keys"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(platform.jwks()))
        .mount(&server)
        .await;
    let provider =
        OpenIdKeys::at(&format!("{}/discovery/v2.0/keys", server.uri())).expect("a provider");
    let tokens = vec![platform.token(&[])];
    let keys = provider.keys_for(&tokens).await.expect("keys");
    assert!(keys.key("key-1").is_some());
    assert_eq!(keys.kids().collect::<Vec<_>>(), ["key-1"]);
    // Known keys come from the cache; an unknown key id within five minutes too, so
    // that forged tokens cannot make the app hammer the platform.
    provider.keys_for(&tokens).await.expect("keys");
    let stranger = vec![Platform::new("key-9").token(&[])];
    let again = provider.keys_for(&stranger).await.expect("keys");
    assert!(again.key("key-9").is_none());
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test(start_paused = true)]
async fn the_platform_keys_are_fetched_again_at_most_every_five_minutes() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let old = Platform::new("key-1");
    let new = Platform::new("key-2");
    for answer in [
        ResponseTemplate::new(200).set_body_bytes(old.jwks()),
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_bytes(new.jwks()),
    ] {
        Mock::given(method("GET"))
            .respond_with(answer)
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let provider = OpenIdKeys::at(&server.uri()).expect("a provider");
    let rotated = vec![new.token(&[])];
    let requests = || async { server.received_requests().await.expect("recorded").len() };
    assert!(provider
        .keys_for(&rotated)
        .await
        .expect("keys")
        .key("key-1")
        .is_some());
    assert_eq!(requests().await, 1);
    // Within five minutes of the fetch, an unknown key id does not fetch again.
    tokio::time::advance(Duration::from_secs(60)).await;
    provider.keys_for(&rotated).await.expect("keys");
    assert_eq!(requests().await, 1);
    // After five minutes it does; the platform fails, and the cached set is kept.
    tokio::time::advance(Duration::from_secs(5 * 60)).await;
    let kept = provider.keys_for(&rotated).await.expect("the cached keys");
    assert!(kept.key("key-1").is_some() && kept.key("key-2").is_none());
    assert_eq!(requests().await, 2);
    provider.keys_for(&rotated).await.expect("keys");
    assert_eq!(
        requests().await,
        2,
        "a failed attempt waits five minutes too"
    );
    tokio::time::advance(Duration::from_secs(5 * 60)).await;
    let fresh = provider.keys_for(&rotated).await.expect("keys");
    assert!(fresh.key("key-2").is_some());
    assert_eq!(requests().await, 3);
}

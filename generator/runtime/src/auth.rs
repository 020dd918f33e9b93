//! Sign-in: national clouds and the client credentials grant, sans-IO.
//!
//! A [`Cloud`] sets the three things that must agree: the Graph host, the sign-in
//! authority and the `.default` scope. [`TokenRequest`] is the form an app posts to
//! the v2.0 token endpoint of Microsoft Entra ID for the client credentials grant;
//! [`Token::parse`] reads the answer, and a refusal becomes a [`SignInError`] with the
//! service's code (`invalid_client`, ...) and description (`AADSTS7000215: Invalid
//! client secret provided...`).
//!
//! `client::ClientCredentials` sends the form, caches the token and asks for a new one
//! before it expires.

use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// The Microsoft Graph deployments: the global service and the national clouds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Cloud {
    /// The global service: `graph.microsoft.com`, `login.microsoftonline.com`.
    #[default]
    Global,
    /// Microsoft Graph for US Government L4 (GCC High): `graph.microsoft.us`,
    /// `login.microsoftonline.us`.
    UsGovernment,
    /// Microsoft Graph for US Government L5 (DOD): `dod-graph.microsoft.us`,
    /// `login.microsoftonline.us`.
    UsGovernmentDod,
    /// Microsoft Graph China operated by 21Vianet: `microsoftgraph.chinacloudapi.cn`,
    /// `login.chinacloudapi.cn`.
    China,
}

impl Cloud {
    /// Every cloud, for lists and tests.
    pub const ALL: [Cloud; 4] = [
        Cloud::Global,
        Cloud::UsGovernment,
        Cloud::UsGovernmentDod,
        Cloud::China,
    ];

    /// The Graph service root, without version (`https://graph.microsoft.com`).
    pub fn graph_host(self) -> &'static str {
        match self {
            Cloud::Global => "https://graph.microsoft.com",
            Cloud::UsGovernment => "https://graph.microsoft.us",
            Cloud::UsGovernmentDod => "https://dod-graph.microsoft.us",
            Cloud::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The v1.0 endpoint, the base URL of `client::Client`.
    pub fn graph_v1(self) -> String {
        format!("{}/v1.0", self.graph_host())
    }

    /// The beta endpoint.
    pub fn graph_beta(self) -> String {
        format!("{}/beta", self.graph_host())
    }

    /// The Microsoft Entra ID authority (`https://login.microsoftonline.com`).
    pub fn authority(self) -> &'static str {
        match self {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovernment | Cloud::UsGovernmentDod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The scope an app asks for to get all its granted application permissions on
    /// this cloud's Graph (`https://graph.microsoft.com/.default`): a scope must name
    /// the Graph host of the same cloud.
    pub fn default_scope(self) -> String {
        format!("{}/.default", self.graph_host())
    }

    /// The v2.0 token endpoint of `tenant` (an id or a domain) on this cloud.
    pub fn token_url(self, tenant: &str) -> String {
        token_url(self.authority(), tenant)
    }
}

/// `{authority}/{tenant}/oauth2/v2.0/token`, the tenant percent-encoded as one segment.
pub fn token_url(authority: &str, tenant: &str) -> String {
    let tenant: String = form_urlencoded::byte_serialize(tenant.as_bytes()).collect();
    format!(
        "{}/{tenant}/oauth2/v2.0/token",
        authority.trim_end_matches('/')
    )
}

/// The client credentials grant: what an app posts to the token endpoint.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// The app's (client) id.
    pub client_id: String,
    /// What the token is for: a resource's `.default` scope, e.g.
    /// `https://graph.microsoft.com/.default`.
    pub scope: String,
    /// How the app proves who it is: a secret or a signed assertion.
    pub credential: ClientCredential,
}

/// How the app proves who it is.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientCredential {
    /// A client secret.
    Secret(String),
    /// A signed JWT (a certificate's client assertion), sent as
    /// `client_assertion` with the JWT-bearer assertion type.
    Assertion(String),
}

// Secrets stay out of logs.
impl fmt::Debug for TokenRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credential = match self.credential {
            ClientCredential::Secret(_) => "Secret(..)",
            ClientCredential::Assertion(_) => "Assertion(..)",
        };
        f.debug_struct("TokenRequest")
            .field("client_id", &self.client_id)
            .field("scope", &self.scope)
            .field("credential", &format_args!("{credential}"))
            .finish()
    }
}

impl TokenRequest {
    /// The form body (`application/x-www-form-urlencoded`).
    pub fn form(&self) -> String {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("client_id", &self.client_id)
            .append_pair("scope", &self.scope)
            .append_pair("grant_type", "client_credentials");
        match &self.credential {
            ClientCredential::Secret(secret) => {
                form.append_pair("client_secret", secret);
            }
            ClientCredential::Assertion(jwt) => {
                form.append_pair(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .append_pair("client_assertion", jwt);
            }
        }
        form.finish()
    }
}

/// An access token and how long it is valid from when it was issued.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    /// The bearer token sent in `Authorization`.
    pub access_token: String,
    /// How long the token is valid from when it was issued.
    pub expires_in: Duration,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &format_args!(".."))
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

impl Token {
    /// Reads the token endpoint's answer: a token for `200`, a [`SignInError`]
    /// otherwise or when the body has no `access_token`.
    pub fn parse(status: u16, body: &[u8]) -> Result<Self, SignInError> {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let text = |name: &str| json.as_ref()?.get(name)?.as_str().map(str::to_string);
        if (200..300).contains(&status) {
            if let Some(access_token) = text("access_token") {
                // A number, or a number in a string (some endpoints send that).
                let expires_in = json
                    .as_ref()
                    .and_then(|j| j.get("expires_in"))
                    .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
                    .unwrap_or(0);
                return Ok(Token {
                    access_token,
                    expires_in: Duration::from_secs(expires_in),
                });
            }
        }
        let snippet: String = String::from_utf8_lossy(body).chars().take(200).collect();
        Err(SignInError {
            status,
            code: text("error"),
            description: text("error_description").or_else(|| json.is_none().then_some(snippet)),
            trace_id: text("trace_id"),
            correlation_id: text("correlation_id"),
        })
    }
}

/// The token endpoint refused to give a token, or its answer could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignInError {
    /// The HTTP status of the answer.
    pub status: u16,
    /// The OAuth error code: `invalid_client`, `unauthorized_client`,
    /// `invalid_scope`, ...
    pub code: Option<String>,
    /// What Microsoft Entra ID says, with its `AADSTS` number.
    pub description: Option<String>,
    /// The request's trace id, for Microsoft support.
    pub trace_id: Option<String>,
    /// The request's correlation id, for Microsoft support.
    pub correlation_id: Option<String>,
}

impl fmt::Display for SignInError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the token endpoint answered {}", self.status)?;
        match (&self.code, &self.description) {
            (Some(code), Some(description)) => write!(f, ": {code}: {description}"),
            (Some(code), None) => write!(f, ": {code}"),
            (None, Some(description)) => write!(f, ": {description}"),
            (None, None) => write!(f, " without an access token"),
        }
    }
}

impl std::error::Error for SignInError {}

#[cfg(test)]
mod tests;

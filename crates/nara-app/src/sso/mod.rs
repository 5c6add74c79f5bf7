//! Signing in with the organisation's own identity: OpenID Connect's authorization code flow
//! with PKCE, `state` and `nonce`, by the `openidconnect` crate over Nära's own HTTP client.
//!
//! [`App::sso_begin`] keeps the sign-in's nonce and PKCE verifier in the store under the hash
//! of its `state` (so any instance can finish it, and only once) and sends the browser to the
//! provider; [`App::sso_finish`] takes it back once, exchanges the code, verifies the ID token
//! (signature by the provider's keys, issuer, audience, expiry, nonce), applies the provider's
//! rules (core [`nara_core::sso`]) and gives the account linked to the person's issuer and
//! subject. Every refusal is a [`Refusal`] with its own Swedish sentence; nothing is stored for a
//! refused person but the audit row.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nara_core::User;
use nara_core::sso::{Provider, SecretSource, SsoConfig};
use nara_store::{SsoPending, SsoPerson};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, ClaimsVerificationError, Client, ClientId, ClientSecret,
    CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields,
    IssuerUrl, Nonce, PkceCodeChallenge, PkceCodeVerifier, ProviderMetadataWithLogout, RedirectUrl,
    Scope, StandardErrorResponse, StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::users::secret_hash;
use crate::{App, Error, Result};

mod http;
mod refusal;

pub use refusal::Refusal;

/// How long a started sign-in may take at the provider.
pub const PENDING_MAX: Duration = Duration::from_secs(10 * 60);
/// The most started sign-ins the store keeps (about 300 bytes each): a flood from many
/// addresses pushes out the oldest starts instead of growing the database; the server also
/// limits starts per address.
pub const MAX_PENDING: u64 = 20_000;
/// How long a provider's discovery document and keys are kept before they are fetched again
/// (also at once when a token is signed by a key not among them).
const METADATA_TTL: Duration = Duration::from_secs(15 * 60);

/// The claims beyond the standard ones (Entra's `tid`, `groups`, an HSA id …), kept whole.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Extra {
    #[serde(flatten)]
    rest: Map<String, Value>,
}
impl AdditionalClaims for Extra {}

type Fields = IdTokenFields<
    Extra,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;
type Tokens = StandardTokenResponse<Fields, CoreTokenType>;
type OidcClient = Client<
    Extra,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The configured providers with their secrets, an HTTP client and each provider's discovery
/// document and keys (cached).
pub struct Sso {
    config: SsoConfig,
    secrets: HashMap<String, String>,
    http: http::Http,
    metadata: Mutex<HashMap<String, (Instant, Arc<ProviderMetadataWithLogout>)>>,
}

impl std::fmt::Debug for Sso {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self
            .config
            .providers
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        f.debug_struct("Sso")
            .field("providers", &ids)
            .finish_non_exhaustive()
    }
}

/// Where the browser goes to sign in, and the state its cookie keeps.
#[derive(Debug, Clone)]
pub struct Begun {
    /// The provider's authorization address with every parameter.
    pub url: String,
    /// The `state` (for the browser's cookie; the store keeps only its hash).
    pub state: String,
}

/// The provider's answer, as it came back to the redirect address.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Answer {
    /// The `state` sent.
    #[serde(default)]
    pub state: String,
    /// The authorization code.
    #[serde(default)]
    pub code: String,
    /// An error code, when the provider refused or the person cancelled.
    #[serde(default)]
    pub error: String,
}

impl Sso {
    /// No providers: sign-in with passwords only.
    pub fn none() -> Self {
        Self::new(SsoConfig::default(), HashMap::new())
    }

    fn new(config: SsoConfig, secrets: HashMap<String, String>) -> Self {
        Self {
            config,
            secrets,
            http: http::Http::new(),
            metadata: Mutex::new(HashMap::new()),
        }
    }

    /// Reads a providers file and each provider's secret (from its environment variable or
    /// file). Every problem is said in Swedish.
    pub fn load(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Invalid(format!(
                "Inloggningsleverantörerna kunde inte läsas från {}: {e}.",
                path.display()
            ))
        })?;
        let config = SsoConfig::parse(&text).map_err(|e| Error::Invalid(e.to_string()))?;
        Self::with_secrets(config, |name| std::env::var(name).ok())
    }

    /// The providers of `config`, with secrets read from the environment by `env` (or from
    /// files).
    pub fn with_secrets(config: SsoConfig, env: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let mut secrets = HashMap::new();
        let mut problems = Vec::new();
        for p in &config.providers {
            let secret = match &p.secret {
                SecretSource::None => continue,
                SecretSource::Env(name) => env(name).ok_or_else(|| {
                    format!(
                        "{}: miljövariabeln {name} (client_secret_env) är inte satt.",
                        p.id
                    )
                }),
                SecretSource::File(path) => std::fs::read_to_string(path)
                    .map_err(|e| format!("{}: {path} (client_secret_file): {e}.", p.id)),
            };
            match secret.map(|s| s.trim().to_string()) {
                Ok(s) if !s.is_empty() => {
                    secrets.insert(p.id.clone(), s);
                }
                Ok(_) => problems.push(format!("{}: hemligheten är tom.", p.id)),
                Err(e) => problems.push(e),
            }
        }
        if problems.is_empty() {
            Ok(Self::new(config, secrets))
        } else {
            Err(Error::Invalid(format!(
                "Inloggningsleverantörerna har fel: {}",
                problems.join(" ")
            )))
        }
    }

    /// The providers, in the file's order.
    pub fn providers(&self) -> &[Provider] {
        &self.config.providers
    }

    /// A provider by id.
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.config.provider(id)
    }

    /// The provider's discovery document and keys: cached for a while, fetched again when
    /// `fresh`.
    async fn metadata(
        &self,
        p: &Provider,
        fresh: bool,
    ) -> std::result::Result<Arc<ProviderMetadataWithLogout>, Refusal> {
        if !fresh {
            let cached = self
                .metadata
                .lock()
                .ok()
                .and_then(|m| m.get(&p.id).cloned());
            if let Some((_, m)) = cached.filter(|(at, _)| at.elapsed() < METADATA_TTL) {
                return Ok(m);
            }
        }
        let issuer = IssuerUrl::new(p.issuer.clone()).map_err(|_| Refusal::down(p))?;
        let m = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| {
                tracing::warn!(provider = %p.id, error = %e, "discovery failed");
                Refusal::down(p)
            })?;
        let m = Arc::new(m);
        if let Ok(mut cache) = self.metadata.lock() {
            cache.insert(p.id.clone(), (Instant::now(), m.clone()));
        }
        Ok(m)
    }

    fn client(
        &self,
        p: &Provider,
        m: &ProviderMetadataWithLogout,
        redirect: &str,
    ) -> std::result::Result<OidcClient, Refusal> {
        let redirect = RedirectUrl::new(redirect.to_string()).map_err(|_| Refusal::down(p))?;
        let secret = self.secrets.get(&p.id).cloned().map(ClientSecret::new);
        Ok(OidcClient::from_provider_metadata(
            m.clone(),
            ClientId::new(p.client_id.clone()),
            secret,
        )
        .set_redirect_uri(redirect))
    }

    /// The provider's end-session address for a person signing out of Nära, when it has one.
    pub async fn end_session_url(&self, provider: &str, back: &str) -> Option<String> {
        let p = self.provider(provider)?;
        let m = self.metadata(p, false).await.ok()?;
        let mut url = m
            .additional_metadata()
            .end_session_endpoint
            .clone()?
            .url()
            .clone();
        url.query_pairs_mut()
            .append_pair("client_id", &p.client_id)
            .append_pair("post_logout_redirect_uri", back);
        Some(url.to_string())
    }
}

impl App {
    /// Starts a sign-in at a provider: its address for the browser, with a fresh `state`,
    /// `nonce` and PKCE challenge; the nonce and verifier are kept in the store under the
    /// state's hash.
    pub async fn sso_begin(
        &self,
        sso: &Sso,
        provider: &str,
        redirect: &str,
    ) -> std::result::Result<Begun, Refusal> {
        let p = sso.provider(provider).ok_or(Refusal::UnknownProvider)?;
        let m = sso.metadata(p, false).await?;
        let client = sso.client(p, &m, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for s in &p.scopes {
            request = request.add_scope(Scope::new(s.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let pending = SsoPending {
            state_hash: secret_hash(state.secret()),
            provider: p.id.clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            created_at: self.store.now(),
        };
        self.store
            .put_sso_pending(&pending, MAX_PENDING)
            .await
            .map_err(|e| Refusal::Store(e.to_string()))?;
        Ok(Begun {
            url: url.to_string(),
            state: state.secret().clone(),
        })
    }

    /// Finishes a sign-in: the provider's answer, checked against the state the browser's
    /// cookie kept (`cookie_state`), the code exchanged, the ID token verified and the rules
    /// applied. Returns the account (made at the first sign-in) and the provider's id.
    pub async fn sso_finish(
        &self,
        sso: &Sso,
        answer: &Answer,
        cookie_state: Option<&str>,
        redirect: &str,
    ) -> std::result::Result<(User, String), Refusal> {
        if answer.state.is_empty() || cookie_state != Some(answer.state.as_str()) {
            return Err(Refusal::StateMismatch);
        }
        let max = i64::try_from(PENDING_MAX.as_millis()).unwrap_or(i64::MAX);
        let pending = (self.store)
            .take_sso_pending(&secret_hash(&answer.state), max)
            .await
            .map_err(|e| Refusal::Store(e.to_string()))?
            .ok_or(Refusal::Used)?;
        let p = sso
            .provider(&pending.provider)
            .ok_or(Refusal::UnknownProvider)?;
        if !answer.error.is_empty() {
            return Err(Refusal::Denied {
                provider: p.name.clone(),
                error: refusal::short(&answer.error),
            });
        }
        if answer.code.is_empty() {
            return Err(Refusal::StateMismatch);
        }
        let m = sso.metadata(p, false).await?;
        let client = sso.client(p, &m, redirect)?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(answer.code.clone()))
            .map_err(|_| Refusal::down(p))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&sso.http)
            .await
            .map_err(|e| refusal::token_request(p, &e))?;
        let id_token = tokens.id_token().ok_or_else(|| Refusal::NoIdToken {
            provider: p.name.clone(),
        })?;
        let nonce = Nonce::new(pending.nonce.clone());
        let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
            Ok(c) => c.clone(),
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                // The provider may have rolled its keys: fetch them once more and try again.
                let m = sso.metadata(p, true).await?;
                let client = sso.client(p, &m, redirect)?;
                id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(|e| refusal::claims(p, &e))?
                    .clone()
            }
            Err(e) => return Err(refusal::claims(p, &e)),
        };
        let mut all = claims.additional_claims().rest.clone();
        all.insert("sub".into(), Value::String(claims.subject().to_string()));
        if let Some(u) = claims.preferred_username() {
            all.insert("preferred_username".into(), Value::String(u.to_string()));
        }
        if let Some(e) = claims.email() {
            all.insert("email".into(), Value::String(e.to_string()));
        }
        if let Some(n) = claims.name().and_then(|n| n.get(None)) {
            all.insert("name".into(), Value::String(n.to_string()));
        }
        let orgs = self
            .organisations()
            .await
            .map_err(|e| Refusal::Store(e.to_string()))?;
        let mapped = p
            .map(&all, |code| {
                orgs.organisations.iter().any(|o| &o.code == code)
            })
            .map_err(Refusal::Rules)?;
        let org = (mapped.role != nara_core::Role::Admin).then_some(&mapped.org);
        let user = (self.store)
            .sso_account(&SsoPerson {
                issuer: claims.issuer().as_str(),
                subject: claims.subject().as_str(),
                provider: &p.id,
                name: &mapped.display,
                role: mapped.role,
                org,
            })
            .await
            .map_err(|e| Refusal::Store(e.to_string()))?;
        if user.disabled {
            return Err(Refusal::Disabled);
        }
        Ok((user, p.id.clone()))
    }

    /// The providers an account is linked to.
    pub async fn sso_links(&self, user_id: i64) -> Result<Vec<String>> {
        Ok(self.store.sso_links(user_id).await?)
    }

    /// Every account's providers: (user id, provider id).
    pub async fn all_sso_links(&self) -> Result<Vec<(i64, String)>> {
        Ok(self.store.all_sso_links().await?)
    }

    /// Who may sign in with a password.
    pub async fn password_sign_in(&self) -> Result<nara_core::sso::PasswordSignIn> {
        Ok(self.store.password_sign_in().await?)
    }

    /// Sets who may sign in with a password (audited); `None` when it was so already, else how
    /// many sessions ended (the password sessions of everyone but the coordinators, when it is
    /// left to them).
    pub async fn set_password_sign_in(
        &self,
        value: nara_core::sso::PasswordSignIn,
        actor: &str,
    ) -> Result<Option<u64>> {
        Ok(self.store.set_password_sign_in(value, actor).await?)
    }
}

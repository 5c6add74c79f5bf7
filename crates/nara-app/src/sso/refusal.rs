//! Why a sign-in at a provider is refused: one Swedish sentence per reason, for the person at
//! the browser, and a short code for the audit log.

use nara_core::sso::Provider;
use openidconnect::core::CoreErrorResponseType;
use openidconnect::{ClaimsVerificationError, RequestTokenError, StandardErrorResponse};

use super::http::HttpError;

const AGAIN: &str = "Börja om från inloggningssidan.";

/// A refused sign-in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// No provider with that id is configured.
    #[error("Det finns ingen sådan inloggning i Nära. {AGAIN}")]
    UnknownProvider,
    /// The provider could not be reached or answered wrongly.
    #[error(
        "{provider} svarar inte som väntat just nu, så inloggningen kunde inte göras. Försök igen om en stund; kvarstår felet, kontakta den regionala samordnaren."
    )]
    Down {
        /// The provider's name.
        provider: String,
    },
    /// The answer's state is not the one this browser started with.
    #[error("Svaret från inloggningen hörde inte till den här webbläsarens inloggning. {AGAIN}")]
    StateMismatch,
    /// The provider does not accept Nära's client id or secret.
    #[error(
        "{provider} känner inte igen Nära (klient-id eller hemlighet stämmer inte), så inloggningen kunde inte göras. Kontakta den regionala samordnaren."
    )]
    Client {
        /// The provider's name.
        provider: String,
    },
    /// The started sign-in is unknown, already used or too old.
    #[error("Inloggningen har redan använts eller tog för lång tid (mer än tio minuter). {AGAIN}")]
    Used,
    /// The provider refused or the person cancelled.
    #[error("Inloggningen hos {provider} avbröts ({error}). {AGAIN}")]
    Denied {
        /// The provider's name.
        provider: String,
        /// Its error code.
        error: String,
    },
    /// The token answer had no ID token.
    #[error(
        "{provider} skickade ingen identitetshandling (id-token) till Nära. Kontakta den regionala samordnaren."
    )]
    NoIdToken {
        /// The provider's name.
        provider: String,
    },
    /// The ID token was issued by someone else.
    #[error(
        "Identitetshandlingen kom inte från {provider} (fel utfärdare) och godtas inte. {AGAIN}"
    )]
    Issuer {
        /// The provider's name.
        provider: String,
    },
    /// The ID token was issued for another service.
    #[error(
        "Identitetshandlingen från {provider} var utfärdad för en annan tjänst än Nära och godtas inte. {AGAIN}"
    )]
    Audience {
        /// The provider's name.
        provider: String,
    },
    /// The ID token's signature is not the provider's.
    #[error(
        "Identitetshandlingens signatur stämmer inte med {provider}s nycklar, så den godtas inte. {AGAIN}"
    )]
    Signature {
        /// The provider's name.
        provider: String,
    },
    /// The ID token has expired.
    #[error(
        "Identitetshandlingen från {provider} har gått ut. Kontrollera att datorns klocka går rätt. {AGAIN}"
    )]
    Expired {
        /// The provider's name.
        provider: String,
    },
    /// The ID token's nonce is not this sign-in's: a replayed token.
    #[error(
        "Identitetshandlingen hörde till en annan inloggning (den kan ha återanvänts) och godtas inte. {AGAIN}"
    )]
    Nonce {
        /// The provider's name.
        provider: String,
    },
    /// The ID token was refused for another reason.
    #[error("Identitetshandlingen från {provider} kunde inte godtas ({why}). {AGAIN}")]
    Token {
        /// The provider's name.
        provider: String,
        /// What the verifier said, shortened.
        why: String,
    },
    /// The provider's rules give the person no place in Nära.
    #[error("{0}")]
    Rules(nara_core::sso::Refusal),
    /// The account is disabled.
    #[error("Ditt konto i Nära är avstängt. Kontakta den regionala samordnaren.")]
    Disabled,
    /// The database failed.
    #[error("Inloggningen kunde inte sparas just nu. Försök igen om en stund.")]
    Store(String),
}

impl Refusal {
    pub(super) fn down(p: &Provider) -> Self {
        Self::Down {
            provider: p.name.clone(),
        }
    }

    /// A short code for the audit log and the logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownProvider => "okänd leverantör",
            Self::Down { .. } => "leverantören svarar inte",
            Self::Client { .. } => "klienten godtas inte",
            Self::StateMismatch => "state stämmer inte",
            Self::Used => "använd eller för gammal",
            Self::Denied { .. } => "avbruten hos leverantören",
            Self::NoIdToken { .. } => "inget id-token",
            Self::Issuer { .. } => "fel utfärdare",
            Self::Audience { .. } => "fel mottagare",
            Self::Signature { .. } => "fel signatur",
            Self::Expired { .. } => "utgånget",
            Self::Nonce { .. } => "fel nonce",
            Self::Token { .. } => "ogiltigt id-token",
            Self::Rules(nara_core::sso::Refusal::NoOrganisation { .. }) => "organisation saknas",
            Self::Rules(nara_core::sso::Refusal::UnknownOrganisation { .. }) => {
                "okänd organisation"
            }
            Self::Rules(nara_core::sso::Refusal::NoRole { .. }) => "ingen roll",
            Self::Disabled => "avstängt konto",
            Self::Store(_) => "databasfel",
        }
    }

    /// Whether the fault is Nära's or the provider's rather than the person's (logged as an
    /// error, answered with 502/503).
    pub fn is_outage(&self) -> bool {
        matches!(
            self,
            Self::Down { .. } | Self::Client { .. } | Self::Store(_)
        )
    }
}

/// At most 60 characters of an outside text, no control characters.
pub(super) fn short(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).take(60).collect()
}

/// A failed code exchange: the provider refusing the code (used, expired, wrong verifier) is a
/// used sign-in; anything else is the provider being down.
pub(super) fn token_request(
    p: &Provider,
    e: &RequestTokenError<HttpError, StandardErrorResponse<CoreErrorResponseType>>,
) -> Refusal {
    tracing::warn!(provider = %p.id, error = %e, "code exchange failed");
    match e {
        RequestTokenError::ServerResponse(r)
            if matches!(r.error(), CoreErrorResponseType::InvalidGrant) =>
        {
            Refusal::Used
        }
        RequestTokenError::ServerResponse(r)
            if matches!(
                r.error(),
                CoreErrorResponseType::InvalidClient | CoreErrorResponseType::UnauthorizedClient
            ) =>
        {
            Refusal::Client {
                provider: p.name.clone(),
            }
        }
        _ => Refusal::down(p),
    }
}

/// A refused ID token, by what was wrong with it.
pub(super) fn claims(p: &Provider, e: &ClaimsVerificationError) -> Refusal {
    tracing::warn!(provider = %p.id, error = %e, "ID token refused");
    let provider = p.name.clone();
    match e {
        ClaimsVerificationError::InvalidIssuer(_) => Refusal::Issuer { provider },
        ClaimsVerificationError::InvalidAudience(_) => Refusal::Audience { provider },
        ClaimsVerificationError::SignatureVerification(_) => Refusal::Signature { provider },
        ClaimsVerificationError::Expired(_) => Refusal::Expired { provider },
        ClaimsVerificationError::InvalidNonce(_) => Refusal::Nonce { provider },
        other => Refusal::Token {
            provider,
            why: short(&other.to_string()),
        },
    }
}

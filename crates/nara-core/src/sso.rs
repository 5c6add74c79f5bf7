//! Signing in with the organisation's own identity (OpenID Connect): the providers as data and
//! the rules that turn a person's verified claims into an organisation and a role in Nära.
//!
//! A county writes its providers in a TOML file (one `[[provider]]` per identity provider, one
//! per Entra tenant); the secrets are not in it, only where to find them (an environment
//! variable or a file). Everything here is pure: the protocol, the secrets and the accounts are
//! the application's.
//!
//! ```toml
//! [[provider]]
//! id = "falun"                      # in the addresses: /logga-in/sso/falun
//! name = "Falu kommun"              # the button: "Logga in med Falu kommun"
//! issuer = "https://login.microsoftonline.com/<tenant>/v2.0"
//! client_id = "…"
//! client_secret_env = "NARA_SSO_FALUN_SECRET"
//! unknown = "refuse"                # no role by the rules: refuse, reader or respondent
//!
//! [provider.organisation]
//! claim = "tid"                     # or: fixed = "2080"
//! values = { "6b1f…" = "2080" }     # claim value → organisation code
//!
//! [provider.role]
//! claim = "groups"
//! admin = ["nara-samordnare"]
//! respondent = ["nara-svarare"]
//! reader = ["nara-lasare"]
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::account::Role;
use crate::error::{Error, sv_toml_error};
use crate::ids::OrgCode;

/// The scope every provider is asked for.
pub const OPENID: &str = "openid";

/// The providers of a county.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SsoConfig {
    /// In the order of the file: the order of the buttons.
    pub providers: Vec<Provider>,
}

/// Where a provider's client secret is kept: never in the file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// A public client (PKCE only, no secret).
    None,
    /// An environment variable's name.
    Env(String),
    /// A file's path (its content, trimmed).
    File(String),
}

/// What a person gets whom the role rules give no role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unknown {
    /// Refused, with a sentence saying why.
    Refuse,
    /// A reader.
    Reader,
    /// A respondent of the organisation.
    Respondent,
}

/// How the organisation is found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrgRule {
    /// Every person of this provider belongs to one organisation.
    Fixed(OrgCode),
    /// A claim names it; `values` translates the claim's value to a code (empty: the value is
    /// the code itself).
    Claim {
        /// The claim's name, e.g. `tid` or `https://id.oidc.se/claim/orgNumber`.
        claim: String,
        /// Claim value → organisation code.
        values: BTreeMap<String, OrgCode>,
    },
}

/// How the role is found: a claim (a string or a list of strings, e.g. Entra's `groups` or
/// `roles`) and the values that give each role; the highest role given wins.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoleRule {
    /// The claim's name (empty: no claim, everyone gets [`Provider::unknown`]).
    pub claim: String,
    /// Values that make the coordinator.
    pub admin: Vec<String>,
    /// Values that make a respondent of the organisation.
    pub respondent: Vec<String>,
    /// Values that make a reader.
    pub reader: Vec<String>,
}

/// One identity provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    /// Its short name in addresses (`a-z`, `0-9`, `-`).
    pub id: String,
    /// Whose sign-in it is, for the button ("Logga in med Falu kommun").
    pub name: String,
    /// The issuer (discovery at `<issuer>/.well-known/openid-configuration`).
    pub issuer: String,
    /// Nära's client id at the provider.
    pub client_id: String,
    /// Where the secret is.
    pub secret: SecretSource,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The claim that names the person in Nära's lists (default: `preferred_username`, then
    /// `email`, then `name`, then the subject).
    pub name_claim: Option<String>,
    /// The organisation rule.
    pub organisation: OrgRule,
    /// The role rule.
    pub role: RoleRule,
    /// What a person without a role by the rules gets.
    pub unknown: Unknown,
}

/// Who may sign in with a password: everyone with an account, or only the coordinators (the
/// break-glass accounts) once the organisations sign in with their own identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PasswordSignIn {
    /// Every account with a password.
    #[default]
    Everyone,
    /// Only coordinators.
    CoordinatorsOnly,
}

impl PasswordSignIn {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Everyone => "alla",
            Self::CoordinatorsOnly => "samordnare",
        }
    }
    /// From a stored code (anything unknown is [`PasswordSignIn::Everyone`]).
    pub fn parse(s: &str) -> Self {
        if s.trim() == "samordnare" {
            Self::CoordinatorsOnly
        } else {
            Self::Everyone
        }
    }
    /// Whether an account of this role may sign in with a password.
    pub fn allows(self, role: Role) -> bool {
        self == Self::Everyone || role == Role::Admin
    }
}

/// Who a person is in Nära, by the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    /// The organisation (always found, or the person is refused).
    pub org: OrgCode,
    /// The role.
    pub role: Role,
    /// The name to show.
    pub display: String,
}

/// Why the rules refuse a person: a Swedish sentence each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The claim that names the organisation is missing.
    #[error(
        "Inloggningen från {provider} säger inte vilken organisation du tillhör (uppgiften ”{claim}” saknas). Be din IT-avdelning att skicka den till Nära, eller kontakta den regionala samordnaren."
    )]
    NoOrganisation {
        /// The provider's name.
        provider: String,
        /// The claim.
        claim: String,
    },
    /// The organisation claim's value maps to no organisation.
    #[error(
        "Organisationen ”{value}” i inloggningen från {provider} är inte kopplad till någon organisation i Nära. Kontakta den regionala samordnaren."
    )]
    UnknownOrganisation {
        /// The provider's name.
        provider: String,
        /// The value, shortened.
        value: String,
    },
    /// No role by the rules, and the provider refuses such people.
    #[error(
        "Inloggningen från {provider} ger dig ingen roll i Nära. Be den regionala samordnaren om behörighet."
    )]
    NoRole {
        /// The provider's name.
        provider: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(default)]
    provider: Vec<ProviderToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderToml {
    id: String,
    name: String,
    issuer: String,
    client_id: String,
    client_secret_env: Option<String>,
    client_secret_file: Option<String>,
    #[serde(default)]
    scopes: Vec<String>,
    name_claim: Option<String>,
    unknown: Option<Unknown>,
    organisation: OrgToml,
    #[serde(default)]
    role: RoleToml,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgToml {
    claim: Option<String>,
    fixed: Option<String>,
    #[serde(default)]
    values: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RoleToml {
    #[serde(default)]
    claim: String,
    #[serde(default)]
    admin: Vec<String>,
    #[serde(default)]
    respondent: Vec<String>,
    #[serde(default)]
    reader: Vec<String>,
}

impl SsoConfig {
    /// Reads and checks a providers file; every problem is listed, in Swedish.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let file: FileToml =
            toml::from_str(text).map_err(|e| Error::Sso(vec![sv_toml_error(&e, text)]))?;
        let mut problems = Vec::new();
        let mut providers: Vec<Provider> = Vec::new();
        for (i, p) in file.provider.into_iter().enumerate() {
            let at = format!("Leverantör {} (”{}”)", i + 1, p.id);
            match provider(p, &at, &mut problems) {
                Some(p) if providers.iter().any(|q| q.id == p.id) => {
                    problems.push(format!("{at}: id:t finns redan."));
                }
                Some(p) => providers.push(p),
                None => {}
            }
        }
        if problems.is_empty() {
            Ok(Self { providers })
        } else {
            Err(Error::Sso(problems))
        }
    }

    /// A provider by id.
    pub fn provider(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }
}

fn provider(p: ProviderToml, at: &str, problems: &mut Vec<String>) -> Option<Provider> {
    let before = problems.len();
    let id = p.id.trim().to_string();
    if id.is_empty()
        || id.len() > 32
        || !id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        problems.push(format!(
            "{at}: id ska vara 1–32 tecken a–z, 0–9 och bindestreck."
        ));
    }
    let name = p.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        problems.push(format!("{at}: name ska vara 1–80 tecken."));
    }
    let issuer = p.issuer.trim().trim_end_matches('/').to_string();
    if !issuer_ok(&issuer) {
        problems.push(format!(
            "{at}: issuer ska vara en https-adress (http bara på den egna datorn, 127.0.0.1 eller localhost)."
        ));
    }
    let client_id = p.client_id.trim().to_string();
    if client_id.is_empty() {
        problems.push(format!("{at}: client_id saknas."));
    }
    let secret = match (p.client_secret_env, p.client_secret_file) {
        (Some(_), Some(_)) => {
            problems.push(format!(
                "{at}: ange client_secret_env eller client_secret_file, inte båda."
            ));
            SecretSource::None
        }
        (Some(e), None) => SecretSource::Env(e.trim().to_string()),
        (None, Some(f)) => SecretSource::File(f.trim().to_string()),
        (None, None) => SecretSource::None,
    };
    let organisation = org_rule(p.organisation, at, problems);
    let role = RoleRule {
        claim: p.role.claim.trim().to_string(),
        admin: p.role.admin,
        respondent: p.role.respondent,
        reader: p.role.reader,
    };
    let listed = role.admin.len() + role.respondent.len() + role.reader.len();
    if role.claim.is_empty() && listed > 0 {
        problems.push(format!(
            "{at}: role har värden men inget claim att läsa dem ur."
        ));
    }
    let unknown = p.unknown.unwrap_or(Unknown::Refuse);
    if role.claim.is_empty() && unknown == Unknown::Refuse {
        problems.push(format!(
            "{at}: utan role.claim skulle alla nekas; ange unknown = \"reader\" eller \"respondent\"."
        ));
    }
    let scopes = p
        .scopes
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty() && s != OPENID)
        .collect();
    (problems.len() == before).then_some(Provider {
        id,
        name,
        issuer,
        client_id,
        secret,
        scopes,
        name_claim: p.name_claim.filter(|c| !c.trim().is_empty()),
        organisation: organisation?,
        role,
        unknown,
    })
}

fn org_rule(o: OrgToml, at: &str, problems: &mut Vec<String>) -> Option<OrgRule> {
    let code = |s: &str, problems: &mut Vec<String>| match OrgCode::parse(s) {
        Ok(c) => Some(c),
        Err(e) => {
            problems.push(format!("{at}: {e}"));
            None
        }
    };
    match (o.fixed, o.claim) {
        (Some(f), None) if o.values.is_empty() => Some(OrgRule::Fixed(code(&f, problems)?)),
        (None, Some(claim)) if !claim.trim().is_empty() => {
            let mut values = BTreeMap::new();
            for (k, v) in o.values {
                values.insert(k, code(&v, problems)?);
            }
            Some(OrgRule::Claim {
                claim: claim.trim().to_string(),
                values,
            })
        }
        _ => {
            problems.push(format!(
                "{at}: organisation ska ha antingen fixed (en kod) eller claim (med values)."
            ));
            None
        }
    }
}

/// Whether an issuer address is acceptable: https, or http on the own machine (tests, a local
/// broker).
fn issuer_ok(s: &str) -> bool {
    let rest = if let Some(r) = s.strip_prefix("https://") {
        r
    } else if let Some(r) = s.strip_prefix("http://") {
        let host = r.split(['/', ':']).next().unwrap_or("");
        if !(host == "127.0.0.1" || host == "localhost" || r.starts_with("[::1]")) {
            return false;
        }
        r
    } else {
        return false;
    };
    !rest.is_empty() && !rest.starts_with('/') && !rest.contains(['?', '#', ' ', '"', '<', '>'])
}

/// A claim's values as strings: a string, a number, or a list of them.
fn values(claims: &Map<String, Value>, name: &str) -> Vec<String> {
    let one = |v: &Value| match v {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match claims.get(name) {
        Some(Value::Array(items)) => items.iter().filter_map(one).collect(),
        Some(v) => one(v).into_iter().collect(),
        None => Vec::new(),
    }
}

fn shorten(s: &str) -> String {
    let mut t: String = s.chars().filter(|c| !c.is_control()).take(80).collect();
    if s.chars().count() > 80 {
        t.push('…');
    }
    t
}

impl Provider {
    /// The button's words.
    pub fn button(&self) -> String {
        format!("Logga in med {}", self.name)
    }

    /// Every scope to ask for, `openid` first.
    pub fn all_scopes(&self) -> Vec<String> {
        std::iter::once(OPENID.to_string())
            .chain(self.scopes.iter().cloned())
            .collect()
    }

    /// Applies the rules to a person's verified claims. `known` says whether an organisation
    /// code exists in Nära.
    pub fn map(
        &self,
        claims: &Map<String, Value>,
        known: impl Fn(&OrgCode) -> bool,
    ) -> Result<Mapped, Refusal> {
        let provider = self.name.clone();
        let org = match &self.organisation {
            OrgRule::Fixed(code) => code.clone(),
            OrgRule::Claim { claim, values: map } => {
                let found = values(claims, claim);
                let Some(value) = found.into_iter().find(|v| !v.is_empty()) else {
                    return Err(Refusal::NoOrganisation {
                        provider,
                        claim: claim.clone(),
                    });
                };
                let code = if map.is_empty() {
                    OrgCode::parse(&value).ok()
                } else {
                    map.get(&value).cloned()
                };
                code.ok_or_else(|| Refusal::UnknownOrganisation {
                    provider: provider.clone(),
                    value: shorten(&value),
                })?
            }
        };
        if !known(&org) {
            return Err(Refusal::UnknownOrganisation {
                provider,
                value: org.as_str().to_string(),
            });
        }
        let have = if self.role.claim.is_empty() {
            Vec::new()
        } else {
            values(claims, &self.role.claim)
        };
        let given = |list: &[String]| list.iter().any(|v| have.contains(v));
        let role = if given(&self.role.admin) {
            Role::Admin
        } else if given(&self.role.respondent) {
            Role::Respondent
        } else if given(&self.role.reader) {
            Role::Reader
        } else {
            match self.unknown {
                Unknown::Refuse => return Err(Refusal::NoRole { provider }),
                Unknown::Reader => Role::Reader,
                Unknown::Respondent => Role::Respondent,
            }
        };
        Ok(Mapped {
            org,
            role,
            display: self.display_name(claims),
        })
    }

    /// The person's name for Nära's lists: the configured claim, else `preferred_username`,
    /// `email`, `name`, else the subject; at most 64 characters, no control characters.
    pub fn display_name(&self, claims: &Map<String, Value>) -> String {
        let configured = self.name_claim.as_deref();
        configured
            .into_iter()
            .chain(["preferred_username", "email", "name", "sub"])
            .find_map(|c| values(claims, c).into_iter().find(|v| !v.is_empty()))
            .map(|v| v.chars().filter(|c| !c.is_control()).take(64).collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;

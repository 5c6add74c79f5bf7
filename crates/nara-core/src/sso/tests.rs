use super::*;
use serde_json::json;

const FILE: &str = r#"
[[provider]]
id = "falun"
name = "Falu kommun"
issuer = "https://login.microsoftonline.com/t-falun/v2.0/"
client_id = "nara"
client_secret_env = "NARA_SSO_FALUN"
scopes = ["openid", "profile", "email"]

[provider.organisation]
claim = "tid"
values = { "t-falun" = "2080", "t-borlange" = "2081" }

[provider.role]
claim = "groups"
admin = ["nara-samordnare"]
respondent = ["nara-svarare"]
reader = ["nara-lasare"]

[[provider]]
id = "region"
name = "Region Dalarna"
issuer = "http://127.0.0.1:9400"
client_id = "nara"
unknown = "reader"

[provider.organisation]
fixed = "20"
"#;

fn claims(v: serde_json::Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn all(_: &OrgCode) -> bool {
    true
}

#[test]
fn a_providers_file_reads_with_its_rules() {
    let c = SsoConfig::parse(FILE).expect("valid");
    assert_eq!(c.providers.len(), 2);
    let f = c.provider("falun").expect("falun");
    assert_eq!(f.issuer, "https://login.microsoftonline.com/t-falun/v2.0");
    assert_eq!(f.secret, SecretSource::Env("NARA_SSO_FALUN".into()));
    assert_eq!(f.all_scopes(), ["openid", "profile", "email"]);
    assert_eq!(f.button(), "Logga in med Falu kommun");
    assert_eq!(f.unknown, Unknown::Refuse);
    let r = c.provider("region").expect("region");
    assert_eq!(r.secret, SecretSource::None);
    assert_eq!(
        r.organisation,
        OrgRule::Fixed(OrgCode::parse("20").expect("code"))
    );
}

#[test]
fn the_rules_give_organisation_and_the_highest_role() {
    let c = SsoConfig::parse(FILE).expect("valid");
    let f = c.provider("falun").expect("falun");
    let m = f
        .map(
            &claims(
                json!({"sub": "x", "tid": "t-falun", "groups": ["a", "nara-svarare"],
                "preferred_username": "anna@falun.se"}),
            ),
            all,
        )
        .expect("mapped");
    assert_eq!(m.org.as_str(), "2080");
    assert_eq!(m.role, Role::Respondent);
    assert_eq!(m.display, "anna@falun.se");
    let both = claims(json!({"sub": "y", "tid": "t-borlange",
        "groups": ["nara-lasare", "nara-samordnare"]}));
    let m = f.map(&both, all).expect("mapped");
    assert_eq!((m.org.as_str(), m.role), ("2081", Role::Admin));
    assert_eq!(
        m.display, "y",
        "the subject when nothing else names the person"
    );
    // A provider for one organisation, readers by default.
    let r = c.provider("region").expect("region");
    let m = r.map(&claims(json!({"sub": "z"})), all).expect("mapped");
    assert_eq!((m.org.as_str(), m.role), ("20", Role::Reader));
}

#[test]
fn each_refusal_says_what_is_missing() {
    let c = SsoConfig::parse(FILE).expect("valid");
    let f = c.provider("falun").expect("falun");
    let no_org = f.map(
        &claims(json!({"sub": "x", "groups": ["nara-svarare"]})),
        all,
    );
    assert_eq!(
        no_org,
        Err(Refusal::NoOrganisation {
            provider: "Falu kommun".into(),
            claim: "tid".into()
        })
    );
    let other = f.map(
        &claims(json!({"sub": "x", "tid": "t-gotland", "groups": ["nara-svarare"]})),
        all,
    );
    let msg = other.expect_err("refused").to_string();
    assert!(
        msg.contains("”t-gotland”") && msg.contains("samordnaren"),
        "{msg}"
    );
    let no_role = f.map(
        &claims(json!({"sub": "x", "tid": "t-falun", "groups": "x"})),
        all,
    );
    assert_eq!(
        no_role,
        Err(Refusal::NoRole {
            provider: "Falu kommun".into()
        })
    );
    // A code that Nära does not have is refused like an unmapped value.
    let unknown_code = f.map(
        &claims(json!({"sub": "x", "tid": "t-falun", "groups": ["nara-svarare"]})),
        |c| c.as_str() != "2080",
    );
    assert!(matches!(
        unknown_code,
        Err(Refusal::UnknownOrganisation { .. })
    ));
}

#[test]
fn a_claim_without_a_table_is_the_code_itself() {
    let text = FILE.replace(
        "values = { \"t-falun\" = \"2080\", \"t-borlange\" = \"2081\" }",
        "",
    );
    let c = SsoConfig::parse(&text).expect("valid");
    let f = c.provider("falun").expect("falun");
    let m = f
        .map(&claims(json!({"tid": 2080, "groups": "nara-svarare"})), all)
        .expect("a number claim");
    assert_eq!(m.org.as_str(), "2080");
    assert!(
        f.map(
            &claims(json!({"tid": "Falun", "groups": "nara-svarare"})),
            all
        )
        .is_err()
    );
}

#[test]
fn a_bad_file_lists_every_problem_in_swedish() {
    let bad = r#"
[[provider]]
id = "Falun!"
name = ""
issuer = "http://idp.example.se"
client_id = ""
client_secret_env = "A"
client_secret_file = "/b"
[provider.organisation]
fixed = "Falun"

[[provider]]
id = "x"
name = "X"
issuer = "https://x.example"
client_id = "c"
[provider.organisation]
claim = "tid"
"#;
    let Err(Error::Sso(problems)) = SsoConfig::parse(bad) else {
        panic!("refused");
    };
    let all = problems.join("\n");
    for needle in [
        "id ska vara",
        "name ska vara",
        "issuer ska vara en https-adress",
        "client_id saknas",
        "inte båda",
        "ingen organisationskod",
        "utan role.claim skulle alla nekas",
    ] {
        assert!(all.contains(needle), "{needle} in {all}");
    }
    let typo = SsoConfig::parse("[[provider]]\nid = \"a\"\nnamn = \"A\"\n").expect_err("typo");
    assert!(typo.to_string().contains("okänt fält ”namn”"), "{typo}");
    let twice = format!(
        "{FILE}\n{}",
        FILE.split("[[provider]]")
            .nth(2)
            .map(|p| format!("[[provider]]{p}"))
            .unwrap_or_default()
    );
    assert!(
        SsoConfig::parse(&twice)
            .expect_err("twice")
            .to_string()
            .contains("finns redan")
    );
}

//! Accounts for the web: add, list, change password, disable; and the password check at
//! sign-in. Passwords are hashed with argon2id at OWASP's recommended parameters (19 MiB,
//! two passes, one lane); hashing runs on a blocking thread, off the async runtime.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use nara_core::OrgCode;
use nara_store::{Role, Store, User};

use crate::{Error, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (PHC string), off the async runtime.
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::Io(format!("lösenordet kunde inte hashas: {e}")))
    })
    .await
    .map_err(|e| Error::Io(e.to_string()))?
}

/// Whether `password` matches the stored hash, off the async runtime. A malformed hash is a
/// mismatch.
pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_owned(), hash.to_owned());
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash of a password nobody has, so that a sign-in with an unknown user name costs as much
/// time as one with a wrong password.
pub async fn dummy_verify(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = match DUMMY.get() {
        Some(h) => h.clone(),
        None => {
            let h = hash_password("inte-ett-riktigt-lösenord")
                .await
                .unwrap_or_default();
            DUMMY.get_or_init(|| h).clone()
        }
    };
    let _ = verify_password(password, &hash).await;
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::User(format!(
            "Lösenordet måste ha minst {MIN_PASSWORD_LEN} tecken."
        )));
    }
    Ok(())
}

fn check_username(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if !ok {
        return Err(Error::User(format!(
            "Användarnamnet \"{name}\" går inte att använda: 1–64 tecken, bokstäver, siffror och . - _ @."
        )));
    }
    Ok(())
}

/// Adds an account. A respondent must belong to a known organisation; the others belong to
/// none.
pub async fn add(
    store: &dyn Store,
    username: &str,
    password: &str,
    role: Role,
    org: Option<&OrgCode>,
    actor: &str,
) -> Result<User> {
    let username = username.trim();
    check_username(username)?;
    check_password(password)?;
    match (role, org) {
        (Role::Respondent, None) => {
            return Err(Error::User(
                "En respondent hör till en organisation: ange den (--org 2080).".into(),
            ));
        }
        (Role::Respondent, Some(code)) => {
            crate::organisation(store, code).await?;
        }
        (_, Some(_)) => {
            return Err(Error::User(
                "Bara respondenter hör till en organisation; ta bort --org.".into(),
            ));
        }
        _ => {}
    }
    let hash = hash_password(password).await?;
    let id = store
        .create_user(username, &hash, role, org)
        .await
        .map_err(|e| match e {
            nara_store::Error::Conflict(m) => Error::User(m),
            other => Error::Store(other),
        })?;
    store
        .audit(
            actor,
            "user.add",
            username,
            &format!("roll: {}", role.code()),
        )
        .await?;
    store
        .user(id)
        .await?
        .ok_or_else(|| Error::Io("kontot försvann".into()))
}

/// Every account.
pub async fn list(store: &dyn Store) -> Result<Vec<User>> {
    Ok(store.users().await?)
}

/// The account with this name, or a Swedish error.
pub async fn get(store: &dyn Store, username: &str) -> Result<User> {
    store.user_by_name(username.trim()).await?.ok_or_else(|| {
        Error::User(format!(
            "Det finns inget konto som heter \"{}\".",
            username.trim()
        ))
    })
}

/// Sets a new password.
pub async fn set_password(
    store: &dyn Store,
    username: &str,
    password: &str,
    actor: &str,
) -> Result<()> {
    check_password(password)?;
    let user = get(store, username).await?;
    let hash = hash_password(password).await?;
    store.set_password(user.id, &hash).await?;
    store
        .audit(actor, "user.password", &user.username, "")
        .await?;
    Ok(())
}

/// Disables (or enables again) an account; a disabled account cannot sign in and its
/// sessions end.
pub async fn set_disabled(
    store: &dyn Store,
    username: &str,
    disabled: bool,
    actor: &str,
) -> Result<()> {
    let user = get(store, username).await?;
    store.set_disabled(user.id, disabled).await?;
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    store.audit(actor, action, &user.username, "").await?;
    Ok(())
}

/// The account if the name and password match and it is not disabled. Takes the same time
/// whether or not the name exists.
pub async fn authenticate(
    store: &dyn Store,
    username: &str,
    password: &str,
) -> Result<Option<User>> {
    match store.user_by_name(username.trim()).await? {
        Some(u) => {
            Ok((verify_password(password, &u.password_hash).await && !u.disabled).then_some(u))
        }
        None => {
            dummy_verify(password).await;
            Ok(None)
        }
    }
}

/// `bytes` random bytes from the operating system, as lower-case hex: session ids, answer
/// links, CSRF tokens.
pub fn random_token(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Io(format!("slumptal saknas: {e}")))?;
    Ok(hex::encode(buf))
}

/// A random password of 16 characters that are easy to read aloud and type (no 0/O, 1/l/I).
pub fn random_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| Error::Io(format!("slumptal saknas: {e}")))?;
    Ok(buf
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

/// Sets an account's role (and the organisation of a respondent); its sessions end so the
/// new rights apply at once.
pub async fn set_role(
    store: &dyn Store,
    username: &str,
    role: Role,
    org: Option<&OrgCode>,
    actor: &str,
) -> Result<()> {
    let user = get(store, username).await?;
    match (role, org) {
        (Role::Respondent, None) => {
            return Err(Error::User(
                "En respondent hör till en organisation: välj den.".into(),
            ));
        }
        (Role::Respondent, Some(code)) => {
            crate::organisation(store, code).await?;
        }
        _ => {}
    }
    let org = if role == Role::Respondent { org } else { None };
    store.set_role(user.id, role, org).await?;
    store
        .audit(
            actor,
            "user.role",
            &user.username,
            &format!(
                "roll: {}{}",
                role.code(),
                org.map(|o| format!(", organisation: {o}"))
                    .unwrap_or_default()
            ),
        )
        .await?;
    Ok(())
}

//! Accounts for the web: add, list, change password, disable; and the password check at
//! sign-in. Passwords are hashed with argon2id at OWASP's recommended parameters (19 MiB,
//! two passes, one lane). Hashing runs off the async runtime on [`argon2_slots`] dedicated
//! threads, never more at once, so memory stays flat however many sign-ins arrive together.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use nara_core::OrgCode;
use nara_store::{Role, Store, User};

use crate::{Error, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD_LEN: usize = 10;
/// The longest password accepted, in bytes (UTF-8): longer ones are refused at sign-in
/// without hashing.
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// The longest user name, in characters.
pub const MAX_USERNAME_CHARS: usize = 64;

/// How many argon2 computations (hash or verify, ~19 MiB each) may run at once in this
/// process, each on its own long-lived thread: the number of cores, at most two.
pub fn argon2_slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(2))
}

fn slots() -> &'static tokio::sync::Semaphore {
    static SLOTS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    SLOTS.get_or_init(|| tokio::sync::Semaphore::new(argon2_slots()))
}

type Job = Box<dyn FnOnce() + Send>;

/// The argon2 threads: as many as there are slots, started on first use and kept. Always the
/// same few threads, so the allocator's per-thread pools hold at most one 19 MiB block each
/// (with a fresh blocking thread per verification, freed blocks piled up in new pools).
fn workers() -> Option<&'static std::sync::mpsc::Sender<Job>> {
    static POOL: std::sync::OnceLock<Option<std::sync::mpsc::Sender<Job>>> =
        std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let mut started = 0;
        for i in 0..argon2_slots() {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("nara-argon2-{i}"))
                .spawn(move || {
                    loop {
                        let job = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            started += usize::from(spawned.is_ok());
        }
        (started > 0).then_some(tx)
    })
    .as_ref()
}

/// Runs one argon2 computation on an argon2 thread once a slot is free. The slot is held by
/// the job itself, so a caller that gives up (a client that disconnects) does not free it
/// before the work ends; there are never more jobs than threads.
async fn with_slot<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let permit = slots().acquire().await.ok()?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
        drop(permit);
        if let Ok(out) = out {
            let _ = tx.send(out);
        }
    });
    workers()?.send(job).ok()?;
    rx.await.ok()
}

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (PHC string), off the async runtime.
pub async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    with_slot(move || {
        argon2()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::internal("Lösenordet kunde inte hashas", e.to_string()))
    })
    .await
    .unwrap_or_else(|| {
        Err(Error::internal(
            "Lösenordet kunde inte hashas",
            "the hashing task did not finish",
        ))
    })
}

/// Whether `password` matches the stored hash, off the async runtime. A malformed hash, or a
/// password longer than [`MAX_PASSWORD_BYTES`], is a mismatch.
pub async fn verify_password(password: &str, hash: &str) -> bool {
    if password.len() > MAX_PASSWORD_BYTES {
        return false;
    }
    let (password, hash) = (password.to_owned(), hash.to_owned());
    with_slot(move || verify_in_place(password.as_bytes(), &hash))
        .await
        .unwrap_or(false)
}

thread_local! {
    /// The argon2 memory of this (argon2) thread, kept between verifications: allocating and
    /// freeing 19 MiB per verification lets the allocator's pools fragment and grow.
    static MEMORY: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Verifies a password against a PHC string with the parameters it names, in this thread's
/// kept memory; a constant-time comparison. Memory over our own parameters' is not kept.
fn verify_in_place(password: &[u8], phc: &str) -> bool {
    let Ok(h) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&h.salt, &h.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        Algorithm::try_from(h.algorithm.as_str()),
        Params::try_from(&h),
    ) else {
        return false;
    };
    let version = match h.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let blocks = params.block_count();
    if blocks > argon2().params().block_count() {
        // A hash made with more memory than ours (not one this program writes): the library's
        // own path, which allocates for this call only.
        return argon2().verify_password(password, &h).is_ok();
    }
    let mut out = vec![0u8; expected.len()];
    let hashed = MEMORY.with_borrow_mut(|mem| {
        if mem.len() < blocks {
            mem.resize(blocks, argon2::Block::new());
        }
        Argon2::new(algorithm, version, params).hash_password_into_with_memory(
            password,
            salt,
            &mut out,
            &mut mem[..blocks],
        )
    });
    hashed.is_ok() && argon2::password_hash::phc::Output::new(&out).is_ok_and(|o| o == *expected)
}

/// A hash of a password nobody has, so that a sign-in with an unknown user name costs as much
/// time as one with a wrong password.
pub async fn dummy_verify(password: &str) {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    let hash = DUMMY
        .get_or_init(|| async {
            hash_password("inte-ett-riktigt-lösenord")
                .await
                .unwrap_or_default()
        })
        .await;
    let _ = verify_password(password, hash).await;
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(Error::Invalid(format!(
            "Lösenordet måste ha minst {MIN_PASSWORD_LEN} tecken."
        )));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Error::Invalid(format!(
            "Lösenordet får vara högst {MAX_PASSWORD_BYTES} byte långt."
        )));
    }
    Ok(())
}

/// Whether `name` (already trimmed) could be an account's name: 1–64 characters, letters,
/// digits and `. - _ @`. A sign-in with any other name is refused without hashing.
pub fn valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_USERNAME_CHARS
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'))
}

/// A user-supplied name made safe to write into a log line or the audit table: control and
/// bidirectional-formatting characters removed, at most 64 characters (then `…`).
pub fn loggable_name(name: &str) -> String {
    let mut out = String::new();
    let mut kept = 0;
    for c in name.chars() {
        if c.is_control() || is_bidi_or_invisible(c) {
            continue;
        }
        if kept == MAX_USERNAME_CHARS {
            out.push('…');
            break;
        }
        out.push(c);
        kept += 1;
    }
    out
}

fn is_bidi_or_invisible(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

fn check_username(name: &str) -> Result<()> {
    if !valid_username(name) {
        return Err(Error::Invalid(format!(
            "Användarnamnet \"{}\" går inte att använda: 1–64 tecken, bokstäver, siffror och . - _ @.",
            loggable_name(name)
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
            return Err(Error::Invalid(
                "En respondent hör till en organisation: ange den (--org 2080).".into(),
            ));
        }
        (Role::Respondent, Some(code)) => {
            crate::organisation(store, code).await?;
        }
        (_, Some(_)) => {
            return Err(Error::Invalid(
                "Bara respondenter hör till en organisation; ta bort --org.".into(),
            ));
        }
        _ => {}
    }
    let hash = hash_password(password).await?;
    let id = store.create_user(username, &hash, role, org).await?;
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
        .ok_or_else(|| Error::internal("Kontot försvann", "the account just created was not found"))
}

/// Every account.
pub async fn list(store: &dyn Store) -> Result<Vec<User>> {
    Ok(store.users().await?)
}

/// The account with this name, or a Swedish error.
pub async fn get(store: &dyn Store, username: &str) -> Result<User> {
    store.user_by_name(username.trim()).await?.ok_or_else(|| {
        Error::NotFound(format!(
            "Det finns inget konto som heter \"{}\".",
            loggable_name(username.trim())
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
    let user = store.user_by_name(username.trim()).await?;
    Ok(check_sign_in(user, password).await)
}

/// The account if the password matches it and it is not disabled; for an account already
/// looked up (`None`: no such name). Exactly one password verification either way, so it
/// takes the same time whether or not the name exists.
pub async fn check_sign_in(user: Option<User>, password: &str) -> Option<User> {
    match user {
        Some(u) => (verify_password(password, &u.password_hash).await && !u.disabled).then_some(u),
        None => {
            dummy_verify(password).await;
            None
        }
    }
}

/// The stored form of a bearer secret (a session id, an answer link's token): its SHA-256 in
/// hex. Only this is kept, so a copy of the database opens no session and no link.
pub fn secret_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// `bytes` random bytes from the operating system, as lower-case hex: session ids, answer
/// links, CSRF tokens.
pub fn random_token(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::internal("Slumptal saknas", e.to_string()))?;
    Ok(hex::encode(buf))
}

/// A random password of 16 characters that are easy to read aloud and type (no 0/O, 1/l/I).
pub fn random_password() -> Result<String> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| Error::internal("Slumptal saknas", e.to_string()))?;
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
            return Err(Error::Invalid(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_for_the_log_is_short_and_has_no_control_characters() {
        assert_eq!(loggable_name("anna.berg"), "anna.berg");
        assert_eq!(
            loggable_name("ond\n\r\u{1b}[31m\u{202e}namn\u{200b}"),
            "ond[31mnamn"
        );
        let long = loggable_name(&"å".repeat(10_000));
        assert_eq!(long.chars().count(), MAX_USERNAME_CHARS + 1);
        assert!(long.ends_with('…'));
        assert_eq!(loggable_name(&"a".repeat(64)), "a".repeat(64));
    }

    #[test]
    fn only_a_name_an_account_could_have_is_valid() {
        assert!(valid_username("anna.berg@region.se"));
        assert!(valid_username(&"ö".repeat(64)));
        assert!(!valid_username(&"a".repeat(65)));
        assert!(!valid_username(""));
        assert!(!valid_username("anna berg"));
        assert!(!valid_username("a\u{202e}b"));
    }

    #[test]
    fn verifying_in_kept_memory_agrees_with_the_library() {
        let ours = argon2()
            .hash_password(b"ett-bra-losenord")
            .unwrap()
            .to_string();
        assert!(verify_in_place(b"ett-bra-losenord", &ours));
        assert!(!verify_in_place(b"ett-bra-losenorD", &ours));
        assert!(!verify_in_place(b"ett-bra-losenord", "inte en hash"));
        assert!(!verify_in_place(b"ett-bra-losenord", ""));
        // Other parameters and algorithms, smaller and larger than ours.
        for (alg, m, t) in [
            (Algorithm::Argon2id, 8 * 1024, 3),
            (Algorithm::Argon2i, 4 * 1024, 1),
            (Algorithm::Argon2id, 24 * 1024, 1),
        ] {
            let a = Argon2::new(alg, Version::V0x13, Params::new(m, t, 1, None).unwrap());
            let h = a.hash_password(b"annat-losenord").unwrap().to_string();
            assert!(verify_in_place(b"annat-losenord", &h), "{h}");
            assert!(!verify_in_place(b"fel", &h), "{h}");
        }
        // The same thread verifies again in the memory it kept.
        assert!(verify_in_place(b"ett-bra-losenord", &ours));
    }

    #[test]
    fn a_password_over_the_limit_cannot_be_set_or_verified() {
        assert!(check_password(&"x".repeat(MAX_PASSWORD_BYTES)).is_ok());
        let e = check_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)).unwrap_err();
        assert!(e.to_string().contains("högst 1024 byte"), "{e}");
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let long = "x".repeat(MAX_PASSWORD_BYTES + 1);
            // Not even its own hash lets it through: it is never hashed at sign-in.
            let hash = hash_password(&long).await.unwrap();
            assert!(!verify_password(&long, &hash).await);
            let hash = hash_password("ett-kort-losenord").await.unwrap();
            assert!(verify_password("ett-kort-losenord", &hash).await);
        });
    }
}

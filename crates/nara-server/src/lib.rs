//! `nara-server` is Nära's web server: Swedish HTML pages, a JSON API, sign-in and roles. It
//! calls `nara-app` for everything; no scoring and no SQL in handlers.

//! `nara-app` holds the use cases that the command line and the server share: import batches,
//! rounds, results, exports and backup. Each use case is one function; neither the CLI nor the
//! server writes one again.

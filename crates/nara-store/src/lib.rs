//! `nara-store` holds Nära's persistence: the `Store` trait and its SQLite (embedded default)
//! and PostgreSQL backends, each with its own embedded migrations. It stores and loads core
//! types; it does not score and knows nothing of HTTP or files other than its database.

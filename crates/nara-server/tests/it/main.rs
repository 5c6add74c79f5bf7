//! Handler tests through the router (`tower::ServiceExt::oneshot`) on the demo data: pages and
//! API with their content, the authorization matrix, sign-in and sessions.

mod admin;
mod auth;
mod matrix;
mod online;
mod pages;
mod support;

//! Handler tests through the router (`tower::ServiceExt::oneshot`) on the demo data: pages and
//! API with their content, the authorization matrix, sign-in and sessions.

mod activities;
mod activity_plans;
mod admin;
mod answer_links;
mod auth;
mod gone;
mod index;
mod indicator_admin;
mod matrix;
mod notices;
mod nyckeltal;
mod online;
mod pages;
mod rounds;
mod scale;
mod sso;
mod support;
mod tables;
mod tracking;
mod transport;
mod visibility;
mod yearly;

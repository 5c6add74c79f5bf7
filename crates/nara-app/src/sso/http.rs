//! The HTTP client the OpenID Connect crate talks through: Nära's reqwest 0.13 (rustls with
//! ring, as the Kolada sync), no redirects followed (a provider cannot send the server
//! elsewhere), a time limit, and answers read up to [`MAX_BODY`].

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse};

/// The largest answer read from a provider (discovery, keys, tokens).
pub const MAX_BODY: usize = 1024 * 1024;
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request to a provider failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No answer, a broken connection, or a request that could not be made.
    #[error("{0}")]
    Request(String),
    /// The answer was larger than [`MAX_BODY`].
    #[error("the answer is larger than {MAX_BODY} bytes")]
    TooLarge,
}

/// reqwest behind the crate's client trait.
#[derive(Debug, Clone)]
pub struct Http(Option<reqwest::Client>);

impl Http {
    /// A client; without one (the TLS set-up failed) every request fails with a sentence.
    pub fn new() -> Self {
        // The process's TLS provider: ring (no C build). Installing twice is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("nara/", env!("CARGO_PKG_VERSION")))
            .build();
        match client {
            Ok(c) => Self(Some(c)),
            Err(e) => {
                tracing::error!(error = %e, "no HTTP client for sign-in providers");
                Self(None)
            }
        }
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let client = (self.0.as_ref()).ok_or_else(|| HttpError::Request("no client".into()))?;
        let request =
            reqwest::Request::try_from(request).map_err(|e| HttpError::Request(e.to_string()))?;
        let mut answer = (client.execute(request).await)
            .map_err(|e| HttpError::Request(e.without_url().to_string()))?;
        if answer.content_length().is_some_and(|n| n > MAX_BODY as u64) {
            return Err(HttpError::TooLarge);
        }
        let mut builder = openidconnect::http::Response::builder().status(answer.status());
        for (name, value) in answer.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) =
            (answer.chunk().await).map_err(|e| HttpError::Request(e.without_url().to_string()))?
        {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(HttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|e| HttpError::Request(e.to_string()))
    }
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

impl<'c> AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

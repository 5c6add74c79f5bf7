//! The client's address, behind trusted proxies or not.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::AppState;

/// The client's address: the connection's peer, or, when the peer is one of the configured
/// trusted proxies ([`crate::Config::trusted_proxy`]), the right-most address in
/// `X-Forwarded-For` that is not itself a trusted proxy. `unknown` in tests without a
/// connection.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientAddr(
            client_ip(peer, &parts.headers, &state.config.trusted_proxy)
                .map_or_else(|| "unknown".into(), |ip| ip.to_string()),
        ))
    }
}

/// The client's address from the socket peer and, only when the peer is a trusted proxy, the
/// `X-Forwarded-For` header: read from the right, skipping trusted proxies, the first other
/// address. An entry that is not an address (or a header made only of trusted proxies) leaves
/// the last trusted hop as the client.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|t| t.to_canonical() == *ip);
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let mut client = peer;
    // Several headers count as one list, in order.
    let values: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    for entry in values.iter().rev().flat_map(|v| v.rsplit(',')) {
        let Some(ip) = parse_forwarded(entry.trim()) else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    Some(client)
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `2001:db8::1`, `1.2.3.4:5678` or `[2001:db8::1]:80`.
fn parse_forwarded(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>()
        .or_else(|_| s.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(
                "x-forwarded-for",
                axum::http::HeaderValue::from_str(v).unwrap(),
            );
        }
        h
    }

    #[test]
    fn x_forwarded_for_is_read_only_from_a_trusted_proxy_and_from_the_right() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let proxy = [ip("10.0.0.1"), ip("10.0.0.2")];
        let h = xff(&["6.6.6.6, 1.2.3.4", "10.0.0.2"]);
        // From the proxy: the right-most entry that is not a proxy.
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &h, &proxy),
            Some(ip("1.2.3.4"))
        );
        // Over IPv6 as an IPv4-mapped peer, too.
        assert_eq!(
            client_ip(Some(ip("::ffff:10.0.0.1")), &h, &proxy),
            Some(ip("1.2.3.4"))
        );
        // From anyone else the header is ignored.
        assert_eq!(
            client_ip(Some(ip("9.9.9.9")), &h, &proxy),
            Some(ip("9.9.9.9"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &h, &[]),
            Some(ip("10.0.0.1"))
        );
        // No header, garbage, or only proxies: the last trusted hop.
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &HeaderMap::new(), &proxy),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &xff(&["1.2.3.4, nonsense"]), &proxy),
            Some(ip("10.0.0.1"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &xff(&["nonsense, 10.0.0.2"]), &proxy),
            Some(ip("10.0.0.2"))
        );
        // Ports and brackets as some proxies write them.
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &xff(&["[2001:db8::7]:443"]), &proxy),
            Some(ip("2001:db8::7"))
        );
        assert_eq!(
            client_ip(Some(ip("10.0.0.1")), &xff(&["1.2.3.4:5678"]), &proxy),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(client_ip(None, &h, &proxy), None);
    }
}

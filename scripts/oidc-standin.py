#!/usr/bin/env python3
"""A deliberately faulty OpenID provider for Nära's sign-in tests (loopback only).

It speaks just enough of OpenID Connect (authorization code flow with PKCE S256) for a relying
party to sign in, and issues ID tokens that are wrong in one way chosen by the client id:

  ok (or any other id)  correct token
  fel-utfardare         iss = http://evil.example
  fel-mottagare         aud = someone-else
  fel-signatur          signed with a second RSA key that is not in the JWKS (same kid)
  utgangen              iat = now-7200, exp = now-3600
  fel-nonce             nonce = not-the-one-you-sent
  inget-id-token        the token response has no id_token
  trasig                the token endpoint answers 500 with the text "boom"
  alg-none              an unsigned token (header alg "none", empty signature part)
  nyckelbyte            correct, but signed with a fresh key (new kid) published in the JWKS
                        only as the token is issued: a provider rolling its keys, so a relying
                        party with cached keys must fetch them again

/authorize answers 302 at once (no login page). A test may append
`claims_json=<urlencoded JSON object>` to the authorize URL to choose the ID token's claims
(default {"sub": "standin-user"}); iss, aud, iat, exp and nonce are always set by the provider.

Usage: python3 scripts/oidc-standin.py --port 9401   (issuer http://127.0.0.1:<port>)
Needs joserfc (installed with oidc-provider-mock).
"""

import argparse
import base64
import hashlib
import json
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

from joserfc import jwk, jwt

DEFAULT_CLAIMS = {"sub": "standin-user"}
TOKEN_LIFETIME = 300


class BadRequest(Exception):
    """A request the provider refuses with 400 and the given OAuth error code."""

    def __init__(self, error="invalid_request", status=400):
        super().__init__(error)
        self.error = error
        self.status = status


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class Provider:
    """Keys and the authorization codes that were handed out but not yet redeemed."""

    def __init__(self, issuer: str):
        self.issuer = issuer
        self.kid = "standin-" + secrets.token_hex(4)
        params = {"kid": self.kid, "use": "sig", "alg": "RS256"}
        self.key = jwk.RSAKey.generate_key(2048, parameters=params)
        # Same kid, but never published: tokens signed with it must be refused.
        self.rogue_key = jwk.RSAKey.generate_key(2048, parameters=params)
        self.rolled: list = []  # keys published by "nyckelbyte", newest last
        self.codes: dict[str, dict] = {}
        self.lock = threading.Lock()

    def discovery(self) -> dict:
        i = self.issuer
        return {
            "issuer": i,
            "authorization_endpoint": i + "/authorize",
            "token_endpoint": i + "/token",
            "jwks_uri": i + "/jwks",
            "end_session_endpoint": i + "/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile", "email"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        with self.lock:
            rolled = [k.as_dict(private=False) for k in self.rolled[-20:]]
        return {"keys": [self.key.as_dict(private=False)] + rolled}

    def authorize(self, q: dict) -> str:
        """Stores a new code and returns the redirect location."""
        if q.get("response_type") != "code":
            raise BadRequest("unsupported_response_type")
        client_id, redirect_uri = q.get("client_id"), q.get("redirect_uri")
        if not client_id or not redirect_uri:
            raise BadRequest()
        challenge = q.get("code_challenge")
        if not challenge or q.get("code_challenge_method") != "S256":
            raise BadRequest()
        claims = dict(DEFAULT_CLAIMS)
        if "claims_json" in q:
            extra = json.loads(q["claims_json"])
            if not isinstance(extra, dict):
                raise BadRequest()
            claims.update(extra)
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "nonce": q.get("nonce"),
                "code_challenge": challenge,
                "claims": claims,
            }
        params = {"code": code}
        if "state" in q:
            params["state"] = q["state"]
        parts = urlsplit(redirect_uri)
        query = parts.query + ("&" if parts.query else "") + urlencode(params)
        return urlunsplit(parts._replace(query=query))

    def token(self, form: dict, authorization: str | None) -> tuple[int, str, str]:
        """Redeems a code; returns (status, content type, body)."""
        client_id = form.get("client_id")
        if authorization and authorization.lower().startswith("basic "):
            decoded = base64.b64decode(authorization[6:].strip()).decode("utf-8")
            basic_id, _, _secret = decoded.partition(":")
            client_id = unquote(basic_id)  # RFC 6749 2.3.1: form-urlencoded
        if not client_id:
            raise BadRequest("invalid_client", 401)
        if form.get("grant_type") != "authorization_code":
            raise BadRequest("unsupported_grant_type")
        with self.lock:  # a code is used once, whatever happens next
            entry = self.codes.pop(form.get("code") or "", None)
        if entry is None or entry["client_id"] != client_id:
            raise BadRequest("invalid_grant")
        if form.get("redirect_uri") != entry["redirect_uri"]:
            raise BadRequest("invalid_grant")
        verifier = form.get("code_verifier") or ""
        if b64url(hashlib.sha256(verifier.encode("ascii")).digest()) != entry["code_challenge"]:
            raise BadRequest("invalid_grant")
        if client_id == "trasig":
            return 500, "text/plain; charset=utf-8", "boom"
        body = {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME,
        }
        if client_id != "inget-id-token":
            body["id_token"] = self.id_token(client_id, entry)
        return 200, "application/json", json.dumps(body)

    def id_token(self, client_id: str, entry: dict) -> str:
        now = int(time.time())
        claims = dict(entry["claims"])
        claims.update({"iss": self.issuer, "aud": client_id, "iat": now, "exp": now + TOKEN_LIFETIME})
        if entry["nonce"] is not None:
            claims["nonce"] = entry["nonce"]
        key = self.key
        if client_id == "fel-utfardare":
            claims["iss"] = "http://evil.example"
        elif client_id == "fel-mottagare":
            claims["aud"] = "someone-else"
        elif client_id == "fel-signatur":
            key = self.rogue_key
        elif client_id == "utgangen":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        elif client_id == "fel-nonce":
            claims["nonce"] = "not-the-one-you-sent"
        elif client_id == "nyckelbyte":
            kid = "rullad-" + secrets.token_hex(4)
            params = {"kid": kid, "use": "sig", "alg": "RS256"}
            fresh = jwk.RSAKey.generate_key(2048, parameters=params)
            with self.lock:
                self.rolled.append(fresh)
            return jwt.encode({"alg": "RS256", "kid": kid, "typ": "JWT"}, claims, fresh)
        elif client_id == "alg-none":
            header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
            return header + "." + b64url(json.dumps(claims).encode()) + "."
        return jwt.encode({"alg": "RS256", "kid": self.kid, "typ": "JWT"}, claims, key)


class Handler(BaseHTTPRequestHandler):
    provider: Provider  # set on the class by main()
    server_version = "nara-oidc-standin/1"
    timeout = 15  # a client that stalls mid-request is dropped, not waited for forever

    def log_message(self, format, *args):  # one line per request, on stdout
        sys.stdout.write("%s %s\n" % (self.log_date_time_string(), format % args))
        sys.stdout.flush()

    def send(self, status: int, ctype: str, body: str, headers: dict | None = None):
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status: int, obj: dict):
        self.send(status, "application/json", json.dumps(obj))

    def query(self) -> dict:
        qs = urlsplit(self.path).query
        return {k: v[0] for k, v in parse_qs(qs, keep_blank_values=True).items()}

    def guarded(self, route):
        try:
            route()
        except BadRequest as e:
            self.send_json(e.status, {"error": e.error})
        except OSError as e:  # the client went away or stalled: nobody to answer
            sys.stdout.write("connection dropped: %r\n" % (e,))
        except Exception as e:  # never crash on a bad request
            sys.stdout.write("bad request: %r\n" % (e,))
            try:
                self.send_json(400, {"error": "invalid_request"})
            except OSError:
                pass

    def do_GET(self):
        self.guarded(self.route_get)

    def do_POST(self):
        self.guarded(self.route_post)

    def route_get(self):
        path, p = urlsplit(self.path).path, self.provider
        if path == "/.well-known/openid-configuration":
            self.send_json(200, p.discovery())
        elif path == "/jwks":
            self.send_json(200, p.jwks())
        elif path == "/authorize":
            self.send(302, "text/plain; charset=utf-8", "", {"Location": p.authorize(self.query())})
        elif path == "/logout":
            html = '<!doctype html><html lang="sv"><title>Utloggad</title><p>Utloggad</p></html>'
            self.send(200, "text/html; charset=utf-8", html)
        elif path == "/healthz":
            self.send(200, "text/plain; charset=utf-8", "ok")
        else:
            self.send_json(404, {"error": "not_found"})

    def route_post(self):
        path = urlsplit(self.path).path
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8") if length > 0 else ""
        if path != "/token":
            self.send_json(404, {"error": "not_found"})
            return
        form = {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}
        status, ctype, body = self.provider.token(form, self.headers.get("Authorization"))
        self.send(status, ctype, body)


def main() -> None:
    ap = argparse.ArgumentParser(description="Faulty OpenID provider for Nära's tests")
    ap.add_argument("--port", type=int, default=9401)
    ap.add_argument("--host", default="127.0.0.1")
    args = ap.parse_args()
    Handler.provider = Provider("http://%s:%d" % (args.host, args.port))
    ThreadingHTTPServer.request_queue_size = 64  # parallel tests connect at once
    try:
        server = ThreadingHTTPServer((args.host, args.port), Handler)
    except OSError as e:
        sys.exit("oidc-standin: cannot listen on %s:%d: %s" % (args.host, args.port, e))
    server.daemon_threads = True
    print("oidc-standin: issuer %s" % Handler.provider.issuer, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()

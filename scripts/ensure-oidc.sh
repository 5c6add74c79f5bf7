#!/usr/bin/env bash
# Makes sure the two OpenID providers of Nära's sign-in tests answer on loopback:
#   - the mock (PyPI's oidc-provider-mock 0.3.4) on 127.0.0.1:${NARA_OIDC_MOCK_PORT:-9400},
#     issuer http://127.0.0.1:9400, started with --require-nonce;
#   - the stand-in (scripts/oidc-standin.py), which issues faulty tokens chosen by client id,
#     on 127.0.0.1:${NARA_OIDC_STANDIN_PORT:-9401}.
# Installs oidc-provider-mock with pip when it is missing; starts each provider in the background
# (setsid nohup, logs in ${NARA_OIDC_LOG_DIR:-/tmp/nara-oidc}) when it does not answer, then waits
# up to 30 s for both discovery documents. Idempotent; says what it does on stderr.
set -euo pipefail

say() { printf 'ensure-oidc: %s\n' "$*" >&2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mock_port=${NARA_OIDC_MOCK_PORT:-9400}
standin_port=${NARA_OIDC_STANDIN_PORT:-9401}
log_dir=${NARA_OIDC_LOG_DIR:-/tmp/nara-oidc}
mock_version=0.3.4

# answers PORT: true when the discovery document on 127.0.0.1:PORT can be fetched.
answers() {
  local url="http://127.0.0.1:$1/.well-known/openid-configuration"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null
  else
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2).read()' \
      "$url" >/dev/null 2>&1
  fi
}

mock_up=false
standin_up=false
answers "$mock_port" && mock_up=true
answers "$standin_port" && standin_up=true
if $mock_up && $standin_up; then
  say "the mock already answers on 127.0.0.1:$mock_port and the stand-in on 127.0.0.1:$standin_port"
  exit 0
fi

mkdir -p "$log_dir"
mock_pid=
standin_pid=

if $mock_up; then
  say "the mock already answers on 127.0.0.1:$mock_port"
else
  installed=$(python3 -c 'import importlib.metadata as m; print(m.version("oidc-provider-mock"))' \
    2>/dev/null || true)
  if [ "$installed" != "$mock_version" ]; then
    say "installing oidc-provider-mock==$mock_version with pip (found: ${installed:-none})"
    python3 -m pip install --quiet "oidc-provider-mock==$mock_version"
  fi
  say "starting the mock on 127.0.0.1:$mock_port (log $log_dir/mock.log)"
  NO_COLOR=1 PYTHONWARNINGS=ignore setsid nohup python3 -m oidc_provider_mock \
    --host 127.0.0.1 --port "$mock_port" --require-nonce \
    >"$log_dir/mock.log" 2>&1 </dev/null &
  mock_pid=$!
fi

if $standin_up; then
  say "the stand-in already answers on 127.0.0.1:$standin_port"
else
  # The stand-in needs joserfc, which comes with oidc-provider-mock.
  if ! python3 -c 'import joserfc' 2>/dev/null; then
    say "installing oidc-provider-mock==$mock_version with pip (for joserfc)"
    python3 -m pip install --quiet "oidc-provider-mock==$mock_version"
  fi
  say "starting the stand-in on 127.0.0.1:$standin_port (log $log_dir/standin.log)"
  PYTHONUNBUFFERED=1 setsid nohup python3 "$here/oidc-standin.py" --port "$standin_port" \
    >"$log_dir/standin.log" 2>&1 </dev/null &
  standin_pid=$!
fi

# Wait up to 30 s for both; give up early when a process we started has died.
for _ in $(seq 1 60); do
  $mock_up || { answers "$mock_port" && mock_up=true; }
  $standin_up || { answers "$standin_port" && standin_up=true; }
  $mock_up && $standin_up && break
  if [ -n "$mock_pid" ] && ! $mock_up && ! kill -0 "$mock_pid" 2>/dev/null; then
    say "the mock exited; last lines of $log_dir/mock.log:"
    tail -n 20 "$log_dir/mock.log" >&2 || true
    exit 1
  fi
  if [ -n "$standin_pid" ] && ! $standin_up && ! kill -0 "$standin_pid" 2>/dev/null; then
    say "the stand-in exited; last lines of $log_dir/standin.log:"
    tail -n 20 "$log_dir/standin.log" >&2 || true
    exit 1
  fi
  sleep 0.5
done

$mock_up || { say "the mock did not answer on 127.0.0.1:$mock_port within 30 s; see $log_dir/mock.log"; exit 1; }
$standin_up || { say "the stand-in did not answer on 127.0.0.1:$standin_port within 30 s; see $log_dir/standin.log"; exit 1; }
say "the mock answers on 127.0.0.1:$mock_port and the stand-in on 127.0.0.1:$standin_port"

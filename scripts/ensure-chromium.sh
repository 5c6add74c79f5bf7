#!/usr/bin/env bash
# Makes sure Debian's Chromium and ChromeDriver are installed (for the browser tests and the
# user guide's screenshots), and that the e2e folder's npm packages (playwright-core, axe-core)
# are there. No tool downloads a browser of its own: playwright-core drives /usr/bin/chromium.
# Idempotent; quiet when everything is there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "ensure-chromium: installing ${need[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  command -v chromium >/dev/null 2>&1 || { echo "ensure-chromium: chromium is still missing" >&2; exit 1; }
fi
if [ ! -d "$here/e2e/node_modules/playwright-core" ] || [ ! -d "$here/e2e/node_modules/axe-core" ]; then
  echo "ensure-chromium: installing the e2e npm packages" >&2
  (cd "$here/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
fi

#!/usr/bin/env bash
# Makes sure LibreOffice (headless Calc) and pdftotext are installed, for the tests that open
# the generated workbooks in a real office suite. Installs Debian's packages with apt-get when
# missing. Idempotent; quiet when everything is there.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
echo "ensure-libreoffice: installing ${need[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
command -v soffice >/dev/null 2>&1 || { echo "ensure-libreoffice: soffice is still missing" >&2; exit 1; }
echo "ensure-libreoffice: installed" >&2

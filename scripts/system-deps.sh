#!/usr/bin/env bash
# Installs the Debian packages Thiqa needs, or names them when we may not install.
#   scripts/system-deps.sh demo   -> what `make demo` needs
#   scripts/system-deps.sh test   -> what `make test` needs (adds a browser and fonts)
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

have_cmd msgfmt || need+=(gettext)
have_pkg fonts-noto-core || need+=(fonts-noto-core)      # Arabic and Latin fonts (pages, PDF)
have_pkg libpango-1.0-0 || need+=(libpango-1.0-0)        # PDF exports (WeasyPrint lays out text with Pango)
have_pkg libpangoft2-1.0-0 || need+=(libpangoft2-1.0-0)
have_pkg libharfbuzz-subset0 || need+=(libharfbuzz-subset0)  # WeasyPrint embeds font subsets
if [ "${1:-demo}" = "test" ]; then
  have_cmd chromium || need+=(chromium)                  # browser tests, driven by Playwright
  have_cmd pg_dump || need+=(postgresql-client)          # thiqa backup/restore on PostgreSQL
fi
for py in python3.11; do
  have_cmd "$py" || { echo "Thiqa needs $py (Debian package python3.11 or pyenv)." >&2; exit 1; }
done
"$py" -c "import venv, ensurepip" 2>/dev/null || need+=(python3.11-venv)

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && have_cmd apt-get; then
  echo "Installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "Thiqa needs these Debian packages: ${need[*]}" >&2
  echo "Install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi

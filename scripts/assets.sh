#!/usr/bin/env bash
# Install the web app's front-end assets (NHS.UK frontend, htmx, Swagger UI) from
# npm and copy the compiled files into src/groundswell/web/static/vendor/.
# The vendor folder is git-ignored: run this after a fresh clone and in CI.
# The web app still renders (unstyled) without it, and logs a warning.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if ! command -v npm >/dev/null 2>&1; then
    echo "assets.sh: npm is not installed; install Node.js (e.g. apt-get install npm) and rerun" >&2
    exit 1
fi

# --ignore-scripts: we only copy compiled files, so no package needs to run
# code at install time (swagger-ui-dist pulls in a telemetry postinstall).
if [[ -f package-lock.json ]]; then
    npm ci --ignore-scripts --no-audit --no-fund
else
    npm install --ignore-scripts --no-audit --no-fund
fi

modules="$root/node_modules"
vendor="$root/src/groundswell/web/static/vendor"
rm -rf "$vendor"
mkdir -p "$vendor/nhsuk" "$vendor/htmx" "$vendor/swagger-ui"

nhsuk="$modules/nhsuk-frontend/dist/nhsuk"
# The stylesheet points at /assets/... and at fonts on the NHS CDN. Point the
# images at the copied assets (relative to the stylesheet) and drop the CDN
# fonts: the app's Content-Security-Policy allows its own origin only, and the
# NHS font stack falls back to Arial.
sed -E \
    -e 's#url\(/assets/#url(assets/#g' \
    -e 's#@font-face\{[^}]*assets\.nhs\.uk[^}]*\}##g' \
    "$nhsuk/nhsuk-frontend.min.css" >"$vendor/nhsuk/nhsuk-frontend.min.css"
cp "$nhsuk/nhsuk-frontend.min.js" "$vendor/nhsuk/"
cp -R "$nhsuk/assets" "$vendor/nhsuk/assets"
cp "$modules/nhsuk-frontend/package.json" "$vendor/nhsuk/package.json"

cp "$modules/htmx.org/dist/htmx.min.js" "$vendor/htmx/"
cp "$modules/htmx.org/package.json" "$vendor/htmx/package.json"

swagger="$modules/swagger-ui-dist"
cp "$swagger/swagger-ui-bundle.js" "$swagger/swagger-ui.css" "$swagger/LICENSE" "$vendor/swagger-ui/"
cp "$swagger/package.json" "$vendor/swagger-ui/package.json"

echo "assets.sh: front-end assets copied to ${vendor#"$root"/}"

#!/usr/bin/env bash
# Publish rehearsal: publishes every public workspace package with the project's real release
# command (`pnpm release`) to a throw-away verdaccio on 127.0.0.1, then installs them with npm
# in a fresh directory outside the workspace and uses them the way a user would:
#   - checks each published tarball (no workspace: ranges, LICENSE/README/exported files),
#     runs publint and are-the-types-wrong on it;
#   - (a) an ESM script trains SimpleCNN on the embedded sample for a few steps;
#   - each package README's example, run against the installed packages;
#   - (b) tsc --noEmit on a TypeScript consumer and on (a)'s script (checkJs), moduleResolution
#     node16 and bundler;
#   - (c) the installed CLI: `cnnkit --help` and a one-epoch `train --data sample --limit 200`;
#   - (d) a fresh Node app and (e) a fresh Vite app, each exactly as @cnnkit/wasm-kernels'
#     README shows it (its files and its `npm install` lines, from the published tarball),
#     installed in its own directory, training SimpleCNN on the sample for one epoch on wasm;
#     (e) is built with `vite build`, served by `vite preview` with COOP/COEP and checked in
#     headless Chromium (cross-origin isolated, the multi-threaded build, no console errors).
# Nothing leaves this machine: @cnnkit/* never goes to an uplink; other packages (tfjs,
# typescript) are proxied from the registry npm is configured with. No git tags are made.
#
# Usage: bash scripts/publish-rehearsal.sh   (KEEP_REHEARSAL=1 keeps the temporary directory)
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
HERE="$ROOT/scripts/publish-rehearsal"
UPSTREAM="$(npm config get registry)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/cnnkit-publish-rehearsal.XXXXXX")"
VERDACCIO_PID=""

cleanup() {
  local status=$?
  if [ -n "$VERDACCIO_PID" ]; then
    kill "$VERDACCIO_PID" 2>/dev/null || true
    wait "$VERDACCIO_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_REHEARSAL:-}" = 1 ]; then
    echo "rehearsal: kept $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step() { printf '\nrehearsal: %s\n' "$*"; }

# --- 1. A throw-away registry ------------------------------------------------------------
PORT="$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
REGISTRY="http://127.0.0.1:$PORT/"
mkdir -p "$WORK/verdaccio/storage"
cat >"$WORK/verdaccio/config.yaml" <<EOF
storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 10
uplinks:
  upstream:
    url: $UPSTREAM
    timeout: 120s
packages:
  '@cnnkit/*':
    access: \$all
    publish: \$authenticated
  '**':
    access: \$all
    publish: \$authenticated
    proxy: upstream
# The sample data package is a 7.3 MB tarball; a publish sends it base64-encoded.
max_body_size: 100mb
log: { type: stdout, format: pretty, level: warn }
EOF
step "verdaccio on $REGISTRY (storage $WORK/verdaccio/storage, uplink $UPSTREAM for all but @cnnkit/*)"
"$ROOT/node_modules/.bin/verdaccio" --config "$WORK/verdaccio/config.yaml" \
  --listen "127.0.0.1:$PORT" >"$WORK/verdaccio.log" 2>&1 &
VERDACCIO_PID=$!
TOKEN="$(node "$HERE/registry-user.mjs" "$REGISTRY" "$VERDACCIO_PID" "$WORK/verdaccio.log")"

# Every npm/pnpm call below reads only this config: the rehearsal registry and its token.
cat >"$WORK/npmrc" <<EOF
registry=$REGISTRY
//127.0.0.1:$PORT/:_authToken=$TOKEN
EOF
export NPM_CONFIG_USERCONFIG="$WORK/npmrc"
export npm_config_registry="$REGISTRY"
export NPM_CONFIG_REGISTRY="$REGISTRY"
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false

# --- 2. The real release command ---------------------------------------------------------
mapfile -t PACKAGES < <(cd "$ROOT" && node -e '
  const fs = require("node:fs");
  for (const group of ["packages", "apps"])
    for (const dir of fs.readdirSync(group).sort()) {
      const file = `${group}/${dir}/package.json`;
      if (!fs.existsSync(file)) continue;
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (!pkg.private) console.log(`${pkg.name}@${pkg.version}`);
    }')
step "pnpm release --no-git-tag (build the published packages, changeset publish): ${#PACKAGES[@]} packages"
(cd "$ROOT" && pnpm release --no-git-tag) >"$WORK/release.log" 2>&1 || {
  cat "$WORK/release.log"
  echo "rehearsal: pnpm release failed (log above)" >&2
  exit 1
}
grep -E 'Tasks:|Cached:|Publishing' "$WORK/release.log" | sed 's/^ */  /'
sed -n '/packages published successfully/,$p' "$WORK/release.log" | sed 's/^ */  /'

step "published versions (npm view against the rehearsal registry)"
for spec in "${PACKAGES[@]}"; do
  name="${spec%@*}"
  version="${spec##*@}"
  published="$(npm view "$name" version)"
  if [ "$published" != "$version" ]; then
    echo "rehearsal: $name is $version in the workspace but the registry has '$published'" >&2
    exit 1
  fi
  printf '  %-24s %s\n' "$name" "$published"
done

# --- 3. The tarballs as published --------------------------------------------------------
step "tarballs: manifest ranges, files, publint, are-the-types-wrong"
mkdir -p "$WORK/tarballs"
(cd "$WORK/tarballs" && npm pack --silent "${PACKAGES[@]}" >/dev/null)
for tarball in "$WORK"/tarballs/*.tgz; do
  printf '  %s (%s bytes)\n' "$(basename "$tarball")" "$(wc -c <"$tarball" | tr -d ' ')"
  node "$HERE/check-tarball.mjs" "$tarball" | sed 's/^/    /'
  # publint prints its findings; --strict makes warnings fail too.
  "$ROOT/node_modules/.bin/publint" run "$tarball" --strict 2>&1 | sed 's/^/    publint: /'
  # Types are ESM-only by design (no require entry), so the esm-only profile; the type
  # packages of dependencies are not fetched (--no-definitely-typed keeps it offline). Only
  # entry points that are code are checked (not the sample's data file or package.json).
  mapfile -t entries < <(tar -xzOf "$tarball" package/package.json | node -e '
    const { exports = {} } = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
    for (const [key, value] of Object.entries(exports))
      if (typeof value === "object" && value.types) console.log(key);')
  if [ "${#entries[@]}" -gt 0 ]; then
    "$ROOT/node_modules/.bin/attw" "$tarball" --profile esm-only --no-definitely-typed \
      --entrypoints "${entries[@]}" --format table-flipped --no-summary --no-emoji --no-color 2>&1 |
      sed 's/^/    attw: /'
  fi
done

# --- 4. A user's install -----------------------------------------------------------------
CONSUMER="$WORK/consumer"
mkdir -p "$CONSUMER"
cat >"$CONSUMER/package.json" <<'EOF'
{ "name": "cnnkit-consumer", "private": true, "type": "module" }
EOF
INSTALL=("${PACKAGES[@]}" @tensorflow/tfjs-core@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0
  typescript@5.9.3 @types/node@20)
step "npm install in $CONSUMER: ${INSTALL[*]}"
(cd "$CONSUMER" && npm install --no-audit --no-fund --loglevel=error "${INSTALL[@]}")
(cd "$CONSUMER" && npm ls --depth=0 2>/dev/null | sed 's/^/  /')
copies="$(cd "$CONSUMER" && find node_modules -path '*/@tensorflow/tfjs-core/package.json' | wc -l | tr -d ' ')"
if [ "$copies" != 1 ]; then
  echo "rehearsal: $copies copies of @tensorflow/tfjs-core installed; the engine must be one" >&2
  exit 1
fi
echo "  one copy of @tensorflow/tfjs-core"

step "(a) ESM consumer: sample + SimpleCNN + a few training steps (public APIs only)"
cp "$HERE/train-sample.mjs" "$CONSUMER/"
(cd "$CONSUMER" && node train-sample.mjs 2>&1) | sed 's/^/  /'

step "README examples, run against the installed packages"
cp "$HERE/readme-examples.mjs" "$CONSUMER/"
(cd "$CONSUMER" && node readme-examples.mjs "${PACKAGES[@]%@*}") | sed 's/^/  /'

step "(b) tsc --noEmit on a TypeScript consumer and train-sample.mjs (checkJs)"
cp "$HERE/consumer.ts" "$HERE/tsconfig.node16.json" "$HERE/tsconfig.bundler.json" "$CONSUMER/"
for resolution in node16 bundler; do
  (cd "$CONSUMER" && npx --no-install tsc -p "tsconfig.$resolution.json")
  echo "  moduleResolution $resolution: no errors"
done

step "(c) the installed CLI"
(cd "$CONSUMER" && npx --no-install cnnkit --help) | sed 's/^/  /'
(cd "$CONSUMER" && npx --no-install cnnkit train --data sample --limit 200 --epochs 1 \
  --out "$WORK/run") 2>&1 | sed 's/^/  /'
test -f "$WORK/run/simple-cnn.safetensors"
echo "  weights written: $(wc -c <"$WORK/run/simple-cnn.safetensors" | tr -d ' ') bytes"

# --- 5. Apps built from a README alone ---------------------------------------------------
# What a user pastes: the files and `npm install` lines of one README section, from the
# tarball as published; nothing else goes into the app's directory but a package.json.
tar -xzOf "$WORK"/tarballs/cnnkit-wasm-kernels-*.tgz package/README.md >"$WORK/wasm-kernels-README.md"
# The README says `npm install -D vite`; the rehearsal builds with the version the repo uses.
VITE_VERSION="$(node -p "require('$ROOT/apps/web/package.json').devDependencies.vite")"

# Creates directory $1 with the app of README section $2 and runs its npm install lines.
app_from_readme() {
  local dir="$1" heading="$2" line
  local -a installs words
  mkdir -p "$dir"
  printf '{ "name": "%s", "private": true, "type": "module" }\n' "$(basename "$dir")" >"$dir/package.json"
  node "$HERE/app-from-readme.mjs" "$WORK/wasm-kernels-README.md" "$heading" "$dir" \
    --pin "vite@$VITE_VERSION" >"$dir.installs"
  mapfile -t installs <"$dir.installs"
  for line in "${installs[@]}"; do
    echo "  \$ $line"
    read -r -a words <<<"$line"
    (cd "$dir" && "${words[@]}" --no-audit --no-fund --loglevel=error) 2>&1 | sed 's/^/    /'
  done
}

step "(d) a Node app from the wasm-kernels README (\"Train a CNN in a Node script\")"
NODE_APP="$WORK/node-app"
app_from_readme "$NODE_APP" "Train a CNN in a Node script"
node "$HERE/run-node-app.mjs" "$NODE_APP" train.mjs | sed 's/^/  /'

step "(e) a Vite app from the wasm-kernels README (\"Train a CNN in a Vite app, with threads\"), in Chromium"
VITE_APP="$WORK/vite-app"
app_from_readme "$VITE_APP" "Train a CNN in a Vite app, with threads"
(cd "$VITE_APP" && npx --no-install vite build --logLevel warn) 2>&1 | sed 's/^/    /'
node "$HERE/bundle-size.mjs" "$VITE_APP/dist" | sed 's/^/  /'
node "$HERE/vite-app-in-chromium.mjs" "$VITE_APP" | sed 's/^/  /'

step "passed"

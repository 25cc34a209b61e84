#!/usr/bin/env bash
# CI step for the web demo: installs Debian's Chromium when it is missing, then runs the
# browser end-to-end tests (turbo builds @cnnkit/web and @cnnkit/cli first). Called by .ci/run
# after `pnpm install`; run it by hand the same way: `bash apps/web/scripts/ci-e2e.sh`.
set -euo pipefail
cd "$(dirname "$0")/../../.."

CHROMIUM="${CNNKIT_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "ci-e2e: $CHROMIUM missing; installing Debian's chromium"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # Another installer may hold the dpkg lock: wait for it instead of failing.
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update
  $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y --no-install-recommends chromium
fi
echo "ci-e2e: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"

pnpm exec turbo run test:e2e --filter @cnnkit/web

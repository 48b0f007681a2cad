#!/usr/bin/env bash
# The test command: installs the real servers the tests talk to (Debian packages: redis-server, prometheus-alertmanager,
# prometheus with promtool, chromium for the console's browser tests), builds, type-checks, runs jest.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
# redis-cli builds the Redis Cluster of the cluster tests (redis-server pulls it in; named in case it was removed).
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v prometheus-alertmanager >/dev/null || command -v alertmanager >/dev/null || need+=(prometheus-alertmanager)
# prometheus and promtool: tools/ops checks the scrape config and rules, unit-tests the alerts, and scrapes the platform.
command -v prometheus >/dev/null && command -v promtool >/dev/null || need+=(prometheus)
# chromium: the web console's end-to-end tests drive it headless through playwright-core.
command -v chromium >/dev/null || need+=(chromium)
if ((${#need[@]})); then
  echo "test: installing ${need[*]} from Debian's packages" >&2
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

pnpm run typecheck
pnpm run lint
# Integration tests start real servers: run suites in parallel, but no more than the cores we have.
pnpm exec jest --maxWorkers=2 "$@"

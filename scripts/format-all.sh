#!/usr/bin/env bash
# Formats every TypeScript and JavaScript file with prettier (.prettierrc.json: 120 columns) once, then makes
# `pnpm run lint` check the format from then on (issue 26, item 5). Run once by the lead on main, after every branch
# of the wave is merged (formatting earlier would conflict with each of them); commit the result as one commit of
# its own, then add that commit's hash to .git-blame-ignore-revs so `git blame` skips it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Twice: prettier is not idempotent on a few long member chains (3 files in December 2026); the second pass settles them.
pnpm run format
pnpm run format >/dev/null
npm pkg set scripts.lint="eslint . && pnpm run format:check && node scripts/check-links.mjs"
pnpm run typecheck
pnpm run lint
echo "format-all: formatted; 'pnpm run lint' now runs prettier --check. Run the tests, commit, then record the commit in .git-blame-ignore-revs."

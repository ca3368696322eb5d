#!/bin/sh
# npm test's static checks: the test TypeScript type-checked, ESLint and Prettier, side by side (each uses one core).
# Fails when any of them fails; each prints its own findings.
bin=node_modules/.bin
"$bin/tsc" -p tsconfig.test.json & typecheck=$!
"$bin/eslint" . & eslint=$!
"$bin/prettier" --check --log-level warn . || failed=1
wait "$typecheck" || failed=1
wait "$eslint" || failed=1
exit "${failed:-0}"

#!/bin/sh
# Installs what a script needs, saying so first.
#   ensure-deps.sh         all dependencies (tests, benchmarks): npm ci when node_modules is missing or older than the lockfile
#   ensure-deps.sh demo    only what generation needs (the bin's runtime packages and TypeScript), at the versions of
#                          package-lock.json, into dist/node_modules: seconds instead of a minute of dev dependencies;
#                          then builds dist/ (type-checked when the dev dependencies are there, else emitted only)
set -e
cd "$(dirname "$0")/.."
build_demo() {
  echo "demo: building dist/ (no type check: yeoman-generator, for yo only, is not installed)"
  dist/node_modules/.bin/tsc -p tsconfig.json --noCheck --typeRoots dist/node_modules/@types
}
complete() { [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ]; }
if [ "$1" = demo ]; then
  if complete; then rm -rf dist/node_modules; npx tsc -p tsconfig.json; exit 0; fi
  if [ -f dist/node_modules/.demo-deps ]; then build_demo; exit 0; fi
  packages=$(node -e '
    const lock = require("./package-lock.json").packages;
    const at = (name) => `${name}@${lock[`node_modules/${name}`].version}`;
    console.log(["ejs", "node-diff3", "jsonc-parser", "typescript", "@types/node", "@types/ejs"].map(at).join(" "));')
  echo "demo: installing what generation needs: $packages"
  npm install --prefix dist --no-save --no-package-lock --no-audit --no-fund --loglevel=error $packages
  touch dist/node_modules/.demo-deps
  build_demo
  exit 0
fi
if ! complete; then
  echo "Installing the generator's dependencies (npm ci)..."
  npm ci --no-audit --no-fund
fi
# A demo's partial install would shadow the full one for the compiled code.
rm -rf dist/node_modules

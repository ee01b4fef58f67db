#!/usr/bin/env bash
# Usage: tools/optimize.sh IN.wasm OUT.wasm
#
# Runs Binaryen's wasm-opt (npm `binaryen`, pinned in tools/optimize/package.json)
# on the core modules of the component IN and writes the shipped component OUT
# (see tools/optimize/optimize.mjs). Installs the pinned binaryen with `npm ci`
# the first time, and again whenever package-lock.json is newer than node_modules.
# Needs Node >= 20.19 (or >= 22.12) and npm; nothing else.
set -euo pipefail

if [ "$#" -ne 2 ]; then
    echo "usage: tools/optimize.sh IN.wasm OUT.wasm" >&2
    exit 2
fi

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/optimize"

need_node() {
    echo "tools/optimize.sh: $1; install Node.js >= 20.19 (or >= 22.12) with npm (https://nodejs.org/)," >&2
    echo "tools/optimize.sh: or ship the unoptimised component (cargo build output) instead." >&2
    exit 1
}
command -v node > /dev/null 2>&1 || need_node "node is not on PATH"
command -v npm > /dev/null 2>&1 || need_node "npm is not on PATH"
node_version="$(node --version)"
node_major="${node_version#v}"
node_major="${node_major%%.*}"
if ! [ "$node_major" -ge 20 ] 2> /dev/null; then
    need_node "node is $node_version"
fi

# node_modules is missing or older than the lock file: (re)install, quietly. Two
# builds at once (cargo test builds variants in parallel) take turns through flock
# on package-lock.json where flock exists.
stale() {
    local stamp="$dir/node_modules/.package-lock.json"
    [ ! -e "$dir/node_modules/binaryen/bin/wasm-opt" ] || [ ! -e "$stamp" ] || [ "$dir/package-lock.json" -nt "$stamp" ]
}
if stale; then
    if command -v flock > /dev/null 2>&1; then
        exec 9< "$dir/package-lock.json"
        flock 9
    fi
    if stale; then
        if ! log="$(npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error 2>&1)"; then
            echo "$log" >&2
            echo "tools/optimize.sh: npm ci --prefix tools/optimize failed" >&2
            exit 1
        fi
    fi
    exec 9<&-
fi

exec node "$dir/optimize.mjs" "$1" "$2"

#!/usr/bin/env bash
# Bounded fuzz smoke run: every cargo-fuzz target for a fixed time.
#
#   fuzz/run.sh            # 30 s per target
#   fuzz/run.sh 300        # 5 min per target
#
# Works with the stable toolchain: cargo-fuzz passes -Z flags (ASan, coverage
# instrumentation), which RUSTC_BOOTSTRAP=1 allows on stable rustc.
# Installs cargo-fuzz (about 3.5 min on 2 cores) when it is missing.
# The targets are in fuzz_targets/, the entry points in harness.rs; the same
# harness runs deterministically in `cargo test` (tests/no_panic.rs).
# A crash leaves its input under fuzz/artifacts/<target>/; replay it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O <target> fuzz/artifacts/<target>/<file>
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1

for target in route upstream; do
  echo "== fuzz $target for ${secs}s"
  mkdir -p "corpus/$target"
  # Start from the inputs that once failed, so they are replayed here too.
  if [ -d "regressions/$target" ]; then cp -n "regressions/$target"/* "corpus/$target/"; fi
  cargo fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$secs" -max_len=8192 -rss_limit_mb=2048 -print_final_stats=1
done

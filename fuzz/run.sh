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
#
# Input sizes: `upstream` stays at 8,192 bytes. `route` inputs may reach the
# connector's 1 MiB request cap and pass it (-max_len 1 MiB + 4 KiB: the
# request prefix and upstream answers), and its corpus is seeded with two
# 1 MiB POST /get-ticket bodies (ticketId repeated; ticketId nested in
# brackets), written in harness.rs's encoding (Cursor::body), so the fuzzer
# starts at the cap instead of growing inputs towards it.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-30}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked --version 0.13.2
fi
export RUSTC_BOOTSTRAP=1

mkdir -p corpus/route
python3 - corpus/route <<'PY'
import struct, sys
cap = 1024 * 1024
def seed(name, body):
    body = body + b" " * (cap - len(body))  # JSON whitespace up to the cap
    # operation 0 (get-ticket), POST with a JSON content type, then the body
    # (length 0xffff, then a four-byte length), then no upstream answers.
    data = bytes([0, 0b0000_0100]) + b"\xff\xff" + struct.pack(">I", len(body)) + body
    open(f"{sys.argv[1]}/{name}", "wb").write(data)
unit = b'"ticketId":12345,'
seed("cap-duplicate-keys", b"{" + unit * ((cap - 19) // len(unit)) + b'"ticketId":12345}')
depth = (cap - 13) // 2
seed("cap-deep-nesting", b'{"ticketId":' + b"[" * depth + b"]" * depth + b"}")
PY

for target in route upstream; do
  echo "== fuzz $target for ${secs}s"
  mkdir -p "corpus/$target"
  # Start from the inputs that once failed, so they are replayed here too.
  if [ -d "regressions/$target" ]; then cp -n "regressions/$target"/* "corpus/$target/"; fi
  max_len=8192
  if [ "$target" = route ]; then max_len=$((1024 * 1024 + 4096)); fi
  cargo fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$secs" -max_len="$max_len" -rss_limit_mb=2048 -print_final_stats=1
done

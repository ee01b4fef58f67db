#!/usr/bin/env bash
# Rewrites everything derived from the operations' declarations that is
# checked in: src/ops/schemas.json (the JSON Schemas, from the types), the
# README's operations table (from the registry and wit/), and the golden
# answers under tests/e2e/tests/golden/ (listing, tools/list, OpenAPI, …).
# Review the diff (git diff) before committing. `.ci/run` runs this and fails
# when it changes a checked-in file.
set -euo pipefail
cd "$(dirname "$0")/.."
# Only the writing test: the other unit tests still embed the old file in this build.
SCHEMAS_UPDATE=1 cargo test --locked --lib the_embedded_schemas_are_what_the_types_generate -- --quiet
cargo test --locked --lib -- --quiet
README_UPDATE=1 cargo test --locked --test readme -- --quiet
GOLDEN_UPDATE=1 cargo test --locked --test golden -- --quiet

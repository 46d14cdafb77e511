#!/usr/bin/env bash
# Prints how long an expansion takes, as ratios (see benches/render.rs): the function against the
# floor of reading and writing the same ResourceList, and per-intent cost at scale against one.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --quiet --bench render

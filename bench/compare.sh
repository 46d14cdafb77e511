#!/usr/bin/env bash
# Times whole processes side by side, interleaved: vmstack on the seed packages against
# `kubectl kustomize` on the same manifests written by hand, fleets of intents, pass-through
# lists against bare YAML parse+emit floors. Prints medians, ratios, peak memory and each
# target of docs/performance.md with PASS/FAIL, and draws docs/performance.svg.
#
#   bench/compare.sh [--runs N] [--quick]     (--quick: smaller inputs, for a first look)
#
# Needs cargo, python3, kpt and kubectl. Benchmarks are never tests: nothing here fails a build.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== building vmstack and vmstack-bench (release; the first build takes a few minutes)" >&2
# Two builds: built together, vmstack would get the bench's features of their shared
# dependencies (granit-parser's comment-keeping scanner, memchr's std); alone, it is the binary
# `cargo install` makes.
cargo build --release -p vmstack-bench 2>&1 | sed -u 's/^/   /' >&2
cargo build --release -p vmstack 2>&1 | sed -u 's/^/   /' >&2
echo "== built; generating inputs and timing (see bench/compare.py for what runs)" >&2
# .cargo/config.toml names the host as the target: the binaries are under target/<host>/.
host="$(rustc -vV | sed -n 's/^host: //p')"
release="${CARGO_TARGET_DIR:-target}/$host/release"
exec python3 bench/compare.py \
  --vmstack "$release/vmstack" \
  --bench "$release/vmstack-bench" \
  --plot docs/performance.svg \
  "$@"

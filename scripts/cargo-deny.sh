#!/usr/bin/env bash
# Runs `cargo deny check` (advisories, bans, licences, sources; deny.toml) with no network access
# to the advisory database: these machines cannot reach GitHub, so the RustSec snapshot in
# ../shared/advisory-db (or $VMSTACK_SHARED/advisory-db) is made into the git checkout cargo-deny
# opens, dated as the snapshot is, and cargo-deny is told not to fetch.
set -euo pipefail
cd "$(dirname "$0")/.."

shared="${VMSTACK_SHARED:-../shared}"
snapshot="$shared/advisory-db"
[ -d "$snapshot/crates" ] || { echo "no advisory snapshot at $snapshot/crates" >&2; exit 1; }
command -v cargo-deny >/dev/null || { echo "cargo-deny is not installed (.ci/run installs it)" >&2; exit 1; }

# The crate sources of every platform, so that `cargo metadata` can run offline below.
cargo fetch --locked --quiet

# cargo-deny names the folder of a database after its URL; ask it rather than guess the hash.
# (It fails there, the database being absent: only its log line is wanted.)
db="$({ cargo deny -L debug --offline --locked check advisories 2>&1 || true; } |
  sed -n "s/.*Opening advisory database at '\(.*\)'.*/\1/p" | head -n 1)"
[ -n "$db" ] || { echo "cargo-deny did not say where it opens the advisory database" >&2; exit 1; }

# The snapshot's date (its SNAPSHOT file says which commit and when) is the checkout's date, so
# cargo-deny sees how old the data really is.
date="$(grep -o '[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}' "$snapshot/SNAPSHOT" | head -n 1)"
rm -rf "$db"
mkdir -p "$db"
cp -R "$snapshot/." "$db/"
git -C "$db" init --quiet
git -C "$db" add --all
GIT_AUTHOR_DATE="${date}T00:00:00Z" GIT_COMMITTER_DATE="${date}T00:00:00Z" \
  git -C "$db" -c user.name=vmstack-ci -c user.email=ci@vmstack.invalid \
  commit --quiet --message "RustSec advisory-db snapshot of $date"
advisories="$(find "$db/crates" -name '*.md' | wc -l)"
echo "advisory database: $advisories advisories, snapshot of $date"

cargo deny --offline --locked --workspace check

# The check must be able to fail: a probe crate with an unmaintained and a banned dependency.
probe=tests/fixtures/supply-chain/probe
cargo fetch --locked --quiet --manifest-path "$probe/Cargo.toml"
probe_out="$(cargo deny --offline --locked --manifest-path "$probe/Cargo.toml" --config deny.toml \
  check advisories bans 2>&1 || true)"
for expected in "error\[unmaintained\]: yaml-rust is unmaintained" \
  "error\[banned\]: crate 'serde_yaml"; do
  grep -q "$expected" <<<"$probe_out" || {
    echo "cargo-deny let the probe crate through (no \"$expected\"):" >&2
    echo "$probe_out" >&2
    exit 1
  }
done
echo "cargo-deny refuses the probe crate (unmaintained yaml-rust, banned serde_yaml), as it must"

#!/usr/bin/env bash
# Builds the release binary statically linked and prints its path (target/static/vmstack).
#
# From this checkout `cargo build --release` makes the same binary (.cargo/config.toml); this
# script names the target and the flag itself, so that it does not depend on where cargo finds
# its configuration, and puts the binary where the Containerfile takes it.
#
# Static glibc: `+crt-static` on the host's gnu target links glibc's own static libc, so the
# binary has no program interpreter and needs no shared library (tests/static_binary.rs checks
# both, then runs it with an empty environment as an unprivileged user). No musl target is
# needed. vmstack calls nothing that glibc can only do with shared modules (no name service
# lookups, no dlopen), which is what makes static glibc safe here.
set -euo pipefail
cd "$(dirname "$0")/.."
host="$(rustc -vV | sed -n 's/^host: //p')"
target_dir="${CARGO_TARGET_DIR:-target}"
# With --target, RUSTFLAGS reach only the target's crates: build scripts and proc macros, which
# must be dynamic, are built for the host without them.
RUSTFLAGS="-C target-feature=+crt-static" \
  cargo build --locked --release --target "$host" "$@" >&2
mkdir -p "$target_dir/static"
cp "$target_dir/$host/release/vmstack" "$target_dir/static/vmstack"
echo "$target_dir/static/vmstack"

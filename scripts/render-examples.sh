#!/usr/bin/env bash
# Renders every example in place with the real hosts:
#   examples/seed/infra, examples/seed/apps   kpt packages, `kpt fn render --allow-exec`
#   examples/clustermesh/infra, …/apps        kpt packages, the same way
#   examples/vmauth/infra, …/apps             kpt packages, the same way
#   examples/kustomize                        `kubectl kustomize --enable-alpha-plugins`
# Builds vmstack first and puts it where each host looks for it.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
# .cargo/config.toml names the host as the target, so the binary is under target/<host>/.
host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="$(cd "${CARGO_TARGET_DIR:-target}" && pwd)/$host/release"

for pkg in examples/seed/infra examples/seed/apps examples/clustermesh/infra examples/clustermesh/apps \
  examples/vmauth/infra examples/vmauth/apps; do
  PATH="$bin_dir:$PATH" kpt fn render "$pkg" --allow-exec
done

# kubectl's kustomize runs legacy exec plugins from <plugin home>/<group>/<version>/<kind lower>/<Kind>.
plugin_home="$(mktemp -d)"
trap 'rm -rf "$plugin_home"' EXIT
plugin_dir="$plugin_home/vmstack.dev/v1alpha1/victoriametricsstack"
mkdir -p "$plugin_dir"
cp "$bin_dir/vmstack" "$plugin_dir/VictoriaMetricsStack"
KUSTOMIZE_PLUGIN_HOME="$plugin_home" XDG_CONFIG_HOME="$plugin_home" \
  kubectl kustomize --enable-alpha-plugins examples/kustomize > examples/kustomize/rendered.yaml
echo "rendered: examples/seed/infra/global, examples/seed/apps/stack, examples/clustermesh/infra/global, examples/clustermesh/apps/stack, examples/vmauth/infra/global, examples/vmauth/apps/stack, examples/kustomize/rendered.yaml"

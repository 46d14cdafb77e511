#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora from the repository's own inputs (docs/fuzzing.md):
#   corpus/stdin: every fixture and example YAML file as it is (mostly not a ResourceList: the
#     error paths), each wrapped as the items of a ResourceList and as its functionConfig, the
#     hostile corpus's stdin inputs, and each example package as `kpt fn source` sends it (path
#     and index annotations included);
#   corpus/flux: every fixture and example YAML file as it is, and one text per envsubst form.
# The corpora are generated, not committed (fuzz/.gitignore). What earlier runs added to them is
# kept: the seeds are written beside it.
set -euo pipefail
cd "$(dirname "$0")"
root=..
mkdir -p corpus/stdin corpus/flux

# The YAML inputs: fixtures (the hostile corpus included, when present) and examples, without the
# rendered output (the packages below bring it along with their intents).
mapfile -t files < <(cd "$root" && find tests/fixtures examples -type f \( -name '*.yaml' -o -name '*.yml' \) \
  -not -path 'examples/*/stack/*' -not -path 'examples/*/global/*' -not -name rendered.yaml | sort)

# A name for a file in a corpus: its path with / as _.
name() { printf '%s' "${1//\//_}"; }

# The documents of a file as ResourceList items (or, with `config`, the first as functionConfig):
# each document's first line takes the `- ` (or is indented), the rest are indented.
as_resource_list() {
  local mode=$1 file=$2
  printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n'
  if [ "$mode" = config ]; then printf 'items: []\nfunctionConfig:\n'; else printf 'items:\n'; fi
  awk -v mode="$mode" '
    BEGIN { start = 1; docs = 0 }
    /^---/ { start = 1; next }
    start && (/^[[:space:]]*#/ || /^[[:space:]]*$/) { next }
    {
      if (start) { docs++; if (mode == "config" && docs > 1) exit; start = 0
        print (mode == "config" ? "  " : "- ") $0 }
      else print "  " $0
    }' "$root/$file"
}

for f in "${files[@]}"; do
  cp "$root/$f" "corpus/stdin/raw_$(name "$f")"
  cp "$root/$f" "corpus/flux/raw_$(name "$f")"
  as_resource_list items "$f" >"corpus/stdin/items_$(name "$f")"
  as_resource_list config "$f" >"corpus/stdin/config_$(name "$f")"
done

# The hostile corpus's stdin inputs, bytes as they are (the generated large ones are left out).
for input in $(cd "$root" && find tests/fixtures/hostile -type f -name input 2>/dev/null | sort); do
  cp "$root/$input" "corpus/stdin/hostile_$(name "$(dirname "$input")")"
done

if command -v kpt >/dev/null; then
  for pkg in $(cd "$root" && find examples -name Kptfile -printf '%h\n' | sort); do
    (cd "$root" && kpt fn source "$pkg") >"corpus/stdin/kpt_$(name "$pkg")"
  done
else
  echo "seed-corpus.sh: no kpt, so no corpus entry as kpt sends a package" >&2
fi

# One text per envsubst form Flux parses (and a few it refuses).
i=0
for text in 'a ${A} b' '${A:-x}' '${A:=x}' '${A=x}' '${A:+x}' '${A:?x}' '${#A}' '${A:1}' '${A:1:2}' \
  '${A#a*}' '${A##a*}' '${A%a*}' '${A%%a*}' '${A/a/b}' '${A//a/b}' '${A/#a/b}' '${A/%a/b}' \
  '${A\/x/\\y}' '${A^}' '${A^^}' '${A,}' '${A,,}' '$${A}' '${A:-${B:=${C}}}' '${A-x}' '${A' '${}' \
  'k: ${A}' 'k: "${A}"'; do
  printf '%s' "$text" >"corpus/flux/envsubst_$i"
  i=$((i + 1))
done

echo "seed-corpus.sh: corpus/stdin holds $(ls corpus/stdin | wc -l) inputs, corpus/flux $(ls corpus/flux | wc -l)"

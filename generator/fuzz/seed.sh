#!/usr/bin/env bash
# Makes the seed corpus for fuzz_page, OUTSIDE the repository:
#   generator/fuzz/seed.sh [OUT_DIR]        (default /tmp/graphdoc-fuzz/seeds)
#
# A seed is one or more pages joined by a 0xFF byte: page 0 is read as
# api/fuzz-0.md, page 1 as resources/fuzz-1.md, and so on (see src/lib.rs). Each API
# page is paired with the first resource page it links to, and the link is rewritten
# to `../resources/fuzz-1.md`, so that the model builder resolves it as it does in the
# real docs. Seeds come from the repository's specs/docs and from ~50 pages of the
# corpus in ../shared/corpus (when it is beside the repository); nothing is copied
# into the repository.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-/tmp/graphdoc-fuzz/seeds}"
corpus="${CORPUS:-$repo/../shared/corpus/graph-docs-2021/v1.0}"
max_bytes="${MAX_SEED_BYTES:-12000}"   # AFL is much faster on small inputs

case "$(cd "$(dirname "$out")" 2>/dev/null && pwd)/" in
  "$repo"/*) echo "seed.sh: write seeds outside the repository ($out)" >&2; exit 1 ;;
esac
mkdir -p "$out"
n=0

# seed NAME PAGE... : joins the pages with 0xFF into $out/NAME
seed() {
  local name="$1"; shift
  local first=1
  {
    for page in "$@"; do
      [ $first = 1 ] || printf '\377'
      first=0
      cat "$page"
    done
  } > "$out/$name"
  n=$((n + 1))
}

# pair DOCS API_PAGE : the API page (its first resource link renamed) + that resource
pair() {
  local docs="$1" api="$2" tag="$3"
  local link res tmp
  link="$(grep -o '\.\./resources/[A-Za-z0-9_.-]*\.md' "$api" | head -n1 || true)"
  res="$docs/resources/$(basename "${link:-none}")"
  if [ -n "$link" ] && [ -f "$res" ]; then
    tmp="$(mktemp)"
    sed "s#$link#../resources/fuzz-1.md#g" "$api" > "$tmp"
    seed "$tag-$(basename "$api" .md)" "$tmp" "$res"
    rm -f "$tmp"
  else
    seed "$tag-$(basename "$api" .md)" "$api"
  fi
}

small() { [ "$(wc -c < "$1")" -le "$max_bytes" ]; }

# 1. The repository's own pages: every API page with its resource, and every
#    resource page alone (in the resources/ slot, after an empty API page).
for api in "$repo"/specs/docs/api/*.md; do
  pair "$repo/specs/docs" "$api" spec
done
empty="$(mktemp)"
for res in "$repo"/specs/docs/resources/*.md; do
  seed "spec-res-$(basename "$res" .md)" "$empty" "$res"
done
# a base type and a derived type together (inheritance across pages)
seed spec-inherit "$empty" "$repo/specs/docs/resources/entity.md" "$empty" \
  "$repo/specs/docs/resources/intune-deviceconfig-deviceconfiguration.md"

# 2. About 50 pages of the corpus: 20 API pages with their resources, 10 resources
#    alone, taken at a fixed stride so that the set is the same on every machine.
if [ -d "$corpus/api" ]; then
  mapfile -t apis < <(ls "$corpus"/api/*.md | sort)
  picked=0
  for ((i = 0; i < ${#apis[@]} && picked < 20; i += 97)); do
    small "${apis[$i]}" || continue
    pair "$corpus" "${apis[$i]}" corpus
    picked=$((picked + 1))
  done
  mapfile -t ress < <(ls "$corpus"/resources/*.md | sort)
  picked=0
  for ((i = 0; i < ${#ress[@]} && picked < 10; i += 53)); do
    small "${ress[$i]}" || continue
    seed "corpus-res-$(basename "${ress[$i]}" .md)" "$empty" "${ress[$i]}"
    picked=$((picked + 1))
  done
else
  echo "seed.sh: no corpus at $corpus; seeds from specs/docs only" >&2
fi
rm -f "$empty"

# 3. Tiny hand-made pages that reach the parser's branches quickly.
printf -- '---\ntitle: "x"\n---\n# x\n\n## HTTP request\n\n```http\nGET /x/{id}\n```\n' > "$out/tiny-request"
printf -- '---\ntitle: "y"\ndoc_type: resourcePageType\n---\n# y resource type\n\n## Properties\n\n| Property | Type | Description |\n|:--|:--|:--|\n| id | String | The id. |\n' > "$out/tiny-resource"
n=$((n + 2))

echo "seed.sh: $n seeds in $out ($(du -sh "$out" | cut -f1))"

#!/usr/bin/env bash
# Build cost of the crate generated for a docs tree, beside graph-rs-sdk 3.0.1 and
# progenitor 0.15.1's client for the same OpenAPI document; see README.md here.
#
#   xtask/compare/build-cost.sh [DOCS] [WORK] [quick]
#
# DOCS defaults to the v1.0 corpus beside the repository, WORK to a folder under /tmp.
# With `quick`, only the cold checks of our crate and of progenitor's client over ring
# are run, each with the default lock file and with idna's unicode-rs back end.
# Every "cold" figure uses a fresh target folder (dependencies included); "alone" ones
# rebuild only the crate itself (`cargo clean -p`). Runs one after another: run it on an
# otherwise idle machine. Takes about 20 minutes on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
docs=$(realpath "${1:-$repo/../shared/corpus/graph-docs-2021/v1.0}")
work=${2:-/tmp/graphdoc-compare}
quick=${3:-}
mkdir -p "$work"
work=$(realpath "$work")
results="$work/results.tsv"
printf 'what\twall_s\tmax_rss_gib\n' > "$results"
export CARGO_TERM_COLOR=never
# Every build here is a clean one, as in CI or for a crate used as a dependency, where
# cargo does not compile incrementally; for a workspace member it would, and writing
# the incremental cache would add to the time and memory of every root crate measured.
export CARGO_INCREMENTAL=0

# measure LABEL DIR TARGET_DIR COMMAND...: wall time and peak memory of one command.
measure() {
    local label=$1 dir=$2 target=$3
    shift 3
    local log="$work/$label.log"
    if ! (cd "$dir" && CARGO_TARGET_DIR="$target" /usr/bin/time -f '%e %M' "$@") > "$log" 2>&1; then
        echo "$label failed; see $log" >&2
        tail -5 "$log" >&2
        return 1
    fi
    local wall rss
    read -r wall rss < <(tail -1 "$log")
    printf '%s\t%s\t%.2f\n' "$label" "$wall" "$(echo "$rss / 1048576" | bc -l)" | tee -a "$results"
}

cold() { # LABEL DIR PACKAGE ARGS...: cold check and build, then the crate alone
    local label=$1 dir=$2 package=$3
    shift 3
    rm -rf "$work/t-$label-check" "$work/t-$label-build"
    measure "$label-check-cold" "$dir" "$work/t-$label-check" cargo check "$@"
    measure "$label-build-cold" "$dir" "$work/t-$label-build" cargo build "$@"
    measure "$label-check-alone" "$dir" "$work/t-$label-check" \
        sh -c "cargo clean -q -p $package && cargo check $*"
    measure "$label-build-alone" "$dir" "$work/t-$label-build" \
        sh -c "cargo clean -q -p $package && cargo build $*"
    local rlib
    rlib=$(find "$work/t-$label-build/debug" -maxdepth 2 -name "lib${package//-/_}*.rlib" | sed -n 1p)
    echo "$label rlib: $(($(stat -c %s "$rlib") / 1000000)) MB" | tee -a "$work/sizes.txt"
}

# lock_unicode_rs SRC DEST: a copy of SRC whose lock file picks idna's unicode-rs back
# end instead of ICU4X (docs/client.md, "Choosing idna's back end"): the same lock-file choice
# for every crate it is applied to.
lock_unicode_rs() {
    rm -rf "$2"
    cp -r "$1" "$2"
    rm -rf "$2/target"
    (cd "$2" && cargo update -q -p idna_adapter --precise 1.1.0)
}

# cold_check LABEL DIR: one cold `cargo check` in a fresh target folder.
cold_check() {
    rm -rf "$work/t-$1"
    measure "$1" "$2" "$work/t-$1" cargo check
}

: > "$work/sizes.txt"
echo "== generating from $docs"
# gen exits 1 when the docs have errors (v1.0 has a few); its output is written all the same.
(cd "$repo" && cargo xtask-release gen --docs "$docs" --out "$work/ours" > "$work/gen.log") || test $? -eq 1
sed -n 1p "$work/gen.log"
crate="$work/ours/crate"
echo "ours: $(cat "$crate"/src/*.rs | wc -l) lines" | tee -a "$work/sizes.txt"

# The generated crate has no lock file of its own: resolve one, as a new user would.
(cd "$crate" && rm -f Cargo.lock && cargo generate-lockfile -q)
if [ -z "$quick" ]; then
    cold ours "$crate" graph-client
    cold ours-sans-io "$crate" graph-client --no-default-features --features full
    cold ours-one-area "$crate" graph-client --no-default-features --features intune-deviceconfig
    cold graph-rs-sdk "$here/graph-rs-sdk" graph-rs-sdk
else
    cold_check ours-check-cold "$crate"
fi
lock_unicode_rs "$crate" "$work/ours-unicode-rs"
cold_check ours-unicode-rs-check-cold "$work/ours-unicode-rs"

echo "== progenitor"
(cd "$here/progenitor/harness" && CARGO_TARGET_DIR="$work/target-harness" cargo build -q --release)
rm -rf "$work/progenitor-client"
cp -r "$here/progenitor/client" "$work/progenitor-client"
mkdir -p "$work/progenitor-client/src"
"$work/target-harness/release/compare-progenitor-harness" "$work/ours/openapi.yaml" \
    "$work/progenitor-client/src/lib.rs" --fix-enums --default-to-4xx-5xx --plain-refs \
    2>&1 | tee "$work/progenitor-generate.log"
echo "progenitor: $(wc -l < "$work/progenitor-client/src/lib.rs") lines" | tee -a "$work/sizes.txt"
if [ -z "$quick" ]; then
    cold_check progenitor-check-cold "$work/progenitor-client"
fi
# The same code with reqwest over rustls and ring, so that the two compare without
# aws-lc's C build (our tables' rows predate the client's move to aws-lc-rs).
rm -rf "$work/progenitor-client-ring"
cp -r "$work/progenitor-client" "$work/progenitor-client-ring"
sed -i 's|^reqwest = .*|reqwest = { version = "0.13", default-features = false, features = ["json", "query", "stream", "rustls-no-provider"] }\nrustls = { version = "0.23", default-features = false, features = ["ring", "std", "tls12"] }|' \
    "$work/progenitor-client-ring/Cargo.toml"
cold_check progenitor-ring-check-cold "$work/progenitor-client-ring"
lock_unicode_rs "$work/progenitor-client-ring" "$work/progenitor-client-ring-unicode-rs"
cold_check progenitor-ring-unicode-rs-check-cold "$work/progenitor-client-ring-unicode-rs"

echo "== results ($results)"
column -t -s $'\t' "$results"
cat "$work/sizes.txt"

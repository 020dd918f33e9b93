#!/usr/bin/env bash
# Build cost of the generated crate alone at two revisions of the generator, A/B; see
# README.md here.
#
#   xtask/compare/build-cost-ab.sh BEFORE AFTER [ROUNDS] [DOCS] [WORK]
#
# For each revision: a detached worktree under WORK, its xtask built in release, `gen`
# over DOCS (the v1.0 corpus beside the repository by default) into WORK/<rev>, and the
# generated crate's dependencies checked once in a target folder of its own. Then ROUNDS
# (5 by default) rounds alternating BEFORE and AFTER of `cargo clean -p <crate>` and
# `/usr/bin/time cargo check` (default features): the crate alone, dependencies warm.
# Prints user CPU, system CPU and wall seconds per round, then per revision the median,
# min and max user CPU, and the ratio of the medians. User CPU is the figure to compare
# on a shared machine: wall times follow the load. Leaves `results.tsv` and the logs in
# WORK (default /tmp/graphdoc-ab); removes the worktrees. The xtask target folders seed
# from the repository's `target/release` when it exists, to reuse its dependencies.
set -euo pipefail
if [ $# -lt 2 ]; then
    sed -n '5p' "$0" | sed 's/^# *//' >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
before=$(git -C "$repo" rev-parse --short "$1^{commit}")
after=$(git -C "$repo" rev-parse --short "$2^{commit}")
rounds=${3:-5}
docs=$(realpath "${4:-$repo/../shared/corpus/graph-docs-2021/v1.0}")
work=${5:-/tmp/graphdoc-ab}
mkdir -p "$work"
work=$(realpath "$work")
results="$work/results.tsv"
export CARGO_TERM_COLOR=never
# Clean builds, as in CI or for a crate used as a dependency (see build-cost.sh).
export CARGO_INCREMENTAL=0

worktrees=()
cleanup() {
    for wt in "${worktrees[@]}"; do
        git -C "$repo" worktree remove --force "$wt" 2>/dev/null || true
    done
}
trap cleanup EXIT

# prepare REV: worktree, release xtask, generated crate, warm dependencies.
prepare() {
    local rev=$1
    local wt="$work/wt-$rev" xt="$work/target-xtask-$rev" out="$work/$rev"
    echo "== $rev: $(git -C "$repo" log -1 --format=%s "$rev")"
    git -C "$repo" worktree remove --force "$wt" 2>/dev/null || rm -rf "$wt"
    git -C "$repo" worktree add -q --detach "$wt" "$rev"
    worktrees+=("$wt")
    if [ ! -d "$xt" ] && [ -d "$repo/target/release" ]; then
        mkdir -p "$xt"
        cp -r "$repo/target/release" "$xt/release"
    fi
    (cd "$wt" && CARGO_TARGET_DIR="$xt" cargo build -q --release -p xtask) > "$work/xtask-$rev.log" 2>&1 ||
        { echo "xtask build at $rev failed; see $work/xtask-$rev.log" >&2; exit 1; }
    rm -rf "$out"
    # gen exits 1 when the docs have errors (v1.0 has a few); the crate is written all the same.
    (cd "$wt" && "$xt/release/xtask" gen --docs "$docs" --out "$out") > "$work/gen-$rev.log" 2>&1 ||
        test $? -eq 1
    test -f "$out/crate/Cargo.toml" || { echo "gen at $rev wrote no crate; see $work/gen-$rev.log" >&2; exit 1; }
    echo "$rev: $(find "$out/crate/src" -name '*.rs' -exec cat {} + | wc -l) lines of Rust under src/"
}

prepare "$before"
prepare "$after"
crate_b="$work/$before/crate" crate_a="$work/$after/crate"
package() { sed -n '/^\[package\]/,/^\[/s/^name = "\(.*\)"/\1/p' "$1/Cargo.toml" | sed -n 1p; }
pkg_b=$(package "$crate_b") pkg_a=$(package "$crate_a")
echo "packages: $pkg_b ($before), $pkg_a ($after)"

# The generated crate has no lock file of its own: resolve one for BEFORE and give AFTER
# the same, so that both build the same dependency versions.
(cd "$crate_b" && rm -f Cargo.lock && cargo generate-lockfile -q)
cp "$crate_b/Cargo.lock" "$crate_a/Cargo.lock"
for rev in "$before" "$after"; do
    echo "== warming dependencies of $rev"
    (cd "$work/$rev/crate" && CARGO_TARGET_DIR="$work/t-$rev" cargo check -q) > "$work/warm-$rev.log" 2>&1 ||
        { echo "warm check of $rev failed; see $work/warm-$rev.log" >&2; exit 1; }
done
if ! cmp -s "$crate_b/Cargo.lock" "$crate_a/Cargo.lock"; then
    echo "note: the lock files differ after the warm checks:" >&2
    diff "$crate_b/Cargo.lock" "$crate_a/Cargo.lock" >&2 || true
fi

printf 'round\trev\tuser_s\tsys_s\twall_s\tload1\n' > "$results"
for round in $(seq 1 "$rounds"); do
    for rev in "$before" "$after"; do
        crate="$work/$rev/crate" pkg=$pkg_b
        [ "$rev" = "$after" ] && pkg=$pkg_a
        log="$work/round-$round-$rev.log"
        load=$(cut -d' ' -f1 /proc/loadavg)
        (cd "$crate" && export CARGO_TARGET_DIR="$work/t-$rev" &&
            cargo clean -q -p "$pkg" &&
            /usr/bin/time -o "$log.time" -f '%U %S %e' cargo check) > "$log" 2>&1 ||
            { echo "check of $rev failed; see $log" >&2; exit 1; }
        read -r user sys wall < "$log.time"
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$rev" "$user" "$sys" "$wall" "$load" |
            tee -a "$results"
    done
done

# stats REV: median, min and max user CPU of REV's rounds.
stats() {
    awk -F'\t' -v rev="$1" 'NR > 1 && $2 == rev { print $3 }' "$results" | sort -n |
        awk '{ v[NR] = $1 } END {
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.2f %.2f %.2f %.1f\n", m, v[1], v[NR], 100 * (v[NR] - v[1]) / m }'
}
echo "== results ($results)"
column -t -s $'\t' "$results"
read -r med_b min_b max_b spread_b < <(stats "$before")
read -r med_a min_a max_a spread_a < <(stats "$after")
printf '%s (before): user CPU median %s s, min %s, max %s, spread %s %% of the median\n' \
    "$before" "$med_b" "$min_b" "$max_b" "$spread_b"
printf '%s (after):  user CPU median %s s, min %s, max %s, spread %s %% of the median\n' \
    "$after" "$med_a" "$min_a" "$max_a" "$spread_a"
awk -v a="$med_a" -v b="$med_b" 'BEGIN { printf "ratio of medians after/before: %.3f\n", a / b }'

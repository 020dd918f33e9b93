#!/usr/bin/env python3
"""What the property handles cost a generated crate's `cargo check`, in the crate itself.

    xtask/compare/handle-variants.py CRATE [ROUNDS]

CRATE is a crate `xtask gen` wrote (its `src/models.rs` as generated). Writes variants of
`src/models.rs` and checks each, in alternating rounds (ROUNDS, 5 by default), with
`cargo clean -p <package>` then `/usr/bin/time cargo check` (default features,
`CARGO_INCREMENTAL=0`, dependencies warm in CRATE/target-variants):

- `generated`: as `gen` wrote it;
- `none`: every handle (an associated const of type `Field<...>`) taken out, with the
  `impl` blocks that held only handles;
- `fns`: each handle an `#[inline]` associated function returning the same value;
- `merged`: each type's handle block moved into its first `impl` block.

Prints each round's user CPU and each variant's median. Restores `src/models.rs`.
"""
import re
import statistics
import subprocess
import sys
from pathlib import Path

IMPL = re.compile(r"^impl ([A-Za-z0-9_]+) \{$")
CONST = re.compile(r"pub const ([A-Z0-9_]+): (Field<.*?>) = (Field::.*?\));\n", re.S)


def blocks(lines):
    """The file as ('raw', line) and ('impl', name, cfg line or None, body lines)."""
    out, i = [], 0
    while i < len(lines):
        m = IMPL.match(lines[i])
        if m:
            cfg = None
            if out and out[-1][0] == "raw" and out[-1][1].startswith("#[cfg("):
                cfg = out.pop()[1]
            end = i + 1
            while lines[end] != "}":
                end += 1
            out.append(["impl", m.group(1), cfg, lines[i + 1 : end]])
            i = end + 1
        else:
            out.append(["raw", lines[i]])
            i += 1
    return out


def render(chunks):
    out = []
    for c in chunks:
        if c[0] == "raw":
            out.append(c[1])
        elif c[0] == "impl":
            if c[2]:
                out.append(c[2])
            out.append(f"impl {c[1]} {{")
            out.extend(c[3])
            out.append("}")
    return "\n".join(out)


def holds_handles(body):
    first = next((l for l in body if not l.strip().startswith(("///", "#[cfg"))), "")
    return first.strip().startswith("pub const") and "Field" in "".join(body[:40])


def without_handles(text):
    chunks = blocks(text.split("\n"))
    return render([c for c in chunks if not (c[0] == "impl" and holds_handles(c[3]))])


def merged(text):
    chunks = blocks(text.split("\n"))
    first = {}
    for c in chunks:
        if c[0] != "impl":
            continue
        key = (c[1], c[2])
        if key in first:
            first[key][3].extend(c[3])
            c[0] = "gone"
        else:
            first[key] = c
    return render(chunks)


def as_functions(text):
    return CONST.sub(
        lambda m: f"#[allow(non_snake_case)]\n    #[inline]\n    pub fn {m.group(1)}() -> {m.group(2)} {{ {m.group(3)} }}\n",
        text,
    )


def package(crate):
    manifest = (crate / "Cargo.toml").read_text()
    return re.search(r'^name = "(.*)"', manifest, re.M).group(1)


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().split("\n")[2], file=sys.stderr)
        sys.exit(2)
    crate = Path(sys.argv[1]).resolve()
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    models = crate / "src" / "models.rs"
    generated = models.read_text()
    variants = {
        "generated": generated,
        "none": without_handles(generated),
        "fns": as_functions(generated),
        "merged": merged(generated),
    }
    env = {"CARGO_INCREMENTAL": "0", "CARGO_TARGET_DIR": str(crate / "target-variants")}
    run = lambda *a: subprocess.run(a, cwd=crate, env={**__import__("os").environ, **env}, check=True, capture_output=True)
    pkg = package(crate)
    times = {v: [] for v in variants}
    try:
        run("cargo", "check", "-q")
        for r in range(1, rounds + 1):
            for name, text in variants.items():
                models.write_text(text)
                run("cargo", "clean", "-q", "-p", pkg)
                out = run("/usr/bin/time", "-f", "%U", "cargo", "check", "-q")
                user = float(out.stderr.decode().strip().split("\n")[-1])
                times[name].append(user)
                print(f"{r}\t{name}\t{user:.2f}", flush=True)
    finally:
        models.write_text(generated)
    for name, ts in times.items():
        print(f"{name}: median {statistics.median(ts):.2f} s user CPU ({min(ts):.2f}–{max(ts):.2f})")


if __name__ == "__main__":
    main()

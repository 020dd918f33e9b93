#!/usr/bin/env python3
"""What a property handle costs `cargo check` in each form it could take.

    python3 xtask/compare/handle-forms.py [ROUNDS] [WORK]

Writes four small crates of 100 types with 56 handles each (5,600, about the v1.0
crate's 5,642) into WORK (default /tmp/graphdoc-handle-forms): no handles; one
associated const per property (`User::DISPLAY_NAME`, the form the generated crate
has); a unit struct per property with a trait impl holding its name
(`user::DisplayName`); a unit struct per property with an empty impl of a trait
indexed by a const generic into one name table per type. Then ROUNDS (5 by default)
alternating rounds of `cargo check` of each crate alone (`CARGO_INCREMENTAL=0`), and
prints the median user CPU of each and its cost over no handles.
"""
import os, shutil, statistics, subprocess, sys

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
WORK = sys.argv[2] if len(sys.argv) > 2 else "/tmp/graphdoc-handle-forms"
TYPES, PROPERTIES = 100, 56

COMMON = """
use std::marker::PhantomData;
pub mod kind { pub struct Text; pub struct Int; }
pub struct Field<O, K> { name: &'static str, _p: PhantomData<fn() -> (O, K)> }
impl<O, K> Field<O, K> {
    pub const fn new(name: &'static str) -> Self { Field { name, _p: PhantomData } }
    pub fn name(&self) -> &'static str { self.name }
}
pub trait Handle { type Owner; type Kind; const NAME: &'static str; }
pub trait Named { const NAMES: &'static [&'static str]; }
pub trait At<O, K, const N: usize> {}
"""


def kind(p):
    return "Text" if p % 2 else "Int"


def forms():
    none, consts, structs, indexed = [], [], [], []
    for t in range(TYPES):
        none.append(f"pub struct T{t};\n")
        consts.append(
            f"pub struct T{t};\nimpl T{t} {{\n"
            + "".join(
                f'    /// `p{p}` in typed query options.\n'
                f'    pub const P{p}: Field<Self, kind::{kind(p)}> = Field::new("p{p}");\n'
                for p in range(PROPERTIES)
            )
            + "}\n"
        )
        structs.append(
            f"pub struct T{t};\npub mod t{t} {{\n    use super::*;\n"
            + "".join(
                f'    /// `p{p}` in typed query options.\n    pub struct P{p};\n'
                f"    impl Handle for P{p} {{ type Owner = T{t}; type Kind = kind::{kind(p)}; "
                f'const NAME: &\'static str = "p{p}"; }}\n'
                for p in range(PROPERTIES)
            )
            + "}\n"
        )
        names = ",".join(f'"p{p}"' for p in range(PROPERTIES))
        indexed.append(
            f"pub struct T{t};\n"
            f"impl Named for T{t} {{ const NAMES: &'static [&'static str] = &[{names}]; }}\n"
            f"pub mod t{t} {{\n    use super::*;\n"
            + "".join(
                f'    /// `p{p}` in typed query options.\n    pub struct P{p};\n'
                f"    impl At<T{t}, kind::{kind(p)}, {p}> for P{p} {{}}\n"
                for p in range(PROPERTIES)
            )
            + "}\n"
        )
    return {
        "no_handles": none,
        "assoc_consts": consts,
        "unit_structs": structs,
        "indexed_impls": indexed,
    }


def write(name, items):
    root = os.path.join(WORK, name)
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    with open(os.path.join(root, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "2021"\n[workspace]\n')
    with open(os.path.join(root, "src", "lib.rs"), "w") as f:
        f.write(COMMON + "".join(items))
    return root


def check(root, name):
    shutil.rmtree(os.path.join(root, "target"), ignore_errors=True)
    env = dict(os.environ, CARGO_INCREMENTAL="0")
    before = os.times()
    subprocess.run(["cargo", "check", "-q"], cwd=root, env=env, check=True)
    after = os.times()
    return after.children_user - before.children_user


def main():
    crates = {name: write(name, items) for name, items in forms().items()}
    times = {name: [] for name in crates}
    for _ in range(ROUNDS):
        for name, root in crates.items():
            times[name].append(check(root, name))
    base = statistics.median(times["no_handles"])
    handles = TYPES * PROPERTIES
    for name, values in times.items():
        median = statistics.median(values)
        per = (median - base) / handles * 1000
        print(f"{name:14} median {median:.2f} s (min {min(values):.2f}, max {max(values):.2f}); "
              f"{per:.3f} ms a handle")


main()

//! AFL++ target: `cargo afl build --release`, then
//! `cargo afl fuzz -i SEEDS -o OUT target/release/fuzz_page` (see ../../README.md).

fn main() {
    afl::fuzz!(|data: &[u8]| {
        graphdoc_fuzz::check(data);
    });
}

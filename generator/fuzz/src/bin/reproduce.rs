//! Runs the fuzz check on files, without AFL, to reproduce and debug a crash:
//! `cargo run --release --no-default-features --target-dir target/plain --bin reproduce -- out/default/crashes/id:*`
//! With `--split DIR` it writes each input's pages under DIR as `api/fuzz-N.md` and
//! `resources/fuzz-N.md` instead, so that `xtask gen --docs DIR` can run on them.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut split_to: Option<PathBuf> = None;
    if args.peek().map(String::as_str) == Some("--split") {
        args.next();
        split_to = Some(args.next().expect("--split DIR").into());
    }
    let inputs: Vec<String> = args.collect();
    if inputs.is_empty() {
        eprintln!("usage: reproduce [--split DIR] FILE...");
        std::process::exit(2);
    }
    let mut failed = 0;
    for input in &inputs {
        let data = std::fs::read(input).unwrap_or_else(|e| panic!("{input}: {e}"));
        if let Some(dir) = &split_to {
            for page in graphdoc_fuzz::pages(&data) {
                let path = dir.join(&page.path);
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, &page.bytes).unwrap();
                println!("wrote {}", path.display());
            }
            continue;
        }
        let start = std::time::Instant::now();
        let result = std::panic::catch_unwind(|| graphdoc_fuzz::check(&data));
        let took = start.elapsed();
        match result {
            Ok(()) => println!("ok     {input} ({took:.2?})"),
            Err(_) => {
                println!("PANIC  {input} ({took:.2?})");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} inputs panicked", inputs.len());
        std::process::exit(1);
    }
}

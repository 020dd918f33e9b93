//! `cargo xtask regen | check | gen --docs DIR --out OUT`.

use anyhow::{Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
use xtask::{
    RegenOutcome, Rendered, diagnostics_summary, errors, render_repo, repo_root, stale_files,
    summary_line,
};

#[derive(Parser)]
#[command(about = "Generate the OpenAPI document and the Rust client from Microsoft Graph docs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate `specs/openapi.yaml` and `generated/` from `specs/docs`.
    Regen,
    /// Fail if the committed output differs from what `specs/docs` produce.
    Check,
    /// Run the pipeline on any docs tree (with `api/` and `resources/`) into OUT.
    Gen {
        /// The docs tree, e.g. `graph-docs/api-reference/v1.0`.
        #[arg(long)]
        docs: PathBuf,
        /// Output folder: `openapi.yaml`, `crate/` and `report.json` are written there.
        #[arg(long)]
        out: PathBuf,
        /// How many of the files with the most diagnostics to list.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let start = Instant::now();
    match cli.command {
        Command::Regen => {
            let (rendered, outcome) = xtask::regen(&repo_root())?;
            print_diagnostics(&rendered);
            match outcome {
                RegenOutcome::Refused => {
                    eprintln!("nothing was written: fix the errors above first");
                    Ok(ExitCode::FAILURE)
                }
                RegenOutcome::Written(written) => {
                    for w in &written {
                        println!("  wrote {w}");
                    }
                    println!(
                        "regen: {}; {} files changed; {:.2?}",
                        summary_line(&rendered.output),
                        written.len(),
                        start.elapsed()
                    );
                    Ok(ExitCode::SUCCESS)
                }
            }
        }
        Command::Check => {
            let root = repo_root();
            let rendered = render_repo(&root)?;
            print_diagnostics(&rendered);
            let stale = stale_files(&root, &rendered)?;
            for s in &stale {
                eprintln!("stale: {}\n{}\n", s.path, s.detail);
            }
            let has_errors = errors(&rendered.output.diagnostics).next().is_some();
            println!(
                "check: {}; {:.2?}",
                summary_line(&rendered.output),
                start.elapsed()
            );
            if !stale.is_empty() {
                eprintln!(
                    "{} generated files are out of date: run `cargo xtask regen`",
                    stale.len()
                );
            }
            if has_errors {
                eprintln!("the docs have errors: fix them, then run `cargo xtask regen`");
            }
            Ok(if stale.is_empty() && !has_errors {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Gen { docs, out, top } => {
            if !docs.is_dir() {
                bail!("--docs {} is not a folder", docs.display());
            }
            let output = xtask::gen_into(&docs, &out)?;
            println!("gen: {}; {:.2?}", summary_line(&output), start.elapsed());
            print!("{}", diagnostics_summary(&output.diagnostics, top));
            println!(
                "wrote {0}/openapi.yaml, {0}/crate/, {0}/report.json",
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_diagnostics(rendered: &Rendered) {
    for d in &rendered.output.diagnostics {
        eprintln!("{d}");
    }
}

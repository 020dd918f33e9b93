//! `cargo xtask regen | check | gen --docs DIR --out OUT`.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;
// The pipeline allocates many small strings and token trees on every thread; mimalloc
// handles that about a third faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use graphdoc::rust::RuntimeSource;
use graphdoc::site::ApiVersion;
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
    Regen(RegenArgs),
    /// Fail if the committed output differs from what `specs/docs` produce.
    Check(CheckArgs),
    /// Run the pipeline on any docs tree (with `api/` and `resources/`, and today's
    /// `includes/` beside them) into OUT.
    Gen(GenArgs),
    /// Time each phase of `gen` on a docs tree, beside a parse-only floor.
    Bench(BenchArgs),
    /// Compare the model of a docs tree with the official CSDL metadata.
    Fidelity(FidelityArgs),
    /// Where the docs and the service's metadata disagree, by doc area and page: what
    /// the metadata has and the docs lack, the reverse, and type disagreements.
    Drift(DriftArgs),
    /// How many of the docs' example queries the typed query API rebuilds, why the
    /// others are not, and whether the advanced-query rules predict each example's
    /// `ConsistencyLevel` header.
    QueryExamples(QueryExamplesArgs),
}

#[derive(clap::Args)]
struct RegenArgs {
    /// Write even when API items would be removed while some table rows could not
    /// be read (`table-shape`).
    #[arg(long)]
    allow_removals: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    sarif: SarifArgs,
}

#[derive(clap::Args)]
struct GenArgs {
    /// The docs tree, e.g. `graph-docs/api-reference/v1.0`.
    #[arg(long)]
    docs: PathBuf,
    /// Output folder: `openapi.yaml`, `crate/` and `report.json` are written there.
    #[arg(long)]
    out: PathBuf,
    /// How many of the files with the most diagnostics to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// The API version the docs document (`v1.0` or `beta`): the service root, and
    /// the published pages the output links to. By default the one the docs
    /// folder's name says, else v1.0.
    #[arg(long, value_name = "VERSION")]
    api_version: Option<ApiVersion>,
    /// How the crate gets the runtime: `vendored` (a copy of its files under
    /// `src/runtime/`, so that the crate builds wherever it is moved), `path=DIR` (a
    /// dependency on the graph-runtime crate in DIR, written as an absolute path) or
    /// `version=REQ` (on a published graph-runtime).
    #[arg(long, default_value = "vendored", value_name = "SOURCE")]
    runtime: RuntimeSource,
    #[command(flatten)]
    sarif: SarifArgs,
}

#[derive(clap::Args)]
struct BenchArgs {
    /// The docs tree; the v1.0 corpus beside the repository by default.
    #[arg(long, default_value = "../shared/corpus/graph-docs-2021/v1.0")]
    docs: PathBuf,
    /// Runs per phase; the median is shown.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// The CSDL the drift report is timed against (the row is left out when the
    /// file is absent).
    #[arg(long, default_value = "../shared/corpus/csdl/v1.0-2021-07-13.xml")]
    csdl: PathBuf,
}

#[derive(clap::Args)]
struct FidelityArgs {
    #[arg(long)]
    docs: PathBuf,
    /// The CSDL (`$metadata`) of the same version, used only as a yardstick.
    #[arg(long)]
    csdl: PathBuf,
    /// How many misses of each kind (and operations of each mismatch class) to list.
    #[arg(long, default_value_t = 8)]
    show: usize,
    /// Also write the figures and every miss as JSON to this file.
    #[arg(long)]
    json: Option<PathBuf>,
}

#[derive(clap::Args)]
struct DriftArgs {
    #[arg(long)]
    docs: PathBuf,
    /// The CSDL (`$metadata`) to report against; nothing is generated from it.
    #[arg(long)]
    csdl: PathBuf,
    /// Write the report for people as Markdown to this file.
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Write the report for tools as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

#[derive(clap::Args)]
struct QueryExamplesArgs {
    #[arg(long)]
    docs: PathBuf,
    /// Also write the figures and every example not rebuilt as JSON to this file.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

/// `--sarif FILE [--sarif-base DIR]`.
#[derive(clap::Args)]
struct SarifArgs {
    /// Also write the diagnostics as a SARIF 2.1.0 log to this file (for code scanning).
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// The docs folder's path in its repository, put before each page path in the SARIF
    /// results (e.g. `api-reference/v1.0`); by default the page paths under the docs
    /// folder (`gen`) or `specs/docs` (`check`).
    #[arg(long, value_name = "DIR", requires = "sarif")]
    sarif_base: Option<String>,
}

impl SarifArgs {
    fn write(&self, diags: &[graphdoc::diag::Diagnostic], default_base: &str) -> Result<()> {
        if let Some(path) = &self.sarif {
            let base = self.sarif_base.as_deref().unwrap_or(default_base);
            let log = xtask::sarif::write(diags, base, path)?;
            println!("wrote {} ({} results)", path.display(), log.results);
        }
        Ok(())
    }
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
    match cli.command {
        Command::Regen(args) => regen(args),
        Command::Check(args) => check(args),
        Command::Gen(args) => generate(args),
        Command::Bench(args) => bench(args),
        Command::Fidelity(args) => fidelity(args),
        Command::Drift(args) => drift(args),
        Command::QueryExamples(args) => query_examples(args),
    }
}

fn regen(args: RegenArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let (rendered, outcome) = xtask::regen(&repo_root(), args.allow_removals)?;
    print_diagnostics(&rendered);
    match outcome {
        RegenOutcome::Refused => {
            eprintln!("nothing was written: fix the errors above first");
            Ok(ExitCode::FAILURE)
        }
        RegenOutcome::RemovalsRefused(changes) => {
            eprint!("{}", changes.summary(API_LIMIT));
            eprintln!(
                "nothing was written: the API would lose the items above while some table rows could not be read (the table-shape warnings above); fix the rows, or run `cargo xtask regen --allow-removals` if the removals are meant"
            );
            Ok(ExitCode::FAILURE)
        }
        RegenOutcome::Written(written, changes) => {
            for w in &written {
                println!("  wrote {w}");
            }
            match changes {
                Some(c) if !c.is_empty() => print!("{}", c.summary(API_LIMIT)),
                Some(_) => {}
                None => {
                    println!("  (the committed sources could not be read as Rust: no API summary)")
                }
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

fn check(args: CheckArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let root = repo_root();
    let rendered = render_repo(&root)?;
    print_diagnostics(&rendered);
    args.sarif
        .write(&rendered.output.diagnostics, "specs/docs")?;
    let stale = stale_files(&root, &rendered)?;
    for s in &stale {
        eprintln!("stale: {}\n{}\n", s.path, s.detail);
    }
    if !stale.is_empty()
        && let Ok(changes) = xtask::api_changes_on_disk(&root, &rendered)
        && !changes.is_empty()
    {
        eprint!("regen would change the {}", changes.summary(API_LIMIT));
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

fn generate(args: GenArgs) -> Result<ExitCode> {
    let start = Instant::now();
    let GenArgs {
        docs,
        out,
        top,
        api_version,
        runtime,
        sarif,
    } = args;
    if !docs.is_dir() {
        bail!("--docs {} is not a folder", docs.display());
    }
    let version = xtask::docs_version(&docs, api_version).unwrap_or_else(|| {
        eprintln!(
            "note: the docs folder's name `{}` does not say its API version; the output is of v1.0 (set it with `--api-version v1.0|beta`)",
            xtask::docs_name(&docs)
        );
        ApiVersion::V1
    });
    let runtime = xtask::runtime_at(runtime)?;
    let xtask::GenOutcome { output, deleted } = xtask::gen_into(&docs, &out, version, runtime)?;
    let errors: Vec<&graphdoc::diag::Diagnostic> = errors(&output.diagnostics).collect();
    for d in &errors {
        eprint!("{}", xtask::rustc_style(d, &docs));
    }
    let t = &output.timings;
    println!(
        "gen: {}; {:.2?} (parse {:.2?}, model {:.2?}, then openapi {:.2?} beside rust {:.2?})",
        summary_line(&output),
        start.elapsed(),
        t.parse,
        t.build,
        t.openapi,
        t.rust
    );
    print!("{}", diagnostics_summary(&output.diagnostics, top));
    println!(
        "wrote {0}/openapi.yaml, {0}/crate/, {0}/report.json",
        out.display()
    );
    sarif.write(&output.diagnostics, "")?;
    for rel in &deleted {
        println!(
            "  deleted {}/{rel}, which the docs no longer produce",
            out.display()
        );
    }
    if errors.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        // The output is written all the same: it is how people look at real docs.
        eprintln!(
            "{} errors (listed above; every diagnostic is in {}/report.json)",
            errors.len(),
            out.display()
        );
        Ok(ExitCode::FAILURE)
    }
}

fn bench(args: BenchArgs) -> Result<ExitCode> {
    let in_repo = |path: PathBuf| {
        if path.is_relative() {
            repo_root().join(path)
        } else {
            path
        }
    };
    let docs = in_repo(args.docs);
    let csdl = in_repo(args.csdl);
    if cfg!(debug_assertions) {
        eprintln!(
            "note: a debug build; use `cargo xtask-release bench` (or `cargo run --release -p xtask -- bench`) for real figures"
        );
    }
    let csdl = csdl.is_file().then_some(csdl.as_path());
    let rows = xtask::bench::run(&docs, csdl, args.runs)?;
    print!("{}", xtask::bench::table(&rows));
    if let Some(peak) = xtask::bench::peak_memory() {
        println!("peak memory (VmHWM): {peak}");
    }
    println!("threads: {}", rayon::current_num_threads());
    Ok(ExitCode::SUCCESS)
}

fn fidelity(args: FidelityArgs) -> Result<ExitCode> {
    let FidelityArgs {
        docs,
        csdl,
        show,
        json,
    } = args;
    let sources = graphdoc::pipeline::read_docs(&docs)?;
    let (pages, model, _, _) = graphdoc::pipeline::parse_and_build(&sources);
    let csdl = xtask::fidelity::Csdl::read(&csdl)?;
    let figures = xtask::fidelity::measure(&pages, &model, &csdl);
    println!("documented_types: {}", figures.documented_types);
    let mut below = 0;
    for (figure, floor) in xtask::fidelity::FLOORS {
        let value = figures.get(figure);
        let mark = if value < floor {
            "  below the floor"
        } else {
            ""
        };
        below += usize::from(value < floor);
        println!("{figure}: {value:.2} (floor {floor}){mark}");
    }
    println!("extra_props: {}", figures.extra_props);
    println!(
        "enum_recall reachable from the docs: {:.2} (missed enums by cause: {})",
        figures.enum_recall_reachable,
        figures
            .enum_miss_causes
            .iter()
            .map(|(cause, list)| format!("{cause} {}", list.len()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (cause, list) in &figures.enum_miss_causes {
        let shown: Vec<&str> = list.iter().take(show).map(String::as_str).collect();
        println!("-- enums {cause} ({}): {}", list.len(), shown.join("; "));
    }
    for (kind, misses) in &figures.misses {
        let shown: Vec<&str> = misses.iter().take(show).map(String::as_str).collect();
        println!("-- missed {kind} ({}): {}", misses.len(), shown.join("; "));
    }
    println!("-- operations, against the types the CSDL resolves their paths to:");
    print!("{}", figures.operations.report(show));
    below += figures.operations.below_floors().len();
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_string_pretty(&figures)?)?;
    }
    Ok(if below == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn drift(args: DriftArgs) -> Result<ExitCode> {
    let DriftArgs {
        docs,
        csdl,
        markdown,
        json,
    } = args;
    if !docs.is_dir() {
        bail!("--docs {} is not a folder", docs.display());
    }
    let sources = graphdoc::pipeline::read_docs(&docs)?;
    let (pages, model, _, _) = graphdoc::pipeline::parse_and_build(&sources);
    let metadata = xtask::fidelity::Csdl::read(&csdl)?;
    let (_, drift) = xtask::drift::run(&pages, &model, &metadata);
    for (side, kinds) in &drift.totals {
        let counts: Vec<String> = kinds
            .iter()
            .map(|(kind, n)| format!("{n} {}", kind.label()))
            .collect();
        println!(
            "{}: {}",
            serde_json::to_value(side)?.as_str().unwrap_or_default(),
            counts.join(", ")
        );
    }
    println!("{} areas", drift.areas.len());
    if let Some(path) = markdown {
        let text = xtask::drift::markdown(
            &drift,
            &docs.display().to_string(),
            &csdl.display().to_string(),
        );
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_string_pretty(&drift)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn query_examples(args: QueryExamplesArgs) -> Result<ExitCode> {
    let QueryExamplesArgs { docs, json } = args;
    if !docs.is_dir() {
        bail!("--docs {} is not a folder", docs.display());
    }
    let sources = graphdoc::pipeline::read_docs(&docs)?;
    let (_, model, _, _) = graphdoc::pipeline::parse_and_build(&sources);
    let examples = graphdoc::odata::examples::survey(&model);
    let figures = xtask::query_examples::measure(&examples);
    print!(
        "{}",
        xtask::query_examples::render(&figures, &docs.display().to_string())
    );
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_string_pretty(&figures)? + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// How many added and removed API items `regen` and `check` name.
const API_LIMIT: usize = 20;

fn print_diagnostics(rendered: &Rendered) {
    let docs = docs_as_named();
    for d in &rendered.output.diagnostics {
        eprint!("{}", xtask::rustc_style(d, &docs));
    }
}

/// `specs/docs`, relative to the current folder when it is inside the repository.
fn docs_as_named() -> PathBuf {
    let docs = repo_root().join("specs/docs");
    std::env::current_dir()
        .ok()
        .and_then(|cwd| docs.strip_prefix(cwd).ok().map(PathBuf::from))
        .unwrap_or(docs)
}

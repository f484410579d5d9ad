//! `modelops-gen`: writes a realistic synthetic registry of N models for benchmarks and manual testing.
//!
//!     cargo run --release -p modelops-tools --bin modelops-gen -- --models 100000 --data-dir /tmp/big
//!     target/release/modelops-app --data-dir /tmp/big
//!     target/release/modelops --data-dir /tmp/big list
//!
//! Every model gets 1–6 versions with their own metrics, lifecycle events, and (for about 60 %) test runs
//! whose checks are computed from those metrics; a few stopped A/B tests give the panel history. The data is
//! flagged as illustrative (`is_demo`) and the file's `meta` table records the generator, N and the seed.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

#[derive(Parser)]
#[command(
    name = "modelops-gen",
    about = "Generate a synthetic ModelOps registry"
)]
struct Args {
    /// How many models.
    #[arg(long, short = 'n')]
    models: u32,
    /// Seed of the random generator: the same seed gives the same registry.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Folder to create the registry in (as registry.sqlite3, where the app looks with --data-dir).
    #[arg(long, conflicts_with = "out")]
    data_dir: Option<PathBuf>,
    /// Exact file to create instead.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let path = match (&args.data_dir, &args.out) {
        (Some(dir), None) => {
            if let Err(e) = std::fs::create_dir_all(dir) {
                eprintln!("modelops-gen: can't create {}: {e}", dir.display());
                return ExitCode::FAILURE;
            }
            dir.join("registry.sqlite3")
        }
        (None, Some(out)) => out.clone(),
        _ => {
            eprintln!("modelops-gen: give --data-dir DIR or --out FILE");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    match modelops_core::generate::generate_file(&path, args.models, args.seed) {
        Ok(s) => {
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            println!(
                "{}: {} models, {} versions, {} events, {} test runs, {} A/B tests; {:.1} MB in {:.1} s",
                path.display(),
                s.models,
                s.versions,
                s.events,
                s.test_runs,
                s.ab_tests,
                size as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("modelops-gen: {e}");
            ExitCode::FAILURE
        }
    }
}

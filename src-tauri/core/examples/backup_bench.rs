//! One step of the backup benchmark (scripts/bench-backups.sh, issue 17) per process, so that `/usr/bin/time`
//! measures each step's own peak memory:
//!
//!     backup_bench gen DIR N            a registry of N generated models in DIR/registry.sqlite3
//!     backup_bench backup DIR           "Back up now" as the app does it (compressed, streamed)
//!     backup_bench plain-backup DIR     a backup as builds before issue 17 wrote it (a plain .sqlite3)
//!     backup_bench restore DIR FILE     a restore into the open registry, as the app and `modelops restore` do
//!     backup_bench check FILE           SQLite's quick and full integrity checks of a plain file, timed
//!
//! Each prints one line `key=value ...` with the step's own time (the registry's opening excluded).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use chrono::Utc;
use modelops_core::backup::{self, BackupReason};
use modelops_core::task::{CancelToken, Task, TaskPhase, TaskProgress};
use modelops_core::Registry;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = match args.as_slice() {
        ["gen", dir, n] => gen(Path::new(dir), n),
        ["backup", dir] => backup_now(Path::new(dir)),
        ["plain-backup", dir] => plain_backup(Path::new(dir)),
        ["restore", dir, file] => restore(Path::new(dir), Path::new(file)),
        ["check", file] => check(Path::new(file)),
        _ => Err(
            "usage: backup_bench gen DIR N | backup DIR | plain-backup DIR | restore DIR FILE"
                .into(),
        ),
    };
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("backup_bench: {e}");
            ExitCode::FAILURE
        }
    }
}

type Run = Result<(), Box<dyn std::error::Error>>;

fn registry(dir: &Path) -> PathBuf {
    dir.join("registry.sqlite3")
}

fn gen(dir: &Path, n: &str) -> Run {
    std::fs::create_dir_all(dir)?;
    let started = Instant::now();
    let stats = modelops_core::generate::generate_file(&registry(dir), n.parse()?, 17)?;
    println!(
        "models={} bytes={} seconds={:.2}",
        stats.models,
        std::fs::metadata(registry(dir))?.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn backup_now(dir: &Path) -> Run {
    let reg = Registry::open(&registry(dir))?;
    let started = Instant::now();
    let info = reg.backup_now(Utc::now())?;
    println!(
        "path={} bytes={} seconds={:.2}",
        info.path,
        info.size_bytes,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// What `write_backup` did before issue 17, step for step: the online backup into the partial file,
/// `journal_mode = DELETE`, fsync, rename.
fn plain_backup(dir: &Path) -> Run {
    let src = rusqlite::Connection::open_with_flags(
        registry(dir),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )?;
    let backups = backup::backups_dir(&registry(dir));
    std::fs::create_dir_all(&backups)?;
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let name = format!("registry-{stamp}-{}.sqlite3", BackupReason::Manual.slug());
    let path = backups.join(&name);
    let partial = backups.join(format!(".{name}.partial"));
    let started = Instant::now();
    {
        let mut dest = rusqlite::Connection::open(&partial)?;
        {
            let b = rusqlite::backup::Backup::new(&src, &mut dest)?;
            // One step, one snapshot, as `copy_all` does.
            while b.step(-1)? != rusqlite::backup::StepResult::Done {}
        }
        dest.pragma_update(None, "journal_mode", "DELETE")?;
        dest.close().map_err(|(_, e)| e)?;
    }
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, &path)?;
    println!(
        "path={} bytes={} seconds={:.2}",
        path.display(),
        std::fs::metadata(&path)?.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn restore(dir: &Path, file: &Path) -> Run {
    let reg = Registry::open(&registry(dir))?;
    let started = Instant::now();
    // Where the time goes, on stderr: each phase's start and end, and for the copy its last step before the
    // commit (what follows is the wait for the safety backup and the commit's fsync).
    let last = std::cell::Cell::new(None);
    let before_commit = std::cell::Cell::new(0.0);
    let sink = |p: TaskProgress| {
        let t = started.elapsed().as_secs_f64();
        if last.get() != Some(p.phase) {
            last.set(Some(p.phase));
            eprintln!("  {t:>6.2} s  {:?} starts", p.phase);
        }
        if p.done == p.total {
            if p.phase == TaskPhase::Restoring {
                eprintln!("  {:>6.2} s  last step of the copy", before_commit.get());
            }
            eprintln!("  {t:>6.2} s  {:?} done", p.phase);
        } else {
            before_commit.set(t);
        }
    };
    let task = Task::new(&sink, CancelToken::new());
    let result = reg.restore_from_with(file, Utc::now(), &task)?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "models={} seconds={seconds:.2} safety={}",
        result.check.models,
        result.safety_backup.map(|b| b.path).unwrap_or_default()
    );
    Ok(())
}

/// The two checks a restore may run on a plain SQLite file, timed: the full integrity check (plain backups)
/// and the quick check (compressed ones, whose checksum already proved their bytes).
fn check(file: &Path) -> Run {
    let conn =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    for pragma in ["quick_check", "integrity_check"] {
        let started = Instant::now();
        let r: String = conn.query_row(&format!("PRAGMA {pragma}(1)"), [], |r| r.get(0))?;
        print!(
            "{pragma}={r} {pragma}_seconds={:.2} ",
            started.elapsed().as_secs_f64()
        );
    }
    println!();
    Ok(())
}

//! The registry file as bytes on disk, before SQLite opens it: whether its header is SQLite's and whole, and
//! creating files and folders only their owner can read.

use std::path::{Path, PathBuf};

use modelops_domain::recovery::ProblemKind;

use crate::error::{RegistryError, Result};

const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Reads the file's 100-byte SQLite header: not SQLite at all, or shorter than the header says. None when
/// the header looks sound (or the file is empty, which SQLite treats as a new database).
pub fn header_problem(path: &Path) -> Option<ProblemKind> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    if len == 0 {
        return None;
    }
    let mut header = [0u8; 100];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(_) => return None,
        }
    }
    if read < MAGIC.len() || &header[..16] != MAGIC {
        return Some(ProblemKind::NotSqlite);
    }
    if read < header.len() {
        return Some(ProblemKind::Truncated);
    }
    let be32 = |at: usize| {
        u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    // The in-header page count is only valid when "version-valid-for" matches the change counter
    // (https://sqlite.org/fileformat2.html#in_header_database_size).
    // With a non-empty -wal beside it the main file may legitimately be shorter: a checkpoint that ran out
    // of disk space wrote the new header but not every page, and the pages are still in the WAL (found by
    // the full-disk test).
    let wal_has_pages = std::fs::metadata(with_suffix(path, "-wal")).is_ok_and(|m| m.len() > 0);
    let pages = u64::from(be32(28));
    if !wal_has_pages && pages > 0 && be32(92) == be32(24) && len < pages * page_size {
        return Some(ProblemKind::Truncated);
    }
    None
}

pub fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| RegistryError::io(format!("Can't create the folder {}", dir.display()), e))
}

/// Creates an empty file only its owner can read and write (SQLite gives the -wal and -shm files the
/// database file's mode).
pub fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map(drop)
        .map_err(|e| RegistryError::io(format!("Can't create {}", path.display()), e))
}

/// `path` with `suffix` appended to its file name ("registry.sqlite3" + "-wal").
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

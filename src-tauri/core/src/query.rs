//! SQL for the table's views: filters become a WHERE clause with bound parameters, sort keys map to indexed
//! columns (migration 2). Shared by paging and by "export current view" so both show the same rows.

use rusqlite::types::Value;

use crate::error::{RegistryError, Result};
use crate::types::{ModelFilter, SortDir, SortKey, Status};

pub use modelops_domain::input::MAX_SEARCH_CHARS;

pub(crate) struct FilterSql {
    /// A boolean SQL expression over `models m`.
    pub clause: String,
    pub params: Vec<Value>,
}

impl FilterSql {
    pub(crate) fn new(f: &ModelFilter) -> Result<FilterSql> {
        // (A model row without a current version exists only inside the transaction that registers it, so
        // readers never see one and no clause is needed for it.)
        let mut clause = String::from("1");
        let mut params = Vec::new();
        if let Some(search) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            if search.chars().count() > MAX_SEARCH_CHARS {
                return Err(RegistryError::InvalidInput(format!(
                    "Search text is limited to {MAX_SEARCH_CHARS} characters."
                )));
            }
            let escaped = search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            clause.push_str(" AND m.name LIKE ? ESCAPE '\\'");
            params.push(Value::Text(format!("%{escaped}%")));
        }
        if !f.statuses.is_empty() {
            let marks = vec!["?"; f.statuses.len()].join(", ");
            clause.push_str(&format!(" AND m.status_rank IN ({marks})"));
            params.extend(f.statuses.iter().map(|s| Value::Integer(status_rank(*s))));
        }
        if let Some(fw) = f.framework.as_deref().filter(|s| !s.is_empty()) {
            clause.push_str(" AND m.framework = ?");
            params.push(Value::Text(fw.to_owned()));
        }
        Ok(FilterSql { clause, params })
    }
}

/// Matches the generated column `status_rank` of migration 2.
fn status_rank(s: Status) -> i64 {
    match s {
        Status::Development => 0,
        Status::Staging => 1,
        Status::Production => 2,
        Status::Archived => 3,
    }
}

/// The ORDER BY for a sort: the key's indexed column, then the (unique) name, so that the order is total and
/// pages never overlap or skip; the indexes of migration 2 are in exactly this order.
pub(crate) fn order_by(key: SortKey, dir: SortDir) -> String {
    let col = match key {
        SortKey::Name => "m.name",
        SortKey::Version => "m.cur_version_key",
        SortKey::Status => "m.status_rank",
        SortKey::Accuracy => "m.cur_accuracy",
        SortKey::Latency => "m.cur_latency_ms",
        SortKey::Throughput => "m.cur_throughput_rps",
        SortKey::Uptime => "m.cur_uptime_pct",
        SortKey::Framework => "m.framework",
        SortKey::Size => "m.cur_size_bytes",
        SortKey::AiConfidence => "m.cur_ai_confidence",
        SortKey::ErrorRate => "m.cur_error_rate",
        SortKey::DeployedAt => "m.deployed_at",
        SortKey::LastTestedAt => "m.last_tested_at",
    };
    let dir = match dir {
        SortDir::Asc => "ASC",
        SortDir::Desc => "DESC",
    };
    if key == SortKey::Name {
        return format!("m.name {dir}");
    }
    format!("{col} {dir}, m.name {dir}")
}

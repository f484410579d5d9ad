//! Limits on what a user types or asks for, and the one way free text is cleaned. The page reads the same
//! numbers (generated into `ui/src/bindings`), so a form refuses what the registry would refuse.

use crate::error::{DomainError, Result};

/// Longest reason, notes and tag value accepted.
pub const MAX_REASON_CHARS: usize = 1000;
/// Longest model name.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest framework, version and tag key.
pub const MAX_FIELD_CHARS: usize = 100;
/// Most tags on one version.
pub const MAX_TAGS: usize = 50;
/// Longest search text.
pub const MAX_SEARCH_CHARS: usize = 200;
/// The most rows one page of models (or of the timeline) holds.
pub const MAX_PAGE: u32 = 500;
/// How many events and test runs the details view carries.
pub const DETAIL_EVENTS_LIMIT: u32 = 50;
pub const DETAIL_TEST_RUNS_LIMIT: u32 = 20;

/// Trims `text`; None when empty; refused when longer than `max` characters.
pub fn clean_text(text: Option<&str>, what: &str, max: usize) -> Result<Option<String>> {
    let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > max {
        return Err(DomainError::InvalidInput(format!(
            "{what} is limited to {max} characters."
        )));
    }
    Ok(Some(t.to_owned()))
}

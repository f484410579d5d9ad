//! The model lifecycle as an explicit state machine. `TRANSITIONS` is the whole table: a (state, action)
//! pair that is not in it is refused. `docs/lifecycle.md` shows the same table; a test keeps the two equal.
//!
//! Rollback and Run tests do not change the state (they are allowed in every state but archived), so they
//! are not in this table; `ensure_active` guards them.

use crate::error::{DomainError, Result};
use crate::types::Status;

/// The state-changing actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// "Promote to Staging".
    Promote,
    /// "Deploy" with target staging.
    DeployStaging,
    /// "Deploy" with target production.
    DeployProduction,
    Archive,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Promote,
        Action::DeployStaging,
        Action::DeployProduction,
        Action::Archive,
    ];

    pub fn verb(self) -> &'static str {
        match self {
            Action::Promote => "promote to staging",
            Action::DeployStaging => "deploy to staging",
            Action::DeployProduction => "deploy to production",
            Action::Archive => "archive",
        }
    }
}

/// Every legal transition: (from, action, to).
pub const TRANSITIONS: &[(Status, Action, Status)] = &[
    (Status::Development, Action::Promote, Status::Staging),
    (Status::Development, Action::DeployStaging, Status::Staging),
    (Status::Development, Action::Archive, Status::Archived),
    (
        Status::Staging,
        Action::DeployProduction,
        Status::Production,
    ),
    (Status::Staging, Action::Archive, Status::Archived),
    (Status::Production, Action::Archive, Status::Archived),
];

/// The state `action` leads to from `from`, or why it is refused.
pub fn next_status(model_id: &str, from: Status, action: Action) -> Result<Status> {
    TRANSITIONS
        .iter()
        .find(|(f, a, _)| *f == from && *a == action)
        .map(|(_, _, to)| *to)
        .ok_or_else(|| DomainError::IllegalTransition {
            model: model_id.to_owned(),
            action: action.verb(),
            from,
            reason: refusal_reason(from, action),
        })
}

/// Rollback and test runs are refused on archived models: an archived model is read-only.
pub fn ensure_active(model_id: &str, status: Status, action: &'static str) -> Result<()> {
    if status == Status::Archived {
        return Err(DomainError::IllegalTransition {
            model: model_id.to_owned(),
            action,
            from: status,
            reason: "it is archived, and archived models are read-only.".to_owned(),
        });
    }
    Ok(())
}

fn refusal_reason(from: Status, action: Action) -> String {
    match (from, action) {
        (Status::Archived, _) => "it is archived, and archived models are read-only.".to_owned(),
        (Status::Development, Action::DeployProduction) => {
            "it is in development. Promote it to staging first; production takes models from staging."
                .to_owned()
        }
        (Status::Staging, Action::Promote | Action::DeployStaging) => {
            "it is already in staging.".to_owned()
        }
        (Status::Production, Action::DeployProduction) => "it is already in production.".to_owned(),
        (Status::Production, Action::Promote | Action::DeployStaging) => {
            "it is in production; moving it back to staging is not a promotion. Roll back or archive it instead."
                .to_owned()
        }
        (from, _) => format!("not allowed from {}.", from.as_str()),
    }
}

/// The transition table as the Markdown table in `docs/lifecycle.md`.
pub fn markdown_table() -> String {
    let mut out = String::from("| from \\ action |");
    for a in Action::ALL {
        out.push_str(&format!(" {} |", a.verb()));
    }
    out.push_str("\n|---|");
    for _ in Action::ALL {
        out.push_str("---|");
    }
    for from in Status::ALL {
        out.push_str(&format!("\n| {} |", from.as_str()));
        for a in Action::ALL {
            match TRANSITIONS
                .iter()
                .find(|(f, act, _)| *f == from && *act == a)
            {
                Some((_, _, to)) => out.push_str(&format!(" → {} |", to.as_str())),
                None => out.push_str(" refused |"),
            }
        }
    }
    out.push('\n');
    out
}

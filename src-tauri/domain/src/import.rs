//! The legacy import's wire types: what the page asks to import and the plan it is shown before applying.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportRequest {
    /// Path of the legacy models.json.
    pub models_path: String,
    /// Path of the legacy ab_tests.json, if any.
    #[serde(default)]
    #[ts(optional)]
    pub ab_tests_path: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum ImportAction {
    Create,
    Update,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportItem {
    /// "model" or "abTest".
    pub kind: String,
    pub id: String,
    pub name: String,
    pub action: ImportAction,
    /// What would change, in words.
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportPlan {
    pub items: Vec<ImportItem>,
    pub creates: u32,
    pub updates: u32,
    pub unchanged: u32,
}

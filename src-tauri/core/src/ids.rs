//! Ids of new models and A/B tests: a prefix and 8 hex digits of a random UUID, short enough to read out and
//! type. 8 digits are 32 bits, and 32 bits are not unique enough on their own: a pull taking in 10 000 new
//! models would give two of them the same id about once in a hundred pulls (and fail on the primary key),
//! 100 000 models more often than not. So an id is looked up before it is used, and drawn again if taken.

use rusqlite::Connection;

use crate::error::{RegistryError, Result};

/// Draws before giving up: with a registry of a million ids, the chance that 8 draws are all taken is
/// below 10⁻²⁴.
const DRAWS: usize = 8;

/// A new model id (`model-1a2b3c4d`), free in this transaction.
pub(crate) fn new_model_id(tx: &Connection) -> Result<String> {
    free_id(
        tx,
        "model",
        "SELECT 1 FROM models WHERE id = ?1",
        random_suffix,
    )
}

/// A new A/B test id (`ab-test-1a2b3c4d`), free in this transaction.
pub(crate) fn new_ab_test_id(tx: &Connection) -> Result<String> {
    free_id(
        tx,
        "ab-test",
        "SELECT 1 FROM ab_tests WHERE id = ?1",
        random_suffix,
    )
}

fn random_suffix() -> String {
    let mut s = uuid::Uuid::new_v4().simple().to_string();
    s.truncate(8);
    s
}

/// `prefix-` and a draw, the first that `lookup` (a query of one id) does not find.
fn free_id(
    tx: &Connection,
    prefix: &str,
    lookup: &str,
    mut draw: impl FnMut() -> String,
) -> Result<String> {
    let mut taken = tx.prepare_cached(lookup)?;
    for _ in 0..DRAWS {
        let id = format!("{prefix}-{}", draw());
        if !taken.exists([&id])? {
            return Ok(id);
        }
    }
    Err(RegistryError::Internal(format!(
        "no free {prefix} id after {DRAWS} random draws"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODELS: &str = "SELECT 1 FROM models WHERE id = ?1";

    fn registry_with_model(id: &str) -> Connection {
        let conn = crate::db::open_in_memory().expect("open");
        conn.execute(
            "INSERT INTO models (id, name, framework, status, created_at)
             VALUES (?1, 'Taken', 'ONNX', 'development', '2026-01-01T00:00:00Z')",
            [id],
        )
        .expect("model");
        conn
    }

    #[test]
    fn an_id_that_is_taken_is_drawn_again() {
        let conn = registry_with_model("model-0000000a");
        let mut draws = ["0000000a", "0000000b"].into_iter().map(str::to_owned);
        let id = free_id(&conn, "model", MODELS, || draws.next().expect("a draw")).expect("id");
        assert_eq!(id, "model-0000000b");
        assert_eq!(draws.next(), None, "two draws, no more");
    }

    #[test]
    fn a_table_with_no_free_draw_is_an_error_not_a_clash() {
        let conn = registry_with_model("model-0000000a");
        let err =
            free_id(&conn, "model", MODELS, || "0000000a".to_owned()).expect_err("no free id");
        assert!(err.to_string().contains("no free model id"), "{err}");
    }

    #[test]
    fn new_ids_have_the_short_form() {
        let conn = registry_with_model("model-0000000a");
        for id in [
            new_model_id(&conn).expect("model id"),
            new_ab_test_id(&conn).expect("ab id"),
        ] {
            let suffix = id.rsplit('-').next().expect("suffix");
            assert_eq!(suffix.len(), 8, "{id}");
            assert!(suffix.chars().all(|c| c.is_ascii_hexdigit()), "{id}");
        }
    }
}

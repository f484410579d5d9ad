//! Reading models: the table's pages (filtered and sorted in SQL), the summary, the frameworks, one model's
//! details, and the A/B tests list.

use chrono::Utc;
use rusqlite::params;

use crate::error::{RegistryError, Result};
use crate::registry::{Registry, DETAIL_EVENTS_LIMIT, DETAIL_TEST_RUNS_LIMIT, MAX_PAGE};
use crate::rows::*;
use crate::types::*;

impl Registry {
    pub fn list_models(&self) -> Result<ModelList> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!("{MODEL_SELECT} ORDER BY m.rowid"))?;
            let models = stmt
                .query_map([], model_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ModelList {
                total: models.len() as u32,
                models,
                timestamp: Utc::now(),
            })
        })
    }

    /// One window of the table: the models matching `q.view.filter`, in its order, rows `offset ..
    /// offset + limit`, and how many match in all. Every sort column has an index (migration 2), so a page
    /// walks an index rather than sorting the registry.
    pub fn query_models(&self, q: &ModelQuery) -> Result<ModelPage> {
        if !(1..=MAX_PAGE).contains(&q.limit) {
            return Err(RegistryError::InvalidInput(format!(
                "A page holds 1 to {MAX_PAGE} models; {} were asked for.",
                q.limit
            )));
        }
        let filter = crate::query::FilterSql::new(&q.view.filter)?;
        let order = crate::query::order_by(q.view.sort, q.view.dir);
        self.read(|tx| {
            // Without a filter, a bare count(*) lets SQLite take its fast path (half the time at 100 000).
            let count_sql = if filter.clause == "1" {
                "SELECT count(*) FROM models".to_owned()
            } else {
                format!("SELECT count(*) FROM models m WHERE {}", filter.clause)
            };
            let total: u32 = tx
                .prepare_cached(&count_sql)?
                .query_row(rusqlite::params_from_iter(filter.params.iter()), |r| {
                    r.get(0)
                })?;
            let ids = view_rowids(
                tx,
                &filter,
                &format!("{order} LIMIT {} OFFSET {}", q.limit, q.offset),
            )?;
            let mut by_rowid = tx.prepare_cached(&format!("{MODEL_SELECT} WHERE m.rowid = ?1"))?;
            let models = ids
                .into_iter()
                .map(|id| by_rowid.query_row([id], model_from_row))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(ModelPage {
                models,
                offset: q.offset,
                total,
                timestamp: Utc::now(),
            })
        })
    }

    /// Every model of `view`, in its order, handed to `each` one at a time: memory stays flat whatever the
    /// registry's size (the view's row ids, 8 bytes a model, and one chunk of rows). For scripts that want
    /// the whole registry in one call (`modelops list --all`); the table pages with `query_models`.
    /// Returns how many models were handed over.
    ///
    /// Why in chunks read in row-id order, not one SELECT in the view's order: walking 100 000 rows in name
    /// order makes every row's lookups (its version, previous version, last test run) land on a page far
    /// from the last one, and the whole took 2.5 times as long as the same rows in the table's own order.
    /// The view's order comes from its index alone (it covers the row id); each chunk's rows are then read
    /// in row-id order and handed over in the view's.
    pub fn for_each_model(
        &self,
        view: &ModelView,
        each: impl FnMut(Model) -> Result<()>,
    ) -> Result<u64> {
        // 16 384 rows held at a time: about 7 MB more resident, and 0.8–1.0 s for 100 000 models where
        // 4 096 took 1.0–1.2 s and the whole registry at once (50 MB more) 0.7–0.8 s (BENCHMARKS.md,
        // "List every model").
        self.for_each_model_in_chunks(view, 16_384, each)
    }

    fn for_each_model_in_chunks(
        &self,
        view: &ModelView,
        chunk_len: usize,
        mut each: impl FnMut(Model) -> Result<()>,
    ) -> Result<u64> {
        let filter = crate::query::FilterSql::new(&view.filter)?;
        let order = crate::query::order_by(view.sort, view.dir);
        self.read(|tx| {
            let ids = view_rowids(tx, &filter, &order)?;
            let mut by_rowid = tx.prepare_cached(&format!("{MODEL_SELECT} WHERE m.rowid = ?1"))?;
            let mut handed = 0;
            let mut in_rowid_order: Vec<(i64, usize)> = Vec::with_capacity(chunk_len);
            let mut slots: Vec<Option<Model>> = Vec::with_capacity(chunk_len);
            for chunk in ids.chunks(chunk_len) {
                in_rowid_order.clear();
                in_rowid_order.extend(chunk.iter().enumerate().map(|(pos, &id)| (id, pos)));
                in_rowid_order.sort_unstable();
                slots.clear();
                slots.resize_with(chunk.len(), || None);
                for &(id, pos) in &in_rowid_order {
                    slots[pos] = Some(by_rowid.query_row([id], model_from_row)?);
                }
                for model in slots.drain(..).flatten() {
                    each(model)?;
                    handed += 1;
                }
            }
            Ok(handed)
        })
    }

    /// The frameworks in the registry with how many models use each, for the filter.
    pub fn frameworks(&self) -> Result<Vec<FrameworkCount>> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT framework, count(*) FROM models GROUP BY framework ORDER BY framework",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok(FrameworkCount {
                    framework: r.get(0)?,
                    models: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    pub fn get_model(&self, model_id: &str) -> Result<Model> {
        self.read(|tx| load_model(tx, model_id))
    }

    /// Every figure from one scan of the `models_summary` covering index, grouped into at most a dozen rows
    /// (migration 4 keeps `cur_test_passed` equal to the outcome of the current version's latest run).
    pub fn summary(&self) -> Result<Summary> {
        self.read(|tx| {
            let mut s = Summary::default();
            let mut production_accuracy = 0.0;
            let mut stmt = tx.prepare_cached(SUMMARY_SQL)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let status = parse_status(0, &r.get::<_, String>(0)?)?;
                let tested: Option<bool> = r.get(1)?;
                let count: u32 = r.get(2)?;
                s.total += count;
                match status {
                    Status::Development => s.development += count,
                    Status::Staging => s.staging += count,
                    Status::Production => {
                        s.production += count;
                        production_accuracy += r.get::<_, f64>(3)?;
                    }
                    Status::Archived => s.archived += count,
                }
                if status != Status::Archived {
                    match tested {
                        None => s.untested += count,
                        Some(false) => s.failing_tests += count,
                        Some(true) => {}
                    }
                }
            }
            s.production_avg_accuracy =
                (s.production > 0).then(|| production_accuracy / f64::from(s.production));
            s.running_ab_tests = tx.query_row(
                "SELECT count(*) FROM ab_tests WHERE status = 'running'",
                [],
                |r| r.get(0),
            )?;
            s.demo_models = tx.query_row(
                "SELECT count(*) FROM models INDEXED BY models_demo WHERE is_demo = 1",
                [],
                |r| r.get(0),
            )?;
            Ok(s)
        })
    }

    pub fn model_details(&self, model_id: &str) -> Result<ModelDetails> {
        self.read(|tx| {
            let model = load_model(tx, model_id)?;
            let thresholds = load_thresholds(tx, model_id)?;
            let versions = load_versions(tx, model_id)?;
            let events = {
                let mut stmt = tx.prepare_cached(
                    &format!("{EVENT_SELECT} WHERE e.model_id = ?1 ORDER BY e.id DESC LIMIT ?2"),
                )?;
                let rows = stmt.query_map(params![model_id, DETAIL_EVENTS_LIMIT], event_from_row)?;
                rows.collect::<rusqlite::Result<Vec<_>>>()?
            };
            let test_runs = {
                let mut stmt = tx.prepare_cached(
                    "SELECT t.id FROM test_runs t WHERE t.model_id = ?1 ORDER BY t.id DESC LIMIT ?2",
                )?;
                let ids = stmt
                    .query_map(params![model_id, DETAIL_TEST_RUNS_LIMIT], |r| r.get::<_, i64>(0))?
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                ids.into_iter().map(|id| crate::gates::load_test_run(tx, id)).collect::<Result<Vec<_>>>()?
            };
            let ab_tests = crate::ab::query_ab_tests(
                tx,
                "WHERE t.model_a = ?1 OR t.model_b = ?1 ORDER BY t.started_at DESC, t.rowid DESC",
                [model_id],
            )?;
            Ok(ModelDetails { model, thresholds, versions, events, test_runs, ab_tests })
        })
    }

    /// Running tests first, then the rest; newest first within each.
    pub fn list_ab_tests(&self) -> Result<Vec<AbTest>> {
        self.read(|tx| {
            crate::ab::query_ab_tests(
                tx,
                "ORDER BY t.status = 'running' DESC, t.started_at DESC, t.rowid DESC",
                [],
            )
        })
    }
}

/// The row ids of the models matching `filter`, in `order_and_window` (an ORDER BY's terms, with a LIMIT
/// and OFFSET for a page): from the sort column's covering index alone, without reading a model's row.
fn view_rowids(
    tx: &rusqlite::Connection,
    filter: &crate::query::FilterSql,
    order_and_window: &str,
) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT m.rowid FROM models m WHERE {} ORDER BY {order_and_window}",
        filter.clause
    ))?;
    let rows = stmt.query_map(rusqlite::params_from_iter(filter.params.iter()), |r| {
        r.get(0)
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `model` as JSON, appended to `out`. Here rather than in the CLI because serde's code is generic and is
/// compiled in the crate that names the writer: compiled in the CLI's size-first crate (opt-level "z",
/// ADR 0023), the same call made `list --all` 17 % slower at 100 000 models (BENCHMARKS.md, session 19).
pub fn append_model_json(model: &Model, out: &mut Vec<u8>) -> serde_json::Result<()> {
    serde_json::to_writer(out, model)
}

#[cfg(test)]
mod tests {
    use crate::types::*;
    use crate::Registry;

    /// The whole registry in chunks comes out in the view's order, as the table's pages show it, also where
    /// a chunk ends in the middle of the view and the view's order is not the table's own.
    #[test]
    fn every_model_in_chunks_comes_in_the_views_order() {
        let reg = Registry::open_generated_in_memory(230, 11).expect("generate");
        let views = [
            ModelView::default(),
            ModelView {
                filter: ModelFilter::default(),
                sort: SortKey::Accuracy,
                dir: SortDir::Desc,
            },
            ModelView {
                filter: ModelFilter {
                    search: None,
                    statuses: vec![Status::Production, Status::Staging],
                    framework: None,
                },
                sort: SortKey::Latency,
                dir: SortDir::Asc,
            },
        ];
        for view in views {
            let page = reg
                .query_models(&ModelQuery {
                    view: view.clone(),
                    offset: 0,
                    limit: 500,
                })
                .expect("page");
            assert!(page.total > 20, "a view of a few chunks: {}", page.total);
            for chunk_len in [1, 7, 64, 1000] {
                let mut streamed = Vec::new();
                let handed = reg
                    .for_each_model_in_chunks(&view, chunk_len, |m| {
                        streamed.push(m);
                        Ok(())
                    })
                    .expect("stream");
                assert_eq!(handed, page.total as u64);
                assert_eq!(streamed, page.models, "{view:?}, chunks of {chunk_len}");
            }
        }
    }
}

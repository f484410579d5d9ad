//! Paging, sorting, filtering and searching in SQL, checked against sorting and filtering the full list in
//! Rust; and the generator that the benchmarks and the 100 000-model end-to-end test rely on.

use std::cmp::Ordering;

use modelops_core::types::*;
use modelops_core::version::sort_key;
use modelops_core::{ErrorCode, Registry};

const N: u32 = 700;

fn reg() -> Registry {
    Registry::open_generated_in_memory(N, 7).expect("generated registry")
}

fn view(sort: SortKey, dir: SortDir, filter: ModelFilter) -> ModelView {
    ModelView { filter, sort, dir }
}

fn all_pages(reg: &Registry, v: &ModelView, limit: u32) -> Vec<Model> {
    let mut out = Vec::new();
    loop {
        let page = reg
            .query_models(&ModelQuery {
                view: v.clone(),
                offset: out.len() as u32,
                limit,
            })
            .expect("page");
        let done = page.models.len() < limit as usize;
        out.extend(page.models);
        if done {
            return out;
        }
    }
}

fn status_rank(s: Status) -> u8 {
    Status::ALL.iter().position(|x| *x == s).unwrap_or(9) as u8
}

/// The order SQL must produce: the key (NULL first, like SQLite), then the unique name.
fn reference_cmp(key: SortKey, a: &Model, b: &Model) -> Ordering {
    let f = |x: f64, y: f64| x.partial_cmp(&y).unwrap_or(Ordering::Equal);
    let by_key = match key {
        SortKey::Name => Ordering::Equal,
        SortKey::Version => sort_key(&a.version).cmp(&sort_key(&b.version)),
        SortKey::Status => status_rank(a.status).cmp(&status_rank(b.status)),
        SortKey::Accuracy => f(a.accuracy, b.accuracy),
        SortKey::Latency => f(a.latency, b.latency),
        SortKey::Throughput => f(a.throughput, b.throughput),
        SortKey::Uptime => f(a.uptime, b.uptime),
        SortKey::Framework => a.framework.cmp(&b.framework),
        SortKey::Size => a.size_bytes.cmp(&b.size_bytes),
        SortKey::AiConfidence => f(a.ai_confidence, b.ai_confidence),
        SortKey::ErrorRate => f(a.error_rate, b.error_rate),
        SortKey::DeployedAt => a.deployed_at.cmp(&b.deployed_at),
        SortKey::LastTestedAt => a.last_tested_at.cmp(&b.last_tested_at),
    };
    by_key.then_with(|| a.name.cmp(&b.name))
}

fn ids(models: &[Model]) -> Vec<&str> {
    models.iter().map(|m| m.id.as_str()).collect()
}

#[test]
fn every_sort_key_in_both_directions_matches_the_reference_order() {
    let reg = reg();
    let everything = reg.list_models().unwrap().models;
    assert_eq!(everything.len(), N as usize);
    for key in SortKey::ALL {
        for dir in [SortDir::Asc, SortDir::Desc] {
            let mut expected = everything.clone();
            expected.sort_by(|a, b| reference_cmp(key, a, b));
            if dir == SortDir::Desc {
                expected.reverse();
            }
            let got = all_pages(&reg, &view(key, dir, ModelFilter::default()), 97);
            assert_eq!(ids(&got), ids(&expected), "{key:?} {dir:?}");
            // A page is exactly the models list's shape for those rows.
            assert_eq!(got[3], expected[3]);
        }
    }
}

#[test]
fn pages_report_the_total_and_their_offset() {
    let reg = reg();
    let q = ModelQuery {
        view: ModelView::default(),
        offset: 650,
        limit: 100,
    };
    let page = reg.query_models(&q).unwrap();
    assert_eq!((page.total, page.offset, page.models.len()), (N, 650, 50));
    let beyond = reg.query_models(&ModelQuery { offset: 5000, ..q }).unwrap();
    assert!(beyond.models.is_empty());
    assert_eq!(beyond.total, N);
}

#[test]
fn filters_and_search_match_the_reference() {
    let reg = reg();
    let everything = reg.list_models().unwrap().models;
    let framework = everything[0].framework.clone();
    type Case = (ModelFilter, Box<dyn Fn(&Model) -> bool>);
    let cases: Vec<Case> = vec![
        (
            ModelFilter {
                statuses: vec![Status::Production],
                ..Default::default()
            },
            Box::new(|m: &Model| m.status == Status::Production),
        ),
        (
            ModelFilter {
                statuses: vec![Status::Staging, Status::Archived],
                ..Default::default()
            },
            Box::new(|m: &Model| matches!(m.status, Status::Staging | Status::Archived)),
        ),
        (
            ModelFilter {
                framework: Some(framework.clone()),
                ..Default::default()
            },
            Box::new({
                let fw = framework.clone();
                move |m: &Model| m.framework == fw
            }),
        ),
        (
            ModelFilter {
                search: Some("FRAUD".into()),
                ..Default::default()
            },
            Box::new(|m: &Model| m.name.to_lowercase().contains("fraud")),
        ),
        (
            ModelFilter {
                search: Some(" detection ".into()),
                statuses: vec![Status::Development],
                framework: Some(framework.clone()),
            },
            Box::new({
                let fw = framework.clone();
                move |m: &Model| {
                    m.name.to_lowercase().contains("detection")
                        && m.status == Status::Development
                        && m.framework == fw
                }
            }),
        ),
        // LIKE wildcards in the text are literal characters.
        (
            ModelFilter {
                search: Some("%".into()),
                ..Default::default()
            },
            Box::new(|m: &Model| m.name.contains('%')),
        ),
        (
            ModelFilter {
                search: Some("_".into()),
                ..Default::default()
            },
            Box::new(|m: &Model| m.name.contains('_')),
        ),
        (
            ModelFilter {
                search: Some("#12".into()),
                ..Default::default()
            },
            Box::new(|m: &Model| m.name.contains("#12")),
        ),
    ];
    for (filter, keep) in cases {
        let mut expected: Vec<Model> = everything.iter().filter(|m| keep(m)).cloned().collect();
        expected.sort_by(|a, b| reference_cmp(SortKey::Accuracy, a, b));
        let v = view(SortKey::Accuracy, SortDir::Asc, filter.clone());
        let got = all_pages(&reg, &v, 50);
        assert_eq!(ids(&got), ids(&expected), "{filter:?}");
        let total = reg
            .query_models(&ModelQuery {
                view: v,
                offset: 0,
                limit: 1,
            })
            .unwrap()
            .total;
        assert_eq!(total as usize, expected.len(), "{filter:?}");
    }
}

#[test]
fn bad_queries_are_refused() {
    let reg = reg();
    for limit in [0, 501] {
        let err = reg
            .query_models(&ModelQuery {
                view: ModelView::default(),
                offset: 0,
                limit,
            })
            .unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
    }
    let long = ModelFilter {
        search: Some("x".repeat(201)),
        ..Default::default()
    };
    let err = reg
        .query_models(&ModelQuery {
            view: view(SortKey::Name, SortDir::Asc, long),
            offset: 0,
            limit: 10,
        })
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
}

#[test]
fn frameworks_are_counted() {
    let reg = reg();
    let fws = reg.frameworks().unwrap();
    assert_eq!(fws.iter().map(|f| f.models).sum::<u32>(), N);
    let everything = reg.list_models().unwrap().models;
    for f in &fws {
        assert_eq!(
            everything
                .iter()
                .filter(|m| m.framework == f.framework)
                .count() as u32,
            f.models
        );
    }
}

#[test]
fn exporting_a_view_writes_exactly_its_rows_in_its_order() {
    let reg = reg();
    let v = view(
        SortKey::Latency,
        SortDir::Desc,
        ModelFilter {
            statuses: vec![Status::Production],
            ..Default::default()
        },
    );
    let shown = all_pages(&reg, &v, 500);
    let mut out = Vec::new();
    let rows = reg.write_csv(&mut out, Some(&v)).unwrap();
    assert_eq!(rows as usize, shown.len());
    let mut rdr = csv::Reader::from_reader(out.as_slice());
    let exported: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_owned()).collect();
    assert_eq!(exported, ids(&shown));
    let mut all = Vec::new();
    assert_eq!(reg.write_csv(&mut all, None).unwrap(), N);
}

#[test]
fn the_copy_of_the_current_version_follows_rollbacks() {
    let reg = reg();
    let everything = reg.list_models().unwrap().models;
    let m = everything
        .iter()
        .find(|m| m.previous_version.is_some() && m.status != Status::Archived)
        .expect("a model with two versions");
    let res = reg.rollback(&m.id).unwrap();
    let v = view(
        SortKey::Name,
        SortDir::Asc,
        ModelFilter {
            search: Some(m.name.clone()),
            ..Default::default()
        },
    );
    let page = reg
        .query_models(&ModelQuery {
            view: v,
            offset: 0,
            limit: 5,
        })
        .unwrap();
    assert_eq!(page.models, vec![res.model.clone()]);
    assert_eq!(page.models[0].version, res.rolled_back_to);
    // And sorting by version uses the rolled-back version.
    let by_version = all_pages(
        &reg,
        &view(SortKey::Version, SortDir::Asc, ModelFilter::default()),
        500,
    );
    let pos = by_version.iter().position(|x| x.id == m.id).unwrap();
    if pos > 0 {
        assert!(sort_key(&by_version[pos - 1].version) <= sort_key(&res.rolled_back_to));
    }
}

#[test]
fn generated_registries_are_realistic_and_deterministic() {
    let a = Registry::open_generated_in_memory(300, 99)
        .unwrap()
        .list_models()
        .unwrap()
        .models;
    let b = Registry::open_generated_in_memory(300, 99)
        .unwrap()
        .list_models()
        .unwrap()
        .models;
    let shape = |ms: &[Model]| -> Vec<(String, String, Status, String)> {
        ms.iter()
            .map(|m| {
                (
                    m.name.clone(),
                    m.version.clone(),
                    m.status,
                    m.framework.clone(),
                )
            })
            .collect()
    };
    assert_eq!(shape(&a), shape(&b), "same seed, same registry");
    for s in Status::ALL {
        let n = a.iter().filter(|m| m.status == s).count();
        assert!(n > 20, "{s:?}: {n}");
    }
    assert!(
        a.iter().all(|m| m.is_demo),
        "generated data is labelled illustrative"
    );
    assert!(a.iter().filter(|m| m.previous_version.is_some()).count() > 150);
    assert!(a.iter().filter(|m| m.last_test.is_some()).count() > 100);
    // Test runs hold the checks of the version they ran on.
    let reg = Registry::open_generated_in_memory(50, 3).unwrap();
    for m in reg.list_models().unwrap().models {
        for run in reg.model_details(&m.id).unwrap().test_runs {
            assert_eq!(
                run.passed as usize,
                run.checks.iter().filter(|c| c.passed).count()
            );
        }
    }
}

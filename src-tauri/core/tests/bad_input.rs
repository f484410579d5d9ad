//! Malformed requests, systematically: every core entry point the commands call, fed unknown ids, empty and
//! huge and unicode fields, NaN/∞/negative/out-of-range numbers, illegal transitions, malformed legacy
//! files and bad export paths. Each must be refused with its typed code and leave the database as it was.

mod common;
use common::plain_metrics as metrics;

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use modelops_core::ab::AbortAbTestRequest;
use modelops_core::import::ImportRequest;
use modelops_core::types::*;
use modelops_core::{ErrorCode, Registry, RegistryError};

type Outcome = Result<(), RegistryError>;
type Run = Box<dyn Fn(&Registry, &Fixture) -> Outcome>;

struct Case {
    name: &'static str,
    code: ErrorCode,
    run: Run,
}

fn case<T>(
    name: &'static str,
    code: ErrorCode,
    run: impl Fn(&Registry, &Fixture) -> Result<T, RegistryError> + 'static,
) -> Case {
    Case {
        name,
        code,
        run: Box::new(move |r, f| run(r, f).map(|_| ())),
    }
}

/// State the cases refer to, set up before the first one runs.
struct Fixture {
    dir: PathBuf,
    /// A model with one version, never deployed.
    fresh: String,
    /// A model with a second version that was never deployed.
    two_versions: String,
    stopped_test: String,
}

impl Fixture {
    /// Writes `text` to a file in the fixture's folder and returns its path.
    fn file(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).expect("write fixture file");
        path.display().to_string()
    }

    fn import(&self, models: &str) -> ImportRequest {
        ImportRequest {
            models_path: self.file("models.json", models),
            ab_tests_path: None,
        }
    }

    fn import_ab(&self, ab_tests: &str) -> ImportRequest {
        ImportRequest {
            models_path: self.file("models-ok.json", GOOD_LEGACY_MODEL),
            ab_tests_path: Some(self.file("ab_tests.json", ab_tests)),
        }
    }
}

const GOOD_LEGACY_MODEL: &str = r#"[{"id": "legacy-1", "name": "Legacy", "version": "1.0.0",
    "status": "staging", "accuracy": 0.9, "latency": 40, "throughput": 500, "uptime": 99.5,
    "framework": "PyTorch", "size": "1.2GB", "aiConfidence": 0.8, "errorRate": 0.01}]"#;

fn legacy_with(field: &str, value: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(GOOD_LEGACY_MODEL).expect("fixture");
    v[0][field] = serde_json::from_str(value).expect("value");
    v.to_string()
}

fn new_model(name: &str) -> RegisterModelRequest {
    RegisterModelRequest {
        name: name.into(),
        framework: "PyTorch".into(),
        version: "1.0.0".into(),
        metrics: metrics(),
        size_bytes: None,
        artifact_path: None,
        notes: None,
        tags: vec![],
    }
}

fn new_version(model_id: &str, version: &str) -> RegisterVersionRequest {
    common::plain_version(model_id, version)
}

fn with_metrics(f: impl Fn(&mut Metrics)) -> RegisterModelRequest {
    let mut req = new_model("Metrics probe");
    f(&mut req.metrics);
    req
}

fn rollback(model_id: &str, to: Option<&str>) -> RollbackRequest {
    RollbackRequest {
        model_id: model_id.into(),
        to_version: to.map(Into::into),
        reason: None,
        expected: None,
    }
}

fn ab(a: &str, b: &str, split: i64) -> StartAbTestRequest {
    StartAbTestRequest {
        model_a: a.into(),
        model_b: b.into(),
        traffic_split: split,
        alpha: None,
        min_detectable_effect: None,
        power: None,
    }
}

fn abort(test_id: &str) -> AbortAbTestRequest {
    AbortAbTestRequest {
        test_id: test_id.into(),
        reason: "The router sent every request to A.".into(),
    }
}

fn page(limit: u32, search: Option<String>) -> ModelQuery {
    ModelQuery {
        view: ModelView {
            filter: ModelFilter {
                search,
                ..ModelFilter::default()
            },
            ..ModelView::default()
        },
        offset: 0,
        limit,
    }
}

fn events(limit: u32) -> TimelineQuery {
    TimelineQuery {
        limit,
        ..TimelineQuery::default()
    }
}

/// Seed: model-1 production, model-2 staging, model-3 development, model-4 production (archived below).
fn setup(dir: &Path) -> (Registry, Fixture) {
    let reg = Registry::open(&dir.join("registry.sqlite3")).expect("open");
    reg.archive("model-4").expect("archive model-4");
    let fresh = reg
        .register_model(&new_model("Fresh"))
        .expect("fresh")
        .model
        .id;
    let two_versions = reg
        .register_model(&new_model("Two versions"))
        .expect("two")
        .model
        .id;
    reg.register_version(&new_version(&two_versions, "1.1.0"))
        .expect("second version");
    let stopped_test = reg
        .start_ab_test(&ab("model-2", "model-3", 50))
        .expect("ab")
        .id;
    reg.abort_ab_test(&abort(&stopped_test)).expect("abort");
    // model-1 stays in a running test.
    reg.start_ab_test(&ab("model-1", "model-2", 30))
        .expect("running ab");
    let fixture = Fixture {
        dir: dir.to_owned(),
        fresh,
        two_versions,
        stopped_test,
    };
    (reg, fixture)
}

fn cases() -> Vec<Case> {
    use ErrorCode::*;
    let huge = "x".repeat(1 << 20);
    let unicode_name = "模型🚀".repeat(60); // 180 chars: fine length, exotic text; used as an unknown id.
    let long_name = "é".repeat(201);
    let now = Utc::now();
    vec![
        // ----- unknown ids -----
        case("get_model unknown", NotFound, |r, _| {
            r.get_model("model-999")
        }),
        case("model_details empty id", NotFound, |r, _| {
            r.model_details("")
        }),
        case("promote unknown", NotFound, |r, _| r.promote("nope")),
        case("deploy unknown", NotFound, |r, _| {
            r.deploy("nope", DeployTarget::Production)
        }),
        case("archive unknown", NotFound, |r, _| r.archive("nope")),
        case("run_tests unknown", NotFound, |r, _| r.run_tests("nope")),
        case("rollback unknown model", NotFound, |r, _| {
            r.rollback_with(&rollback("nope", None))
        }),
        case("rollback to unknown version", NotFound, |r, _| {
            r.rollback_with(&rollback("model-1", Some("9.9.9")))
        }),
        case("register_version unknown model", NotFound, |r, _| {
            r.register_version(&new_version("nope", "1.0.0"))
        }),
        case("abort unknown A/B test", NotFound, |r, _| {
            r.abort_ab_test(&abort("ab-test-nope"))
        }),
        case(
            "abort an A/B test without a reason",
            InvalidInput,
            |r, f| {
                r.abort_ab_test(&AbortAbTestRequest {
                    test_id: f.stopped_test.clone(),
                    reason: "  ".into(),
                })
            },
        ),
        case("conclude unknown A/B test", NotFound, |r, _| {
            r.conclude_ab_test("ab-test-nope")
        }),
        case(
            "deploy to production without a passing run",
            GateBlocked,
            |r, _| r.deploy("model-2", DeployTarget::Production),
        ),
        case("A/B test with unknown model", NotFound, |r, _| {
            r.start_ab_test(&ab("nope", "model-3", 50))
        }),
        case("production_at unknown", NotFound, |r, _| {
            r.production_at("nope", Utc::now())
        }),
        case("timeline of unknown model", NotFound, |r, _| {
            r.timeline(&TimelineQuery {
                model_id: Some("nope".into()),
                ..events(10)
            })
        }),
        case("promote unicode id", NotFound, move |r, _| {
            r.promote(&unicode_name)
        }),
        {
            let huge = huge.clone();
            case("promote 1 MB id", NotFound, move |r, _| r.promote(&huge))
        },
        case("promote SQL in id", NotFound, |r, _| {
            r.promote("model-1' OR '1'='1")
        }),
        case("promote id with NUL", NotFound, |r, _| {
            r.promote("model-1\0")
        }),
        case("promote id with trailing space", NotFound, |r, _| {
            r.promote("model-3 ")
        }),
        // ----- missing, empty, huge fields -----
        case("register empty name", InvalidInput, |r, _| {
            r.register_model(&new_model(""))
        }),
        case("register blank name", InvalidInput, |r, _| {
            r.register_model(&new_model(" \t\n "))
        }),
        case(
            "register 201-char unicode name",
            InvalidInput,
            move |r, _| r.register_model(&new_model(&long_name)),
        ),
        {
            let huge = huge.clone();
            case("register 1 MB name", InvalidInput, move |r, _| {
                r.register_model(&new_model(&huge))
            })
        },
        case("register empty framework", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                framework: String::new(),
                ..new_model("No framework")
            })
        }),
        case("register empty version", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                version: String::new(),
                ..new_model("No version")
            })
        }),
        case("register version 1.0", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                version: "1.0".into(),
                ..new_model("Short version")
            })
        }),
        case("register version v1.0.0", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                version: "v1.0.0".into(),
                ..new_model("Prefixed version")
            })
        }),
        case("register unicode version", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                version: "１.０.０".into(),
                ..new_model("Fullwidth version")
            })
        }),
        case("register existing name", Conflict, |r, _| {
            r.register_model(&new_model("TGNN - Attack Surface Model"))
        }),
        case("register empty tag key", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                tags: vec![Tag {
                    key: " ".into(),
                    value: "v".into(),
                }],
                ..new_model("Tagged")
            })
        }),
        case("register duplicate tag", InvalidInput, |r, _| {
            let tag = Tag {
                key: "k".into(),
                value: "v".into(),
            };
            r.register_model(&RegisterModelRequest {
                tags: vec![tag.clone(), tag],
                ..new_model("Tagged twice")
            })
        }),
        case("register 51 tags", InvalidInput, |r, _| {
            let tags = (0..51)
                .map(|i| Tag {
                    key: format!("k{i}"),
                    value: String::new(),
                })
                .collect();
            r.register_model(&RegisterModelRequest {
                tags,
                ..new_model("Many tags")
            })
        }),
        case("register 1001-emoji notes", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                notes: Some("🚀".repeat(1001)),
                ..new_model("Long notes")
            })
        }),
        case("register missing artifact", InvalidInput, |r, f| {
            r.register_model(&RegisterModelRequest {
                artifact_path: Some(f.dir.join("missing.onnx").display().to_string()),
                ..new_model("Missing artifact")
            })
        }),
        case("register folder as artifact", InvalidInput, |r, f| {
            r.register_model(&RegisterModelRequest {
                artifact_path: Some(f.dir.display().to_string()),
                ..new_model("Folder artifact")
            })
        }),
        case(
            "register_version 101-char framework",
            InvalidInput,
            |r, _| {
                r.register_version(&RegisterVersionRequest {
                    framework: Some("f".repeat(101)),
                    ..new_version("model-3", "99.0.0")
                })
            },
        ),
        case("register_version not greater", InvalidInput, |r, _| {
            r.register_version(&new_version("model-1", "1.0.0"))
        }),
        case("register_version equal to current", InvalidInput, |r, _| {
            r.register_version(&new_version("model-1", "2.1.0"))
        }),
        case("rollback 1001-char reason", InvalidInput, |r, _| {
            r.rollback_with(&RollbackRequest {
                reason: Some("r".repeat(1001)),
                ..rollback("model-1", None)
            })
        }),
        // ----- numbers -----
        case("accuracy NaN", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.accuracy = f64::NAN))
        }),
        case("accuracy +inf", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.accuracy = f64::INFINITY))
        }),
        case("accuracy 1.5", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.accuracy = 1.5))
        }),
        case("accuracy -0.1", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.accuracy = -0.1))
        }),
        case("latency negative", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.latency = -1.0))
        }),
        case("latency +inf", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.latency = f64::INFINITY))
        }),
        case("throughput NaN", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.throughput = f64::NAN))
        }),
        case("uptime 100.5", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.uptime = 100.5))
        }),
        case("ai confidence -inf", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.ai_confidence = f64::NEG_INFINITY))
        }),
        case("error rate 2", InvalidInput, |r, _| {
            r.register_model(&with_metrics(|m| m.error_rate = 2.0))
        }),
        case("register_version metrics NaN", InvalidInput, |r, _| {
            let mut req = new_version("model-3", "99.0.0");
            req.metrics.uptime = f64::NAN;
            r.register_version(&req)
        }),
        case("negative size", InvalidInput, |r, _| {
            r.register_model(&RegisterModelRequest {
                size_bytes: Some(-1),
                ..new_model("Negative size")
            })
        }),
        case("A/B split 0", InvalidInput, |r, _| {
            r.start_ab_test(&ab("model-2", "model-3", 0))
        }),
        case("A/B split 100", InvalidInput, |r, _| {
            r.start_ab_test(&ab("model-2", "model-3", 100))
        }),
        case("A/B split negative", InvalidInput, |r, _| {
            r.start_ab_test(&ab("model-2", "model-3", -5))
        }),
        case("A/B split i64::MAX", InvalidInput, |r, _| {
            r.start_ab_test(&ab("model-2", "model-3", i64::MAX))
        }),
        case("A/B same model twice", InvalidInput, |r, _| {
            r.start_ab_test(&ab("model-3", "model-3", 50))
        }),
        case("page limit 0", InvalidInput, |r, _| {
            r.query_models(&page(0, None))
        }),
        case("page limit 501", InvalidInput, |r, _| {
            r.query_models(&page(501, None))
        }),
        case("page limit u32::MAX", InvalidInput, |r, _| {
            r.query_models(&page(u32::MAX, None))
        }),
        case("search 201 chars", InvalidInput, |r, _| {
            r.query_models(&page(10, Some("ü".repeat(201))))
        }),
        case("timeline limit 0", InvalidInput, |r, _| {
            r.timeline(&events(0))
        }),
        case("timeline range reversed", InvalidInput, move |r, _| {
            r.timeline(&TimelineQuery {
                from: Some(now),
                to: Some(now - Duration::days(1)),
                ..events(10)
            })
        }),
        // ----- illegal transitions -----
        case("development → production", IllegalTransition, |r, _| {
            r.deploy("model-3", DeployTarget::Production)
        }),
        case("promote staging", IllegalTransition, |r, _| {
            r.promote("model-2")
        }),
        case("deploy staging to staging", IllegalTransition, |r, _| {
            r.deploy("model-2", DeployTarget::Staging)
        }),
        case("production → production", IllegalTransition, |r, _| {
            r.deploy("model-1", DeployTarget::Production)
        }),
        case("promote production", IllegalTransition, |r, _| {
            r.promote("model-1")
        }),
        case("promote archived", IllegalTransition, |r, _| {
            r.promote("model-4")
        }),
        case("deploy archived", IllegalTransition, |r, _| {
            r.deploy("model-4", DeployTarget::Staging)
        }),
        case("archive archived", IllegalTransition, |r, _| {
            r.archive("model-4")
        }),
        case("test archived", IllegalTransition, |r, _| {
            r.run_tests("model-4")
        }),
        case("roll back archived", IllegalTransition, |r, _| {
            r.rollback_with(&rollback("model-4", None))
        }),
        case("new version of archived", IllegalTransition, |r, _| {
            r.register_version(&new_version("model-4", "99.0.0"))
        }),
        case("A/B test with archived", IllegalTransition, |r, _| {
            r.start_ab_test(&ab("model-3", "model-4", 50))
        }),
        case("roll back a first version", NoPreviousVersion, |r, f| {
            r.rollback_with(&rollback(&f.fresh, None))
        }),
        case("roll back to the current version", InvalidInput, |r, _| {
            r.rollback_with(&rollback("model-1", Some("2.1.0")))
        }),
        case(
            "roll back to a never-deployed version",
            InvalidInput,
            |r, f| r.rollback_with(&rollback(&f.two_versions, Some("1.0.0"))),
        ),
        case("archive a model in a running A/B test", Conflict, |r, _| {
            r.archive("model-1")
        }),
        case("abort an aborted A/B test", Conflict, |r, f| {
            r.abort_ab_test(&abort(&f.stopped_test))
        }),
        case("second running A/B test for a model", Conflict, |r, _| {
            r.start_ab_test(&ab("model-1", "model-3", 50))
        }),
        case("stale expectation", Conflict, |r, _| {
            r.promote_expecting("model-3", &Expected::new(Status::Staging, "1.0.0"))
        }),
        // ----- legacy import files -----
        case("import missing file", InvalidInput, |r, f| {
            r.preview_import(&ImportRequest {
                models_path: f.dir.join("absent.json").display().to_string(),
                ab_tests_path: None,
            })
        }),
        case("import empty path", InvalidInput, |r, _| {
            r.apply_import(&ImportRequest::default())
        }),
        case("import folder", InvalidInput, |r, f| {
            r.apply_import(&ImportRequest {
                models_path: f.dir.display().to_string(),
                ab_tests_path: None,
            })
        }),
        case("import empty file", InvalidInput, |r, f| {
            r.apply_import(&f.import(""))
        }),
        case("import not JSON", InvalidInput, |r, f| {
            r.apply_import(&f.import("models: [1, 2"))
        }),
        case("import truncated JSON", InvalidInput, |r, f| {
            r.apply_import(&f.import(&GOOD_LEGACY_MODEL[..60]))
        }),
        case("import a number", InvalidInput, |r, f| {
            r.apply_import(&f.import("42"))
        }),
        case("import entry without name", InvalidInput, |r, f| {
            let mut v: serde_json::Value =
                serde_json::from_str(GOOD_LEGACY_MODEL).expect("fixture");
            v[0].as_object_mut().expect("object").remove("name");
            r.apply_import(&f.import(&v.to_string()))
        }),
        case("import accuracy as text", InvalidInput, |r, f| {
            r.apply_import(&f.import(&legacy_with("accuracy", r#""high""#)))
        }),
        case("import accuracy 5", InvalidInput, |r, f| {
            r.apply_import(&f.import(&legacy_with("accuracy", "5")))
        }),
        case("import latency 1e400 (∞)", InvalidInput, |r, f| {
            // Spliced as text: a JSON value holding 1e400 cannot be built, only written.
            r.preview_import(
                &f.import(&GOOD_LEGACY_MODEL.replace("\"latency\": 40", "\"latency\": 1e400")),
            )
        }),
        case("import unknown status", InvalidInput, |r, f| {
            r.apply_import(&f.import(&legacy_with("status", r#""deleted""#)))
        }),
        case("import bad version", InvalidInput, |r, f| {
            r.apply_import(&f.import(&legacy_with("version", r#""latest""#)))
        }),
        case("import bad size", InvalidInput, |r, f| {
            r.apply_import(&f.import(&legacy_with("size", r#""big""#)))
        }),
        case("import bad deployedAt", InvalidInput, |r, f| {
            r.apply_import(&f.import(&legacy_with("deployedAt", r#""yesterday""#)))
        }),
        case("import empty name", InvalidInput, |r, f| {
            r.apply_import(&f.import(&legacy_with("name", r#""  ""#)))
        }),
        case("import A/B split 150", InvalidInput, |r, f| {
            r.apply_import(&f.import_ab(
                r#"[{"test_id": "t1", "model_a": "legacy-1", "model_b": "model-3", "traffic_split": 150}]"#,
            ))
        }),
        case("import A/B test without models", InvalidInput, |r, f| {
            r.apply_import(&f.import_ab(r#"[{"test_id": "t1", "traffic_split": 50}]"#))
        }),
        // ----- export paths -----
        case("export relative path", InvalidInput, |r, _| {
            r.export_csv(Path::new("out.csv"), None)
        }),
        case("export empty path", InvalidInput, |r, _| {
            r.export_csv(Path::new(""), None)
        }),
        case("export to a folder", InvalidInput, |r, f| {
            r.export_csv(&f.dir, None)
        }),
        case("export to the root", InvalidInput, |r, _| {
            r.export_csv(Path::new("/"), None)
        }),
        case("export into a missing folder", Io, |r, f| {
            r.export_csv(&f.dir.join("missing").join("out.csv"), None)
        }),
        case("export with a 201-char search", InvalidInput, |r, f| {
            let view = ModelView {
                filter: ModelFilter {
                    search: Some("s".repeat(201)),
                    ..ModelFilter::default()
                },
                ..ModelView::default()
            };
            r.export_csv(&f.dir.join("view.csv"), Some(&view))
        }),
        case("audit export relative path", InvalidInput, |r, _| {
            r.export_audit_csv(Path::new("audit.csv"))
        }),
        case("audit export into a missing folder", Io, |r, f| {
            r.export_audit_csv(&f.dir.join("missing").join("audit.csv"))
        }),
    ]
}

#[test]
fn every_malformed_request_is_refused_with_its_code_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (reg, fixture) = setup(dir.path());
    let cases = cases();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let before = reg.content_fingerprint().expect("fingerprint");
        match (c.run)(&reg, &fixture) {
            Ok(()) => failures.push(format!("{}: accepted", c.name)),
            Err(e) if e.code() != c.code => failures.push(format!(
                "{}: {:?} instead of {:?} ({e})",
                c.name,
                e.code(),
                c.code
            )),
            Err(_) => {}
        }
        if reg.content_fingerprint().expect("fingerprint") != before {
            failures.push(format!("{}: the database changed", c.name));
        }
    }
    // Export refusals must not leave files behind either (no partial or temporary file).
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv") || n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "files left behind: {leftovers:?}");
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(reg.verify_audit().expect("verify").ok);
}

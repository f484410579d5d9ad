//! A small client of MLflow's REST API (`/api/2.0/mlflow/...`), the calls the sync needs and no more. Every
//! request has a timeout; connection errors and 5xx answers are retried with backoff; every failure becomes
//! a typed `SyncError` that names the server.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{Result, SyncError};

/// How the client talks to the server.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Tries of a request that failed to connect or got a 5xx (1 = no retry).
    pub attempts: u32,
    /// The first wait between tries; it doubles each time.
    pub backoff: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            attempts: 3,
            backoff: Duration::from_millis(250),
        }
    }
}

#[derive(Clone)]
pub enum Auth {
    None,
    Basic { username: String, password: String },
    Bearer(String),
}

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Auth,
    opts: ClientOptions,
    /// Shared with the clients made from this one, so `requests` counts a whole sync.
    requests: Arc<AtomicU32>,
    /// Every request on a connection of its own (`fresh_connections`).
    fresh: bool,
}

// ----- the shapes of MLflow's answers (only the fields the sync reads) -----

#[derive(Debug, Deserialize, Default)]
pub struct KeyValue {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

#[derive(Debug, Deserialize)]
pub struct Alias {
    pub alias: String,
    pub version: String,
}

#[derive(Debug, Deserialize)]
pub struct RegisteredModel {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub aliases: Vec<Alias>,
    #[serde(default)]
    pub tags: Vec<KeyValue>,
}

/// The value of the tag `key` among MLflow's key/value list.
fn tag_in<'a>(tags: &'a [KeyValue], key: &str) -> Option<&'a str> {
    tags.iter().find(|t| t.key == key).map(|t| t.value.as_str())
}

impl RegisteredModel {
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_in(&self.tags, key)
    }
    pub fn alias(&self, alias: &str) -> Option<&str> {
        self.aliases
            .iter()
            .find(|a| a.alias == alias)
            .map(|a| a.version.as_str())
    }
}

#[derive(Debug, Deserialize)]
pub struct ModelVersion {
    pub name: String,
    pub version: String,
    #[serde(default)]
    pub creation_timestamp: i64,
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub tags: Vec<KeyValue>,
}

impl ModelVersion {
    pub fn tag(&self, key: &str) -> Option<&str> {
        tag_in(&self.tags, key)
    }
}

#[derive(Debug, Deserialize)]
pub struct RunInfo {
    pub run_id: String,
    #[serde(default)]
    pub artifact_uri: String,
}

#[derive(Debug, Deserialize, Default)]
pub struct Metric {
    pub key: String,
    pub value: f64,
}

#[derive(Debug, Deserialize, Default)]
pub struct RunData {
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

#[derive(Debug, Deserialize)]
pub struct Run {
    pub info: RunInfo,
    #[serde(default)]
    pub data: RunData,
}

#[derive(Debug, Deserialize)]
pub struct Experiment {
    pub experiment_id: String,
}

#[derive(Deserialize)]
struct ModelsPage {
    #[serde(default)]
    registered_models: Vec<RegisteredModel>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct VersionsPage {
    #[serde(default)]
    model_versions: Vec<ModelVersion>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct RunsPage {
    #[serde(default)]
    runs: Vec<Run>,
    next_page_token: Option<String>,
}

#[derive(Deserialize)]
struct ExperimentsPage {
    #[serde(default)]
    experiments: Vec<Experiment>,
    next_page_token: Option<String>,
}

/// MLflow's error body: `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "..."}`.
#[derive(Deserialize)]
struct ApiError {
    error_code: String,
    #[serde(default)]
    message: String,
}

/// An MLflow error the caller handles (a missing model is an answer, not a failure).
pub const DOES_NOT_EXIST: &str = "RESOURCE_DOES_NOT_EXIST";

impl Client {
    pub fn new(base: &str, auth: Auth, opts: ClientOptions) -> Result<Client> {
        // Once per process; a second install (another client) is refused, and that is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(opts.connect_timeout)
            .user_agent(concat!("ModelOps/", env!("CARGO_PKG_VERSION")))
            // The server is the one the user named: no system proxy detour, no redirect to another host.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| SyncError::Tls {
                server: base.to_owned(),
                detail: e.to_string(),
            })?;
        Ok(Client {
            http,
            base: base.trim_end_matches('/').to_owned(),
            auth,
            opts,
            requests: Arc::new(AtomicU32::new(0)),
            fresh: false,
        })
    }

    /// The same client, sending every request on a connection of its own (`Connection: close`), for the
    /// pull's reads that run side by side. MLflow's server (`mlflow server --workers N`) gives a connection
    /// to one worker process for as long as it stays open, so parallel searches on kept-alive connections
    /// could all land on one worker while another sat idle: the same first pull took 5.3–6.0 s when the
    /// work was shared and 8.0–8.8 s when one worker did it all (BENCHMARKS.md, "Team sync"). A new
    /// connection goes to a worker that is free to accept it. The push keeps its connections: its writes
    /// are one at a time on the server anyway, and a thousand TLS handshakes would cost more.
    pub fn fresh_connections(&self) -> Client {
        Client {
            fresh: true,
            ..self.clone()
        }
    }

    pub fn server(&self) -> &str {
        &self.base
    }

    /// Requests sent so far (retries included).
    pub fn requests(&self) -> u32 {
        self.requests.load(Ordering::Relaxed)
    }

    /// One call to `/api/2.0/mlflow/{path}`. `Ok(Err(code))` is an MLflow error the caller may expect
    /// (`RESOURCE_DOES_NOT_EXIST`); everything else that fails is a `SyncError`.
    async fn call_raw(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<std::result::Result<Value, String>> {
        let url = format!("{}/api/2.0/mlflow/{path}", self.base);
        let what = format!("{method} {path}");
        let mut wait = self.opts.backoff;
        let mut attempt = 1;
        loop {
            self.requests.fetch_add(1, Ordering::Relaxed);
            let mut req = self.http.request(method.clone(), &url).query(query);
            if let Some(b) = body {
                req = req.json(b);
            }
            if self.fresh {
                req = req.header(reqwest::header::CONNECTION, "close");
            }
            let retry = match self.authed(req).send().await {
                Err(e) => {
                    let err = self.transport_error(&e);
                    // A timeout is not retried: the next try would wait as long again.
                    if matches!(err, SyncError::Timeout { .. } | SyncError::Tls { .. }) {
                        return Err(err);
                    }
                    err
                }
                Ok(resp) => {
                    let status = resp.status();
                    let text = resp.text().await.map_err(|e| self.transport_error(&e))?;
                    if status.is_server_error() {
                        SyncError::Failed {
                            server: self.base.clone(),
                            what: what.clone(),
                            detail: format!("HTTP {status}: {}", brief(&text)),
                        }
                    } else {
                        return self.answer(status, &what, &text);
                    }
                }
            };
            if attempt >= self.opts.attempts {
                return Err(retry);
            }
            log::info!(
                "{what} failed ({retry}); try {} of {}",
                attempt + 1,
                self.opts.attempts
            );
            tokio::time::sleep(wait).await;
            wait *= 2;
            attempt += 1;
        }
    }

    fn authed(&self, req: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.auth {
            Auth::None => req,
            Auth::Basic { username, password } => req.basic_auth(username, Some(password)),
            Auth::Bearer(token) => req.bearer_auth(token),
        }
    }

    /// A POST whose answer carries nothing the caller needs.
    async fn post(&self, path: &str, body: Value) -> Result<()> {
        let _: Value = self.call(Method::POST, path, &[], Some(&body)).await?;
        Ok(())
    }

    fn answer(
        &self,
        status: StatusCode,
        what: &str,
        text: &str,
    ) -> Result<std::result::Result<Value, String>> {
        let server = self.base.clone();
        match status {
            StatusCode::UNAUTHORIZED => return Err(SyncError::Unauthorized { server }),
            StatusCode::FORBIDDEN => {
                return Err(SyncError::Forbidden {
                    server,
                    what: what.to_owned(),
                })
            }
            _ => {}
        }
        let value: Value = serde_json::from_str(text).map_err(|_| SyncError::NotMlflow {
            server: server.clone(),
            detail: format!(
                "{what} answered HTTP {status} with something that is not MLflow's JSON"
            ),
        })?;
        if status.is_success() {
            if !value.is_object() {
                return Err(SyncError::NotMlflow {
                    server,
                    detail: format!("{what} answered with JSON of another shape"),
                });
            }
            return Ok(Ok(value));
        }
        match serde_json::from_value::<ApiError>(value) {
            Ok(e) if e.error_code == DOES_NOT_EXIST => Ok(Err(e.error_code)),
            Ok(e) => Err(SyncError::Failed {
                server,
                what: what.to_owned(),
                detail: format!("{}: {}", e.error_code, brief(&e.message)),
            }),
            Err(_) if status == StatusCode::NOT_FOUND => Err(SyncError::NotMlflow {
                server,
                detail: format!("{what} is not there (HTTP 404)"),
            }),
            Err(_) => Err(SyncError::NotMlflow {
                server,
                detail: format!("{what} answered HTTP {status} without an MLflow error"),
            }),
        }
    }

    fn transport_error(&self, e: &reqwest::Error) -> SyncError {
        let server = self.base.clone();
        if e.is_timeout() {
            return SyncError::Timeout {
                server,
                seconds: self.opts.timeout.as_secs().max(1),
            };
        }
        let chain = chain_text(e);
        let lower = chain.to_lowercase();
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            return SyncError::Tls {
                server,
                detail: chain,
            };
        }
        let detail = if lower.contains("connection refused") {
            "connection refused (is the server running, and on that port?)".to_owned()
        } else if lower.contains("dns")
            || lower.contains("failed to lookup")
            || lower.contains("name or service")
        {
            "the server name was not found".to_owned()
        } else {
            chain
        };
        SyncError::Unreachable { server, detail }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
    ) -> Result<T> {
        match self.call_raw(method, path, query, body).await? {
            Ok(v) => self.parse(path, v),
            Err(code) => Err(SyncError::Failed {
                server: self.base.clone(),
                what: path.to_owned(),
                detail: code,
            }),
        }
    }

    fn parse<T: DeserializeOwned>(&self, path: &str, v: Value) -> Result<T> {
        serde_json::from_value(v).map_err(|e| SyncError::NotMlflow {
            server: self.base.clone(),
            detail: format!("{path} answered in an unexpected shape: {e}"),
        })
    }

    // ----- the calls -----

    /// The server's MLflow version (`/version`, plain text), if it says.
    pub async fn version(&self) -> Result<Option<String>> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let req = self.http.get(format!("{}/version", self.base));
        let resp = self
            .authed(req)
            .send()
            .await
            .map_err(|e| self.transport_error(&e))?;
        if !resp.status().is_success() {
            return Ok(None);
        }
        let text = resp.text().await.map_err(|e| self.transport_error(&e))?;
        let text = text.trim();
        let looks_like_version = !text.is_empty()
            && text.len() < 40
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".+-".contains(c));
        Ok(looks_like_version.then(|| text.to_owned()))
    }

    /// One page of registered models (at most 1000, MLflow's limit).
    pub async fn registered_models_page(
        &self,
        max: u32,
        token: Option<&str>,
    ) -> Result<(Vec<RegisteredModel>, Option<String>)> {
        let mut q = vec![("max_results", max.min(1000).to_string())];
        if let Some(t) = token {
            q.push(("page_token", t.to_owned()));
        }
        let page: ModelsPage = self
            .call(Method::GET, "registered-models/search", &q, None)
            .await?;
        Ok((
            page.registered_models,
            page.next_page_token.filter(|t| !t.is_empty()),
        ))
    }

    /// The registered models of these names, in one search (`name IN (...)`). Left out, for the caller to
    /// read one by one: names the filter could not quote, names past what fits in one request line, and
    /// models the server does not have. `None`: the server does not take `IN` for names.
    pub async fn registered_models_named(
        &self,
        names: &[&str],
    ) -> Result<Option<Vec<RegisteredModel>>> {
        // The filter travels in the URL, and gunicorn (MLflow 2's server) refuses a request line over
        // 4 094 bytes: 3 000 bytes of names, as the query encodes them, leave room for the rest.
        let mut budget = 3000usize;
        let quoted: Vec<String> = names
            .iter()
            .filter(|n| !n.contains(['\'', '\\']) && !n.chars().any(char::is_control))
            .map(|n| format!("'{n}'"))
            .take_while(|q| {
                let cost: usize = form_urlencoded::byte_serialize(format!("{q}, ").as_bytes())
                    .map(str::len)
                    .sum();
                let fits = cost <= budget;
                budget = budget.saturating_sub(cost);
                fits
            })
            .collect();
        if quoted.is_empty() {
            return Ok(Some(vec![]));
        }
        let q = vec![
            ("max_results", quoted.len().min(1000).to_string()),
            ("filter", format!("name IN ({})", quoted.join(", "))),
        ];
        match self
            .call::<ModelsPage>(Method::GET, "registered-models/search", &q, None)
            .await
        {
            Ok(page) => Ok(Some(page.registered_models)),
            // answer() puts MLflow's error code first in the detail.
            Err(SyncError::Failed { detail, .. })
                if detail.starts_with("INVALID_PARAMETER_VALUE") =>
            {
                log::info!("{} can't search models by names ({detail})", self.base);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    pub async fn model_versions_page(
        &self,
        filter: Option<&str>,
        max: u32,
        token: Option<&str>,
    ) -> Result<(Vec<ModelVersion>, Option<String>)> {
        let mut q = vec![("max_results", max.min(200_000).to_string())];
        if let Some(f) = filter {
            q.push(("filter", f.to_owned()));
        }
        if let Some(t) = token {
            q.push(("page_token", t.to_owned()));
        }
        let page: VersionsPage = self
            .call(Method::GET, "model-versions/search", &q, None)
            .await?;
        Ok((
            page.model_versions,
            page.next_page_token.filter(|t| !t.is_empty()),
        ))
    }

    pub async fn experiment_ids(&self) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({ "max_results": 1000 });
            if let Some(t) = &token {
                body["page_token"] = json!(t);
            }
            let page: ExperimentsPage = self
                .call(Method::POST, "experiments/search", &[], Some(&body))
                .await?;
            ids.extend(page.experiments.into_iter().map(|e| e.experiment_id));
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(ids),
            }
        }
    }

    /// The runs with these ids (one request per 1000 runs).
    pub async fn runs_by_id(
        &self,
        experiment_ids: &[String],
        run_ids: &[String],
    ) -> Result<Vec<Run>> {
        let quoted: Vec<String> = run_ids
            .iter()
            .filter(|id| id.chars().all(|c| c.is_ascii_alphanumeric()))
            .map(|id| format!("'{id}'"))
            .collect();
        if quoted.is_empty() {
            return Ok(vec![]);
        }
        self.search_runs(
            experiment_ids,
            &format!("attributes.run_id IN ({})", quoted.join(", ")),
        )
        .await
    }

    pub async fn search_runs(&self, experiment_ids: &[String], filter: &str) -> Result<Vec<Run>> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({
                "experiment_ids": experiment_ids,
                "filter": filter,
                "max_results": 1000,
            });
            if let Some(t) = &token {
                body["page_token"] = json!(t);
            }
            let page: RunsPage = self
                .call(Method::POST, "runs/search", &[], Some(&body))
                .await?;
            out.extend(page.runs);
            match page.next_page_token.filter(|t| !t.is_empty()) {
                Some(t) => token = Some(t),
                None => return Ok(out),
            }
        }
    }

    pub async fn get_registered_model(&self, name: &str) -> Result<Option<RegisteredModel>> {
        #[derive(Deserialize)]
        struct Get {
            registered_model: RegisteredModel,
        }
        match self
            .call_raw(
                Method::GET,
                "registered-models/get",
                &[("name", name.to_owned())],
                None,
            )
            .await?
        {
            Ok(v) => Ok(Some(
                self.parse::<Get>("registered-models/get", v)?
                    .registered_model,
            )),
            Err(_) => Ok(None),
        }
    }

    pub async fn create_registered_model(&self, name: &str, tags: &[(&str, &str)]) -> Result<()> {
        let tags: Vec<Value> = tags
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        self.post(
            "registered-models/create",
            json!({ "name": name, "tags": tags }),
        )
        .await
    }

    pub async fn set_registered_model_tag(&self, name: &str, key: &str, value: &str) -> Result<()> {
        self.post(
            "registered-models/set-tag",
            json!({ "name": name, "key": key, "value": value }),
        )
        .await
    }

    pub async fn set_alias(&self, name: &str, alias: &str, version: &str) -> Result<()> {
        self.post(
            "registered-models/alias",
            json!({ "name": name, "alias": alias, "version": version }),
        )
        .await
    }

    pub async fn experiment_by_name(&self, name: &str) -> Result<Option<String>> {
        match self
            .call_raw(
                Method::GET,
                "experiments/get-by-name",
                &[("experiment_name", name.to_owned())],
                None,
            )
            .await?
        {
            Ok(v) => Ok(v["experiment"]["experiment_id"].as_str().map(str::to_owned)),
            Err(_) => Ok(None),
        }
    }

    pub async fn create_experiment(&self, name: &str) -> Result<String> {
        let v: Value = self
            .call(
                Method::POST,
                "experiments/create",
                &[],
                Some(&json!({ "name": name })),
            )
            .await?;
        v["experiment_id"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| SyncError::NotMlflow {
                server: self.base.clone(),
                detail: "experiments/create answered without an experiment_id".to_owned(),
            })
    }

    pub async fn create_run(
        &self,
        experiment_id: &str,
        name: &str,
        tags: &[(&str, &str)],
    ) -> Result<RunInfo> {
        #[derive(Deserialize)]
        struct Created {
            run: Run,
        }
        let tags: Vec<Value> = tags
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        let c: Created = self
            .call(
                Method::POST,
                "runs/create",
                &[],
                Some(&json!({
                    "experiment_id": experiment_id,
                    "run_name": name,
                    "start_time": chrono::Utc::now().timestamp_millis(),
                    "tags": tags,
                })),
            )
            .await?;
        Ok(c.run.info)
    }

    pub async fn log_metrics(&self, run_id: &str, metrics: &[(&str, f64)]) -> Result<()> {
        let now = chrono::Utc::now().timestamp_millis();
        let metrics: Vec<Value> = metrics
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v, "timestamp": now, "step": 0}))
            .collect();
        self.post(
            "runs/log-batch",
            json!({ "run_id": run_id, "metrics": metrics }),
        )
        .await
    }

    pub async fn finish_run(&self, run_id: &str) -> Result<()> {
        self.post(
            "runs/update",
            json!({
                "run_id": run_id,
                "status": "FINISHED",
                "end_time": chrono::Utc::now().timestamp_millis(),
            }),
        )
        .await
    }

    pub async fn create_model_version(
        &self,
        name: &str,
        source: &str,
        run_id: &str,
        description: Option<&str>,
        tags: &[(&str, &str)],
    ) -> Result<ModelVersion> {
        #[derive(Deserialize)]
        struct Created {
            model_version: ModelVersion,
        }
        let tags: Vec<Value> = tags
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        let c: Created = self
            .call(
                Method::POST,
                "model-versions/create",
                &[],
                Some(&json!({
                    "name": name,
                    "source": source,
                    "run_id": run_id,
                    "description": description.unwrap_or(""),
                    "tags": tags,
                })),
            )
            .await?;
        Ok(c.model_version)
    }
}

/// An error and its sources in one line.
fn chain_text(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// The first line of a body, short enough for a message.
fn brief(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() > 200 {
        format!("{}…", line.chars().take(200).collect::<String>())
    } else {
        line.to_owned()
    }
}

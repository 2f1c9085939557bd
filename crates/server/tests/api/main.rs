//! Tests of the server over real HTTP: a server is started in-process on 127.0.0.1:0 and every
//! request goes through a socket, as a client's would.

mod http;
mod openapi;
mod schema;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use blastradius_analysis::{WhatIfIndex, what_if};
use blastradius_server::{Config, Store};
use serde_json::{Value, json};

use http::request;

const TOKEN: &str = "test-token";
const EXAMPLE: &str = include_str!("../../../../examples/fintech-single-region.yaml");

/// A server running on its own runtime thread; dropping it stops the server.
struct Server {
    address: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn start_with(store: Store, config: Config) -> Server {
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            address_tx.send(listener.local_addr().expect("address")).expect("the test waits");
            let shutdown = async {
                let _ = stopped.await;
            };
            blastradius_server::serve(listener, Arc::new(store), config, shutdown)
                .await
                .expect("the server runs");
        });
    });
    let address = address_rx.recv().expect("the server starts");
    Server { address, stop: Some(stop), thread: Some(thread) }
}

fn start() -> Server {
    start_with(Store::open_in_memory().expect("a store"), Config::new(TOKEN.to_owned(), 2))
}

/// A fresh database path under the target directory, removed first if a previous run left it.
fn temp_db(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!(
        "{name}-{}-{}.db",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

/// Uploads the fintech example and returns its id.
fn upload_example(server: &Server) -> i64 {
    let response = request(
        server.address,
        "POST",
        "/api/models?file=fintech.yaml",
        Some(TOKEN),
        EXAMPLE.as_bytes(),
    );
    assert_eq!(response.status, 201, "{}", response.body);
    response.json()["id"].as_i64().expect("an id")
}

/// What the CLI's `what-if --format json` prints for the example, from the same libraries.
fn expected_what_if(fail: &[&str]) -> Value {
    let model = blastradius_catalog::load_model(
        &blastradius_catalog::Catalog::builtin(),
        "fintech.yaml",
        EXAMPLE.as_bytes(),
    )
    .expect("valid");
    let failed: Vec<_> = fail.iter().map(|id| model.lookup(id).expect("known id")).collect();
    let result = what_if(&model, &WhatIfIndex::new(&model), &failed);
    serde_json::from_str(&blastradius_report::what_if_json(&model, &result)).expect("JSON")
}

#[test]
fn what_if_answers_the_cli_document_and_stores_the_run() {
    let server = start();
    let id = upload_example(&server);
    let body = json!({ "fail": ["aws/us-east-1"] }).to_string();
    let path = format!("/api/models/{id}/what-if");
    let response = request(server.address, "POST", &path, Some(TOKEN), body.as_bytes());
    assert_eq!(response.status, 201, "{}", response.body);
    assert_eq!(response.json(), expected_what_if(&["aws/us-east-1"]));
    let run_id = response.header("x-run-id").expect("a run id");
    assert_eq!(response.header("location"), Some(format!("/api/runs/{run_id}").as_str()));

    let run = request(server.address, "GET", &format!("/api/runs/{run_id}"), None, b"").json();
    assert_eq!(run["kind"], "what-if");
    assert_eq!(run["model_id"], id);
    assert_eq!(run["params"], json!({ "fail": ["aws/us-east-1"] }));
    assert_eq!(run["result"], response.json());
    let runs = request(server.address, "GET", &format!("/api/runs?model={id}"), None, b"").json();
    assert_eq!(runs["runs"].as_array().map(Vec::len), Some(1));
}

#[test]
fn every_analysis_matches_its_report_renderer() {
    let server = start();
    let id = upload_example(&server);
    let model = blastradius_catalog::load_model(
        &blastradius_catalog::Catalog::builtin(),
        "fintech.yaml",
        EXAMPLE.as_bytes(),
    )
    .expect("valid");
    let lowering = blastradius_analysis::Lowering::new(&model);
    let top_ups = model.functions().iter().position(|f| f.id == "card-top-ups").expect("known");

    let sets = blastradius_analysis::cut_sets(&lowering, &model, top_ups, Some(2)).expect("solves");
    let expected = blastradius_report::cut_sets_json(&model, &[(top_ups, sets)], Some(2), true);
    let body = json!({ "function": "card-top-ups", "max_order": 2 }).to_string();
    let response = request(
        server.address,
        "POST",
        &format!("/api/models/{id}/cutsets"),
        Some(TOKEN),
        body.as_bytes(),
    );
    assert_eq!((response.status, response.body), (201, expected));

    let report = blastradius_analysis::availability(&model).expect("solves");
    let expected = blastradius_report::availability_json(&model, &report);
    let path = format!("/api/models/{id}/availability");
    let response = request(server.address, "POST", &path, Some(TOKEN), b"");
    assert_eq!((response.status, response.body), (201, expected));

    let ranking = blastradius_analysis::importance(&lowering, &model, top_ups).expect("solves");
    let expected = blastradius_report::importance_json(&model, &[ranking], true);
    let body = json!({ "function": "card-top-ups" }).to_string();
    let path = format!("/api/models/{id}/importance");
    let response = request(server.address, "POST", &path, Some(TOKEN), body.as_bytes());
    assert_eq!((response.status, response.body), (201, expected));

    let runs = request(server.address, "GET", "/api/runs", None, b"").json();
    let kinds: Vec<&str> =
        runs["runs"].as_array().expect("runs").iter().filter_map(|r| r["kind"].as_str()).collect();
    assert_eq!(kinds, ["importance", "availability", "cutsets"]);
}

#[test]
fn an_invalid_model_is_refused_with_located_diagnostics() {
    let server = start();
    let text = "version: 1\nname: broken\ncomponents:\n  api:\n    depends_on: [dbb]\n  db: {}\n";
    let response = request(
        server.address,
        "POST",
        "/api/models?file=broken.yaml",
        Some(TOKEN),
        text.as_bytes(),
    );
    assert_eq!(response.status, 422);
    let error = &response.json()["error"];
    assert_eq!(error["message"], "broken.yaml: invalid model (1 error)");
    assert_eq!(
        error["errors"],
        json!([{
            "severity": "error", "file": "broken.yaml", "line": 5, "column": 18,
            "message": "unknown id `dbb` in `depends_on` of component `api`",
            "help": "did you mean `db`?"
        }])
    );
    // Nothing was stored.
    let models = request(server.address, "GET", "/api/models", None, b"").json();
    assert_eq!(models, json!({ "models": [] }));
}

#[test]
fn mutating_requests_need_the_token() {
    let server = start();
    let id = upload_example(&server);
    for path in ["/api/models".to_owned(), format!("/api/models/{id}/what-if")] {
        for token in [None, Some("wrong-token"), Some("test-toke")] {
            let response = request(server.address, "POST", &path, token, b"{\"fail\":[\"aws\"]}");
            assert_eq!(response.status, 401, "{path} with {token:?}");
            assert!(
                response.json()["error"]["message"].as_str().is_some_and(|m| m.contains("Bearer"))
            );
            assert_eq!(response.header("www-authenticate"), Some("Bearer"));
        }
    }
    let runs = request(server.address, "GET", "/api/runs", None, b"").json();
    assert_eq!(runs, json!({ "runs": [] }));
}

#[test]
fn bad_requests_get_the_right_status_and_a_json_error() {
    let mut config = Config::new(TOKEN.to_owned(), 2);
    config.max_body_bytes = 64 * 1024;
    let server = start_with(Store::open_in_memory().expect("a store"), config);
    let id = upload_example(&server);
    let what_if = format!("/api/models/{id}/what-if");
    let cases: Vec<(&str, String, Vec<u8>, u16, &str)> = vec![
        (
            "POST",
            what_if.clone(),
            b"{\"fail\": [\"aws/us-east-9\"]}".to_vec(),
            422,
            "did you mean `aws/us-east-1`?",
        ),
        ("POST", what_if.clone(), b"{\"fail\": []}".to_vec(), 422, "`fail` is empty"),
        ("POST", what_if.clone(), b"{\"fail\": \"aws\"}".to_vec(), 400, "invalid type"),
        ("POST", what_if.clone(), b"{\"fial\": [\"aws\"]}".to_vec(), 400, "unknown field `fial`"),
        ("POST", what_if.clone(), b"not json".to_vec(), 400, "expected ident"),
        (
            "POST",
            "/api/models/999/what-if".to_owned(),
            b"{\"fail\": [\"aws\"]}".to_vec(),
            404,
            "model 999 not found",
        ),
        (
            "POST",
            format!("/api/models/{id}/cutsets"),
            b"{\"function\": \"payroll\"}".to_vec(),
            422,
            "no such function; the model has app-sign-in",
        ),
        (
            "POST",
            format!("/api/models/{id}/cutsets"),
            b"{\"max_order\": 0}".to_vec(),
            422,
            "at least 1",
        ),
        (
            "POST",
            "/api/models".to_owned(),
            vec![b'#'; 70 * 1024],
            413,
            "over the limit of 65536 bytes",
        ),
        ("GET", "/api/models/abc".to_owned(), Vec::new(), 404, "model `abc` not found"),
        ("GET", "/api/runs/12345".to_owned(), Vec::new(), 404, "run 12345 not found"),
        ("GET", "/api/runs?limit=many".to_owned(), Vec::new(), 400, "limit"),
        ("GET", "/no/such/page".to_owned(), Vec::new(), 404, "not found"),
    ];
    for (method, path, body, status, needle) in cases {
        let response = request(server.address, method, &path, Some(TOKEN), &body);
        let message = response.json()["error"]["message"].as_str().unwrap_or_default().to_owned();
        assert_eq!(response.status, status, "{method} {path}: {}", response.body);
        assert!(message.contains(needle), "{method} {path}: `{message}` lacks `{needle}`");
    }
}

#[test]
fn parallel_runs_are_all_stored_once() {
    let db = temp_db("parallel");
    let server = start_with(Store::open(&db).expect("a store"), Config::new(TOKEN.to_owned(), 2));
    let id = upload_example(&server);
    let targets = ["aws/us-east-1", "cloudflare", "stripe", "aws/us-east-1/use1-az1"];
    let n_threads = 8;
    let n_each = 15;
    let address = server.address;
    let handles: Vec<_> = (0..n_threads)
        .map(|t| {
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for i in 0..n_each {
                    let fail = targets[(t + i) % targets.len()];
                    let body = json!({ "fail": [fail] }).to_string();
                    let path = format!("/api/models/{id}/what-if");
                    let response = request(address, "POST", &path, Some(TOKEN), body.as_bytes());
                    assert_eq!(response.status, 201, "{}", response.body);
                    assert_eq!(response.json(), expected_what_if(&[fail]));
                    let run: i64 =
                        response.header("x-run-id").and_then(|r| r.parse().ok()).expect("id");
                    acknowledged.push((run, fail));
                }
                acknowledged
            })
        })
        .collect();
    let mut acknowledged: Vec<(i64, &str)> =
        handles.into_iter().flat_map(|h| h.join().expect("no client panicked")).collect();
    acknowledged.sort_unstable();
    let n_runs = n_threads * n_each;
    assert_eq!(acknowledged.len(), n_runs);
    assert!(acknowledged.windows(2).all(|w| w[0].0 != w[1].0), "run ids are unique");
    drop(server);

    // Reopened from the file: every run is there with the inputs it was acknowledged for.
    let store = Store::open(&db).expect("reopens");
    let listed = store
        .list_runs(&blastradius_server::RunFilter { limit: 1000, ..Default::default() })
        .expect("lists");
    assert_eq!(listed.len(), n_runs);
    for (run, fail) in acknowledged {
        let (summary, result) = store.run(run).expect("reads").expect("present");
        assert_eq!(summary.params, json!({ "fail": [fail] }));
        let result: Value = serde_json::from_str(&result).expect("JSON");
        assert_eq!(result, expected_what_if(&[fail]));
    }
}

#[test]
fn the_store_keeps_its_token_and_schema_version_across_restarts() {
    let db = temp_db("reopen");
    let store = Store::open(&db).expect("creates");
    assert_eq!(store.schema_version().expect("version"), 1);
    let token = store.token().expect("a token");
    assert_eq!(token.len(), 32);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));
    drop(store);
    let store = Store::open(&db).expect("reopens");
    assert_eq!(store.token().expect("a token"), token);
    let other = Store::open_in_memory().expect("another");
    assert_ne!(other.token().expect("a token"), token, "tokens are random");
    drop(store);

    // A database from a newer blastradius is refused, not damaged.
    let connection = rusqlite::Connection::open(&db).expect("opens");
    connection.pragma_update(None, "user_version", 99).expect("sets");
    drop(connection);
    let error = Store::open(&db).err().expect("refused").to_string();
    assert_eq!(error, "the database has schema version 99, newer than this blastradius knows (1)");
}

#[test]
fn the_dashboard_and_its_assets_are_served_from_the_binary() {
    let server = start();
    let page = request(server.address, "GET", "/", None, b"");
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").is_some_and(|t| t.starts_with("text/html")));
    for asset in ["app.js", "style.css", "cytoscape.min.js"] {
        assert!(page.body.contains(&format!("/assets/{asset}")), "the page loads {asset}");
        let response = request(server.address, "GET", &format!("/assets/{asset}"), None, b"");
        assert_eq!(response.status, 200, "{asset}");
        assert!(response.body.len() > 100, "{asset} has content");
    }
    assert_eq!(request(server.address, "GET", "/assets/../Cargo.toml", None, b"").status, 404);
}

#[test]
fn the_same_model_uploaded_twice_is_stored_once() {
    let server = start();
    let first = upload_example(&server);
    assert_eq!(upload_example(&server), first);
    let renamed = request(
        server.address,
        "POST",
        "/api/models?file=other.yaml",
        Some(TOKEN),
        EXAMPLE.as_bytes(),
    );
    assert_eq!(renamed.status, 201);
    assert_ne!(renamed.json()["id"], first, "another file name is another model");
    let models = request(server.address, "GET", "/api/models", None, b"").json();
    assert_eq!(models["models"].as_array().map(Vec::len), Some(2));
    let source = request(server.address, "GET", &format!("/api/models/{first}/source"), None, b"");
    assert_eq!(source.body, EXAMPLE, "the source comes back byte for byte");
}

#[test]
fn the_graph_nests_provider_structure_and_draws_redundancy_as_groups() {
    let server = start();
    let id = upload_example(&server);
    let graph =
        request(server.address, "GET", &format!("/api/models/{id}/graph"), None, b"").json();
    let node = |wanted: &str| {
        graph["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .find(|n| n["id"] == wanted)
            .cloned()
            .expect(wanted)
    };
    assert_eq!(node("aws")["parent"], Value::Null);
    assert_eq!(node("aws/us-east-1")["parent"], "aws");
    assert_eq!(node("aws/us-east-1/use1-az1")["parent"], "aws/us-east-1");
    assert_eq!(node("aws/us-east-1/use1-az1")["label"], "use1-az1");
    assert_eq!(node("aws/global/iam")["parent"], "aws");
    assert_eq!(node("ledger-db")["kind"], "component");
    // ledger-db: a 2-of-3 quorum over the zones, then hard dependencies.
    let groups: Vec<&Value> = graph["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .filter(|g| g["owner"] == "ledger-db")
        .collect();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["kind"], "at_least");
    assert_eq!(groups[0]["label"], "2 of 3");
    assert_eq!(
        groups[0]["members"],
        json!(["aws/us-east-1/use1-az1", "aws/us-east-1/use1-az2", "aws/us-east-1/use1-az4"])
    );
    let edges: Vec<(String, String)> = graph["edges"]
        .as_array()
        .expect("edges")
        .iter()
        .filter(|e| e["source"] == "api-gateway")
        .map(|e| {
            (
                e["target"].as_str().unwrap_or_default().to_owned(),
                e["kind"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let edge = |target: &str, kind: &str| (target.to_owned(), kind.to_owned());
    assert_eq!(
        edges,
        [
            edge("eks-cluster", "hard"),
            edge("edge", "hard"),
            edge("alb", "hard"),
            edge("auth-service", "hard"),
            edge("observability", "soft")
        ]
    );
    // No parent dependency is drawn as an edge: nesting shows it.
    assert!(
        graph["edges"].as_array().expect("edges").iter().all(|e| e["source"] != "aws/us-east-1")
    );
    let sign_in = &graph["functions"][0];
    assert_eq!(sign_in["id"], "app-sign-in");
    assert_eq!(sign_in["delivered_by"], json!(["edge", "api-gateway", "auth-service"]));
}

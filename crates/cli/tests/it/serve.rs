//! `blastradius serve` as a user runs it: the real binary on 127.0.0.1:0. A crash test kills it
//! with SIGKILL in the middle of a stream of writes and checks that every acknowledged run
//! survives; a browser test drives the dashboard in headless Chromium.

#[path = "../../../server/tests/api/http.rs"]
mod http;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

const TOKEN: &str = "serve-test-token";
const EXAMPLE: &str = "examples/fintech-single-region.yaml";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running `blastradius serve`; killed (SIGKILL) when dropped.
struct Served {
    child: Child,
    address: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `blastradius serve` with `args` on a free port and waits for its address line.
fn serve(args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_blastradius"))
        .arg("serve")
        .args(args)
        .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let stderr = child.stderr.take().expect("piped");
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut seen = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(address) = line.split("listening on http://").nth(1) {
                let _ =
                    address_tx.send(Ok(address.trim().parse::<SocketAddr>().expect("an address")));
            }
            seen.push_str(&line);
            seen.push('\n');
        }
        let _ = address_tx.send(Err(seen));
    });
    match address_rx.recv_timeout(Duration::from_secs(60)) {
        Ok(Ok(address)) => Served { child, address },
        Ok(Err(output)) => panic!("the server stopped before listening:\n{output}"),
        Err(_) => panic!("the server did not report its address within 60 s"),
    }
}

/// A fresh database path under the target directory.
fn temp_db(name: &str) -> PathBuf {
    let path =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

#[test]
fn an_invalid_model_on_the_command_line_stops_the_server_with_located_errors() {
    let model = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-invalid.yaml");
    std::fs::write(
        &model,
        "version: 1\nname: broken\ncomponents:\n  api:\n    depends_on: [dbb]\n  db: {}\n",
    )
    .expect("writable");
    let db = temp_db("invalid");
    let output = Command::new(env!("CARGO_BIN_EXE_blastradius"))
        .arg("serve")
        .arg(&model)
        .arg("--db")
        .arg(&db)
        .args(["--listen", "127.0.0.1:0"])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("serve-invalid.yaml:5:18: error: unknown id `dbb`"), "{stderr}");
    assert!(!stderr.contains("listening"), "{stderr}");
}

#[test]
fn every_acknowledged_run_survives_a_kill_during_writes() {
    let db = temp_db("crash");
    let db_arg = db.to_str().expect("a UTF-8 path");
    let server = serve(&[EXAMPLE, "--db", db_arg]);
    let address = server.address;
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    let targets = ["aws/us-east-1", "cloudflare", "stripe", "aws/us-east-1/use1-az2", "auth0"];
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let acknowledged = Arc::clone(&acknowledged);
            std::thread::spawn(move || {
                for i in 0..10_000usize {
                    let fail = targets[(writer + i) % targets.len()];
                    let body = json!({ "fail": [fail] }).to_string();
                    // After the kill, requests fail: the stream ends there.
                    let Ok(response) = http::try_request(
                        address,
                        "POST",
                        "/api/models/1/what-if",
                        Some(TOKEN),
                        body.as_bytes(),
                    ) else {
                        return true;
                    };
                    if response.status == 201 {
                        let run = response
                            .header("x-run-id")
                            .and_then(|r| r.parse().ok())
                            .expect("a run id");
                        acknowledged.lock().expect("not poisoned").push((run, fail.to_owned()));
                    } else {
                        panic!("a write was refused: {} {}", response.status, response.body);
                    }
                }
                false
            })
        })
        .collect();
    // Let the stream run until 60 writes are acknowledged, then kill -9 while it is still going.
    for _ in 0..600 {
        if acknowledged.lock().expect("not poisoned").len() >= 60 {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    drop(server);
    for writer in writers {
        let cut_off = writer.join().expect("no writer panicked");
        assert!(cut_off, "the kill came while every writer was still writing");
    }
    let acknowledged = acknowledged.lock().expect("not poisoned").clone();
    assert!(acknowledged.len() >= 60, "only {} writes were acknowledged", acknowledged.len());

    let restarted = serve(&["--db", db_arg]);
    for (run, fail) in &acknowledged {
        let response =
            http::request(restarted.address, "GET", &format!("/api/runs/{run}"), None, b"");
        assert_eq!(response.status, 200, "acknowledged run {run} is lost: {}", response.body);
        let stored = response.json();
        assert_eq!(stored["kind"], "what-if");
        assert_eq!(stored["params"], json!({ "fail": [fail] }), "run {run}");
        assert_eq!(stored["result"]["failed"], json!([fail]), "run {run}");
    }
    // The store still works after the crash: the model is there and new runs follow the old ones.
    let last = acknowledged.iter().map(|(run, _)| *run).max().expect("some runs");
    let response = http::request(
        restarted.address,
        "POST",
        "/api/models/1/what-if",
        Some(TOKEN),
        br#"{"fail": ["stripe"]}"#,
    );
    assert_eq!(response.status, 201, "{}", response.body);
    let next: i64 = response.header("x-run-id").and_then(|r| r.parse().ok()).expect("a run id");
    assert!(next > last, "run {next} comes after {last}");
}

/// Whether the browser test can run: Chromium, node and the npm packages of
/// crates/server/browser-tests. Under CI a missing piece fails the test; locally it skips.
fn browser_prerequisites(browser_tests: &Path) -> Option<PathBuf> {
    let chromium = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    let node_ok = Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success());
    let mut missing = Vec::new();
    if !chromium.exists() {
        missing.push(format!("{} (apt-get install chromium)", chromium.display()));
    }
    if !node_ok {
        missing.push("node (apt-get install nodejs npm)".to_owned());
    }
    if !browser_tests.join("node_modules/playwright-core").exists() {
        missing.push(format!("playwright-core (npm ci in {})", browser_tests.display()));
    }
    if missing.is_empty() {
        return Some(chromium);
    }
    let message = format!("the dashboard's browser test needs {}", missing.join(", "));
    assert!(std::env::var_os("CI").is_none(), "{message}; .ci/run installs them");
    #[allow(clippy::print_stderr, reason = "a skipped test says why")]
    {
        eprintln!("skipped: {message}");
    }
    None
}

#[test]
fn the_dashboard_highlights_a_regions_blast_radius_in_chromium() {
    let browser_tests = root().join("crates/server/browser-tests");
    let Some(chromium) = browser_prerequisites(&browser_tests) else { return };
    let region = "aws/us-east-1";
    let expected = Command::new(env!("CARGO_BIN_EXE_blastradius"))
        .args(["what-if", EXAMPLE, "--fail", region, "--format", "json"])
        .current_dir(root())
        .output()
        .expect("the CLI runs");
    assert!(expected.status.success(), "{}", String::from_utf8_lossy(&expected.stderr));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let expected_file = tmp.join(format!("what-if-{}.json", std::process::id()));
    std::fs::write(&expected_file, &expected.stdout).expect("writable");
    let shots = tmp.join("dashboard-screenshots");
    std::fs::create_dir_all(&shots).expect("writable");

    let server = serve(&[EXAMPLE, "--db", temp_db("browser").to_str().expect("UTF-8")]);
    let output = Command::new("node")
        .arg("dashboard.test.mjs")
        .current_dir(&browser_tests)
        .env("BLASTRADIUS_URL", format!("http://{}", server.address))
        .env("BLASTRADIUS_TOKEN", TOKEN)
        .env("BLASTRADIUS_EXPECTED", &expected_file)
        .env("BLASTRADIUS_REGION", region)
        .env("BLASTRADIUS_SHOTS", &shots)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("node runs");
    drop(server);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the browser test failed:\n{report}");
    assert!(report.contains("highlighted as the CLI says"), "{report}");
    assert!(shots.join("dashboard-region.png").exists(), "the screenshot is saved");
}

//! `blastradius serve`: opens the history database, stores the models named on the command line,
//! and runs the HTTP API and dashboard until interrupted.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use blastradius_server::{AddModelError, Config, Store};

use crate::Failure;

#[derive(clap::Args)]
#[command(
    after_help = "Mutating requests (uploads, analyses) need `Authorization: Bearer <token>`. The token is\n\
generated on first start, kept in the database and printed at every start, unless --token gives one.\n\
The API is described at /openapi.json; the dashboard is at /.\n\n\
Example: blastradius serve examples/fintech-single-region.yaml --db history.db\n\
Then open the dashboard address it prints, or call the API:\n\
curl -H \"Authorization: Bearer $TOKEN\" -d '{\"fail\":[\"aws\"]}' localhost:8080/api/models/1/what-if"
)]
pub(crate) struct ServeArgs {
    /// Model files (YAML) to validate and store at start; an invalid one stops the server.
    #[arg(value_name = "MODEL")]
    models: Vec<PathBuf>,
    /// The SQLite history database; created if missing.
    #[arg(long, value_name = "FILE", default_value = "blastradius.db")]
    db: PathBuf,
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The API token (default: the one kept in the database, generated on first start).
    #[arg(long, value_name = "T")]
    token: Option<String>,
    /// The largest request body, and so model, accepted, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_body_mib: u32,
}

/// Runs the server until Ctrl-C. A model on the command line that is invalid fails with its
/// diagnostics (exit 1); a database, file or address that cannot be used is a usage error.
pub(crate) fn run(args: ServeArgs) -> Result<(), Failure> {
    if args.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        let message =
            "--token is empty; give a secret, or leave the flag out to use a generated one";
        return Err(anyhow::anyhow!(message).into());
    }
    let store = Arc::new(Store::open(&args.db).context("cannot use the history database")?);
    for path in &args.models {
        let bytes = super::read_bytes(path, "model file", "give the model's YAML file")?;
        let file = path.display().to_string();
        match blastradius_server::add_model(&store, &file, &bytes) {
            Ok((summary, _)) => {
                super::eprint(&format!("model {}: {file} (`{}`)\n", summary.id, summary.name));
            }
            Err(AddModelError::Invalid(error)) => return Err(Failure::Invalid(error)),
            Err(AddModelError::Store(error)) => {
                return Err(anyhow::Error::new(error)
                    .context(format!("cannot store {file}"))
                    .into());
            }
        }
    }
    let (token, token_origin) = match args.token {
        Some(token) => (token, "given with --token"),
        None => (store.token().context("cannot read the API token")?, "kept in the database"),
    };
    let parallelism = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut config = Config::new(token.clone(), parallelism);
    config.max_body_bytes = args.max_body_mib as usize * 1024 * 1024;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(parallelism)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let address = listener.local_addr().context("cannot read the bound address")?;
        let mut stderr = std::io::stderr().lock();
        let _ = write!(
            stderr,
            "blastradius serve: listening on http://{address}\n  dashboard: http://{address}/#token={token}\n  \
             API token ({token_origin}): {token}\n  history: {}\n  API description: http://{address}/openapi.json\n",
            args.db.display()
        );
        let _ = stderr.flush();
        drop(stderr);
        let shutdown = async {
            // Ctrl-C, or SIGTERM from a service manager: finish the requests under way, then stop.
            #[cfg(unix)]
            {
                use tokio::signal::unix::{SignalKind, signal};
                match signal(SignalKind::terminate()) {
                    Ok(mut terminate) => {
                        tokio::select! {
                            _ = tokio::signal::ctrl_c() => {}
                            _ = terminate.recv() => {}
                        }
                    }
                    Err(_) => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            }
            #[cfg(not(unix))]
            {
                let _ = tokio::signal::ctrl_c().await;
            }
        };
        blastradius_server::serve(listener, store, config, shutdown)
            .await
            .context("the server stopped")?;
        Ok::<(), anyhow::Error>(())
    })?;
    Ok(())
}

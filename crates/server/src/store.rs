//! The history store: models and analysis runs in one SQLite file (WAL mode, versioned schema),
//! behind one connection that every request takes in turn, so writes never interleave.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

/// The schema, one step per version: `PRAGMA user_version` is the number of steps applied. Steps
/// are only ever appended, never edited, so an old database upgrades by running the rest.
const MIGRATIONS: &[&str] = &[
    // 1: models, runs, and settings (the API token).
    "CREATE TABLE models (
         id INTEGER PRIMARY KEY,
         file TEXT NOT NULL,
         name TEXT NOT NULL,
         source TEXT NOT NULL,
         validation TEXT NOT NULL,
         created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
     );
     CREATE TABLE runs (
         id INTEGER PRIMARY KEY,
         model_id INTEGER NOT NULL REFERENCES models(id),
         kind TEXT NOT NULL,
         params TEXT NOT NULL,
         result TEXT NOT NULL,
         duration_ms REAL NOT NULL,
         created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
     );
     CREATE INDEX runs_by_model ON runs(model_id, id);
     CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
];

/// Why the store failed: the database could not be opened, migrated, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An error from SQLite, with what was being done.
    #[error("{doing}: {source}")]
    Sqlite {
        /// What the store was doing, e.g. `cannot open /var/lib/blastradius.db`.
        doing: String,
        /// SQLite's own error.
        source: rusqlite::Error,
    },
    /// The database was written by a newer blastradius.
    #[error("the database has schema version {found}, newer than this blastradius knows ({known})")]
    TooNew {
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
}

fn sqlite(doing: impl Into<String>) -> impl FnOnce(rusqlite::Error) -> StoreError {
    let doing = doing.into();
    move |source| StoreError::Sqlite { doing, source }
}

/// A stored model without its source text.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ModelSummary {
    /// The model's id in the store.
    pub id: i64,
    /// The file name it was uploaded or loaded as (used in diagnostics).
    pub file: String,
    /// The model's own `name`.
    pub name: String,
    /// When it was stored (UTC, RFC 3339).
    pub created_at: String,
    /// The size of its source in bytes.
    pub bytes: i64,
}

/// A stored model with its source text and validation summary (the CLI's `validate --format
/// json` document).
#[derive(Debug, Clone)]
pub struct ModelRecord {
    /// Id, file, name, time and size.
    pub summary: ModelSummary,
    /// The YAML text as uploaded.
    pub source: String,
    /// The validation document, JSON text.
    pub validation: String,
}

/// A stored run without its result.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RunSummary {
    /// The run's id in the store.
    pub id: i64,
    /// The model it ran on.
    pub model_id: i64,
    /// `what-if`, `cutsets`, `availability` or `importance`.
    pub kind: String,
    /// The request's parameters, as JSON.
    pub params: serde_json::Value,
    /// How long the analysis took, in milliseconds.
    pub duration_ms: f64,
    /// When it was stored (UTC, RFC 3339).
    pub created_at: String,
}

/// Which runs to list: newest first, optionally of one model or kind, before an id.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    /// Only runs on this model.
    pub model_id: Option<i64>,
    /// Only runs of this kind.
    pub kind: Option<String>,
    /// Only runs with a smaller id (for paging).
    pub before: Option<i64>,
    /// At most this many runs.
    pub limit: u32,
}

/// The history database. All access goes through one connection under a mutex: SQLite allows one
/// writer at a time anyway, and a single connection makes every write a whole transaction that
/// no other request can interleave with. Calls block; async code runs them on blocking threads.
pub struct Store {
    connection: Mutex<Connection>,
}

impl Store {
    /// Opens (creating if missing) the database at `path`, switches it to WAL mode and brings
    /// its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let connection = Connection::open(path)
            .map_err(sqlite(format!("cannot open the database {}", path.display())))?;
        Self::init(connection)
    }

    /// A store that lives in memory only, for tests.
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let connection = Connection::open_in_memory().map_err(sqlite("cannot open memory"))?;
        Self::init(connection)
    }

    fn init(mut connection: Connection) -> Result<Self, StoreError> {
        connection
            .busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sqlite("cannot set the busy timeout"))?;
        // WAL lets a crash lose nothing committed; synchronous=FULL syncs the log at every
        // commit, so an acknowledged run survives even the loss of power, not only of the process.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            )
            .map_err(sqlite("cannot switch the database to WAL mode"))?;
        migrate(&mut connection)?;
        Ok(Self { connection: Mutex::new(connection) })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves no half-written state: SQLite rolls back an
        // unfinished transaction when its statement is dropped, so the poison can be ignored.
        self.connection.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        self.lock()
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(sqlite("cannot read the schema version"))
    }

    /// The API token kept in the database, creating a random one (128 bits from SQLite's
    /// generator) the first time.
    pub fn token(&self) -> Result<String, StoreError> {
        let connection = self.lock();
        connection
            .execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES ('token', lower(hex(randomblob(16))))",
                [],
            )
            .map_err(sqlite("cannot store the API token"))?;
        connection
            .query_row("SELECT value FROM settings WHERE key = 'token'", [], |row| row.get(0))
            .map_err(sqlite("cannot read the API token"))
    }

    /// Stores a validated model; `validation` is its validation document (JSON text). A model
    /// with the same file name and source as a stored one is not stored twice: the stored one's
    /// id is returned.
    pub fn insert_model(
        &self,
        file: &str,
        name: &str,
        source: &str,
        validation: &str,
    ) -> Result<ModelSummary, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction().map_err(sqlite("cannot begin"))?;
        let existing: Option<i64> = transaction
            .query_row(
                "SELECT id FROM models WHERE file = ?1 AND source = ?2",
                params![file, source],
                |row| row.get(0),
            )
            .optional()
            .map_err(sqlite("cannot look up models"))?;
        let id = match existing {
            Some(id) => id,
            None => {
                transaction
                    .execute(
                        "INSERT INTO models (file, name, source, validation) VALUES (?1, ?2, ?3, ?4)",
                        params![file, name, source, validation],
                    )
                    .map_err(sqlite("cannot store the model"))?;
                transaction.last_insert_rowid()
            }
        };
        let summary = model_summary(&transaction, id)?.expect("the model was just stored");
        transaction.commit().map_err(sqlite("cannot commit the model"))?;
        Ok(summary)
    }

    /// Every stored model, newest first.
    pub fn list_models(&self) -> Result<Vec<ModelSummary>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(&format!("{MODEL_SUMMARY} ORDER BY id DESC"))
            .map_err(sqlite("cannot list models"))?;
        let rows =
            statement.query_map([], read_model_summary).map_err(sqlite("cannot list models"))?;
        rows.collect::<Result<_, _>>().map_err(sqlite("cannot list models"))
    }

    /// One stored model with its source, or `None` if there is no model with this id.
    pub fn model(&self, id: i64) -> Result<Option<ModelRecord>, StoreError> {
        let connection = self.lock();
        let Some(summary) = model_summary(&connection, id)? else { return Ok(None) };
        let (source, validation) = connection
            .query_row("SELECT source, validation FROM models WHERE id = ?1", [id], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .map_err(sqlite("cannot read the model"))?;
        Ok(Some(ModelRecord { summary, source, validation }))
    }

    /// Stores one analysis run, its inputs and its result (JSON texts) in one transaction, and
    /// returns it as listed.
    pub fn insert_run(
        &self,
        model_id: i64,
        kind: &str,
        params: &str,
        result: &str,
        duration_ms: f64,
    ) -> Result<RunSummary, StoreError> {
        let mut connection = self.lock();
        let transaction = connection.transaction().map_err(sqlite("cannot begin"))?;
        transaction
            .execute(
                "INSERT INTO runs (model_id, kind, params, result, duration_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![model_id, kind, params, result, duration_ms],
            )
            .map_err(sqlite("cannot store the run"))?;
        let id = transaction.last_insert_rowid();
        let summary = transaction
            .query_row(&format!("{RUN_SUMMARY} WHERE id = ?1"), [id], read_run_summary)
            .map_err(sqlite("cannot read the run back"))?;
        transaction.commit().map_err(sqlite("cannot commit the run"))?;
        Ok(summary)
    }

    /// Runs matching `filter`, newest first.
    pub fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunSummary>, StoreError> {
        let connection = self.lock();
        let mut statement = connection
            .prepare(&format!(
                "{RUN_SUMMARY} WHERE (?1 IS NULL OR model_id = ?1) AND (?2 IS NULL OR kind = ?2)
                 AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4"
            ))
            .map_err(sqlite("cannot list runs"))?;
        let rows = statement
            .query_map(
                params![filter.model_id, filter.kind, filter.before, filter.limit],
                read_run_summary,
            )
            .map_err(sqlite("cannot list runs"))?;
        rows.collect::<Result<_, _>>().map_err(sqlite("cannot list runs"))
    }

    /// One run with its result (JSON text), or `None` if there is no run with this id.
    pub fn run(&self, id: i64) -> Result<Option<(RunSummary, String)>, StoreError> {
        let connection = self.lock();
        connection
            .query_row(
                &format!("SELECT result, {RUN_COLUMNS} FROM runs WHERE id = ?1"),
                [id],
                |row| {
                    let result: String = row.get(0)?;
                    Ok((run_summary_at(row, 1)?, result))
                },
            )
            .optional()
            .map_err(sqlite("cannot read the run"))
    }
}

fn migrate(connection: &mut Connection) -> Result<(), StoreError> {
    let version: i64 = connection
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .map_err(sqlite("cannot read the schema version"))?;
    let known = MIGRATIONS.len() as i64;
    if version > known {
        return Err(StoreError::TooNew { found: version, known });
    }
    for (step, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let transaction = connection.transaction().map_err(sqlite("cannot begin a migration"))?;
        transaction
            .execute_batch(sql)
            .map_err(sqlite(format!("cannot migrate the schema to version {}", step + 1)))?;
        transaction
            .pragma_update(None, "user_version", step as i64 + 1)
            .map_err(sqlite("cannot record the schema version"))?;
        transaction.commit().map_err(sqlite("cannot commit a migration"))?;
    }
    Ok(())
}

const MODEL_SUMMARY: &str =
    "SELECT id, file, name, created_at, length(CAST(source AS BLOB)) FROM models";
const RUN_COLUMNS: &str = "id, model_id, kind, params, duration_ms, created_at";
const RUN_SUMMARY: &str = "SELECT id, model_id, kind, params, duration_ms, created_at FROM runs";

fn read_model_summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<ModelSummary> {
    Ok(ModelSummary {
        id: row.get(0)?,
        file: row.get(1)?,
        name: row.get(2)?,
        created_at: row.get(3)?,
        bytes: row.get(4)?,
    })
}

fn model_summary(connection: &Connection, id: i64) -> Result<Option<ModelSummary>, StoreError> {
    connection
        .query_row(&format!("{MODEL_SUMMARY} WHERE id = ?1"), [id], read_model_summary)
        .optional()
        .map_err(sqlite("cannot read the model"))
}

fn read_run_summary(row: &rusqlite::Row<'_>) -> rusqlite::Result<RunSummary> {
    run_summary_at(row, 0)
}

fn run_summary_at(row: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<RunSummary> {
    let params: String = row.get(at + 3)?;
    Ok(RunSummary {
        id: row.get(at)?,
        model_id: row.get(at + 1)?,
        kind: row.get(at + 2)?,
        // The store only ever writes JSON here; a hand-edited row reads as a string.
        params: serde_json::from_str(&params).unwrap_or(serde_json::Value::String(params)),
        duration_ms: row.get(at + 4)?,
        created_at: row.get(at + 5)?,
    })
}

//! Historic outages as replayable scenarios: which nodes fail, degrade, recover or are failed
//! away from at what time, each event with its source, plus what the sources say about the
//! trigger, the data, the symptoms and the provider's remediation.

use std::collections::HashMap;
use std::fmt;

use blastradius_model::yaml::{Entries, Node, Value, parse_document};
use blastradius_model::{Location, ModelError};

use crate::catalog::{read_citation, read_sources};
use crate::evidence::{Evidence, Source};
use crate::read::{Reader, is_valid_id};

/// The scenario files compiled into the binary: (path in the repository, text).
const BUILTIN_FILES: &[(&str, &str)] = &[
    (
        "scenarios/aws-us-east-1-2025-10-20.yaml",
        include_str!("../../../scenarios/aws-us-east-1-2025-10-20.yaml"),
    ),
    (
        "scenarios/azure-front-door-2025-10-29.yaml",
        include_str!("../../../scenarios/azure-front-door-2025-10-29.yaml"),
    ),
    (
        "scenarios/cloudflare-2025-11-18.yaml",
        include_str!("../../../scenarios/cloudflare-2025-11-18.yaml"),
    ),
    (
        "scenarios/cloudflare-kv-2025-06-12.yaml",
        include_str!("../../../scenarios/cloudflare-kv-2025-06-12.yaml"),
    ),
    ("scenarios/gcp-2025-06-12.yaml", include_str!("../../../scenarios/gcp-2025-06-12.yaml")),
    (
        "scenarios/crowdstrike-2024-07-19.yaml",
        include_str!("../../../scenarios/crowdstrike-2024-07-19.yaml"),
    ),
    ("scenarios/fastly-2021-06-08.yaml", include_str!("../../../scenarios/fastly-2021-06-08.yaml")),
    ("scenarios/meta-2021-10-04.yaml", include_str!("../../../scenarios/meta-2021-10-04.yaml")),
    (
        "scenarios/akamai-edge-dns-2021-07-22.yaml",
        include_str!("../../../scenarios/akamai-edge-dns-2021-07-22.yaml"),
    ),
    (
        "scenarios/dyn-dns-2016-10-21.yaml",
        include_str!("../../../scenarios/dyn-dns-2016-10-21.yaml"),
    ),
];

/// A UTC time to the minute, as minutes since 1970-01-01 00:00 UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UtcMinute(pub i64);

impl UtcMinute {
    /// Reads `YYYY-MM-DDTHH:MMZ` (seconds, if written, must be `:00`).
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.strip_suffix('Z')?;
        let text = text.strip_suffix(":00").filter(|t| t.len() == 16).unwrap_or(text);
        let (date, time) = text.split_once('T')?;
        let mut date_parts = date.split('-');
        let year: i64 = date_parts.next()?.parse().ok()?;
        let month: i64 = date_parts.next()?.parse().ok()?;
        let day: i64 = date_parts.next()?.parse().ok()?;
        let (hour, minute) = time.split_once(':')?;
        let (hour, minute): (i64, i64) = (hour.parse().ok()?, minute.parse().ok()?);
        let valid = date_parts.next().is_none()
            && (1970..=9999).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && (0..24).contains(&hour)
            && (0..60).contains(&minute);
        valid.then(|| Self((days_from_civil(year, month, day) * 24 + hour) * 60 + minute))
    }

    /// Minutes from `self` to `later`.
    pub fn minutes_until(self, later: Self) -> i64 {
        later.0 - self.0
    }

    /// `HH:MM` of the day.
    pub fn clock(self) -> String {
        let minute_of_day = self.0.rem_euclid(1440);
        format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60)
    }

    /// `YYYY-MM-DD`.
    pub fn date(self) -> String {
        let (year, month, day) = civil_from_days(self.0.div_euclid(1440));
        format!("{year:04}-{month:02}-{day:02}")
    }
}

impl fmt::Display for UtcMinute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} UTC", self.date(), self.clock())
    }
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A statement with its source.
#[derive(Clone, Debug)]
pub struct Cited {
    /// The statement.
    pub text: String,
    /// Where it comes from.
    pub source: Source,
    /// How directly the source supports it.
    pub evidence: Evidence,
    /// Where it is written in the scenario file.
    pub location: Location,
}

/// One step of a scenario's timeline.
#[derive(Clone, Debug)]
pub struct Event {
    /// When it happened.
    pub at: UtcMinute,
    /// Ids whose own failure starts (they go down).
    pub fail: Vec<String>,
    /// Ids that start working badly by themselves (degraded).
    pub degrade: Vec<String>,
    /// Ids whose own failure or degradation ends, and whose failover ends.
    pub recover: Vec<String>,
    /// Ids that are failed away from their dependencies (they work whatever those do).
    pub mitigate: Vec<String>,
    /// Whether this is an action of the provider's responders.
    pub response: bool,
    /// What happened, with its source.
    pub cited: Cited,
}

/// A historic outage as a timeline of events.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// A stable id, e.g. `aws-us-east-1-2025-10-20`.
    pub id: String,
    /// A one-line title.
    pub title: String,
    /// The provider that failed.
    pub provider: String,
    /// The region or service where it started, if the file says.
    pub region: Option<String>,
    /// The catalogue entries a model should opt into for the replay to see inside the provider.
    pub catalog: Vec<String>,
    /// When customer impact began.
    pub start: UtcMinute,
    /// When the provider declared it over.
    pub end: UtcMinute,
    /// Whether it was an attack.
    pub malicious: bool,
    /// What triggered it.
    pub trigger: Cited,
    /// What the sources say about data (loss, corruption), if anything.
    pub data: Option<Cited>,
    /// The timeline, in time order.
    pub timeline: Vec<Event>,
    /// Symptoms one could observe.
    pub indicators: Vec<Cited>,
    /// What the provider announced it would change.
    pub remediation: Vec<Cited>,
    /// Every source the file lists, sorted by key.
    pub sources: Vec<Source>,
    /// The file it was read from.
    pub file: String,
}

/// The scenario library compiled into the binary, in file order.
///
/// # Panics
/// If a built-in file is invalid, which the crate's tests rule out.
pub fn builtin_scenarios() -> Vec<Scenario> {
    BUILTIN_FILES
        .iter()
        .map(|(file, text)| match parse_scenario(file, text) {
            Ok(scenario) => scenario,
            Err(error) => {
                let problems: Vec<String> =
                    error.diagnostics.iter().map(|d| d.render(&error.file)).collect();
                panic!("built-in scenario {file} is invalid:\n{}", problems.join("\n"))
            }
        })
        .collect()
}

const TOP_KEYS: &[&str] = &[
    "id",
    "title",
    "provider",
    "region",
    "catalog",
    "start",
    "end",
    "malicious",
    "trigger",
    "trigger_source",
    "data",
    "data_source",
    "sources",
    "timeline",
    "indicators",
    "remediation",
];
const EVENT_KEYS: &[&str] =
    &["at", "fail", "degrade", "recover", "mitigate", "response", "text", "source", "evidence"];
const TIME_HELP: &str = "write a UTC time as `2025-10-20T06:48Z`";

/// Reads a scenario file; `file` names it in diagnostics.
///
/// # Errors
/// Every located problem: unknown keys, missing fields, bad times, events out of order,
/// unknown sources or evidence grades, malformed ids.
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, ModelError> {
    let fail = |diagnostics| ModelError { file: file.to_owned(), diagnostics };
    let tree = parse_document(text).map_err(fail)?;
    let mut reader = Reader::default();
    let scenario = read_scenario(&mut reader, file, tree.root());
    match scenario {
        Some(scenario) if reader.diagnostics.is_empty() => Ok(scenario),
        _ => {
            let mut diagnostics = reader.diagnostics;
            diagnostics.sort_by_key(|d| d.location);
            Err(fail(diagnostics))
        }
    }
}

fn read_time(reader: &mut Reader, node: Node<'_>, what: &str) -> Option<UtcMinute> {
    let text = reader.text(node, what)?;
    let time = UtcMinute::parse(text.trim());
    if time.is_none() {
        let message = format!("bad time `{text}` for {what}");
        reader.error(node.location(), message, Some(TIME_HELP.to_owned()));
    }
    time
}

fn read_ids(reader: &mut Reader, fields: Entries<'_>, key: &str) -> Vec<String> {
    let Some(entry) = fields.get(key) else { return Vec::new() };
    let mut ids = Vec::new();
    for item in reader.list(entry.value, &format!("`{key}`")) {
        let Some(text) = reader.text(item, "an id") else { continue };
        if is_valid_id(text) {
            ids.push(text.to_owned());
        } else {
            let help = Some("ids are slash paths such as `aws/us-east-1/dynamodb`".to_owned());
            reader.error(item.location(), format!("invalid id `{text}`"), help);
        }
    }
    ids
}

fn read_cited(
    reader: &mut Reader,
    node: Node<'_>,
    what: &str,
    sources: &HashMap<String, Source>,
) -> Option<Cited> {
    let at = node.location();
    let fields = reader.map(node, what)?;
    reader.check_keys(fields, &["text", "source", "evidence"], what);
    let text = reader.required_text(fields, "text", at, what);
    let (source, evidence) = read_citation(reader, fields, at, what, sources)?;
    Some(Cited { text: text?.to_owned(), source, evidence, location: at })
}

fn read_scenario(reader: &mut Reader, file: &str, root: Node<'_>) -> Option<Scenario> {
    let at = root.location();
    let top = reader.map(root, "a scenario file")?;
    reader.check_keys(top, TOP_KEYS, "a scenario file");
    let what = "the scenario";
    let sources = read_sources(reader, top);
    let id = reader.required_text(top, "id", at, what);
    let title = reader.required_text(top, "title", at, what);
    let provider = reader.required_text(top, "provider", at, what);
    let region = reader.optional_text(top, "region", what).map(str::to_owned);
    let catalog = read_ids(reader, top, "catalog");
    let start =
        reader.required(top, "start", at, what).and_then(|n| read_time(reader, n, "`start`"));
    let end = reader.required(top, "end", at, what).and_then(|n| read_time(reader, n, "`end`"));
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            let location = top.get("end").map_or(at, |e| e.value.location());
            reader.error(location, format!("`end` ({end}) is before `start` ({start})"), None);
        }
    }
    let malicious = match reader.required_text(top, "malicious", at, what) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => {
            let location = top.get("malicious").map_or(at, |e| e.value.location());
            let help =
                Some("write `malicious: false` for an outage that was not an attack".to_owned());
            reader.error(
                location,
                format!("`malicious` must be true or false, found `{other}`"),
                help,
            );
            None
        }
        None => None,
    };
    let cited_pair = |reader: &mut Reader, key: &str, source_key: &str, required: bool| {
        let text = if required {
            reader.required_text(top, key, at, what)
        } else {
            reader.optional_text(top, key, what)
        }?;
        let key_at = top.get(key).map_or(at, |e| e.value.location());
        let source_name = reader.required_text(top, source_key, key_at, &format!("`{key}`"))?;
        match sources.get(source_name) {
            Some(source) => Some(Cited {
                text: text.to_owned(),
                source: source.clone(),
                evidence: Evidence::Provider,
                location: key_at,
            }),
            None => {
                let location = top.get(source_key).map_or(at, |e| e.value.location());
                reader.error(location, format!("unknown source `{source_name}`"), None);
                None
            }
        }
    };
    let trigger = cited_pair(reader, "trigger", "trigger_source", true);
    let data = cited_pair(reader, "data", "data_source", false);
    let mut timeline = Vec::new();
    if let Some(node) = reader.required(top, "timeline", at, what) {
        let items = reader.list(node, "`timeline`");
        if items.is_empty() {
            reader.error(node.location(), "the timeline is empty".to_owned(), None);
        }
        let mut previous: Option<UtcMinute> = None;
        for item in items {
            // The order is checked on every event whose time reads, valid or not.
            let at = match item.value() {
                Value::Map(fields) => fields.get("at").and_then(|e| match e.value.value() {
                    Value::Scalar { text, .. } => UtcMinute::parse(text.trim()),
                    _ => None,
                }),
                _ => None,
            };
            if let (Some(at), Some(before)) = (at, previous) {
                if at < before {
                    let message = format!("event at {at} comes after one at {before}");
                    let help = Some("list the timeline in time order".to_owned());
                    reader.error(item.location(), message, help);
                }
            }
            previous = at.or(previous);
            if let Some(event) = read_event(reader, item, &sources) {
                timeline.push(event);
            }
        }
    }
    let cited_list = |reader: &mut Reader, key: &str| {
        let Some(entry) = top.get(key) else { return Vec::new() };
        let items = reader.list(entry.value, &format!("`{key}`"));
        items
            .into_iter()
            .filter_map(|item| read_cited(reader, item, "an entry", &sources))
            .collect()
    };
    let indicators = cited_list(reader, "indicators");
    let remediation = cited_list(reader, "remediation");
    let mut sources: Vec<Source> = sources.into_values().collect();
    sources.sort_by(|a, b| a.key.cmp(&b.key));
    Some(Scenario {
        id: id?.to_owned(),
        title: title?.to_owned(),
        provider: provider?.to_owned(),
        region,
        catalog,
        start: start?,
        end: end?,
        malicious: malicious?,
        trigger: trigger?,
        data,
        timeline,
        indicators,
        remediation,
        sources,
        file: file.to_owned(),
    })
}

fn read_event(
    reader: &mut Reader,
    node: Node<'_>,
    sources: &HashMap<String, Source>,
) -> Option<Event> {
    let at = node.location();
    let what = "a timeline event";
    let fields = reader.map(node, what)?;
    reader.check_keys(fields, EVENT_KEYS, what);
    let time = reader.required(fields, "at", at, what).and_then(|n| read_time(reader, n, "`at`"));
    let response = match reader.optional_text(fields, "response", what) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            let location = fields.get("response").map_or(at, |e| e.value.location());
            reader.error(
                location,
                format!("`response` must be true or false, found `{other}`"),
                None,
            );
            false
        }
    };
    let fail = read_ids(reader, fields, "fail");
    let degrade = read_ids(reader, fields, "degrade");
    let recover = read_ids(reader, fields, "recover");
    let mitigate = read_ids(reader, fields, "mitigate");
    let text = reader.required_text(fields, "text", at, what);
    let (source, evidence) = read_citation(reader, fields, at, what, sources)?;
    Some(Event {
        at: time?,
        fail,
        degrade,
        recover,
        mitigate,
        response,
        cited: Cited { text: text?.to_owned(), source, evidence, location: at },
    })
}

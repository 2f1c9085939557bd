//! Simulation scenario files: the traffic parameters (capacities, call policies, arrivals) and
//! the fault timeline that a simulation adds to a resilience model, read from YAML and checked
//! against the model, every problem located. The model file itself stays free of traffic data.

use blastradius_model::{DependencyKind, Diagnostic, Location, Model, ModelError, NodeId, Origin};

use crate::event_queue::SimTime;
use crate::rng::Distribution;
use crate::yaml::{self, Node, Value, error};

/// Longest run a scenario may ask for: ten years of simulated time.
const MAX_HORIZON_SECONDS: f64 = 10.0 * 365.0 * 86_400.0;
/// Most time-series buckets per run.
const MAX_BUCKETS: f64 = 100_000.0;

/// The traffic parameters of one node. Nodes a scenario does not mention pass requests through
/// instantly with unlimited concurrency.
#[derive(Clone, Debug, PartialEq)]
pub struct Capacity {
    /// Requests served at once; `None` for unlimited.
    pub concurrency: Option<u32>,
    /// Time to serve one request, before its own downstream calls.
    pub service: Distribution,
    /// Most requests waiting for a server; arrivals beyond are rejected at once. `None` for
    /// unbounded.
    pub queue_limit: Option<u32>,
    /// Skip, at no cost, queued requests whose caller has already timed out.
    pub drop_expired: bool,
}

impl Default for Capacity {
    fn default() -> Self {
        Self {
            concurrency: None,
            service: Distribution::Constant(0.0),
            queue_limit: None,
            drop_expired: false,
        }
    }
}

/// How retries are spaced.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Backoff {
    /// Retry at once.
    Immediate,
    /// Wait min(cap, base · 2^(k−1)) before retry k, with the given jitter.
    Exponential {
        /// Delay before the first retry, in seconds.
        base: f64,
        /// Longest delay, in seconds.
        cap: f64,
        /// How the delay is randomised.
        jitter: Jitter,
    },
}

/// Randomisation of an exponential backoff delay d.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly d.
    None,
    /// Uniform in [0, d].
    Full,
    /// d/2 plus uniform in [0, d/2].
    Equal,
}

/// A caller's policy for one dependency (or for a function's clients).
#[derive(Clone, Debug, PartialEq)]
pub struct CallPolicy {
    /// Calls made per request served.
    pub per_request: u32,
    /// Client timeout of each attempt, in seconds.
    pub timeout: f64,
    /// Retries after the first attempt, per member tried.
    pub max_retries: u32,
    /// How retries are spaced.
    pub backoff: Backoff,
    /// Retry budget: at most this many retries per first attempt in the long run (a token
    /// bucket holding up to 10 tokens; each first attempt adds the ratio, each retry costs one).
    pub budget: Option<f64>,
    /// Circuit breaker per member: open after this many consecutive failures...
    pub breaker_failures: Option<u32>,
    /// ...for this many seconds, then let one trial through.
    pub breaker_open: f64,
    /// The order in which a group's members are tried, as positions in the model's member
    /// list; empty for the model's order.
    pub failover_order: Vec<u32>,
}

impl Default for CallPolicy {
    fn default() -> Self {
        Self {
            per_request: 1,
            timeout: 1.0,
            max_retries: 0,
            backoff: Backoff::Immediate,
            budget: None,
            breaker_failures: None,
            breaker_open: 10.0,
            failover_order: Vec::new(),
        }
    }
}

/// Open-loop arrivals of one business function's requests.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    /// Mean requests per second.
    pub rate: f64,
    /// Daily swing: rate · (1 + amplitude · cos(2π (t − peak) / period)).
    pub diurnal: Option<Diurnal>,
    /// The clients' timeout and retry policy towards the function's components.
    pub client: CallPolicy,
}

/// A periodic swing of the arrival rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Diurnal {
    /// Relative swing, from 0 to 1.
    pub amplitude: f64,
    /// Period in seconds.
    pub period: f64,
    /// Time of the peak in seconds.
    pub peak: f64,
}

/// What a fault does to its node while it lasts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Effect {
    /// The node and everything placed on it (its zones, services, `runs_on` dependents) is down.
    /// Calls fail at once, or hang until the caller's timeout when `hang`.
    Down {
        /// Calls hang instead of failing fast.
        hang: bool,
    },
    /// Concurrency multiplied by this factor (0 to 1).
    Capacity(f64),
    /// This many seconds added to every service time.
    Latency(f64),
}

/// One entry of the fault timeline.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fault {
    /// The node it hits.
    pub node: NodeId,
    /// When it starts, in seconds.
    pub start: SimTime,
    /// When it ends.
    pub end: SimTime,
    /// What it does.
    pub effect: Effect,
}

/// A validated scenario for one model.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// Length of each run, in seconds.
    pub horizon: SimTime,
    /// Width of the time-series buckets, in seconds.
    pub bucket: SimTime,
    /// A run has recovered once goodput stays at or above `recovery_fraction` of its pre-fault
    /// level for this long, in seconds.
    pub recovery_window: SimTime,
    /// See `recovery_window`.
    pub recovery_fraction: f64,
    /// Per node, by index.
    pub capacity: Vec<Capacity>,
    /// Per model dependency index (`Model::dependency`); `None` for the default policy.
    pub calls: Vec<Option<CallPolicy>>,
    /// Per function, by index; `None` for functions without traffic.
    pub load: Vec<Option<Load>>,
    /// The fault timeline, in file order.
    pub faults: Vec<Fault>,
}

/// Reads a scenario for `model` from the bytes of file `file`.
///
/// # Errors
/// Every problem found, located, as a [`ModelError`] naming the scenario file.
pub fn load_scenario(file: &str, bytes: &[u8], model: &Model) -> Result<Scenario, ModelError> {
    let fail = |diagnostics| ModelError { file: file.to_owned(), diagnostics };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        fail(vec![error(
            Location { line: 1, column: 1 },
            format!("the file is not UTF-8 text (byte {})", e.valid_up_to()),
        )])
    })?;
    let root = yaml::parse(text).map_err(|d| fail(vec![d]))?;
    let mut reader = Reader { model, diagnostics: Vec::new() };
    let scenario = reader.scenario(&root);
    if reader.diagnostics.is_empty() {
        Ok(scenario)
    } else {
        reader.diagnostics.sort_by_key(|d| d.location);
        Err(fail(reader.diagnostics))
    }
}

/// The default scenario: no faults, no traffic, one hour.
pub fn empty_scenario(model: &Model) -> Scenario {
    Scenario {
        horizon: 3600.0,
        bucket: 1.0,
        recovery_window: 30.0,
        recovery_fraction: 0.9,
        capacity: vec![Capacity::default(); model.n_nodes()],
        calls: vec![None; model.n_dependencies()],
        load: vec![None; model.functions().len()],
        faults: Vec::new(),
    }
}

struct Reader<'m> {
    model: &'m Model,
    diagnostics: Vec<Diagnostic>,
}

const DURATION_HELP: &str =
    "write a number with a unit: ms, s, m, h or d (e.g. `250ms`, `30s`, `2h`)";

impl Reader<'_> {
    fn push(&mut self, location: Location, message: String, help: Option<String>) {
        let mut diagnostic = error(location, message);
        diagnostic.help = help;
        self.diagnostics.push(diagnostic);
    }

    /// The entries of a mapping, reporting keys outside `allowed`.
    fn map<'n>(&mut self, node: &'n Node, what: &str, allowed: &[&str]) -> &'n [(Node, Node)] {
        match &node.value {
            Value::Map(pairs) => {
                for (key, _) in pairs {
                    let name = key.scalar().unwrap_or_default();
                    if !allowed.contains(&name) {
                        self.push(
                            key.location,
                            format!("unknown key `{name}` in {what}"),
                            Some(format!("expected one of: {}", allowed.join(", "))),
                        );
                    }
                }
                pairs
            }
            _ if node.is_null() => &[],
            _ => {
                self.push(
                    node.location,
                    format!("{what} must be a mapping, not {}", node.describe()),
                    None,
                );
                &[]
            }
        }
    }

    fn get<'n>(pairs: &'n [(Node, Node)], key: &str) -> Option<&'n Node> {
        pairs.iter().find(|(k, _)| k.scalar() == Some(key)).map(|(_, v)| v)
    }

    fn number(&mut self, node: &Node, what: &str, min: f64, max: f64) -> Option<f64> {
        match node.scalar().and_then(|t| t.trim().parse::<f64>().ok()) {
            Some(value) if value.is_finite() && (min..=max).contains(&value) => Some(value),
            _ => {
                self.push(
                    node.location,
                    format!("{what} must be a number from {min} to {max}, not {}", node.describe()),
                    None,
                );
                None
            }
        }
    }

    fn count(&mut self, node: &Node, what: &str, min: u32, max: u32) -> Option<u32> {
        match node.scalar().and_then(|t| t.trim().parse::<u32>().ok()) {
            Some(value) if (min..=max).contains(&value) => Some(value),
            _ => {
                self.push(
                    node.location,
                    format!(
                        "{what} must be a whole number from {min} to {max}, not {}",
                        node.describe()
                    ),
                    None,
                );
                None
            }
        }
    }

    fn boolean(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.scalar() {
            Some("true") => Some(true),
            Some("false") => Some(false),
            _ => {
                self.push(
                    node.location,
                    format!("{what} must be true or false, not {}", node.describe()),
                    None,
                );
                None
            }
        }
    }

    fn duration(&mut self, node: &Node, what: &str) -> Option<f64> {
        match node.scalar().and_then(parse_seconds) {
            Some(seconds) if seconds <= MAX_HORIZON_SECONDS => Some(seconds),
            _ => {
                self.push(
                    node.location,
                    format!("{what} must be a duration, not {}", node.describe()),
                    Some(DURATION_HELP.to_owned()),
                );
                None
            }
        }
    }

    fn node_id(&mut self, node: &Node, what: &str) -> Option<NodeId> {
        let Some(text) = node.scalar() else {
            self.push(
                node.location,
                format!("{what} must be a model id, not {}", node.describe()),
                None,
            );
            return None;
        };
        let found = self.model.lookup(text);
        if found.is_none() {
            let help = self.model.closest_id(text).map(|id| format!("did you mean `{id}`?"));
            self.push(node.location, format!("{what}: no node `{text}` in the model"), help);
        }
        found
    }

    fn scenario(&mut self, root: &Node) -> Scenario {
        let mut scenario = empty_scenario(self.model);
        let top = self.map(
            root,
            "the scenario",
            &[
                "version",
                "horizon",
                "bucket",
                "recovery",
                "components",
                "calls",
                "functions",
                "faults",
            ],
        );
        match Self::get(top, "version") {
            Some(version) if version.scalar() == Some("1") => {}
            Some(version) => self.push(
                version.location,
                format!("unsupported scenario version {}", version.describe()),
                Some("this blastradius reads `version: 1`".to_owned()),
            ),
            None => self.push(
                root.location,
                "the scenario has no `version`".to_owned(),
                Some("start the file with `version: 1`".to_owned()),
            ),
        }
        match Self::get(top, "horizon") {
            Some(node) => {
                if let Some(horizon) = self.duration(node, "`horizon`").filter(|&h| h > 0.0) {
                    scenario.horizon = horizon;
                }
            }
            None => self.push(
                root.location,
                "the scenario has no `horizon`".to_owned(),
                Some("say how long to simulate, e.g. `horizon: 10m`".to_owned()),
            ),
        }
        if let Some(node) = Self::get(top, "bucket") {
            if let Some(bucket) = self.duration(node, "`bucket`") {
                if bucket <= 0.0 || scenario.horizon / bucket > MAX_BUCKETS {
                    self.push(
                        node.location,
                        format!("`bucket` must split the horizon into 1 to {MAX_BUCKETS} buckets"),
                        None,
                    );
                } else {
                    scenario.bucket = bucket;
                }
            }
        } else if scenario.horizon / scenario.bucket > MAX_BUCKETS {
            scenario.bucket = scenario.horizon / MAX_BUCKETS;
        }
        if let Some(node) = Self::get(top, "recovery") {
            let pairs = self.map(node, "`recovery`", &["window", "goodput"]);
            if let Some(window) =
                Self::get(pairs, "window").and_then(|n| self.duration(n, "`recovery.window`"))
            {
                scenario.recovery_window = window;
            }
            if let Some(fraction) = Self::get(pairs, "goodput")
                .and_then(|n| self.number(n, "`recovery.goodput`", 0.0, 1.0))
            {
                scenario.recovery_fraction = fraction;
            }
        }
        if let Some(node) = Self::get(top, "components") {
            if !matches!(node.value, Value::Map(_)) && !node.is_null() {
                self.push(
                    node.location,
                    format!("`components` must be a mapping, not {}", node.describe()),
                    None,
                );
            }
            for (key, value) in map_entries(node) {
                let Some(id) = self.node_id(key, "`components`") else { continue };
                scenario.capacity[id.index()] = self.capacity(value);
            }
        }
        if let Some(node) = Self::get(top, "calls") {
            self.calls(node, &mut scenario);
        }
        if let Some(node) = Self::get(top, "functions") {
            for (key, value) in map_entries(node) {
                let name = key.scalar().unwrap_or_default();
                let Some(index) = self.model.functions().iter().position(|f| f.id == name) else {
                    let known: Vec<&str> =
                        self.model.functions().iter().map(|f| f.id.as_str()).collect();
                    self.push(
                        key.location,
                        format!("function `{name}` is not in the model"),
                        Some(format!("the model has: {}", known.join(", "))),
                    );
                    continue;
                };
                scenario.load[index] = self.load(value);
            }
            if !matches!(node.value, Value::Map(_)) && !node.is_null() {
                self.push(
                    node.location,
                    format!("`functions` must be a mapping, not {}", node.describe()),
                    None,
                );
            }
        }
        if let Some(node) = Self::get(top, "faults") {
            self.faults(node, &mut scenario);
        }
        scenario
    }

    fn capacity(&mut self, node: &Node) -> Capacity {
        let mut capacity = Capacity::default();
        let pairs = self.map(
            node,
            "a component's traffic",
            &["concurrency", "service", "queue", "drop_expired"],
        );
        if let Some(n) = Self::get(pairs, "concurrency") {
            capacity.concurrency = self.count(n, "`concurrency`", 1, 100_000_000);
        }
        if let Some(n) = Self::get(pairs, "service") {
            capacity.service = self.distribution(n).unwrap_or(capacity.service);
        }
        if let Some(n) = Self::get(pairs, "queue") {
            capacity.queue_limit = self.count(n, "`queue`", 0, u32::MAX);
        }
        if let Some(n) = Self::get(pairs, "drop_expired") {
            capacity.drop_expired = self.boolean(n, "`drop_expired`").unwrap_or(false);
        }
        capacity
    }

    /// `20ms` (exponential with that mean), or `{exponential: 20ms}`, `{constant: 5ms}`,
    /// `{lognormal: 20ms, sigma: 0.8}` (mean and log-standard-deviation).
    fn distribution(&mut self, node: &Node) -> Option<Distribution> {
        if node.scalar().is_some() {
            return self.duration(node, "`service`").map(|mean| Distribution::Exponential { mean });
        }
        let pairs = self.map(node, "`service`", &["exponential", "constant", "lognormal", "sigma"]);
        if let Some(n) = Self::get(pairs, "exponential") {
            return self
                .duration(n, "`exponential`")
                .map(|mean| Distribution::Exponential { mean });
        }
        if let Some(n) = Self::get(pairs, "constant") {
            return self.duration(n, "`constant`").map(Distribution::Constant);
        }
        if let Some(n) = Self::get(pairs, "lognormal") {
            let mean = self.duration(n, "`lognormal`")?;
            let sigma = match Self::get(pairs, "sigma") {
                Some(s) => self.number(s, "`sigma`", 0.0, 5.0)?,
                None => 1.0,
            };
            return Some(Distribution::lognormal_with_mean(mean.max(f64::MIN_POSITIVE), sigma));
        }
        self.push(node.location, "`service` names no distribution".to_owned(), Some("write `service: 20ms` or one of `exponential: 20ms`, `constant: 20ms`, `lognormal: 20ms` with `sigma: 0.8`".to_owned()));
        None
    }

    fn policy(&mut self, pairs: &[(Node, Node)], policy: &mut CallPolicy) {
        if let Some(n) = Self::get(pairs, "per_request") {
            policy.per_request = self.count(n, "`per_request`", 1, 1000).unwrap_or(1);
        }
        if let Some(n) = Self::get(pairs, "timeout") {
            if let Some(timeout) = self.duration(n, "`timeout`").filter(|&t| t > 0.0) {
                policy.timeout = timeout;
            }
        }
        if let Some(n) = Self::get(pairs, "retry") {
            let retry = self.map(n, "`retry`", &["max", "backoff", "base", "cap", "jitter"]);
            if let Some(max) = Self::get(retry, "max") {
                policy.max_retries = self.count(max, "`retry.max`", 0, 100).unwrap_or(0);
            }
            let backoff = Self::get(retry, "backoff");
            match backoff.and_then(Node::scalar) {
                None | Some("immediate") => {}
                Some("exponential") => {
                    let base = Self::get(retry, "base")
                        .and_then(|b| self.duration(b, "`retry.base`"))
                        .unwrap_or(0.1);
                    let cap = Self::get(retry, "cap")
                        .and_then(|c| self.duration(c, "`retry.cap`"))
                        .unwrap_or(20.0);
                    let jitter = match Self::get(retry, "jitter").map(|j| (j, j.scalar())) {
                        None | Some((_, Some("full"))) => Jitter::Full,
                        Some((_, Some("none"))) => Jitter::None,
                        Some((_, Some("equal"))) => Jitter::Equal,
                        Some((j, _)) => {
                            self.push(
                                j.location,
                                format!("unknown jitter {}", j.describe()),
                                Some("use full, equal or none".to_owned()),
                            );
                            Jitter::Full
                        }
                    };
                    policy.backoff = Backoff::Exponential { base, cap, jitter };
                }
                Some(_) => {
                    let n = backoff.expect("a scalar was found");
                    self.push(
                        n.location,
                        format!("unknown backoff {}", n.describe()),
                        Some("use immediate or exponential".to_owned()),
                    );
                }
            }
        }
        if let Some(n) = Self::get(pairs, "budget") {
            policy.budget = self.number(n, "`budget`", 0.0, 10.0);
        }
        if let Some(n) = Self::get(pairs, "breaker") {
            let breaker = self.map(n, "`breaker`", &["failures", "open"]);
            match Self::get(breaker, "failures") {
                Some(f) => {
                    policy.breaker_failures = self.count(f, "`breaker.failures`", 1, u32::MAX)
                }
                None => self.push(
                    n.location,
                    "`breaker` needs `failures`".to_owned(),
                    Some("e.g. `breaker: { failures: 5, open: 10s }`".to_owned()),
                ),
            }
            if let Some(open) =
                Self::get(breaker, "open").and_then(|o| self.duration(o, "`breaker.open`"))
            {
                policy.breaker_open = open;
            }
        }
    }

    fn calls(&mut self, node: &Node, scenario: &mut Scenario) {
        let Value::Seq(items) = &node.value else {
            if !node.is_null() {
                self.push(
                    node.location,
                    format!("`calls` must be a list, not {}", node.describe()),
                    Some("e.g. `- { from: api, to: db, timeout: 1s }`".to_owned()),
                );
            }
            return;
        };
        let mut first_at: Vec<Option<Location>> = vec![None; self.model.n_dependencies()];
        for item in items {
            let pairs = self.map(
                item,
                "a call",
                &["from", "to", "per_request", "timeout", "retry", "budget", "breaker", "order"],
            );
            let (Some(from), Some(to)) = (Self::get(pairs, "from"), Self::get(pairs, "to")) else {
                self.push(item.location, "a call needs `from` and `to`".to_owned(), None);
                continue;
            };
            let (Some(from_id), Some(to_id)) =
                (self.node_id(from, "`from`"), self.node_id(to, "`to`"))
            else {
                continue;
            };
            let found = self.model.dependency_range(from_id).find(|&d| {
                let dependency = self.model.dependency(d);
                dependency.origin == Origin::DependsOn && dependency.members.contains(&to_id)
            });
            let Some(dependency) = found else {
                let listed: Vec<&str> = self
                    .model
                    .dependencies(from_id)
                    .filter(|d| d.origin == Origin::DependsOn)
                    .flat_map(|d| d.members.iter().map(|&m| self.model.id(m)))
                    .collect();
                let help = if listed.is_empty() {
                    "it has no `depends_on` entries".to_owned()
                } else {
                    format!("its `depends_on` names: {}", listed.join(", "))
                };
                self.push(
                    to.location,
                    format!(
                        "`{}` does not depend on `{}` in the model",
                        self.model.id(from_id),
                        self.model.id(to_id)
                    ),
                    Some(help),
                );
                continue;
            };
            if let Some(first) = first_at[dependency] {
                self.push(
                    item.location,
                    format!(
                        "a second policy for the same dependency of `{}` (first at {first})",
                        self.model.id(from_id)
                    ),
                    Some("a group (any/atleast) takes one policy for all its members".to_owned()),
                );
                continue;
            }
            first_at[dependency] = Some(item.location);
            let mut policy = CallPolicy::default();
            self.policy(pairs, &mut policy);
            if let Some(order) = Self::get(pairs, "order") {
                policy.failover_order = self.failover_order(order, dependency);
            }
            scenario.calls[dependency] = Some(policy);
        }
    }

    /// `order: [b, a]`: every member of the group, once each, in the order to try them.
    fn failover_order(&mut self, node: &Node, dependency: usize) -> Vec<u32> {
        let members = self.model.dependency(dependency).members;
        let names: Vec<&str> = members.iter().map(|&m| self.model.id(m)).collect();
        let help = format!("list every member of the group once: {}", names.join(", "));
        let Value::Seq(items) = &node.value else {
            self.push(
                node.location,
                format!("`order` must be a list, not {}", node.describe()),
                Some(help),
            );
            return Vec::new();
        };
        let mut order = Vec::with_capacity(items.len());
        for item in items {
            let position = item.scalar().and_then(|text| names.iter().position(|n| *n == text));
            match position {
                Some(p) if !order.contains(&(p as u32)) => order.push(p as u32),
                _ => {
                    self.push(
                        item.location,
                        format!(
                            "{} is not a member of this group, or is listed twice",
                            item.describe()
                        ),
                        Some(help.clone()),
                    );
                    return Vec::new();
                }
            }
        }
        if order.len() != members.len() {
            self.push(
                node.location,
                format!("`order` lists {} of the group's {} members", order.len(), members.len()),
                Some(help),
            );
            return Vec::new();
        }
        order
    }

    fn load(&mut self, node: &Node) -> Option<Load> {
        let pairs = self.map(
            node,
            "a function's load",
            &["rate", "diurnal", "timeout", "retry", "budget", "breaker"],
        );
        let Some(rate_node) = Self::get(pairs, "rate") else {
            self.push(
                node.location,
                "a function's load needs a `rate` (requests per second)".to_owned(),
                None,
            );
            return None;
        };
        let rate = self.number(rate_node, "`rate`", 0.0, 1e7)?;
        let mut diurnal = None;
        if let Some(n) = Self::get(pairs, "diurnal") {
            let d = self.map(n, "`diurnal`", &["amplitude", "period", "peak"]);
            let amplitude = Self::get(d, "amplitude")
                .and_then(|a| self.number(a, "`amplitude`", 0.0, 1.0))
                .unwrap_or(0.0);
            let period = Self::get(d, "period")
                .and_then(|p| self.duration(p, "`period`"))
                .filter(|&p| p > 0.0)
                .unwrap_or(86_400.0);
            let peak = Self::get(d, "peak").and_then(|p| self.duration(p, "`peak`")).unwrap_or(0.0);
            diurnal = Some(Diurnal { amplitude, period, peak });
        }
        let mut client = CallPolicy { timeout: 10.0, ..CallPolicy::default() };
        self.policy(pairs, &mut client);
        Some(Load { rate, diurnal, client })
    }

    fn faults(&mut self, node: &Node, scenario: &mut Scenario) {
        let Value::Seq(items) = &node.value else {
            if !node.is_null() {
                self.push(
                    node.location,
                    format!("`faults` must be a list, not {}", node.describe()),
                    Some("e.g. `- { at: 60s, for: 5m, down: aws/us-east-1 }`".to_owned()),
                );
            }
            return;
        };
        for item in items {
            let pairs = self.map(
                item,
                "a fault",
                &["at", "for", "down", "hang", "node", "capacity", "latency"],
            );
            let start = Self::get(pairs, "at").and_then(|n| self.duration(n, "`at`"));
            let length = Self::get(pairs, "for").and_then(|n| self.duration(n, "`for`"));
            let (Some(start), Some(length)) = (start, length) else {
                if Self::get(pairs, "at").is_none() || Self::get(pairs, "for").is_none() {
                    self.push(item.location, "a fault needs `at` and `for`".to_owned(), None);
                }
                continue;
            };
            let effect_and_node = if let Some(down) = Self::get(pairs, "down") {
                let hang = Self::get(pairs, "hang")
                    .and_then(|h| self.boolean(h, "`hang`"))
                    .unwrap_or(false);
                self.node_id(down, "`down`").map(|id| (id, Effect::Down { hang }))
            } else {
                let target = Self::get(pairs, "node");
                let effect = if let Some(c) = Self::get(pairs, "capacity") {
                    self.number(c, "`capacity`", 0.0, 1.0).map(Effect::Capacity)
                } else if let Some(l) = Self::get(pairs, "latency") {
                    self.duration(l, "`latency`").map(Effect::Latency)
                } else {
                    self.push(
                        item.location,
                        "a fault needs `down: ID`, or `node: ID` with `capacity` or `latency`"
                            .to_owned(),
                        None,
                    );
                    None
                };
                match target {
                    Some(t) => self.node_id(t, "`node`").zip(effect),
                    None => {
                        if effect.is_some() {
                            self.push(
                                item.location,
                                "a capacity or latency fault needs `node: ID`".to_owned(),
                                None,
                            );
                        }
                        None
                    }
                }
            };
            if let Some((node, effect)) = effect_and_node {
                scenario.faults.push(Fault { node, start, end: start + length, effect });
            }
        }
    }
}

/// The entries of a mapping node (empty for anything else).
fn map_entries(node: &Node) -> &[(Node, Node)] {
    match &node.value {
        Value::Map(pairs) => pairs,
        _ => &[],
    }
}

/// Parses `250ms`, `30s`, `1.5m`, `2h`, `1d` or `1h30m` into seconds.
pub(crate) fn parse_seconds(text: &str) -> Option<f64> {
    let seconds = blastradius_model::parse_units(text, |unit| {
        Some(match unit {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            "d" => 86_400.0,
            _ => return None,
        })
    })?;
    seconds.is_finite().then_some(seconds)
}

/// The kind of dependency, re-exported for the traffic engine's failover logic.
pub(crate) fn group_need(kind: DependencyKind, n_members: usize) -> Option<usize> {
    match kind {
        DependencyKind::Hard | DependencyKind::AnyOf => Some(1),
        DependencyKind::AtLeast(k) => Some((k as usize).min(n_members)),
        DependencyKind::Soft => None,
    }
}

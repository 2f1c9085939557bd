//! Benchmark inputs for blastradius: a deterministic generator of large, realistically shaped
//! version-1 YAML models, so load and what-if timings can be measured at 10k to 1M components
//! without committing huge files.
//!
//! The generated estate is a set of "cells" of 100 components (a team's slice of the system),
//! each homed in one region of one cloud, some spanning two regions. In a cell, components are
//! layered: platforms (clusters on the region's zones), stores, services, then edge gateways.
//! Dependencies mostly point down the layers and stay in the cell; a few cross to earlier cells
//! (shared services), and a few planted forward edges make small dependency cycles. Output is a
//! pure function of `(n_components, seed)` on every platform: the generator uses its own
//! splitmix64 generator and integer arithmetic only.

use std::fmt::Write as _;

/// The seed the benches and `gen-model` use when none is given.
pub const DEFAULT_SEED: u64 = 42;

/// A region present in every generated model (the first AWS region, the most populated one):
/// the failure the what-if benches simulate.
pub const FAILED_REGION: &str = "aws/us-east-1";

/// A zone of [`FAILED_REGION`], present in every generated model.
pub const FAILED_ZONE: &str = "aws/us-east-1/us-east-1a";

/// Components per cell; see the crate documentation.
const CELL: usize = 100;
/// Positions in a cell: `[0, PLATFORMS)` platforms, then stores, services and edge gateways.
const PLATFORMS: usize = 3;
const STORES_END: usize = 25;
const SERVICES_END: usize = 90;

/// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and identical on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `[0, n)`; `n` must not be zero. The modulo bias is irrelevant here.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `per_mille / 1000`.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `k` distinct numbers in `[lo, hi)`; needs `hi - lo >= k`.
    fn distinct(&mut self, k: usize, lo: usize, hi: usize) -> Vec<usize> {
        let mut chosen = Vec::with_capacity(k);
        while chosen.len() < k {
            let candidate = lo + self.below(hi - lo);
            if !chosen.contains(&candidate) {
                chosen.push(candidate);
            }
        }
        chosen
    }
}

/// How a cloud names the three zones of a region.
#[derive(Clone, Copy)]
enum ZoneStyle {
    /// `us-east-1a`, `us-east-1b`, `us-east-1c` (AWS).
    Letter,
    /// `us-central1-a` … (GCP).
    DashLetter,
    /// `eastus-1` … (Azure).
    DashDigit,
}

/// The static description of one cloud provider.
struct Cloud {
    name: &'static str,
    availability: &'static str,
    regions: &'static [&'static str],
    zone_style: ZoneStyle,
    services: &'static [&'static str],
    global: &'static [&'static str],
    compute: &'static str,
    registry: &'static str,
    load_balancer: &'static str,
    kms: &'static str,
    databases: &'static [&'static str],
    cache: &'static str,
    objects: &'static str,
    queues: &'static [&'static str],
    identity: &'static str,
    dns: &'static str,
}

const CLOUDS: [Cloud; 3] = [
    Cloud {
        name: "aws",
        availability: "0.99995",
        regions: &[
            "us-east-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-southeast-1",
            "ap-northeast-1",
            "us-east-2",
            "eu-west-2",
            "ap-south-1",
            "sa-east-1",
            "ca-central-1",
            "eu-north-1",
            "ap-southeast-2",
            "us-west-1",
            "eu-west-3",
            "ap-northeast-2",
        ],
        zone_style: ZoneStyle::Letter,
        services: &[
            "ec2",
            "eks",
            "ecr",
            "elb",
            "rds",
            "dynamodb",
            "s3",
            "sqs",
            "sns",
            "elasticache",
            "kms",
            "lambda",
            "opensearch",
            "secretsmanager",
        ],
        global: &["iam", "route53", "cloudfront", "sts"],
        compute: "eks",
        registry: "ecr",
        load_balancer: "elb",
        kms: "kms",
        databases: &["rds", "dynamodb", "opensearch"],
        cache: "elasticache",
        objects: "s3",
        queues: &["sqs", "sns"],
        identity: "iam",
        dns: "route53",
    },
    Cloud {
        name: "azure",
        availability: "0.9999",
        regions: &[
            "eastus",
            "westeurope",
            "northeurope",
            "westus2",
            "uksouth",
            "southeastasia",
            "centralus",
            "germanywestcentral",
            "japaneast",
            "australiaeast",
            "francecentral",
            "canadacentral",
        ],
        zone_style: ZoneStyle::DashDigit,
        services: &[
            "vm",
            "aks",
            "acr",
            "app-gateway",
            "sql-database",
            "cosmos-db",
            "blob-storage",
            "service-bus",
            "redis",
            "key-vault",
            "functions",
            "event-hubs",
        ],
        global: &["entra-id", "front-door", "dns", "resource-manager"],
        compute: "aks",
        registry: "acr",
        load_balancer: "app-gateway",
        kms: "key-vault",
        databases: &["sql-database", "cosmos-db"],
        cache: "redis",
        objects: "blob-storage",
        queues: &["service-bus", "event-hubs"],
        identity: "entra-id",
        dns: "dns",
    },
    Cloud {
        name: "gcp",
        availability: "0.99995",
        regions: &[
            "us-central1",
            "europe-west1",
            "us-east1",
            "europe-west4",
            "asia-northeast1",
            "asia-southeast1",
            "us-west1",
            "europe-west3",
            "australia-southeast1",
            "southamerica-east1",
            "asia-south1",
            "northamerica-northeast1",
        ],
        zone_style: ZoneStyle::DashLetter,
        services: &[
            "gce",
            "gke",
            "artifact-registry",
            "cloud-load-balancing",
            "cloud-sql",
            "spanner",
            "gcs",
            "pubsub",
            "memorystore",
            "cloud-kms",
            "cloud-run",
            "bigquery",
        ],
        global: &["iam", "cloud-dns", "cloud-cdn", "resource-manager"],
        compute: "gke",
        registry: "artifact-registry",
        load_balancer: "cloud-load-balancing",
        kms: "cloud-kms",
        databases: &["cloud-sql", "spanner", "bigquery"],
        cache: "memorystore",
        objects: "gcs",
        queues: &["pubsub"],
        identity: "iam",
        dns: "cloud-dns",
    },
];

/// SaaS providers: name and the provider body written under `providers:`.
const SAAS: &[(&str, &str)] = &[
    ("cloudflare", "{ global: [dns, cdn, waf, load-balancing, workers], availability: 0.99995 }"),
    ("stripe", "{ availability: 0.9999 }"),
    ("adyen", "{ availability: 0.9995 }"),
    ("okta", "{ global: [sso, mfa], availability: 0.9999 }"),
    ("datadog", "{ global: [metrics, logs, apm] }"),
    ("twilio", "{ global: [sms, voice, verify], availability: { mtbf: 2000h, mttr: 45m } }"),
    ("pagerduty", "{ availability: { mtbf: 4380h, mttr: 30m } }"),
    ("github", "{ global: [repos, actions, packages] }"),
    ("launchdarkly", "{}"),
    ("sendgrid", "{ description: Transactional email }"),
];

/// Business domains, used to name components.
const DOMAINS: &[&str] = &[
    "payments",
    "ledger",
    "checkout",
    "catalog",
    "search",
    "orders",
    "inventory",
    "pricing",
    "accounts",
    "identity",
    "notifications",
    "billing",
    "invoices",
    "shipping",
    "returns",
    "reviews",
    "recommendations",
    "fraud",
    "risk",
    "kyc",
    "reporting",
    "analytics",
    "media",
    "uploads",
    "messaging",
    "chat",
    "support",
    "tickets",
    "profile",
    "sessions",
    "cart",
    "loyalty",
    "coupons",
    "tax",
    "fx",
    "settlement",
    "payouts",
    "onboarding",
    "audit",
    "consent",
];

const STORE_KINDS: &[(&str, &str)] =
    &[("db", "datastore"), ("cache", "cache"), ("queue", "queue"), ("bucket", "datastore")];
const SERVICE_KINDS: &[(&str, &str)] = &[
    ("api", "service"),
    ("worker", "job"),
    ("service", "service"),
    ("consumer", "job"),
    ("scheduler", "job"),
];
const EDGE_KINDS: &[(&str, &str)] =
    &[("gateway", "gateway"), ("web", "static-site"), ("bff", "gateway")];

/// How many regions each cloud gets for a model of `n` components: 2 below 1k components, then
/// two more per factor of ten (4 at 1k, 6 at 10k, 8 at 100k, 10 at 1M), capped by the region
/// list; AWS gets two more than the others.
fn regions_per_cloud(n: usize, cloud: &Cloud) -> usize {
    let digits = n.max(1).ilog10() as usize + 1;
    let base = (2 * digits).saturating_sub(4).max(2);
    let extra = if cloud.name == "aws" { 2 } else { 0 };
    (base + extra).min(cloud.regions.len())
}

fn zone_id(cloud: &Cloud, region: &str, zone: usize) -> String {
    let letter = char::from(b'a' + zone as u8);
    match cloud.zone_style {
        ZoneStyle::Letter => format!("{}/{region}/{region}{letter}", cloud.name),
        ZoneStyle::DashLetter => format!("{}/{region}/{region}-{letter}", cloud.name),
        ZoneStyle::DashDigit => format!("{}/{region}/{region}-{}", cloud.name, zone + 1),
    }
}

fn zone_name(cloud: &Cloud, region: &str, zone: usize) -> String {
    let id = zone_id(cloud, region, zone);
    id.rsplit('/').next().unwrap_or_default().to_owned()
}

/// One cell's placement: its cloud and home regions.
struct Cell {
    cloud: usize,
    primary: usize,
    /// The second region of a multi-region cell (equal to `primary` otherwise).
    secondary: usize,
}

/// Everything the generator needs to name any component by its index.
struct Plan {
    n: usize,
    cells: Vec<Cell>,
    /// Per cell, the domain word used in its component names.
    domains: Vec<usize>,
    regions: [usize; 3],
}

impl Plan {
    fn new(n: usize, rng: &mut Rng) -> Self {
        let regions = [
            regions_per_cloud(n, &CLOUDS[0]),
            regions_per_cloud(n, &CLOUDS[1]),
            regions_per_cloud(n, &CLOUDS[2]),
        ];
        let n_cells = n.div_ceil(CELL);
        let mut cells = Vec::with_capacity(n_cells);
        let mut domains = Vec::with_capacity(n_cells);
        for _ in 0..n_cells {
            // Half the cells on AWS, a quarter each on Azure and GCP.
            let cloud = [0, 0, 1, 2][rng.below(4)];
            let r = regions[cloud];
            // Skewed towards the first regions, as real estates are (us-east-1 first).
            let primary = rng.below(r).min(rng.below(r));
            let secondary =
                if rng.chance(300) { (primary + 1 + rng.below(r - 1)) % r } else { primary };
            cells.push(Cell { cloud, primary, secondary });
            domains.push(rng.below(DOMAINS.len()));
        }
        Self { n, cells, domains, regions }
    }

    fn cloud(&self, cell: usize) -> &'static Cloud {
        &CLOUDS[self.cells[cell].cloud]
    }

    /// The region a component at `position` of `cell` lives in: platform 1 and every fourth
    /// store of a multi-region cell are in the secondary region.
    fn region_of(&self, cell: usize, position: usize) -> &'static str {
        let c = &self.cells[cell];
        let secondary =
            position == 1 || ((PLATFORMS..STORES_END).contains(&position) && position % 4 == 1);
        let region = if secondary { c.secondary } else { c.primary };
        self.cloud(cell).regions[region]
    }

    /// The name of the component at `index`; also defines its role by position in the cell.
    fn name(&self, index: usize) -> String {
        let (cell, position) = (index / CELL, index % CELL);
        let domain = DOMAINS[self.domains[cell]];
        if position < PLATFORMS {
            let region = self.region_of(cell, position);
            return format!("k8s-{region}-{index}");
        }
        let (suffix, _) = self.kind(index);
        format!("{domain}-{suffix}-{index}")
    }

    /// The name suffix and the `kind:` of the component at `index`.
    fn kind(&self, index: usize) -> (&'static str, &'static str) {
        let position = index % CELL;
        let pick = |kinds: &'static [(&'static str, &'static str)]| kinds[position % kinds.len()];
        match position {
            p if p < PLATFORMS => ("cluster", "platform"),
            p if p < STORES_END => pick(STORE_KINDS),
            p if p < SERVICES_END => pick(SERVICE_KINDS),
            _ => pick(EDGE_KINDS),
        }
    }

    /// A service of an earlier cell (for cross-team dependencies), if there is one.
    fn earlier_service(&self, cell: usize, rng: &mut Rng) -> Option<usize> {
        (cell > 0)
            .then(|| rng.below(cell) * CELL + STORES_END + rng.below(SERVICES_END - STORES_END))
    }
}

/// Writes formatted text to a `String`, which cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {
        $out.write_fmt(format_args!($($arg)*)).expect("writing to a String cannot fail")
    };
}

/// A YAML model (version-1 format) with `n_components` components, identical for identical
/// arguments on every platform; see the crate documentation for its shape.
///
/// Besides components it has three clouds (AWS, Azure, GCP; more regions for bigger models: at
/// 1M components 12 AWS regions and 10 each for the others; 3 zones and 12 to 14 services per
/// region; a few global services), ten SaaS
/// providers, availability data on some nodes, and `max(5, n_components / 1000)` business
/// functions delivered by edge components. [`FAILED_REGION`] and [`FAILED_ZONE`] always exist.
pub fn generate_model(n_components: usize, seed: u64) -> String {
    let mut rng = Rng(seed ^ 0x6a09_e667_f3bc_c908);
    let plan = Plan::new(n_components, &mut rng);
    let mut out = String::with_capacity(64 * 1024 + n_components * 260);
    w!(out, "# Generated by blastradius-bench: {n_components} components, seed {seed}.\n");
    w!(out, "version: 1\nname: bench-{n_components}\n");
    w!(out, "description: Synthetic estate for benchmarks, {n_components} components\n");
    write_providers(&mut out, &plan, &mut rng);
    let edges = write_components(&mut out, &plan, &mut rng);
    write_functions(&mut out, &plan, &edges, &mut rng);
    write_availability(&mut out, &plan, &mut rng);
    out
}

fn write_providers(out: &mut String, plan: &Plan, rng: &mut Rng) {
    out.push_str("providers:\n");
    for (cloud_index, cloud) in CLOUDS.iter().enumerate() {
        w!(out, "  {}:\n    availability: {}\n    regions:\n", cloud.name, cloud.availability);
        for region in &cloud.regions[..plan.regions[cloud_index]] {
            let zones: Vec<String> = (0..3).map(|z| zone_name(cloud, region, z)).collect();
            w!(out, "      {region}:\n        zones: [{}]\n", zones.join(", "));
            w!(out, "        services: [{}]\n", cloud.services.join(", "));
            match rng.below(4) {
                0 => w!(out, "        availability: 0.9999\n"),
                1 => w!(out, "        availability: {{ mtbf: 8760h, mttr: 4h }}\n"),
                _ => {}
            }
        }
        w!(out, "    global: [{}]\n", cloud.global.join(", "));
    }
    for (name, body) in SAAS {
        w!(out, "  {name}: {body}\n");
    }
}

/// A `runs_on`/`depends_on` entry under construction.
fn any(members: &[String]) -> String {
    format!("{{ any: [{}] }}", members.join(", "))
}

fn atleast(k: usize, members: &[String]) -> String {
    format!("{{ atleast: {k}, of: [{}] }}", members.join(", "))
}

fn soft(id: &str) -> String {
    format!("{{ soft: {id} }}")
}

fn zones_of(cloud: &Cloud, region: &str) -> Vec<String> {
    (0..3).map(|z| zone_id(cloud, region, z)).collect()
}

/// Writes `components:` and returns the indices of the edge components (the top layer).
fn write_components(out: &mut String, plan: &Plan, rng: &mut Rng) -> Vec<usize> {
    out.push_str("components:\n");
    let mut edges = Vec::with_capacity(plan.n / 10 + 1);
    // Planted forward edges: (index that must depend on, the id it depends on).
    let mut pending: Vec<(usize, String)> = Vec::new();
    let mut last_planted = 0;
    for index in 0..plan.n {
        let (cell, position) = (index / CELL, index % CELL);
        let cloud = plan.cloud(cell);
        let base = cell * CELL;
        let region = plan.region_of(cell, position);
        let region_id = format!("{}/{region}", cloud.name);
        let mut runs_on = None;
        let mut depends_on: Vec<String> = Vec::with_capacity(4);
        if position < PLATFORMS {
            runs_on = Some(any(&zones_of(cloud, region)));
            depends_on.push(format!("{region_id}/{}", cloud.compute));
            depends_on.push(format!("{region_id}/{}", cloud.registry));
            depends_on.push(format!("{}/global/{}", cloud.name, cloud.identity));
        } else if position < STORES_END {
            let platform = if region == plan.region_of(cell, 1) { 1 } else { 0 };
            // Most stores run on the cell's cluster, some on two zones, a few (legacy
            // single-AZ databases) on one zone.
            runs_on = Some(match rng.below(20) {
                0..2 => zone_id(cloud, region, rng.below(3)),
                2..8 => any(&zones_of(cloud, region)[..2]),
                _ => plan.name(base + platform),
            });
            let service = match position % STORE_KINDS.len() {
                0 => rng.pick(cloud.databases),
                1 => cloud.cache,
                2 => rng.pick(cloud.queues),
                _ => cloud.objects,
            };
            depends_on.push(format!("{region_id}/{service}"));
            match rng.below(4) {
                0 => depends_on.push(atleast(2, &zones_of(cloud, region))),
                1 if position >= PLATFORMS + 3 => {
                    // A replicated store: two of three earlier stores of the cell.
                    let replicas: Vec<String> = rng
                        .distinct(3, base + PLATFORMS, index)
                        .into_iter()
                        .map(|i| plan.name(i))
                        .collect();
                    depends_on.push(atleast(2, &replicas));
                }
                _ => depends_on.push(format!("{region_id}/{}", cloud.kms)),
            }
            if rng.chance(400) {
                depends_on.push(soft("datadog/global/metrics"));
            }
            if rng.chance(5) {
                // A rare soft back-edge: the store calls back into a service for hooks.
                if let Some(service) = plan.earlier_service(cell, rng) {
                    depends_on.push(soft(&plan.name(service)));
                }
            }
        } else if position < SERVICES_END {
            let platforms = [plan.name(base), plan.name(base + 1)];
            runs_on = Some(
                if plan.cells[cell].secondary != plan.cells[cell].primary && rng.chance(600) {
                    any(&platforms)
                } else {
                    platforms[0].clone()
                },
            );
            let n_depends = 2 + rng.below(3);
            for _ in 0..n_depends {
                let entry = match rng.below(100) {
                    0..30 => plan.name(base + PLATFORMS + rng.below(STORES_END - PLATFORMS)),
                    30..45 => {
                        let stores = rng.distinct(2, base + PLATFORMS, base + STORES_END);
                        any(&stores.into_iter().map(|i| plan.name(i)).collect::<Vec<_>>())
                    }
                    45..55 => {
                        let stores = rng.distinct(3, base + PLATFORMS, base + STORES_END);
                        atleast(2, &stores.into_iter().map(|i| plan.name(i)).collect::<Vec<_>>())
                    }
                    55..72 if position > STORES_END => {
                        plan.name(base + STORES_END + rng.below(position - STORES_END))
                    }
                    72..74 => match plan.earlier_service(cell, rng) {
                        Some(service) => plan.name(service),
                        None => format!("{}/global/{}", cloud.name, cloud.identity),
                    },
                    74..78 => {
                        match (plan.earlier_service(cell, rng), plan.earlier_service(cell, rng)) {
                            (Some(a), Some(b)) if a != b => any(&[plan.name(a), plan.name(b)]),
                            _ => "okta/global/sso".to_owned(),
                        }
                    }
                    78..82 => match plan.earlier_service(cell, rng) {
                        Some(service) => soft(&plan.name(service)),
                        None => soft("launchdarkly"),
                    },
                    82..85 => any(&["stripe".to_owned(), "adyen".to_owned()]),
                    85..88 => "okta/global/sso".to_owned(),
                    88..90 => rng.pick(&["twilio/global/sms", "sendgrid", "stripe"]).to_string(),
                    90..95 => soft(rng.pick(&[
                        "datadog/global/apm",
                        "datadog/global/logs",
                        "launchdarkly",
                    ])),
                    _ => format!("{region_id}/{}", rng.pick(cloud.queues)),
                };
                depends_on.push(entry);
            }
            // Plant a small cycle now and then: this service depends on one or two positions
            // ahead, which depend back on it (directly or through the one in between).
            if position + 2 < SERVICES_END
                && index + 2 < plan.n
                && index >= last_planted + 3
                && rng.chance(3)
            {
                let ahead = 1 + rng.below(2);
                depends_on.push(plan.name(index + ahead));
                if ahead == 2 {
                    pending.push((index + 2, plan.name(index + 1)));
                    pending.push((index + 1, plan.name(index)));
                } else {
                    pending.push((index + 1, plan.name(index)));
                }
                last_planted = index;
            }
        } else {
            edges.push(index);
            if rng.chance(300) {
                runs_on = Some("cloudflare/global/workers".to_owned());
            }
            depends_on.push(any(&[
                "cloudflare/global/dns".to_owned(),
                format!("{}/global/{}", cloud.name, cloud.dns),
            ]));
            depends_on
                .push(rng.pick(&["cloudflare/global/cdn", "cloudflare/global/waf"]).to_string());
            let service = base + STORES_END + rng.below(SERVICES_END - STORES_END);
            depends_on.push(match plan.earlier_service(cell, rng) {
                Some(other) if rng.chance(200) => any(&[plan.name(service), plan.name(other)]),
                _ => plan.name(service),
            });
            if rng.chance(500) {
                depends_on.push(format!("{region_id}/{}", cloud.load_balancer));
            }
        }
        while let Some(at) = pending.iter().position(|(target, _)| *target == index) {
            depends_on.push(pending.swap_remove(at).1);
        }
        write_component(out, plan, index, runs_on, &depends_on, rng);
    }
    edges
}

fn write_component(
    out: &mut String,
    plan: &Plan,
    index: usize,
    runs_on: Option<String>,
    depends_on: &[String],
    rng: &mut Rng,
) {
    let (_, kind) = plan.kind(index);
    w!(out, "  {}:\n    kind: {kind}\n", plan.name(index));
    if rng.chance(50) {
        let domain = DOMAINS[plan.domains[index / CELL]];
        w!(out, "    description: Owned by the {domain} team; see the runbook before failover\n");
    }
    if let Some(runs_on) = runs_on {
        w!(out, "    runs_on: {runs_on}\n");
    }
    if !depends_on.is_empty() {
        w!(out, "    depends_on: [{}]\n", depends_on.join(", "));
    }
    match rng.below(20) {
        0 => w!(out, "    availability: 0.9995\n"),
        1 => w!(
            out,
            "    availability: {{ mtbf: {}h, mttr: {}m }}\n",
            500 + rng.below(4000),
            5 + rng.below(120)
        ),
        _ => {}
    }
}

fn write_functions(out: &mut String, plan: &Plan, edges: &[usize], rng: &mut Rng) {
    if plan.n == 0 {
        return;
    }
    out.push_str("functions:\n");
    let candidates: Vec<usize> =
        if edges.is_empty() { (0..plan.n).collect() } else { edges.to_vec() };
    let n_functions = (plan.n / 1000).max(5);
    for f in 0..n_functions {
        let domain = DOMAINS[f % DOMAINS.len()];
        let k = (2 + rng.below(2)).min(candidates.len());
        let delivered: Vec<String> = rng
            .distinct(k, 0, candidates.len())
            .into_iter()
            .map(|i| plan.name(candidates[i]))
            .collect();
        w!(out, "  {domain}-journey-{f}:\n    delivered_by: [{}]\n", delivered.join(", "));
        let critical = rng.chance(300);
        w!(out, "    critical: {critical}\n    users: {}\n", 1000 * (1 + rng.below(5000)));
        w!(out, "    cost_per_hour: {}\n", 100 * (1 + rng.below(1000)));
        let (slo, rto) = if critical { ("99.95", "30m") } else { ("99.9", "4h") };
        w!(out, "    slo: {slo}\n    rto: {rto}\n");
        if rng.chance(500) {
            w!(out, "    rpo: 5m\n");
        }
    }
}

fn write_availability(out: &mut String, plan: &Plan, rng: &mut Rng) {
    out.push_str("availability:\n");
    for (cloud_index, cloud) in CLOUDS.iter().enumerate() {
        for region in &cloud.regions[..plan.regions[cloud_index]] {
            for zone in zones_of(cloud, region) {
                if rng.chance(500) {
                    w!(out, "  {zone}: 0.9995\n");
                }
            }
            if rng.chance(300) {
                w!(out, "  {}/{region}/{}: {{ mtbf: 2000h, mttr: 1h }}\n", cloud.name, cloud.kms);
            }
        }
        w!(out, "  {}/global/{}: 0.99999\n", cloud.name, cloud.identity);
    }
}

#[cfg(test)]
mod tests;

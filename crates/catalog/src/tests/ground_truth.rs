//! Ground truth: replaying the built-in scenarios on the catalogue alone must predict, as
//! impacted, the provider services the providers' own reports list as impacted, and must not
//! mark what those reports say kept working. The lists below are copied from the incident
//! research (provider reports, grades P and Pt); each names its source.

use blastradius_analysis::Status;

use crate::{Catalog, UtcMinute, builtin_scenarios, load_model, replay_scenario};

/// Every node the replay of `scenario` on a model made of `catalog` alone took down or
/// degraded, as `id: down 06:48-09:40, degraded …` lines sorted by id.
fn impacted(scenario: &str, catalog: &str) -> Vec<String> {
    let catalogue = Catalog::builtin();
    let text = format!("version: 1\nname: catalogue-only\ncatalog: [{catalog}]\n");
    let model = load_model(&catalogue, "m.yaml", text.as_bytes()).expect("valid");
    let scenario =
        builtin_scenarios().into_iter().find(|s| s.id == scenario).expect("a built-in scenario");
    let outcome = replay_scenario(&model, &scenario).expect("small enough");
    assert!(outcome.missing.is_empty(), "{:?}", outcome.missing);
    let mut lines = Vec::new();
    for node in model.node_ids() {
        let intervals = outcome.replay.node_intervals(node);
        if intervals.is_empty() {
            continue;
        }
        let spans: Vec<String> = intervals
            .iter()
            .map(|i| {
                let word = if i.status == Status::Down { "down" } else { "degraded" };
                format!("{word} {}-{}", UtcMinute(i.start).clock(), UtcMinute(i.end).clock())
            })
            .collect();
        lines.push(format!("{}: {}", model.id(node), spans.join(", ")));
    }
    lines.sort();
    lines
}

fn assert_covers(lines: &[String], expected: &[&str], forbidden: &[&str]) {
    let is_impacted = |id: &str| lines.iter().any(|line| line.starts_with(&format!("{id}: ")));
    for id in expected {
        assert!(is_impacted(id), "{id} should be impacted; predicted:\n{}", lines.join("\n"));
    }
    for id in forbidden {
        assert!(!is_impacted(id), "{id} should not be impacted; predicted:\n{}", lines.join("\n"));
    }
}

#[test]
fn aws_us_east_1_2025_predicts_the_services_of_the_post_event_summary() {
    let lines = impacted("aws-us-east-1-2025-10-20", "aws");
    // AWS, "Summary of the Amazon DynamoDB Service Disruption in the Northern Virginia
    // (US-EAST-1) Region": DynamoDB, EC2 launches, NLB (P); Lambda, STS, IAM console sign-in,
    // Redshift, ECS/EKS/Fargate, Connect (Pt); Support Center (P).
    let expected = [
        "aws/us-east-1/dynamodb",
        "aws/us-east-1/ec2-launch",
        "aws/us-east-1/nlb",
        "aws/us-east-1/lambda",
        "aws/us-east-1/sts",
        "aws/global/console-signin",
        "aws/us-east-1/redshift",
        "aws/us-east-1/ecs",
        "aws/us-east-1/eks",
        "aws/us-east-1/fargate",
        "aws/us-east-1/connect",
        "aws/us-east-1/support",
    ];
    // "Running EC2 instances were not affected" (P); the event was confined to us-east-1 apart
    // from console sign-in, so other regions' services stay up.
    let forbidden = [
        "aws/us-east-1/ec2",
        "aws/us-east-1",
        "aws",
        "aws/us-west-2/dynamodb",
        "aws/us-east-2/ec2-launch",
        "aws/eu-west-1/lambda",
        "aws/us-east-1/s3",
    ];
    assert_covers(&lines, &expected, &forbidden);
    insta::assert_snapshot!(lines.join("\n"), @"
    aws/global/console-signin: down 06:48-09:40
    aws/us-east-1/connect: degraded 06:48-09:40, degraded 12:30-21:09
    aws/us-east-1/dynamodb: down 06:48-09:40
    aws/us-east-1/ec2-launch: down 06:48-12:28, degraded 12:28-20:50
    aws/us-east-1/ecs: degraded 06:48-20:50
    aws/us-east-1/eks: degraded 06:48-20:50
    aws/us-east-1/fargate: degraded 06:48-20:50
    aws/us-east-1/lambda: degraded 06:48-09:40, degraded 12:30-21:09
    aws/us-east-1/nlb: degraded 12:30-21:09
    aws/us-east-1/redshift: down 06:48-09:40, degraded 09:40-20:50
    aws/us-east-1/sts: degraded 06:48-09:40, degraded 12:30-21:09
    aws/us-east-1/support: degraded 06:48-09:40
    ");
}

#[test]
fn azure_front_door_2025_predicts_the_services_of_the_review() {
    let lines = impacted("azure-front-door-2025-10-29", "azure");
    // Azure post-incident review YKYN-BWZ: Front Door and Azure CDN, the Azure Portal, parts of
    // Entra ID, Microsoft 365, Dynamics 365 and Power Platform, and the listed Azure services (P).
    let expected = [
        "azure/global/front-door",
        "azure/global/cdn",
        "azure/global/portal",
        "azure/global/entra-id",
        "azure/global/microsoft-365",
        "azure/global/dynamics-365",
        "azure/global/power-platform",
        "azure/global/aad-b2c",
        "azure/global/communication-services",
        "azure/global/databricks",
        "azure/global/static-web-apps",
        "azure/global/media-services",
        "azure/global/maps",
        "azure/global/marketplace",
        "azure/eastus/app-service",
        "azure/westeurope/sql-database",
    ];
    // Services the review does not list, and regions, stay up: the failure was in the edge
    // fleet, not in regional compute or storage.
    let forbidden = [
        "azure/eastus",
        "azure/eastus/virtual-machines",
        "azure/westeurope/storage",
        "azure/uksouth/aks",
        "azure/centralus/cosmos-db",
    ];
    assert_covers(&lines, &expected, &forbidden);
    // The portal was failed away from Front Door at 17:26 (P): down 15:41 to 17:26 only.
    assert!(lines.contains(&"azure/global/portal: down 15:41-17:26".to_owned()), "{lines:#?}");
    insta::assert_snapshot!(lines.join("\n"), @"
    azure/centralus/app-service: degraded 15:41-00:05
    azure/centralus/sql-database: degraded 15:41-00:05
    azure/eastus/app-service: degraded 15:41-00:05
    azure/eastus/sql-database: degraded 15:41-00:05
    azure/eastus2/app-service: degraded 15:41-00:05
    azure/eastus2/sql-database: degraded 15:41-00:05
    azure/global/aad-b2c: degraded 15:41-00:05
    azure/global/cdn: down 15:41-18:30, degraded 18:30-00:05
    azure/global/communication-services: degraded 15:41-00:05
    azure/global/databricks: degraded 15:41-00:05
    azure/global/dynamics-365: degraded 15:41-00:05
    azure/global/entra-id: degraded 15:41-00:05
    azure/global/front-door: down 15:41-18:30, degraded 18:30-00:05
    azure/global/maps: degraded 15:41-00:05
    azure/global/marketplace: degraded 15:41-00:05
    azure/global/media-services: degraded 15:41-00:05
    azure/global/microsoft-365: degraded 15:41-00:05
    azure/global/portal: down 15:41-17:26
    azure/global/power-platform: degraded 15:41-23:15
    azure/global/purview: degraded 15:41-00:05
    azure/global/sentinel: degraded 15:41-00:05
    azure/global/static-web-apps: degraded 15:41-00:05
    azure/northeurope/app-service: degraded 15:41-00:05
    azure/northeurope/sql-database: degraded 15:41-00:05
    azure/uksouth/app-service: degraded 15:41-00:05
    azure/uksouth/sql-database: degraded 15:41-00:05
    azure/westeurope/app-service: degraded 15:41-00:05
    azure/westeurope/sql-database: degraded 15:41-00:05
    azure/westus2/app-service: degraded 15:41-00:05
    azure/westus2/sql-database: degraded 15:41-00:05
    ");
}

#[test]
fn cloudflare_2025_11_predicts_the_products_of_the_report() {
    let lines = impacted("cloudflare-2025-11-18", "cloudflare");
    // Cloudflare, "Cloudflare outage on November 18, 2025": core CDN and security services,
    // Turnstile, Workers KV, the dashboard, Email Security and Access (P).
    let expected = [
        "cloudflare/global/cdn",
        "cloudflare/global/waf",
        "cloudflare/global/turnstile",
        "cloudflare/global/workers-kv",
        "cloudflare/global/dashboard",
        "cloudflare/global/email-security",
        "cloudflare/global/access",
    ];
    // Nothing in that report ties Magic Transit, or Google Cloud, to the core proxy.
    let forbidden = ["cloudflare/global/magic-transit", "gcp/global/service-control"];
    assert_covers(&lines, &expected, &forbidden);
    // Workers KV and Access bypassed the core proxy at 13:05 while it stayed down to 14:30 (P).
    assert!(lines.contains(&"cloudflare/global/workers-kv: down 11:28-13:05".to_owned()));
    assert!(lines.contains(&"cloudflare/global/cdn: down 11:28-14:30".to_owned()));
    insta::assert_snapshot!(lines.join("\n"), @"
    cloudflare/global/access: down 11:28-13:05
    cloudflare/global/ai-gateway: down 11:28-13:05
    cloudflare/global/autorag: down 11:28-13:05
    cloudflare/global/bot-management: down 11:28-14:30
    cloudflare/global/cdn: down 11:28-14:30
    cloudflare/global/dashboard: degraded 11:28-14:30, degraded 14:40-15:30
    cloudflare/global/email-security: degraded 11:28-14:30
    cloudflare/global/gateway: degraded 11:28-13:05
    cloudflare/global/images: degraded 11:28-13:05
    cloudflare/global/pages: degraded 11:28-13:05
    cloudflare/global/stream: degraded 11:28-13:05
    cloudflare/global/turnstile: down 11:28-14:30
    cloudflare/global/waf: down 11:28-14:30
    cloudflare/global/warp: degraded 11:28-13:05
    cloudflare/global/workers-ai: down 11:28-13:05
    cloudflare/global/workers-kv: down 11:28-13:05
    cloudflare/global/zaraz: degraded 11:28-13:05
    ");
}

#[test]
fn cloudflare_2025_06_predicts_the_products_of_the_report_and_spares_the_rest() {
    let lines = impacted("cloudflare-kv-2025-06-12", "cloudflare");
    // Cloudflare, "Cloudflare service outage June 12, 2025": impacted products (P, Pt) …
    let expected = [
        "cloudflare/global/workers-kv",
        "cloudflare/global/access",
        "cloudflare/global/warp",
        "cloudflare/global/gateway",
        "cloudflare/global/dashboard",
        "cloudflare/global/turnstile",
        "cloudflare/global/workers-ai",
        "cloudflare/global/ai-gateway",
        "cloudflare/global/autorag",
        "cloudflare/global/stream",
        "cloudflare/global/images",
        "cloudflare/global/pages",
        "cloudflare/global/zaraz",
    ];
    // … and "not impacted: Magic Transit and Magic WAN, DNS, cache, proxy, WAF" (P).
    let forbidden = [
        "cloudflare/global/magic-transit",
        "cloudflare/global/dns",
        "cloudflare/global/cdn",
        "cloudflare/global/waf",
    ];
    assert_covers(&lines, &expected, &forbidden);
}

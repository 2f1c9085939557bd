//! Unit tests of parsing and validation: one small model per problem, snapshotting the rendered
//! diagnostics.

use crate::load;

/// Loads `text` and renders either a one-line summary of the model or every diagnostic.
fn check(text: &str) -> String {
    match load("m.yaml", text.as_bytes()) {
        Ok(model) => {
            let mut out =
                format!("ok: {} nodes, {} functions", model.n_nodes(), model.functions().len());
            for warning in model.warnings() {
                out.push('\n');
                out.push_str(&warning.render("m.yaml"));
            }
            out
        }
        Err(error) => {
            error.diagnostics.iter().map(|d| d.render("m.yaml")).collect::<Vec<_>>().join("\n")
        }
    }
}

const ISSUE_EXAMPLE: &str = r#"version: 1
name: acme-pay
providers:
  aws:
    regions:
      us-east-1: { zones: [use1-az1, use1-az2, use1-az4], services: [dynamodb, lambda] }
      eu-west-1: { zones: [euw1-az1, euw1-az2], services: [dynamodb] }
    global: [iam]
  cloudflare: { global: [cdn] }
  stripe: { availability: 0.9999 }
  adyen: {}
components:
  edge: { depends_on: [cloudflare/global/cdn] }
  api:
    runs_on: { any: [aws/us-east-1/use1-az1, aws/us-east-1/use1-az2] }
    depends_on: [ledger, { any: [stripe, adyen] }, { soft: recommendations }, aws/global/iam]
  ledger:
    depends_on: [{ atleast: 2, of: [aws/us-east-1/use1-az1, aws/us-east-1/use1-az2, aws/us-east-1/use1-az4] }, aws/us-east-1/dynamodb]
  recommendations: { runs_on: aws/us-east-1/lambda }
functions:
  payments: { delivered_by: [edge, api], critical: true, users: 2000000, cost_per_hour: 120000, slo: 99.95 }
"#;

#[test]
fn the_issue_example_validates_unchanged() {
    insta::assert_snapshot!(check(ISSUE_EXAMPLE), @"ok: 22 nodes, 1 functions");
}

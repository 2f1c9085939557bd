//! Policy-check results for people and for CI: human text, JSON, JUnit XML (one test suite per
//! rule, one test case per function) and SARIF 2.1.0 (one result per violation, located in the
//! model file).

use blastradius_analysis::{CheckCase, CheckReport, RuleOutcome};
use blastradius_model::{Location, Model};
use serde::Serialize;
use serde_json::json;

use crate::diagnostics::to_json;
use crate::style::{DIM, DOWN, HEADING, Options, UP, plural_suffix};

fn subject(model: &Model, case: &CheckCase) -> String {
    case.function.map_or("(whole model)".to_owned(), |f| model.functions()[f].id.clone())
}

fn failed(rule: &RuleOutcome) -> bool {
    rule.cases.iter().any(|c| !c.violations.is_empty())
}

/// A check for people: a verdict line, then each rule with its violations and skipped cases.
pub fn check_human(
    model: &Model,
    report: &CheckReport,
    policy_file: Option<&str>,
    options: Options,
) -> String {
    let n_failed = report.rules.iter().filter(|r| failed(r)).count();
    let n_violations = report.n_violations();
    let policy = policy_file.map_or("the default policy".to_owned(), |f| format!("policy {f}"));
    let mut out = options.paint(HEADING, &format!("Check of `{}` against {policy}", model.name()));
    out.push_str(&format!(
        "  ({} function{} in scope, {} rule{})\n",
        report.scope.len(),
        plural_suffix(report.scope.len()),
        report.rules.len(),
        plural_suffix(report.rules.len())
    ));
    for rule in &report.rules {
        let (mark, style) = if failed(rule) { ("FAIL", DOWN) } else { ("pass", UP) };
        out.push_str(&format!(
            "{} {}: {}\n",
            options.paint(style, mark),
            rule.id,
            rule.description
        ));
        for case in &rule.cases {
            for violation in &case.violations {
                out.push_str(&format!("  - {}\n", violation.message));
            }
            if let Some(reason) = &case.skipped {
                out.push_str(
                    &options.paint(DIM, &format!("  skipped {}: {reason}\n", subject(model, case))),
                );
            }
        }
    }
    out.push_str(&if n_violations == 0 {
        options.paint(UP, "Every rule holds.\n")
    } else {
        options.paint(
            DOWN,
            &format!(
                "{n_violations} violation{} of {n_failed} rule{}.\n",
                plural_suffix(n_violations),
                plural_suffix(n_failed)
            ),
        )
    });
    out
}

#[derive(Serialize)]
struct ViolationJson {
    node: Option<String>,
    message: String,
}

#[derive(Serialize)]
struct CaseJson {
    function: Option<String>,
    passed: bool,
    skipped: Option<String>,
    violations: Vec<ViolationJson>,
}

#[derive(Serialize)]
struct RuleJson {
    id: String,
    description: String,
    passed: bool,
    cases: Vec<CaseJson>,
}

#[derive(Serialize)]
struct CheckJson {
    model: String,
    passed: bool,
    violations: usize,
    scope: Vec<String>,
    rules: Vec<RuleJson>,
}

/// A check as one JSON document.
pub fn check_json(model: &Model, report: &CheckReport) -> String {
    to_json(&CheckJson {
        model: model.name().to_owned(),
        passed: report.n_violations() == 0,
        violations: report.n_violations(),
        scope: report.scope.iter().map(|&f| model.functions()[f].id.clone()).collect(),
        rules: report
            .rules
            .iter()
            .map(|rule| RuleJson {
                id: rule.id.clone(),
                description: rule.description.clone(),
                passed: !failed(rule),
                cases: rule
                    .cases
                    .iter()
                    .map(|case| CaseJson {
                        function: case.function.map(|f| model.functions()[f].id.clone()),
                        passed: case.violations.is_empty(),
                        skipped: case.skipped.clone(),
                        violations: case
                            .violations
                            .iter()
                            .map(|v| ViolationJson {
                                node: v.node.map(|n| model.id(n).to_owned()),
                                message: v.message.clone(),
                            })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// `text` with the five XML special characters escaped, and control characters other than
/// tab and newline (which XML 1.0 forbids) dropped.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

/// A check as JUnit XML: one `testsuite` per rule, one `testcase` per function (and one for
/// the whole model where the rule has it), a `failure` listing the violations, `skipped` with
/// the reason.
pub fn check_junit(model: &Model, report: &CheckReport) -> String {
    let n_tests: usize = report.rules.iter().map(|r| r.cases.len()).sum();
    let n_failures: usize =
        report.rules.iter().flat_map(|r| &r.cases).filter(|c| !c.violations.is_empty()).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"blastradius check {}\" tests=\"{n_tests}\" failures=\"{n_failures}\" errors=\"0\">\n",
        xml_escape(model.name())
    ));
    for rule in &report.rules {
        let failures = rule.cases.iter().filter(|c| !c.violations.is_empty()).count();
        let skipped = rule.cases.iter().filter(|c| c.skipped.is_some()).count();
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n",
            xml_escape(&rule.id),
            rule.cases.len()
        ));
        for case in &rule.cases {
            let name = xml_escape(&subject(model, case));
            let classname = xml_escape(&format!("{}.{}", model.name(), rule.id));
            out.push_str(&format!("    <testcase name=\"{name}\" classname=\"{classname}\""));
            if let Some(reason) = &case.skipped {
                out.push_str(&format!(
                    ">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                    xml_escape(reason)
                ));
            } else if case.violations.is_empty() {
                out.push_str("/>\n");
            } else {
                let first = &case.violations[0].message;
                let message = match case.violations.len() {
                    1 => first.clone(),
                    n => format!("{first} (and {} more)", n - 1),
                };
                let body: Vec<&str> = case.violations.iter().map(|v| v.message.as_str()).collect();
                out.push_str(&format!(
                    ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml_escape(&rule.id),
                    xml_escape(&message),
                    xml_escape(&body.join("\n"))
                ));
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A file path as a relative URI reference: `%`, spaces and other characters outside the
/// URI's unreserved and path sets percent-encoded, `\` turned into `/`.
fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A check as a SARIF 2.1.0 log: one rule descriptor per policy rule, one `error` result per
/// violation, located at the culprit node (or the function) in `model_file`.
pub fn check_sarif(model: &Model, report: &CheckReport, model_file: &str) -> String {
    let uri = uri_reference(model_file);
    let region =
        |at: Location| json!({ "startLine": at.line.max(1), "startColumn": at.column.max(1) });
    let rules: Vec<serde_json::Value> = report
        .rules
        .iter()
        .map(|rule| json!({ "id": rule.id, "shortDescription": { "text": rule.description } }))
        .collect();
    let mut results = Vec::new();
    for (rule_index, rule) in report.rules.iter().enumerate() {
        for case in &rule.cases {
            for violation in &case.violations {
                let at = match (violation.node, case.function) {
                    (Some(node), _) => Some(model.location(node)),
                    (None, Some(function)) => Some(model.functions()[function].location),
                    (None, None) => None,
                };
                let mut physical = json!({ "artifactLocation": { "uri": uri, "index": 0 } });
                if let Some(at) = at {
                    physical["region"] = region(at);
                }
                results.push(json!({
                    "ruleId": rule.id,
                    "ruleIndex": rule_index,
                    "level": "error",
                    "message": { "text": violation.message },
                    "locations": [{ "physicalLocation": physical }],
                }));
            }
        }
    }
    to_json(&json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "blastradius", "rules": rules } },
            "artifacts": [{ "location": { "uri": uri } }],
            "results": results,
        }],
    }))
}

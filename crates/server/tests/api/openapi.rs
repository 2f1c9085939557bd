//! The OpenAPI document, checked against the running server: every documented path and method
//! is called with the document's own examples, and must answer with a documented status and a
//! body of the documented shape; then without the token, with an unknown id and with a body of
//! the wrong shape, each of which must answer with its documented error.

use serde_json::Value;

use crate::http::{Response, request};
use crate::schema::check;
use crate::{TOKEN, start};

struct Operation<'a> {
    path: &'a str,
    method: &'a str,
    spec: &'a Value,
}

fn operations(document: &Value) -> Vec<Operation<'_>> {
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, spec) in item.as_object().expect("a path item") {
            operations.push(Operation { path, method, spec });
        }
    }
    // The upload first (it creates model 1, which the examples name), then the analyses (the
    // first creates run 1), then the reads.
    operations.sort_by_key(|o| match (o.method, o.path) {
        ("post", "/api/models") => 0,
        ("post", _) => 1,
        _ => 2,
    });
    operations
}

/// The path with `{name}` parameters replaced (by their example, or by `id`), and the query
/// built from the examples of the query parameters.
fn target(operation: &Operation<'_>, id: Option<&str>) -> String {
    let mut path = operation.path.to_owned();
    let mut query = Vec::new();
    for parameter in operation.spec["parameters"].as_array().into_iter().flatten() {
        let name = parameter["name"].as_str().expect("a name");
        let example = match &parameter["example"] {
            Value::String(text) => text.clone(),
            Value::Null => continue,
            other => other.to_string(),
        };
        match parameter["in"].as_str() {
            Some("path") => {
                path = path.replace(&format!("{{{name}}}"), id.unwrap_or(example.as_str()))
            }
            Some("query") => query.push(format!("{name}={example}")),
            other => panic!("parameter in {other:?}"),
        }
    }
    assert!(!path.contains('{'), "every path parameter of {} has an example", operation.path);
    if query.is_empty() { path } else { format!("{path}?{}", query.join("&")) }
}

fn example_body(operation: &Operation<'_>) -> Vec<u8> {
    let Some(content) = operation.spec["requestBody"]["content"].as_object() else {
        return Vec::new();
    };
    let (media, body) = content.iter().next().expect("one media type");
    match (media.as_str(), &body["example"]) {
        ("application/json", example) => example.to_string().into_bytes(),
        (_, Value::String(text)) => text.clone().into_bytes(),
        (media, _) => panic!("no example for {media} in {}", operation.path),
    }
}

/// Checks that `response` is documented for `operation` and has the documented shape.
fn check_response(document: &Value, operation: &Operation<'_>, response: &Response) {
    let what = format!("{} {} → {}", operation.method, operation.path, response.status);
    let documented = &operation.spec["responses"][response.status.to_string()];
    assert!(documented.is_object(), "{what} is not documented: {}", response.body);
    let Some(content) = documented["content"].as_object() else {
        assert!(response.body.is_empty(), "{what}: undocumented body");
        return;
    };
    let (media, body) = content.iter().next().expect("one media type");
    let content_type = response.header("content-type").unwrap_or_default();
    assert!(
        content_type.starts_with(media.as_str()),
        "{what}: content type {content_type}, documented {media}"
    );
    if media == "application/json" {
        let problems = check(document, &body["schema"], &response.json());
        assert!(problems.is_empty(), "{what}: {problems:#?}\n{}", response.body);
    }
    for header in documented["headers"].as_object().into_iter().flatten().map(|(name, _)| name) {
        assert!(
            response.header(&header.to_ascii_lowercase()).is_some(),
            "{what}: no {header} header"
        );
    }
}

#[test]
fn every_documented_endpoint_answers_as_documented() {
    let document: Value = serde_json::from_str(blastradius_server::OPENAPI).expect("JSON");
    assert_eq!(document["openapi"], "3.1.0");
    let server = start();
    let operations = operations(&document);
    assert!(operations.len() >= 12, "all operations are listed");
    for operation in &operations {
        let secured = operation.spec.get("security").is_some();
        let method = operation.method.to_ascii_uppercase();
        let token = secured.then_some(TOKEN);

        let response = request(
            server.address,
            &method,
            &target(operation, None),
            token,
            &example_body(operation),
        );
        assert!(
            (200..300).contains(&response.status),
            "{method} {}: {}",
            operation.path,
            response.body
        );
        check_response(&document, operation, &response);

        if secured {
            let response = request(
                server.address,
                &method,
                &target(operation, None),
                None,
                &example_body(operation),
            );
            assert_eq!(response.status, 401, "{method} {} without a token", operation.path);
            check_response(&document, operation, &response);
        }
        if operation.path.contains("{id}") {
            let response = request(
                server.address,
                &method,
                &target(operation, Some("424242")),
                token,
                &example_body(operation),
            );
            assert_eq!(response.status, 404, "{method} {} with an unknown id", operation.path);
            check_response(&document, operation, &response);
        }
        if operation.spec["requestBody"]["content"].get("application/json").is_some() {
            let response = request(
                server.address,
                &method,
                &target(operation, None),
                token,
                b"{\"unknown\": true}",
            );
            assert_eq!(response.status, 400, "{method} {} with a wrong body", operation.path);
            check_response(&document, operation, &response);
        }
    }
}

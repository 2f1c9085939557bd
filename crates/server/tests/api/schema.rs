//! A small checker for the JSON Schema subset the OpenAPI document uses: `$ref` to
//! `#/components/schemas`, `type` (one or a list, `integer` as whole numbers), `properties`,
//! `required`, `additionalProperties: false`, `items`, `enum`, `const`, `oneOf`, `anyOf`,
//! `minItems`, `maxItems` and `minimum`. A keyword it does not know fails the check, so the
//! document cannot silently say more than is tested.

use serde_json::Value;

const KNOWN: &[&str] = &[
    "$ref",
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "oneOf",
    "anyOf",
    "minItems",
    "maxItems",
    "minimum",
    "description",
];

/// Every way `value` breaks `schema`, each with the JSON pointer of the culprit; empty when it
/// conforms. `document` is the OpenAPI document, for `$ref`s.
pub(crate) fn check(document: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    walk(document, schema, value, "", &mut problems);
    problems
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        other => panic!("unknown type `{other}` in the schema"),
    }
}

fn walk(document: &Value, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        problems.push(format!("{at}: the schema is not an object"));
        return;
    };
    for keyword in schema.keys() {
        assert!(KNOWN.contains(&keyword.as_str()), "the checker does not know `{keyword}`");
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/components/schemas/").expect("local refs only");
        let target = &document["components"]["schemas"][name];
        assert!(!target.is_null(), "dangling $ref {reference}");
        walk(document, target, value, at, problems);
    }
    if let Some(kind) = schema.get("type") {
        let names: Vec<&str> = match kind {
            Value::String(name) => vec![name.as_str()],
            Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type keyword {kind}"),
        };
        if !names.iter().any(|name| type_matches(name, value)) {
            problems.push(format!("{at}: expected {}, found {value}", names.join(" or ")));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            problems.push(format!("{at}: {value} is not one of {options:?}"));
        }
    }
    if let Some(expected) = schema.get("const") {
        if expected != value {
            problems.push(format!("{at}: expected {expected}, found {value}"));
        }
    }
    if let (Some(minimum), Some(number)) =
        (schema.get("minimum").and_then(Value::as_f64), value.as_f64())
    {
        if number < minimum {
            problems.push(format!("{at}: {number} is below {minimum}"));
        }
    }
    if let Some(object) = value.as_object() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = name.as_str().expect("required names are strings");
            if !object.contains_key(name) {
                problems.push(format!("{at}: missing required `{name}`"));
            }
        }
        for (name, field) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(field_schema) => {
                    walk(document, field_schema, field, &format!("{at}/{name}"), problems)
                }
                None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    problems.push(format!("{at}: undocumented field `{name}`"))
                }
                None => {}
            }
        }
    }
    if let Some(items) = value.as_array() {
        let length = items.len() as u64;
        if schema.get("minItems").and_then(Value::as_u64).is_some_and(|min| length < min) {
            problems.push(format!("{at}: fewer items than minItems"));
        }
        if schema.get("maxItems").and_then(Value::as_u64).is_some_and(|max| length > max) {
            problems.push(format!("{at}: more items than maxItems"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (i, item) in items.iter().enumerate() {
                walk(document, item_schema, item, &format!("{at}/{i}"), problems);
            }
        }
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let failures: Vec<Vec<String>> =
            options.iter().map(|o| problems_at(document, o, value, at)).collect();
        let n_matching = failures.iter().filter(|f| f.is_empty()).count();
        if n_matching != 1 {
            problems.push(format!(
                "{at}: matches {n_matching} of the oneOf schemas, not exactly 1: {failures:?}"
            ));
        }
    }
    if let Some(options) = schema.get("anyOf").and_then(Value::as_array) {
        if !options.iter().any(|o| problems_at(document, o, value, at).is_empty()) {
            problems.push(format!("{at}: matches none of the anyOf schemas"));
        }
    }
}

fn problems_at(document: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    let mut problems = Vec::new();
    walk(document, schema, value, at, &mut problems);
    problems
}

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
    insta::assert_snapshot!(check(ISSUE_EXAMPLE), @"ok: 20 nodes, 1 functions");
}

/// A minimal valid header and provider section that the error cases below extend.
const HEAD: &str = "version: 1\nname: t\nproviders:\n  aws:\n    regions:\n      us-east-1: { zones: [use1-az1, use1-az2, use1-az4], services: [dynamodb] }\n    global: [iam]\n  stripe: {}\n";

fn with_head(rest: &str) -> String {
    format!("{HEAD}{rest}")
}

#[test]
fn unknown_id_suggests_the_closest() {
    insta::assert_snapshot!(check(&with_head("components:\n  api: { depends_on: [aws/us-east-1/dynamo, strpe, aws/us-west-2] }\n")), @"
    m.yaml:10:23: error: unknown id `aws/us-east-1/dynamo` in `depends_on` of component `api`
      help: did you mean `aws/us-east-1/dynamodb`?
    m.yaml:10:45: error: unknown id `strpe` in `depends_on` of component `api`
      help: did you mean `stripe`?
    m.yaml:10:52: error: unknown id `aws/us-west-2` in `depends_on` of component `api`
      help: did you mean `aws/us-east-1`?
    ");
}

#[test]
fn duplicate_ids_name_the_first_definition() {
    insta::assert_snapshot!(check(&with_head("components:\n  api: {}\n  stripe: {}\n  api: {}\n")), @"
    m.yaml:11:3: error: duplicate id `stripe`; it is first defined at 8:3
    m.yaml:12:3: error: duplicate key `api`; it is first defined at 10:3
    ");
}

#[test]
fn duplicate_zone_in_a_region() {
    insta::assert_snapshot!(check("version: 1\nname: t\nproviders:\n  aws: { regions: { r1: { zones: [a, b, a], services: [a] } } }\n"), @"
    m.yaml:4:41: error: duplicate id `aws/r1/a`; it is first defined at 4:35
    m.yaml:4:56: error: duplicate id `aws/r1/a`; it is first defined at 4:35
    ");
}

#[test]
fn atleast_out_of_range() {
    insta::assert_snapshot!(check(&with_head("components:\n  db: { depends_on: [{ atleast: 4, of: [aws/us-east-1/use1-az1, aws/us-east-1/use1-az2] }] }\n  db2: { depends_on: [{ atleast: 0, of: [stripe] }] }\n  db3: { depends_on: [{ atleast: 1.5, of: [stripe, aws] }] }\n")), @"
    m.yaml:10:33: error: `atleast: 4` is out of range for a group of 2
      help: k must be a whole number from 1 to 2
    m.yaml:11:34: error: `atleast: 0` is out of range for a group of 1
      help: k must be a whole number from 1 to 1
    m.yaml:12:34: error: `atleast: 1.5` is out of range for a group of 2
      help: k must be a whole number from 1 to 2
    ");
}

#[test]
fn empty_groups() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { depends_on: [{ any: [] }] }\n  b: { depends_on: [{ atleast: 1, of: [] }] }\n  c: { depends_on: [{}] }\n")), @"
    m.yaml:10:28: error: empty `any` group
      help: list at least one id, e.g. `{ any: [stripe, adyen] }`
    m.yaml:11:39: error: empty `of` list
      help: list the members, e.g. `{ atleast: 2, of: [a, b, c] }`
    m.yaml:12:21: error: a dependency group names no ids
      help: write an id, `{ any: [a, b] }`, `{ atleast: 2, of: [a, b, c] }` or `{ soft: id }`
    ");
}

#[test]
fn group_forms_do_not_mix() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { depends_on: [{ any: [stripe], soft: aws }, { any: [stripe], of: [aws] }, { atleast: 1 }, [stripe]] }\n")), @"
    m.yaml:10:21: error: a dependency group mixes `any`, `atleast` and `soft`
      help: write an id, `{ any: [a, b] }`, `{ atleast: 2, of: [a, b, c] }` or `{ soft: id }`
    m.yaml:10:51: error: `of` belongs with `atleast`, not `any`
      help: write an id, `{ any: [a, b] }`, `{ atleast: 2, of: [a, b, c] }` or `{ soft: id }`
    m.yaml:10:81: error: `atleast` needs `of`, the list of members
      help: write `{ atleast: 2, of: [a, b, c] }`
    m.yaml:10:97: error: an entry of `depends_on` must be an id or a group, found a list
      help: write `{ any: [a, b] }` for redundancy, or list the ids one by one
    ");
}

#[test]
fn availability_outside_the_unit_interval() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { availability: 1.5 }\n  b: { availability: 0 }\n  c: { availability: -0.2 }\n  d: { availability: high }\n  e: { availability: 101% }\n")), @"
    m.yaml:10:22: error: availability `1.5` of `a` is outside (0, 1]
      help: write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, or `{ mtbf: 2000h, mttr: 30m }`
    m.yaml:11:22: error: availability `0` of `b` is outside (0, 1]
      help: write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, or `{ mtbf: 2000h, mttr: 30m }`
    m.yaml:12:22: error: availability `-0.2` of `c` is outside (0, 1]
      help: write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, or `{ mtbf: 2000h, mttr: 30m }`
    m.yaml:13:22: error: bad availability `high` for `d`
      help: write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, or `{ mtbf: 2000h, mttr: 30m }`
    m.yaml:14:22: error: availability `101%` of `e` is outside (0, 1]
      help: write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, or `{ mtbf: 2000h, mttr: 30m }`
    ");
}

#[test]
fn availability_forms_are_read() {
    let model = load("m.yaml", with_head("components:\n  a: { availability: 0.9995 }\n  b: { availability: 99.9% }\n  c: { availability: { mtbf: 999h, mttr: 1h } }\navailability:\n  aws/us-east-1/use1-az1: { mtbf: 1y, mttr: 8h45m36s }\n  stripe: 0.99\n").as_bytes()).expect("valid");
    let of = |id| {
        model.availability(model.lookup(id).expect("exists")).expect("has data").availability()
    };
    let figures = ["a", "b", "c", "aws/us-east-1/use1-az1", "stripe"]
        .map(|id| format!("{id} {:.6}", of(id)))
        .join("\n");
    insta::assert_snapshot!(figures, @"
    a 0.999500
    b 0.999000
    c 0.999000
    aws/us-east-1/use1-az1 0.999001
    stripe 0.990000
    ");
}

#[test]
fn bad_durations() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { availability: { mtbf: 2000, mttr: 30m } }\n  b: { availability: { mtbf: 0h, mttr: 30m } }\n  c: { availability: { mtbf: 10h } }\nfunctions:\n  f: { delivered_by: [a], rto: soon, rpo: 5 minutes }\n")), @"
    m.yaml:10:30: error: bad duration `2000` for mtbf
      help: write a number with a unit: s, m, h, d, w or y (e.g. `30m`, `2000h`, `1.5d`, `1h30m`)
    m.yaml:11:30: error: the mtbf of `b` must be longer than zero
      help: write a number with a unit: s, m, h, d, w or y (e.g. `30m`, `2000h`, `1.5d`, `1h30m`)
    m.yaml:12:22: error: the availability of `c` needs both `mtbf` and `mttr`
      help: write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, or `{ mtbf: 2000h, mttr: 30m }`
    m.yaml:14:32: error: bad duration `soon` for `rto`
      help: write a number with a unit: s, m, h, d, w or y (e.g. `30m`, `2000h`, `1.5d`, `1h30m`)
    m.yaml:14:43: error: bad duration `5 minutes` for `rpo`
      help: write a number with a unit: s, m, h, d, w or y (e.g. `30m`, `2000h`, `1.5d`, `1h30m`)
    ");
}

#[test]
fn availability_given_twice_or_for_an_unknown_id() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { availability: 0.99 }\navailability:\n  a: 0.98\n  aws/us-east-1/use1-az9: 0.99\n")), @"
    m.yaml:12:3: error: the availability of `a` is also given where it is defined, at 10:3
      help: give it in one place only
    m.yaml:13:3: error: unknown id `aws/us-east-1/use1-az9` in `availability`
      help: did you mean `aws/us-east-1/use1-az1`?
    ");
}

#[test]
fn unknown_keys_suggest_the_closest() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { dependson: [stripe], runs-on: aws }\nfunctions:\n  f: { delivered_by: [a], criticl: true }\nfuncions: {}\n")), @"
    m.yaml:10:8: error: unknown key `dependson` in component `a`
      help: did you mean `depends_on`? valid keys are `description`, `kind`, `availability`, `runs_on`, `depends_on`
    m.yaml:10:29: error: unknown key `runs-on` in component `a`
      help: did you mean `runs_on`? valid keys are `description`, `kind`, `availability`, `runs_on`, `depends_on`
    m.yaml:12:27: error: unknown key `criticl` in function `f`
      help: did you mean `critical`? valid keys are `description`, `delivered_by`, `critical`, `users`, `cost_per_hour`, `slo`, `rto`, `rpo`
    m.yaml:13:1: error: unknown key `funcions` in the model
      help: did you mean `functions`? valid keys are `version`, `name`, `description`, `providers`, `components`, `functions`, `availability`, `catalog`, `organisation`
    ");
}

#[test]
fn version_and_name_are_required() {
    insta::assert_snapshot!(check("providers: {}\n"), @"
    m.yaml:1:1: error: the model has no `version`
      help: start the file with `version: 1`
    m.yaml:1:1: error: the model has no `name`
      help: add `name: my-organisation`
    ");
    insta::assert_snapshot!(check("version: 2\nname: t\n"), @"
    m.yaml:1:10: error: unsupported version `2`
      help: this blastradius reads `version: 1`
    ");
}

#[test]
fn function_fields_are_checked() {
    insta::assert_snapshot!(check(&with_head("functions:\n  f: { critical: maybe, users: -3, cost_per_hour: -1, slo: 120 }\n  g: { delivered_by: [] }\n  h: { delivered_by: [stripe, stripe], users: lots }\n")), @"
    m.yaml:10:3: error: function `f` has no `delivered_by`
      help: list the components that deliver it: `delivered_by: [edge, api]`
    m.yaml:10:18: error: `critical` must be true or false, found `maybe`
      help: write `critical: true`
    m.yaml:10:32: error: `users: -3` is not a whole number of users
      help: write a count such as `users: 20000`
    m.yaml:10:51: error: `cost_per_hour` is negative
      help: write the money lost per hour of outage, e.g. `cost_per_hour: 50000`
    m.yaml:10:60: error: `slo` `120` is not a percentage in (0, 100]
      help: write the availability objective in percent, e.g. `slo: 99.95`
    m.yaml:11:22: error: `delivered_by` of function `g` is empty
      help: list the components that deliver it
    m.yaml:12:31: error: `stripe` is listed twice in `delivered_by` of function `h`
    m.yaml:12:47: error: `users` must be a number, found `lots`
    ");
}

#[test]
fn names_must_be_plain() {
    insta::assert_snapshot!(check("version: 1\nname: t\nproviders:\n  aws/x: {}\n  gcp: { regions: { global: {} } }\ncomponents:\n  'my api': {}\n  ok: { depends_on: ['a//b'] }\n"), @"
    m.yaml:4:3: error: provider name `aws/x` contains `/`, which separates the parts of an id
      help: names use letters, digits, `-`, `_` and `.`, and start with a letter or digit
    m.yaml:5:21: error: provider `gcp` has a region named `global`
      help: `global` is reserved for provider-wide services; list those under `global:`
    m.yaml:7:3: error: invalid component name `my api`
      help: names use letters, digits, `-`, `_` and `.`, and start with a letter or digit
    m.yaml:8:22: error: invalid id `a//b`
      help: ids are names joined by `/`, such as `ledger`, `aws/us-east-1` or `aws/global/iam`
    ");
}

#[test]
fn runs_on_cannot_be_soft() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { runs_on: { soft: stripe } }\n")), @"
    m.yaml:10:17: error: `runs_on` cannot be soft
      help: a component cannot run on something it can do without; use `depends_on: [{ soft: … }]`
    ");
}

#[test]
fn wrong_shapes_are_named() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: [stripe]\n  b: { depends_on: { any: [stripe] } }\nfunctions: [f]\n")), @"
    m.yaml:10:6: error: component `a` must be a mapping, found a list
    m.yaml:11:20: error: `depends_on` must be a list, found a mapping
      help: write `[a, b]`
    m.yaml:12:12: error: `functions` must be a mapping, found a list
    ");
}

#[test]
fn cycles_are_warnings_that_name_the_cycle() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { depends_on: [b] }\n  b: { depends_on: [{ any: [c, stripe] }] }\n  c: { depends_on: [a, { soft: d }] }\n  d: { depends_on: [c] }\n  e: { depends_on: [e] }\n")), @"
    ok: 13 nodes, 0 functions
    m.yaml:10:3: warning: dependency cycle: a → b → c → a
      help: a cycle never fails by itself, but it cannot be cold-started after a full outage; make one of its edges soft if that is true, or plan the start order
    m.yaml:14:3: warning: dependency cycle: e → e
      help: a cycle never fails by itself, but it cannot be cold-started after a full outage; make one of its edges soft if that is true, or plan the start order
    ");
}

#[test]
fn malformed_yaml_is_located() {
    insta::assert_snapshot!(check("version: 1\nname: t\ncomponents:\n  a: { depends_on: [b }\n"), @"m.yaml:4:23: error: malformed YAML: while parsing a flow sequence, expected ',' or ']'");
    insta::assert_snapshot!(check("version: 1\n name: t\n"), @"m.yaml:2:6: error: malformed YAML: mapping values are not allowed in this context");
    insta::assert_snapshot!(check("version: 1\n---\nversion: 1\n"), @"
    m.yaml:2:1: error: the file holds more than one YAML document
      help: a model is one document; remove the second `---`
    ");
    insta::assert_snapshot!(check(""), @"
    m.yaml: error: the file holds no model
      help: a model starts with `version: 1` and `name: …`
    ");
    insta::assert_snapshot!(check("# only a comment\n"), @"
    m.yaml: error: the file holds no model
      help: a model starts with `version: 1` and `name: …`
    ");
    insta::assert_snapshot!(check("[1, 2]"), @"
    m.yaml:1:1: error: a model must be a mapping, found a list
      help: a model starts with `version: 1` and `name: …`
    ");
    insta::assert_snapshot!(check("version: 1\nname: t\ncomponents:\n  ? [a, b]\n  : {}\n"), @"
    m.yaml:4:5: error: a list cannot be a mapping key
      help: keys are plain names such as `depends_on` or `us-east-1`
    ");
}

#[test]
fn binary_junk_is_not_utf8() {
    let mut bytes = b"version: 1\nname: t\n  \xff\xfe\x00junk".to_vec();
    bytes.extend(std::iter::repeat_n(0u8, 1000));
    let error = load("m.yaml", &bytes).expect_err("junk is invalid");
    insta::assert_snapshot!(error.diagnostics[0].render("m.yaml"), @"
    m.yaml:3:3: error: the file is not UTF-8 text (byte 0xff)
      help: a model is a YAML text file; is this the right file?
    ");
}

#[test]
fn deep_nesting_is_refused() {
    let deep =
        format!("version: 1\nname: t\ndescription: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    insta::assert_snapshot!(check(&deep), @"m.yaml:3:269: error: malformed YAML: recursion limit exceeded");
    let deep_block: String =
        (0..10_000).map(|depth| format!("{}- \n", "  ".repeat(depth))).collect();
    insta::assert_snapshot!(check(&deep_block), @"
    m.yaml:1:1: error: a model must be a mapping, found a list
      help: a model starts with `version: 1` and `name: …`
    ");
}

#[test]
fn alias_bombs_are_refused() {
    let mut bomb = String::from("version: 1\nname: t\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let previous = level - 1;
        bomb.push_str(&format!("a{level}: &a{level} [*a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}, *a{previous}]\n"));
    }
    insta::assert_snapshot!(check(&bomb), @"
    m.yaml:8:45: error: YAML aliases expand to too many nodes
      help: aliases may copy at most a million nodes, or as many as the file writes out; write the repeated parts out
    ");
}

#[test]
fn aliases_within_reason_work() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { depends_on: &deps [stripe, aws/global/iam] }\n  b: { depends_on: *deps }\n")), @"ok: 10 nodes, 0 functions");
}

#[test]
fn every_problem_is_reported_in_file_order() {
    insta::assert_snapshot!(check(&with_head("components:\n  a: { depends_on: [nope1] }\n  b: { availability: 2 }\n  c: { depends_on: [nope2], colour: red }\nfunctions:\n  f: { delivered_by: [nope3] }\n")), @"
    m.yaml:10:21: error: unknown id `nope1` in `depends_on` of component `a`
    m.yaml:11:22: error: availability `2` of `b` is outside (0, 1]
      help: write a fraction in (0, 1] such as `0.9995`, a percentage such as `99.95%`, or `{ mtbf: 2000h, mttr: 30m }`
    m.yaml:12:21: error: unknown id `nope2` in `depends_on` of component `c`
    m.yaml:12:29: error: unknown key `colour` in component `c`
      help: valid keys are `description`, `kind`, `availability`, `runs_on`, `depends_on`
    m.yaml:14:23: error: unknown id `nope3` in `delivered_by` of function `f`
    ");
}

/// Found while writing the fuzz target (fuzz/fuzz_targets/load_model.rs): an anchored list of
/// aliases counted each alias as one node, so every level of this bomb multiplied the real size by
/// ten while the alias limit saw a constant size; 500 bytes took 40 s and 16 GiB.
#[test]
fn alias_bombs_through_anchored_aliases_are_refused() {
    let mut text =
        String::from("version: 1\nname: t\ndescription:\n  - &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..8 {
        let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("  - &a{level} [{aliases}]\n"));
    }
    insta::assert_snapshot!(check(&text), @"
    m.yaml:9:45: error: YAML aliases expand to too many nodes
      help: aliases may copy at most a million nodes, or as many as the file writes out; write the repeated parts out
    ");
}

/// Found with the one above: an alias copies a whole subtree, so chaining anchored aliases nested
/// 60 deep grew the tree past any depth limit and overflowed the stack in clone and drop.
#[test]
fn aliases_cannot_nest_past_the_depth_limit() {
    let mut text = String::from("version: 1\nname: t\ndescription:\n  - &b0 x\n");
    for level in 1..3 {
        let (open, close) = ("[".repeat(60), "]".repeat(60));
        text.push_str(&format!("  - &b{level} {open}*b{}{close}\n", level - 1));
    }
    insta::assert_snapshot!(check(&text), @"
    m.yaml:6:69: error: the YAML is nested deeper than 64 levels once aliases are expanded
      help: a model needs only a few levels: provider, region, zones
    ");
}

/// Found while fixing the two above, when every anchor stored a copy of its node: anchors nested
/// around a large alias copied it once per level. Anchored nodes are now shared, so nesting them
/// costs nothing and the file is read (and its `description` rejected) as usual.
#[test]
fn nested_anchors_are_shared_not_copied() {
    let mut text =
        String::from("version: 1\nname: t\ndescription:\n  - &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..5 {
        let aliases = vec![format!("*a{}", level - 1); 10].join(", ");
        text.push_str(&format!("  - &a{level} [{aliases}]\n"));
    }
    let anchors: String = (0..30).map(|k| format!("&n{k} [")).collect();
    text.push_str(&format!("  - {anchors}*a4{}\n", "]".repeat(30)));
    insta::assert_snapshot!(check(&text), @"m.yaml:4:3: error: `description` must be a single value, found a list");
}

/// Found with the fuzz target's limits (a 60 kB input ran past libFuzzer's 10 s timeout): the "did
/// you mean" search computed a full edit distance, quadratic in the length of the ids, so one
/// unknown 20 000-character id against one such component took seconds. It now computes only the
/// band of distances up to 3.
#[test]
fn a_long_unknown_id_is_checked_against_long_ids_quickly() {
    let (long_x, long_y) = ("x".repeat(20_000), "y".repeat(20_000));
    let near = format!("{}z", &long_x[1..]);
    let text = format!(
        "version: 1\nname: t\ncomponents:\n  ? {long_x}\n  : {{}}\n  b: {{ depends_on: [{long_y}, {near}] }}\n"
    );
    let out = check(&text)
        .replace(&long_x, "x{20000}")
        .replace(&long_x[1..], "x{19999}")
        .replace(&long_y, "y{20000}");
    insta::assert_snapshot!(out, @"
    m.yaml:6:21: error: unknown id `yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy…
    m.yaml:6:20023: error: unknown id `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…
      help: did you mean `x{20000}`?
    ");
}

/// Found by review along with the one above: suggestions were rationed by an estimate of the
/// number of ids that left out zones and services, so a provider with thousands of services and
/// thousands of misspelt references took time quadratic in the file. They are now rationed by the
/// work their search takes: the first 20 misses always get one, later ones while the work lasts.
#[test]
fn suggestions_are_rationed_by_the_work_they_take() {
    let services: Vec<String> = (0..5000).map(|i| format!("s{i:05}")).collect();
    let misses: Vec<String> = (0..5000).map(|i| format!("p/global/m{i:05}")).collect();
    let text = format!(
        "version: 1\nname: t\nproviders:\n  p: {{ global: [{}] }}\ncomponents:\n  b: {{ depends_on: [{}] }}\n",
        services.join(", "),
        misses.join(", ")
    );
    let error = load("m.yaml", text.as_bytes()).expect_err("every reference is unknown");
    let suggested = |d: &&crate::Diagnostic| d.help.as_ref().is_some_and(|h| h.starts_with("did"));
    let n_suggested = error.diagnostics.iter().filter(suggested).count();
    let last = error.diagnostics.iter().rfind(suggested).map(|d| d.render("m.yaml"));
    let summary = format!(
        "{} diagnostics, {n_suggested} with a suggestion, the last:\n{}",
        error.diagnostics.len(),
        last.unwrap_or_default()
    );
    insta::assert_snapshot!(summary, @"
    1001 diagnostics, 62 with a suggestion, the last:
    m.yaml:6:1058: error: unknown id `p/global/m00061` in `depends_on` of component `b`
      help: did you mean `p/global/s00061`?
    ");
}

proptest::proptest! {
    /// The banded edit distance agrees with the full one wherever it answers.
    #[test]
    fn banded_edit_distance_agrees_with_the_full_one(
        a in "[ab/é]{0,9}",
        b in "[ab/é]{0,9}",
        max in 0usize..5,
    ) {
        let full = strsim::levenshtein(&a, &b);
        let expected = (full <= max).then_some(full);
        proptest::prop_assert_eq!(crate::suggest::levenshtein_within(&a, &b, max), expected);
    }
}

/// Found by review while fuzzing: repeats in a group or a `delivered_by` list were found by
/// scanning the list so far, quadratic in its length (a 2 MB model with one 80 000-member group
/// took 6 s). Long lists are now checked through a hash set; repeats are still reported.
#[test]
fn repeats_in_long_lists_are_found() {
    let names: Vec<String> = (0..40).map(|i| format!("z{i}")).collect();
    let mut text = String::from("version: 1\nname: t\ncomponents:\n");
    for name in &names {
        text.push_str(&format!("  {name}: {{}}\n"));
    }
    let list = names.join(", ");
    text.push_str(&format!("  a: {{ depends_on: [{{ any: [{list}, z5] }}] }}\n"));
    text.push_str(&format!("functions:\n  f: {{ delivered_by: [{list}, z7, z39] }}\n"));
    insta::assert_snapshot!(check(&text), @"
    m.yaml:44:219: error: `z5` appears twice in one group of `depends_on` of component `a`
      help: each member of an `any` or `atleast` group must be distinct
    m.yaml:46:213: error: `z7` is listed twice in `delivered_by` of function `f`
    m.yaml:46:217: error: `z39` is listed twice in `delivered_by` of function `f`
    ");
}

#[test]
fn millions_of_problems_cost_bounded_memory_and_long_names_are_cut() {
    let long_name = "n".repeat(1_000);
    let mut text = format!("version: 1\nname: t\ncomponents:\n  {long_name}:\n    depends_on:\n");
    for i in 0..30_000 {
        text.push_str(&format!("      - missing-{i}\n"));
    }
    let error = load("m.yaml", text.as_bytes()).expect_err("every reference is unknown");
    let longest = error.diagnostics.iter().map(|d| d.message.chars().count()).max().unwrap_or(0);
    let last = error.diagnostics.last().expect("there are problems").render("m.yaml");
    insta::assert_snapshot!(format!("{} diagnostics, longest message {longest} characters\n{last}", error.diagnostics.len()), @"
    1001 diagnostics, longest message 301 characters
    m.yaml: error: 29000 more problems are not shown
      help: fix the ones above first; is this the right file?
    ");
}

#[test]
fn a_provider_runs_on_a_cloud_region_and_gives_register_fields() {
    let text = with_head(
        "  launchdarkly:\n    runs_on: aws/us-east-1\n    ultimate_parent: catamorphic\n    legal_entity: Catamorphic Co.\n    lei: 5493001KJTIIGC8Y1R12\n    country: US\n    service_type: saas\n    data_locations: [US, IE]\n    substitutability: medium-complexity\n    exit_plan: false\ncomponents:\n  flags: { depends_on: [launchdarkly] }\n",
    );
    let model = load("m.yaml", text.as_bytes()).expect("valid");
    let vendor = model.lookup("launchdarkly").expect("exists");
    let runs_on: Vec<&str> =
        model.dependencies(vendor).flat_map(|d| d.members).map(|&n| model.id(n)).collect();
    assert_eq!(runs_on, ["aws/us-east-1"]);
    let profile = model.provider_profile(vendor).expect("has a profile");
    assert_eq!(profile.data_locations, ["US", "IE"]);
    assert_eq!(profile.exit_plan, Some(false));
    assert_eq!(model.provider_group(model.lookup("aws/us-east-1/dynamodb").unwrap()), Some("aws"));
    assert_eq!(model.provider_group(vendor), Some("catamorphic"));
    assert_eq!(model.provider_profile(model.lookup("aws").unwrap()), None);
}

#[test]
fn bad_register_fields_are_located() {
    insta::assert_snapshot!(check(&with_head(
        "  acme:\n    runs_on: { soft: aws }\n    lei: 5493001KJTIIGC8Y1R13\n    country: usa\n    service_type: cloud\n    substitutability: hard\n    exit_plan: maybe\n    runs_on_: x\n"
    )), @"
    m.yaml:10:14: error: `runs_on` cannot be soft
      help: a component cannot run on something it can do without; use `depends_on: [{ soft: … }]`
    m.yaml:11:10: error: `5493001KJTIIGC8Y1R13` is not a valid LEI for provider `acme`
      help: a Legal Entity Identifier (ISO 17442) is 20 letters and digits whose check digits make it 1 modulo 97
    m.yaml:12:14: error: country `usa` of provider `acme` is not a two-letter code
      help: write an ISO 3166-1 alpha-2 code in capitals, such as `US`, `IE` or `DE`
    m.yaml:13:19: error: `service_type` of provider `acme` is `cloud`, which is not one of the known values
      help: write one of `iaas`, `paas`, `saas`, `network`, `data-management`, `security`, `software`, `other`
    m.yaml:14:23: error: `substitutability` of provider `acme` is `hard`, which is not one of the known values
      help: write one of `not-substitutable`, `highly-complex`, `medium-complexity`, `easy`
    m.yaml:15:16: error: `exit_plan` of provider `acme` must be true or false, found `maybe`
      help: write `exit_plan: true` when a documented exit plan exists
    m.yaml:16:5: error: unknown key `runs_on_` in provider `acme`
      help: did you mean `runs_on`? valid keys are `description`, `availability`, `regions`, `global`, `runs_on`, `ultimate_parent`, `legal_entity`, `lei`, `country`, `service_type`, `data_locations`, `substitutability`, `exit_plan`
    ");
}

#[test]
fn lei_check_digits() {
    // Published LEIs (GLEIF): Amazon.com, Inc. and Microsoft Corporation.
    assert!(crate::raw::is_valid_lei("ZXTILKJKG63JELOEG630"));
    assert!(crate::raw::is_valid_lei("INR2EJN1ERAN0W5ZP974"));
    assert!(!crate::raw::is_valid_lei("INR2EJN1ERAN0W5ZP975"));
    assert!(!crate::raw::is_valid_lei("inr2ejn1eran0w5zp974"));
}

//! From definitions to formulas: resolves names, checks kinds and cycles, computes basic-event
//! probabilities and lowers every top gate into a [`Formula`].

use std::collections::HashMap;

use super::TopEvent;
use super::parse::{
    Arith, CcfGroup, CcfModel, Defs, EventDef, Files, Func, Node, Op, Pos, RefKind, Value,
};
use crate::error::{MefError, MefErrorKind};
use crate::formula::{FormulaBuilder, Operand, Probability, VarId};

/// The default mission time of the MEF (`<system-mission-time/>`), in hours.
pub(crate) const MISSION_TIME: f64 = 8760.0;

/// A formula with names resolved: gates by index, basic events by index, house events folded
/// into constants.
enum Resolved {
    Gate(usize),
    Basic(usize),
    Const(bool),
    Op(Op, Vec<Resolved>),
}

/// The checked model, ready to lower.
pub(crate) struct Model {
    pub(crate) top_events: Vec<TopEvent>,
}

pub(crate) fn resolve(files: &Files<'_>, defs: Defs) -> Result<Model, MefError> {
    let events = event_names(files, &defs)?;
    let probabilities = basic_probabilities(files, &defs)?;
    let mut resolved = Vec::with_capacity(defs.gates.len());
    let mut children: Vec<Vec<usize>> = Vec::with_capacity(defs.gates.len());
    for (_, _, node) in &defs.gates {
        let mut gates = Vec::new();
        resolved.push(resolve_node(files, &defs, &events, node, &mut gates)?);
        children.push(gates);
    }
    let name_of = |g: usize| (defs.gates[g].0.as_str(), defs.gates[g].1);
    topological_order(files, "gate", &children, name_of)?;
    let mut referenced = vec![false; defs.gates.len()];
    for &child in children.iter().flatten() {
        referenced[child] = true;
    }
    let mut top_events = Vec::new();
    let tops = referenced.iter().enumerate().filter(|(g, r)| !**r && !defs.ccf_members.contains(g));
    for (top, _) in tops {
        top_events.push(lower(&defs, &resolved, &children, &probabilities, top));
    }
    Ok(Model { top_events })
}

/// One map from name to definition for gates, basic events and house events.
fn event_names<'d>(
    files: &Files<'_>,
    defs: &'d Defs,
) -> Result<HashMap<&'d str, EventDef>, MefError> {
    let mut names: HashMap<&str, EventDef> = HashMap::with_capacity(defs.events.len());
    for &event in &defs.events {
        let (name, pos) = event_name(defs, event);
        if let Some(&first) = names.get(name) {
            let kind = MefErrorKind::Duplicate {
                what: event_kind(event).to_owned(),
                first_what: event_kind(first).to_owned(),
                scope: "gates, basic events and house events share one namespace".to_owned(),
                name: name.to_owned(),
                first: files.location(event_name(defs, first).1),
            };
            return Err(files.error(pos, kind));
        }
        names.insert(name, event);
    }
    Ok(names)
}

fn event_name(defs: &Defs, event: EventDef) -> (&str, Pos) {
    let (name, pos) = match event {
        EventDef::Gate(i) => (&defs.gates[i].0, defs.gates[i].1),
        EventDef::Basic(i) => (&defs.basics[i].0, defs.basics[i].1),
        EventDef::House(i) => (&defs.houses[i].0, defs.houses[i].1),
    };
    (name.as_str(), pos)
}

fn event_kind(event: EventDef) -> &'static str {
    match event {
        EventDef::Gate(_) => "gate",
        EventDef::Basic(_) => "basic event",
        EventDef::House(_) => "house event",
    }
}

/// Every basic event's probability. Parameters are evaluated once each, in dependency order,
/// so that evaluation recurses only into the nesting of one expression.
fn basic_probabilities(files: &Files<'_>, defs: &Defs) -> Result<Vec<Probability>, MefError> {
    let mut parameters: HashMap<&str, usize> = HashMap::with_capacity(defs.parameters.len());
    for (index, (name, pos, _)) in defs.parameters.iter().enumerate() {
        if let Some(&first) = parameters.get(name.as_str()) {
            let kind = MefErrorKind::Duplicate {
                what: "parameter".to_owned(),
                first_what: "parameter".to_owned(),
                scope: "parameter names must be unique".to_owned(),
                name: name.clone(),
                first: files.location(defs.parameters[first].1),
            };
            return Err(files.error(*pos, kind));
        }
        parameters.insert(name, index);
    }
    let lookup = |name: &str, pos: Pos, scope: u32| {
        find(defs, &parameters, name, scope).ok_or_else(|| {
            let kind = MefErrorKind::Undefined {
                reference: "parameter".to_owned(),
                name: name.to_owned(),
                expected: "parameter".to_owned(),
                hint: hint(name, parameters.keys().copied()),
            };
            files.error(pos, kind)
        })
    };
    let mut depends: Vec<Vec<usize>> = Vec::with_capacity(defs.parameters.len());
    for (_, _, value) in &defs.parameters {
        let mut used = Vec::new();
        parameter_references(value, &mut |name, pos, scope| {
            used.push(lookup(name, pos, scope)?);
            Ok(())
        })?;
        depends.push(used);
    }
    let name_of = |p: usize| (defs.parameters[p].0.as_str(), defs.parameters[p].1);
    let order = topological_order(files, "parameter", &depends, name_of)?;
    let mut values = vec![0.0; defs.parameters.len()];
    for p in order {
        values[p] = eval(defs, &defs.parameters[p].2, &parameters, &values);
    }
    let value_of = |value: &Value| -> Result<f64, MefError> {
        parameter_references(value, &mut |name, pos, scope| lookup(name, pos, scope).map(|_| ()))?;
        Ok(eval(defs, value, &parameters, &values))
    };
    // Before the basic events they make, whose probabilities are valid once these pass.
    for group in &defs.ccf_groups {
        check_ccf_group(files, group, &value_of)?;
    }
    defs.basics
        .iter()
        .map(|(name, pos, value)| {
            let p = value_of(value)?;
            Probability::new(p).map_err(|_| {
                files.error(*pos, MefErrorKind::InvalidProbability { name: name.clone(), value: p })
            })
        })
        .collect()
}

/// Checks a common-cause group's numbers, as SCRAM does: the distribution and every factor lie
/// in 0..=1, phi factors sum to 1 (give or take SCRAM's 1e-4), and alpha factors are not all 0
/// (they are divided by their weighted sum).
fn check_ccf_group(
    files: &Files<'_>,
    group: &CcfGroup,
    value_of: &dyn Fn(&Value) -> Result<f64, MefError>,
) -> Result<(), MefError> {
    let invalid = |pos: Pos, element: &str, attribute: &str, value: String, expected: String| {
        let kind = MefErrorKind::InvalidAttribute {
            element: element.to_owned(),
            attribute: attribute.to_owned(),
            value,
            expected,
        };
        files.error(pos, kind)
    };
    let (distribution, pos) = &group.distribution;
    let q = value_of(distribution)?;
    if !(0.0..=1.0).contains(&q) {
        let expected = format!("a <distribution> between 0 and 1, not {q}");
        return Err(invalid(*pos, "define-CCF-group", "name", group.name.clone(), expected));
    }
    let (mut sum, mut weighted_sum) = (0.0, 0.0);
    for (offset, (factor, pos)) in group.factors.iter().enumerate() {
        let level = group.min_level + offset;
        let value = value_of(factor)?;
        if !(0.0..=1.0).contains(&value) {
            let expected = format!("a factor between 0 and 1, not {value}");
            return Err(invalid(*pos, "factor", "level", level.to_string(), expected));
        }
        sum += value;
        weighted_sum += level as f64 * value;
    }
    let model = group.model.attribute().to_owned();
    let name = &group.name;
    match group.model {
        CcfModel::PhiFactor if (sum - 1.0_f64).abs() > 1e-4 => {
            let expected = format!(
                "factors that sum to 1 (give or take 1e-4); those of \"{name}\" sum to {sum}"
            );
            Err(invalid(group.pos, "define-CCF-group", "model", model, expected))
        }
        CcfModel::AlphaFactor if weighted_sum == 0.0 => {
            let expected = format!("at least one factor above 0; those of \"{name}\" are all 0");
            Err(invalid(group.pos, "define-CCF-group", "model", model, expected))
        }
        _ => Ok(()),
    }
}

/// What a reference made in container `scope` names: a private definition of that container
/// (`scope.name`) first, then a public definition, or a private one by its full path.
fn find<T: Copy>(defs: &Defs, map: &HashMap<&str, T>, name: &str, scope: u32) -> Option<T> {
    if defs.any_private && scope != 0 {
        let path = format!("{}.{name}", defs.scopes[scope as usize]);
        if let Some(&found) = map.get(path.as_str()) {
            return Some(found);
        }
    }
    map.get(name).copied()
}

/// Calls `found` on every parameter an expression refers to, with the scope it is named in.
fn parameter_references(
    value: &Value,
    found: &mut dyn FnMut(&str, Pos, u32) -> Result<(), MefError>,
) -> Result<(), MefError> {
    match value {
        Value::Number(_) | Value::MissionTime => Ok(()),
        Value::Parameter { name, pos, scope } => found(name, *pos, *scope),
        Value::Call(_, args) | Value::Arith(_, args) => {
            args.iter().try_for_each(|arg| parameter_references(arg, found))
        }
    }
}

/// The value of an expression whose parameters (all defined) are already in `values`.
fn eval(defs: &Defs, value: &Value, parameters: &HashMap<&str, usize>, values: &[f64]) -> f64 {
    match value {
        Value::Number(x) => *x,
        Value::MissionTime => MISSION_TIME,
        Value::Parameter { name, scope, .. } => {
            find(defs, parameters, name, *scope).map_or(f64::NAN, |p| values[p])
        }
        Value::Call(func, args) => {
            let args: Vec<f64> =
                args.iter().map(|arg| eval(defs, arg, parameters, values)).collect();
            call(*func, &args)
        }
        Value::Arith(op, args) => {
            let values: Vec<f64> =
                args.iter().map(|arg| eval(defs, arg, parameters, values)).collect();
            let (first, rest) = values.split_first().map_or((0.0, &[][..]), |(f, r)| (*f, r));
            match op {
                Arith::Add => values.iter().sum(),
                Arith::Mul => values.iter().product(),
                Arith::Sub => rest.iter().fold(first, |acc, x| acc - x),
                Arith::Div => rest.iter().fold(first, |acc, x| acc / x),
                Arith::Neg => -first,
            }
        }
    }
}

/// The point value of a built-in function; arities were checked when reading.
fn call(func: Func, args: &[f64]) -> f64 {
    let arg = |i: usize| args.get(i).copied().unwrap_or(f64::NAN);
    match func {
        // 1 − e^(−x) without cancellation for small x.
        Func::Exponential => -(-arg(0) * arg(1)).exp_m1(),
        Func::Glm => {
            let (gamma, lambda, mu, t) = (arg(0), arg(1), arg(2), arg(3));
            let rate = lambda + mu;
            if rate == 0.0 {
                return gamma;
            }
            (lambda - (lambda - gamma * rate) * (-rate * t).exp()) / rate
        }
        Func::Weibull => {
            let (alpha, beta, t0, t) = (arg(0), arg(1), arg(2), arg(3));
            if t <= t0 {
                return 0.0;
            }
            -(-((t - t0) / alpha).powf(beta)).exp_m1()
        }
        Func::PeriodicTest => {
            let (lambda, tau, theta, t) = (arg(0), arg(1), arg(2), arg(3));
            // Failures are found and repaired at each test (θ, θ + τ, …): only the time since
            // the last test counts.
            let exposed = if t <= theta { t } else { (t - theta) % tau };
            -(-lambda * exposed).exp_m1()
        }
        Func::UniformDeviate => (arg(0) + arg(1)) / 2.0,
        // (μ, σ) of the underlying normal: mean e^(μ + σ²/2); (mean, error factor, level).
        Func::LognormalDeviate if args.len() == 2 => (arg(0) + arg(1) * arg(1) / 2.0).exp(),
        Func::LognormalDeviate | Func::NormalDeviate => arg(0),
        Func::GammaDeviate => arg(0) * arg(1),
        Func::BetaDeviate => arg(0) / (arg(0) + arg(1)),
        Func::Exp => arg(0).exp(),
        Func::Log => arg(0).ln(),
        Func::Log10 => arg(0).log10(),
        Func::Sqrt => arg(0).sqrt(),
        Func::Abs => arg(0).abs(),
        Func::Pow => arg(0).powf(arg(1)),
        Func::Min => args.iter().copied().fold(f64::INFINITY, f64::min),
        Func::Max => args.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Func::Mean => args.iter().sum::<f64>() / args.len() as f64,
    }
}

/// Resolves the names of a gate's formula, collecting the gates it refers to.
fn resolve_node(
    files: &Files<'_>,
    defs: &Defs,
    events: &HashMap<&str, EventDef>,
    node: &Node,
    gates: &mut Vec<usize>,
) -> Result<Resolved, MefError> {
    Ok(match node {
        Node::Const(value) => Resolved::Const(*value),
        Node::Op(op, args) => {
            let mut resolved = Vec::with_capacity(args.len());
            for arg in args {
                resolved.push(resolve_node(files, defs, events, arg, gates)?);
            }
            Resolved::Op(*op, resolved)
        }
        Node::Ref { kind, name, pos, scope } => {
            let Some(event) = find(defs, events, name, *scope) else {
                let (expected, candidates): (&str, Vec<&str>) = match kind {
                    RefKind::Gate => ("gate", defs.gates.iter().map(|g| g.0.as_str()).collect()),
                    RefKind::BasicEvent => {
                        ("basic event", defs.basics.iter().map(|b| b.0.as_str()).collect())
                    }
                    RefKind::HouseEvent => {
                        ("house event", defs.houses.iter().map(|h| h.0.as_str()).collect())
                    }
                    RefKind::Any => {
                        ("gate, basic event or house event", events.keys().copied().collect())
                    }
                };
                let kind = MefErrorKind::Undefined {
                    reference: kind.element().to_owned(),
                    name: name.clone(),
                    expected: expected.to_owned(),
                    hint: hint(name, candidates.into_iter()),
                };
                return Err(files.error(*pos, kind));
            };
            match (kind, event) {
                (RefKind::Gate | RefKind::Any, EventDef::Gate(i)) => {
                    gates.push(i);
                    Resolved::Gate(i)
                }
                // A member of a common-cause group is a basic event to the model's author.
                (RefKind::BasicEvent, EventDef::Gate(i)) if defs.ccf_members.contains(&i) => {
                    gates.push(i);
                    Resolved::Gate(i)
                }
                (RefKind::BasicEvent | RefKind::Any, EventDef::Basic(i)) => Resolved::Basic(i),
                (RefKind::HouseEvent | RefKind::Any, EventDef::House(i)) => {
                    Resolved::Const(defs.houses[i].2)
                }
                _ => {
                    let expected = match kind {
                        RefKind::Gate => "gate",
                        RefKind::BasicEvent => "basic event",
                        _ => "house event",
                    };
                    let kind = MefErrorKind::WrongKind {
                        reference: kind.element().to_owned(),
                        name: name.clone(),
                        actual: event_kind(event).to_owned(),
                        expected: expected.to_owned(),
                    };
                    return Err(files.error(*pos, kind));
                }
            }
        }
    })
}

/// `; did you mean "x"?` for the candidate closest to `name` by edit distance, if close enough.
fn hint<'c>(name: &str, candidates: impl Iterator<Item = &'c str>) -> String {
    let limit = (name.chars().count() / 3).max(1);
    let best = candidates
        .filter_map(|c| {
            let d = edit_distance(name, c, limit);
            (d <= limit).then_some((d, c))
        })
        .min();
    best.map(|(_, c)| format!("; did you mean \"{c}\"?")).unwrap_or_default()
}

/// Levenshtein distance of `a` and `b` in characters, or `limit + 1` if it exceeds `limit`.
fn edit_distance(a: &str, b: &str, limit: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return limit + 1;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()].min(limit + 1)
}

/// The nodes of a dependency graph, each after everything it depends on (an iterative
/// depth-first search in definition order); fails on the first cycle.
fn topological_order<'n>(
    files: &Files<'_>,
    what: &str,
    depends: &[Vec<usize>],
    name_of: impl Fn(usize) -> (&'n str, Pos),
) -> Result<Vec<usize>, MefError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Open,
        Done,
    }
    let mut marks = vec![Mark::New; depends.len()];
    let mut order = Vec::with_capacity(depends.len());
    for start in 0..depends.len() {
        if marks[start] != Mark::New {
            continue;
        }
        marks[start] = Mark::Open;
        let mut stack = vec![(start, 0_usize)];
        while let Some(frame) = stack.last_mut() {
            let (node, next) = *frame;
            let Some(&child) = depends[node].get(next) else {
                marks[node] = Mark::Done;
                order.push(node);
                stack.pop();
                continue;
            };
            frame.1 += 1;
            match marks[child] {
                Mark::Done => {}
                Mark::New => {
                    marks[child] = Mark::Open;
                    stack.push((child, 0));
                }
                Mark::Open => {
                    let at = stack.iter().position(|&(n, _)| n == child).unwrap_or(0);
                    let mut path: Vec<String> =
                        stack[at..].iter().map(|&(n, _)| name_of(n).0.to_owned()).collect();
                    path.push(name_of(child).0.to_owned());
                    let kind = MefErrorKind::Cycle { what: what.to_owned(), path };
                    return Err(files.error(name_of(child).1, kind));
                }
            }
        }
    }
    Ok(order)
}

/// Builds the formula of top gate `top`: gates children first (iteratively), variables for
/// the basic events it reaches, in order of first use.
fn lower(
    defs: &Defs,
    resolved: &[Resolved],
    children: &[Vec<usize>],
    probabilities: &[Probability],
    top: usize,
) -> TopEvent {
    let mut lowering = Lowering {
        builder: FormulaBuilder::new(),
        gates: HashMap::new(),
        vars: HashMap::new(),
        variables: Vec::new(),
        defs,
        probabilities,
    };
    // Post-order walk: a gate is lowered once all the gates it refers to are.
    let mut stack = vec![(top, 0_usize)];
    while let Some(frame) = stack.last_mut() {
        let (gate, next) = *frame;
        if let Some(&child) = children[gate].get(next) {
            frame.1 += 1;
            if !lowering.gates.contains_key(&child) {
                stack.push((child, 0));
            }
            continue;
        }
        stack.pop();
        if !lowering.gates.contains_key(&gate) {
            let operand = lowering.node(&resolved[gate]);
            lowering.gates.insert(gate, operand);
        }
    }
    let root = lowering.gates[&top];
    TopEvent {
        name: defs.gates[top].0.clone(),
        formula: lowering.builder.build(root),
        variables: lowering.variables,
    }
}

struct Lowering<'a> {
    builder: FormulaBuilder,
    gates: HashMap<usize, Operand>,
    vars: HashMap<usize, VarId>,
    variables: Vec<String>,
    defs: &'a Defs,
    probabilities: &'a [Probability],
}

impl Lowering<'_> {
    /// Lowers one resolved formula; the gates it refers to are already lowered.
    fn node(&mut self, node: &Resolved) -> Operand {
        match node {
            Resolved::Const(value) => Operand::Const(*value),
            Resolved::Gate(gate) => self.gates[gate],
            Resolved::Basic(basic) => {
                let var = match self.vars.get(basic) {
                    Some(&var) => var,
                    None => {
                        let var = self.builder.variable(self.probabilities[*basic]);
                        self.variables.push(self.defs.basics[*basic].0.clone());
                        self.vars.insert(*basic, var);
                        var
                    }
                };
                Operand::Var(var)
            }
            Resolved::Op(op, args) => {
                let args: Vec<Operand> = args.iter().map(|arg| self.node(arg)).collect();
                let b = &mut self.builder;
                match *op {
                    Op::And => b.and(&args),
                    Op::Or => b.or(&args),
                    Op::AtLeast(k) => b.atleast(k, &args),
                    Op::Not => b.not(args[0]),
                    Op::Xor => b.xor(&args),
                    Op::Nand => b.nand(&args),
                    Op::Nor => b.nor(&args),
                    Op::Iff => b.iff(args[0], args[1]),
                    Op::Imply => b.imply(args[0], args[1]),
                    Op::Cardinality(min, max) => {
                        let at_least = b.atleast(min, &args);
                        let too_many = b.atleast(max.saturating_add(1), &args);
                        let not_too_many = b.not(too_many);
                        b.and(&[at_least, not_too_many])
                    }
                }
            }
        }
    }
}

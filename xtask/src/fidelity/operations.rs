//! Fidelity of each operation's typing against the CSDL: what a user of the client gets
//! back and what it sends.
//!
//! The figures follow `eval_operations.py`, computed on the model instead of the emitted
//! YAML. Every path is walked the way an OData service resolves a URL: entity set or
//! singleton, keys (`{id}`, `x('{id}')`, `id={id}`), structural and navigation properties,
//! type casts, bound actions and functions, drive path addressing (`root:/{path}:`), with
//! letter case ignored when nothing matches exactly. The type reached is then compared
//! with what the OpenAPI document gives the operation: GET and bound operations check
//! the response; POST on a collection checks the response and the body (a union that
//! holds the type passes); PATCH and PUT on a single value check the body and the
//! response (no content passes). DELETE, `$value`, `$count`, `$ref` and stream
//! properties are not checked.

use super::{BoundOperation, Csdl, CsdlValue, pct};
use graphdoc::method::HttpMethod;
use graphdoc::model::{Edm, Model, Operation, QualifiedName, RequestBody, ResponseDef, TypeRef};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// How an operation's type differs from the CSDL's: `kind` collection against single,
/// `derived` ours is a subtype of the expected type, `base` a supertype, `unrelated`,
/// `union` a union without the expected type, `inline` an anonymous or untyped object,
/// `missing` no content where a type is expected, `extra` content where none is.
pub const CLASSES: [&str; 8] = [
    "kind",
    "derived",
    "base",
    "unrelated",
    "union",
    "inline",
    "missing",
    "extra",
];

/// A figure of [`OperationFigures`], by the name `eval_operations.py` gives it. A name,
/// not a string, so that a misspelled floor does not compile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationFigure {
    OpsTotal,
    OpsResolved,
    OpsResolvedPct,
    OpsSpecial,
    OpsUnresolved,
    OpsCaseInsensitive,
    OpsWrongMethod,
    ResponseChecked,
    ResponseOk,
    ResponseAgreement,
    ResponseRedirects,
    ResponseAgreementWithoutRedirects,
    BodyChecked,
    BodyOk,
    BodyAgreement,
    ActionChecked,
    ActionBodyMissing,
    ActionParams,
    ActionParamsFound,
    ActionParamRecall,
    ActionParamTypesOk,
    ActionParamTypeAgreement,
}

impl OperationFigure {
    /// Every figure, in the order of `eval_operations.py`.
    pub const ALL: [OperationFigure; 22] = [
        OperationFigure::OpsTotal,
        OperationFigure::OpsResolved,
        OperationFigure::OpsResolvedPct,
        OperationFigure::OpsSpecial,
        OperationFigure::OpsUnresolved,
        OperationFigure::OpsCaseInsensitive,
        OperationFigure::OpsWrongMethod,
        OperationFigure::ResponseChecked,
        OperationFigure::ResponseOk,
        OperationFigure::ResponseAgreement,
        OperationFigure::ResponseRedirects,
        OperationFigure::ResponseAgreementWithoutRedirects,
        OperationFigure::BodyChecked,
        OperationFigure::BodyOk,
        OperationFigure::BodyAgreement,
        OperationFigure::ActionChecked,
        OperationFigure::ActionBodyMissing,
        OperationFigure::ActionParams,
        OperationFigure::ActionParamsFound,
        OperationFigure::ActionParamRecall,
        OperationFigure::ActionParamTypesOk,
        OperationFigure::ActionParamTypeAgreement,
    ];

    /// The name reports print.
    pub fn name(self) -> &'static str {
        match self {
            OperationFigure::OpsTotal => "ops_total",
            OperationFigure::OpsResolved => "ops_resolved",
            OperationFigure::OpsResolvedPct => "ops_resolved_pct",
            OperationFigure::OpsSpecial => "ops_special",
            OperationFigure::OpsUnresolved => "ops_unresolved",
            OperationFigure::OpsCaseInsensitive => "ops_case_insensitive",
            OperationFigure::OpsWrongMethod => "ops_wrong_method",
            OperationFigure::ResponseChecked => "response_checked",
            OperationFigure::ResponseOk => "response_ok",
            OperationFigure::ResponseAgreement => "response_agreement",
            OperationFigure::ResponseRedirects => "response_redirects",
            OperationFigure::ResponseAgreementWithoutRedirects => {
                "response_agreement_without_redirects"
            }
            OperationFigure::BodyChecked => "body_checked",
            OperationFigure::BodyOk => "body_ok",
            OperationFigure::BodyAgreement => "body_agreement",
            OperationFigure::ActionChecked => "action_checked",
            OperationFigure::ActionBodyMissing => "action_body_missing",
            OperationFigure::ActionParams => "action_params",
            OperationFigure::ActionParamsFound => "action_params_found",
            OperationFigure::ActionParamRecall => "action_param_recall",
            OperationFigure::ActionParamTypesOk => "action_param_types_ok",
            OperationFigure::ActionParamTypeAgreement => "action_param_type_agreement",
        }
    }
}

impl std::fmt::Display for OperationFigure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Floors under which `xtask fidelity` and the corpus test fail, on v1.0: just under
/// today's values (94.35, 97.62 and 98.56 for the agreements, 89.36 and 96.45 for the
/// action parameters). Raise them as the figures improve.
pub const OPERATION_FLOORS: [(OperationFigure, f64); 6] = [
    (OperationFigure::OpsResolvedPct, 95.0),
    (OperationFigure::ResponseAgreement, 94.0),
    (OperationFigure::ResponseAgreementWithoutRedirects, 97.5),
    (OperationFigure::BodyAgreement, 98.5),
    (OperationFigure::ActionParamRecall, 89.0),
    (OperationFigure::ActionParamTypeAgreement, 97.0),
];

/// The segments an OData URL may end with that address no typed value.
const SPECIAL: [&str; 3] = ["$value", "$count", "$ref"];

/// A documented success status that redirects to a download (the report functions).
const REDIRECT: u16 = 302;

/// A type as the OpenAPI document gives it: one value or a collection; `name` is a
/// qualified type or enum name, `Edm.X`, `a|b` (a union), `<inline>` (an anonymous
/// object), `<any>` (an untyped value) or `<dangling:x>` (a reference to no schema).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub collection: bool,
    pub name: String,
}

impl Shape {
    fn single(name: impl Into<String>) -> Self {
        Shape {
            collection: false,
            name: name.into(),
        }
    }
}

fn show(shape: Option<&Shape>) -> String {
    match shape {
        None => "none".to_string(),
        Some(s) if s.collection => format!("Collection({})", s.name),
        Some(s) => s.name.clone(),
    }
}

/// One operation whose type differs from the CSDL's.
#[derive(Clone, Debug, Serialize)]
pub struct Mismatch {
    /// `response` or `body`.
    pub what: &'static str,
    pub class: &'static str,
    pub method: String,
    pub path: String,
    pub ours: String,
    pub expected: String,
    /// The page and line the operation is documented at.
    pub source: String,
}

/// An action parameter of the CSDL that an operation's body lacks or types otherwise.
#[derive(Clone, Debug, Serialize)]
pub struct ActionMiss {
    /// `body missing`, `parameter missing` or `parameter type`.
    pub kind: &'static str,
    pub method: String,
    pub path: String,
    /// The parameter (for a missing body, each of them).
    pub parameter: String,
    /// For a type: ours and the expected one.
    pub detail: String,
    pub source: String,
    /// Why, judged from the page; see [`action_miss_causes`].
    pub cause: &'static str,
}

/// What the page says of a missed action parameter.
pub const PARAMETER_NAMED_NOWHERE: &str = "the page names no such parameter";
pub const PARAMETER_NAMED_ELSEWHERE: &str =
    "the page names it, but not in a parameter table or body";
pub const PARAMETER_IN_A_TABLE: &str = "a parameter table of the page lists it";
pub const PARAMETER_TYPED_OTHERWISE: &str = "the page gives it another type";

/// One operation whose path the CSDL does not resolve.
#[derive(Clone, Debug, Serialize)]
pub struct Unresolved {
    pub method: String,
    pub path: String,
    pub reason: String,
    pub detail: String,
    pub source: String,
}

#[derive(Debug, Default, Serialize)]
pub struct OperationFigures {
    pub ops_total: usize,
    pub ops_resolved: usize,
    pub ops_resolved_pct: f64,
    /// Resolved to a segment that addresses no typed value (`$value`, a stream, ...).
    pub ops_special: usize,
    pub ops_unresolved: usize,
    /// Resolved only with letter case ignored somewhere.
    pub ops_case_insensitive: usize,
    /// A bound function called with a method other than GET, or an action with GET.
    pub ops_wrong_method: usize,
    pub response_checked: usize,
    pub response_ok: usize,
    pub response_agreement: f64,
    /// Checked responses documented as a `302` redirect to a download.
    pub response_redirects: usize,
    /// The response agreement of the checked operations that are not redirects.
    pub response_agreement_without_redirects: f64,
    pub body_checked: usize,
    pub body_ok: usize,
    pub body_agreement: f64,
    /// POSTs of bound actions with parameters, whose bodies are checked parameter by
    /// parameter.
    pub action_checked: usize,
    /// Of those, the operations without a body.
    pub action_body_missing: usize,
    pub action_params: usize,
    /// Parameters found among the body's properties (letter case ignored).
    pub action_params_found: usize,
    pub action_param_recall: f64,
    pub action_param_types_ok: usize,
    pub action_param_type_agreement: f64,
    /// In path order; a missing body once per parameter.
    pub action_misses: Vec<ActionMiss>,
    /// Mismatches by class, every class present.
    pub response_classes: BTreeMap<&'static str, usize>,
    pub body_classes: BTreeMap<&'static str, usize>,
    pub unresolved_reasons: BTreeMap<String, usize>,
    /// In path order, then GET, POST, PATCH, PUT, DELETE.
    pub mismatches: Vec<Mismatch>,
    pub unresolved: Vec<Unresolved>,
    /// The CSDL's bound operations that some documented path ends with, by
    /// [`bound_key`].
    #[serde(skip)]
    pub bound_reached: BTreeSet<String>,
}

/// A bound operation told apart from its overloads by what it is bound to.
pub(super) fn bound_key(op: &BoundOperation) -> String {
    let many = if op.binding.collection { "[]" } else { "" };
    format!("{} on {}{many}", op.qualified, op.binding.name)
}

impl OperationFigures {
    /// A figure; counts as they are, percentages as computed.
    pub fn get(&self, figure: OperationFigure) -> f64 {
        use OperationFigure as F;
        let count = |n: usize| n as f64;
        match figure {
            F::OpsTotal => count(self.ops_total),
            F::OpsResolved => count(self.ops_resolved),
            F::OpsResolvedPct => self.ops_resolved_pct,
            F::OpsSpecial => count(self.ops_special),
            F::OpsUnresolved => count(self.ops_unresolved),
            F::OpsCaseInsensitive => count(self.ops_case_insensitive),
            F::OpsWrongMethod => count(self.ops_wrong_method),
            F::ResponseChecked => count(self.response_checked),
            F::ResponseOk => count(self.response_ok),
            F::ResponseAgreement => self.response_agreement,
            F::ResponseRedirects => count(self.response_redirects),
            F::ResponseAgreementWithoutRedirects => self.response_agreement_without_redirects,
            F::BodyChecked => count(self.body_checked),
            F::BodyOk => count(self.body_ok),
            F::BodyAgreement => self.body_agreement,
            F::ActionChecked => count(self.action_checked),
            F::ActionBodyMissing => count(self.action_body_missing),
            F::ActionParams => count(self.action_params),
            F::ActionParamsFound => count(self.action_params_found),
            F::ActionParamRecall => self.action_param_recall,
            F::ActionParamTypesOk => count(self.action_param_types_ok),
            F::ActionParamTypeAgreement => self.action_param_type_agreement,
        }
    }

    /// The floors the figures are under.
    pub fn below_floors(&self) -> Vec<String> {
        OPERATION_FLOORS
            .iter()
            .filter_map(|(figure, floor)| {
                let value = self.get(*figure);
                (value.is_nan() || value < *floor).then(|| format!("{figure}: {value} < {floor}"))
            })
            .collect()
    }

    /// Every figure, one a line, in the order of `eval_operations.py`, then the first
    /// `show` unresolved operations of each reason and mismatches of each class.
    pub fn report(&self, show: usize) -> String {
        let mut out = String::new();
        for figure in OperationFigure::ALL {
            let value = self.get(figure);
            match OPERATION_FLOORS.iter().find(|(f, _)| *f == figure) {
                Some((_, floor)) => {
                    let mark = if value < *floor {
                        "  below the floor"
                    } else {
                        ""
                    };
                    let _ = writeln!(out, "{figure}: {value:.2} (floor {floor}){mark}");
                }
                None => {
                    let _ = writeln!(out, "{figure}: {value}");
                }
            }
        }
        // The mismatches by class: `response_kind`, ..., `body_extra`.
        for (what, classes) in [
            ("response", &self.response_classes),
            ("body", &self.body_classes),
        ] {
            for class in CLASSES {
                let value = classes.get(class).map_or(f64::NAN, |&n| n as f64);
                let _ = writeln!(out, "{what}_{class}: {value}");
            }
        }
        let mut reasons: Vec<(&String, &usize)> = self.unresolved_reasons.iter().collect();
        reasons.sort_by_key(|(_, n)| std::cmp::Reverse(**n));
        let counts: Vec<String> = reasons.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = writeln!(out, "unresolved_reasons: {}", counts.join(", "));
        if show == 0 {
            return out;
        }
        for (reason, _) in reasons {
            let all: Vec<&Unresolved> = self
                .unresolved
                .iter()
                .filter(|u| u.reason == *reason)
                .collect();
            let shown: Vec<String> = all
                .iter()
                .take(show)
                .map(|u| format!("{} {}  [{}] ({})", u.method, u.path, u.detail, u.source))
                .collect();
            let _ = writeln!(
                out,
                "-- unresolved: {reason} ({}): {}",
                all.len(),
                shown.join("; ")
            );
        }
        for what in ["response", "body"] {
            for class in CLASSES {
                let all: Vec<&Mismatch> = self
                    .mismatches
                    .iter()
                    .filter(|m| m.what == what && m.class == class)
                    .collect();
                if all.is_empty() {
                    continue;
                }
                let shown: Vec<String> = all
                    .iter()
                    .take(show)
                    .map(|m| {
                        format!(
                            "{} {}: ours {}, expected {} ({})",
                            m.method, m.path, m.ours, m.expected, m.source
                        )
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "-- {what} {class} ({}): {}",
                    all.len(),
                    shown.join("; ")
                );
            }
        }
        for kind in ["body missing", "parameter missing", "parameter type"] {
            let all: Vec<&ActionMiss> = self
                .action_misses
                .iter()
                .filter(|m| m.kind == kind)
                .collect();
            if all.is_empty() {
                continue;
            }
            let shown: Vec<String> = all
                .iter()
                .take(show)
                .map(|m| {
                    let detail = if m.detail.is_empty() {
                        String::new()
                    } else {
                        format!(" {}", m.detail)
                    };
                    format!(
                        "{} {}: {}{detail} ({}; {})",
                        m.method, m.path, m.parameter, m.source, m.cause
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "-- action {kind} ({}): {}",
                all.len(),
                shown.join("; ")
            );
        }
        out
    }
}

/// Compares the type of every operation of `model` with what the CSDL resolves its
/// path to.
pub fn measure(model: &Model, csdl: &Csdl) -> OperationFigures {
    let index = Index::new(csdl);
    let emitted = emitted(model, &index);
    evaluate(&index, &emitted).0
}

// ---------- what the OpenAPI document says ----------

/// One operation as the OpenAPI document has it.
struct Emitted {
    method: HttpMethod,
    path: String,
    status: u16,
    /// The success response's content; `None` also when the status is not 2xx.
    response: Option<Shape>,
    body: Option<Shape>,
    /// The body's JSON properties ([`body_properties`]); `None` without a body.
    body_props: Option<Vec<(String, Shape)>>,
    source: String,
}

/// The operations of the OpenAPI document: one per path and method (the last one the
/// model has, as the emitter writes them), sorted by path, then in [`HttpMethod::ALL`] order.
fn emitted(model: &Model, index: &Index) -> Vec<Emitted> {
    let mut by_key: BTreeMap<(String, usize), &Operation> = BTreeMap::new();
    for op in &model.operations {
        if let Some(m) = HttpMethod::ALL.iter().position(|m| *m == op.method) {
            by_key.insert((op.path.openapi_path(), m), op);
        }
    }
    by_key
        .into_iter()
        .map(|((path, _), op)| Emitted {
            method: op.method,
            path,
            status: op.response.status,
            response: response_shape(model, index, &op.response),
            body: op
                .request_body
                .as_ref()
                .map(|b| body_shape(model, index, b)),
            body_props: op
                .request_body
                .as_ref()
                .map(|b| body_properties(model, index, b)),
            source: format!("{}:{}", op.source.file, op.source.line),
        })
        .collect()
}

/// The response's schema: a collection is the OData `{"value": [...]}` wrapper, read
/// back as a collection of its items. Only a 2xx status carries one.
fn response_shape(model: &Model, index: &Index, response: &ResponseDef) -> Option<Shape> {
    if !response.status.to_string().starts_with('2') {
        return None;
    }
    response.body.as_ref().map(|t| value_shape(model, index, t))
}

/// The schema `openapi::value_schema` writes for `t`: a reference for a type or enum
/// of the model, a primitive for an EDM type (read back by its format; `Edm.Stream` is
/// written as `Edm.Binary`), any value for a name the model lacks or `Untyped`.
fn value_shape(model: &Model, index: &Index, t: &TypeRef) -> Shape {
    match t {
        TypeRef::Primitive(Edm::Stream) => Shape::single("Edm.Binary"),
        TypeRef::Primitive(e) => Shape::single(format!("Edm.{e:?}")),
        TypeRef::Named(n) if model.types.contains_key(n) || model.enums.contains_key(n) => {
            Shape::single(index.fq_of(n))
        }
        TypeRef::Named(_) | TypeRef::Untyped => Shape::single("<any>"),
        TypeRef::Collection(inner) => Shape {
            collection: true,
            name: value_shape(model, index, inner).name,
        },
    }
}

/// A typed body references each type (several make a union); a body of parameters is an
/// anonymous object, unless its only parameter is `value` (the OData wrapper).
fn body_shape(model: &Model, index: &Index, body: &RequestBody) -> Shape {
    let reference = |n: &QualifiedName| {
        if model.types.contains_key(n) || model.enums.contains_key(n) {
            Shape::single(index.fq_of(n))
        } else {
            Shape::single(format!("<dangling:{n}>"))
        }
    };
    match body {
        RequestBody::Typed { types } if types.len() == 1 => reference(&types[0]),
        RequestBody::Typed { types } => {
            let names: Vec<String> = types.iter().map(|t| reference(t).name).collect();
            Shape::single(names.join("|"))
        }
        RequestBody::Parameters { parameters } => {
            // The object's properties: the first position of a name, the last value.
            let mut props: Vec<(&str, &TypeRef)> = Vec::new();
            for p in parameters {
                match props.iter_mut().find(|(n, _)| *n == p.name) {
                    Some(slot) => slot.1 = &p.ty,
                    None => props.push((&p.name, &p.ty)),
                }
            }
            let value = props.iter().find(|(n, _)| *n == "value");
            match value {
                _ if props.is_empty() => Shape::single("<any>"),
                Some((_, ty))
                    if props
                        .iter()
                        .all(|(n, _)| *n == "value" || n.starts_with('@')) =>
                {
                    value_shape(model, index, ty)
                }
                _ => Shape::single("<inline>"),
            }
        }
    }
}

/// The body's JSON properties, as `eval_operations.py` collects them from the schema: a
/// body of parameters has one per name (the first position, the last type); a typed body
/// follows `$ref` and `allOf`, a type's own properties before its base's, and for a
/// union the last type first. The first of one name wins.
fn body_properties(model: &Model, index: &Index, body: &RequestBody) -> Vec<(String, Shape)> {
    let mut props: Vec<(String, Shape)> = Vec::new();
    match body {
        RequestBody::Parameters { parameters } => {
            for p in parameters {
                let shape = value_shape(model, index, &p.ty);
                match props.iter_mut().find(|(n, _)| *n == p.name) {
                    Some(slot) => slot.1 = shape,
                    None => props.push((p.name.clone(), shape)),
                }
            }
        }
        RequestBody::Typed { types } => {
            let mut stack: Vec<&str> = types.iter().map(QualifiedName::as_str).collect();
            let mut seen = BTreeSet::new();
            while let Some(name) = stack.pop() {
                if !seen.insert(name) {
                    continue;
                }
                let Some(t) = model.types.get(name) else {
                    continue;
                };
                let mut add = |n: &str, shape: Shape| {
                    if !props.iter().any(|(p, _)| p == n) {
                        props.push((n.to_string(), shape));
                    }
                };
                for p in &t.properties {
                    add(&p.name, value_shape(model, index, &p.ty));
                }
                match &t.base {
                    // The root declares the type tag.
                    None => add("@odata.type", Shape::single("Edm.String")),
                    Some(base) => stack.push(base),
                }
            }
        }
    }
    props
}

// ---------- the CSDL, indexed for URL resolution ----------

/// A map that keeps the order keys were first inserted in and looks names up as Graph
/// URLs are read: exactly, else ignoring letter case (where keys differ only in case, the
/// one inserted last wins).
struct Table<V> {
    entries: Vec<(String, V)>,
    exact: HashMap<String, usize>,
    lower: HashMap<String, usize>,
}

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table {
            entries: Vec::new(),
            exact: HashMap::new(),
            lower: HashMap::new(),
        }
    }
}

impl<V> Table<V> {
    fn insert(&mut self, key: &str, value: V) {
        match self.exact.get(key) {
            Some(&i) => self.entries[i].1 = value,
            None => {
                let i = self.entries.len();
                self.exact.insert(key.to_string(), i);
                self.lower.insert(key.to_lowercase(), i);
                self.entries.push((key.to_string(), value));
            }
        }
    }

    fn get_mut_or_default(&mut self, key: &str) -> &mut V
    where
        V: Default,
    {
        if !self.exact.contains_key(key) {
            self.insert(key, V::default());
        }
        let i = self.exact[key];
        &mut self.entries[i].1
    }

    /// The key and value for `name`; sets `ci` when only letter case was ignored.
    fn pick(&self, name: &str, ci: &mut bool) -> Option<(&str, &V)> {
        if let Some(&i) = self.exact.get(name) {
            return Some((&self.entries[i].0, &self.entries[i].1));
        }
        let &i = self.lower.get(&name.to_lowercase())?;
        *ci = true;
        Some((&self.entries[i].0, &self.entries[i].1))
    }
}

struct Index<'c> {
    csdl: &'c Csdl,
    /// The entity and complex types, for casts.
    types: Table<()>,
    roots: Table<CsdlValue>,
    /// Bound operations by unqualified name.
    ops: Table<Vec<&'c BoundOperation>>,
    /// Types by base type.
    children: HashMap<&'c str, Vec<&'c str>>,
    /// Unqualified type or enum name → qualified; the shallowest namespace wins.
    short: HashMap<&'c str, &'c str>,
}

/// Where a path leads.
#[derive(Debug, PartialEq)]
enum Status {
    Ok,
    Special,
    Unresolved { reason: String, detail: String },
}

struct Resolved<'c> {
    status: Status,
    /// Letter case was ignored somewhere.
    ci: bool,
    /// The value reached; `None` after an operation that returns nothing.
    value: Option<CsdlValue>,
    /// The bound operation the path ends with.
    op: Option<&'c BoundOperation>,
}

impl<'c> Index<'c> {
    fn new(csdl: &'c Csdl) -> Self {
        let mut index = Index {
            csdl,
            types: Table::default(),
            roots: Table::default(),
            ops: Table::default(),
            children: HashMap::new(),
            short: HashMap::new(),
        };
        for name in &csdl.type_order {
            index.types.insert(name, ());
        }
        for root in &csdl.roots {
            index.roots.insert(&root.name, root.value.clone());
        }
        for op in &csdl.bound {
            index.ops.get_mut_or_default(&op.name).push(op);
        }
        for name in &csdl.type_order {
            if let Some(base) = csdl.types.get(name).and_then(|t| t.base.as_deref()) {
                index.children.entry(base).or_default().push(name);
            }
        }
        let mut names: Vec<&str> = csdl.type_order.iter().map(String::as_str).collect();
        names.extend(csdl.enums.keys().map(String::as_str));
        // Stable: at one depth, types before enums.
        names.sort_by_key(|n| n.matches('.').count());
        for fq in names {
            let short = fq.rsplit('.').next().unwrap_or(fq);
            index.short.entry(short).or_insert(fq);
        }
        index
    }

    /// A schema name of the OpenAPI document → the CSDL's qualified name (an unqualified
    /// name maps to the shallowest namespace that has it).
    fn fq_of(&self, key: &str) -> String {
        if key.starts_with("Edm.")
            || key.starts_with('<')
            || self.csdl.types.contains_key(key)
            || self.csdl.enums.contains_key(key)
        {
            return key.to_string();
        }
        self.short.get(key).map_or(key, |fq| *fq).to_string()
    }

    fn is_entity(&self, name: &str) -> bool {
        self.csdl.types.get(name).is_some_and(|t| t.entity)
    }

    /// `name` and its base types, nearest first.
    fn ancestors(&self, name: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut cur = Some(name);
        while let Some(c) = cur.filter(|c| !c.is_empty() && !out.iter().any(|o| o == c)) {
            out.push(c.to_string());
            cur = self.csdl.types.get(c).and_then(|t| t.base.as_deref());
        }
        out
    }

    fn descendants(&self, name: &str) -> BTreeSet<&'c str> {
        let mut out = BTreeSet::new();
        let mut todo: Vec<&str> = self.children.get(name).cloned().unwrap_or_default();
        while let Some(t) = todo.pop() {
            out.insert(t);
            let more = self.children.get(t).into_iter().flatten();
            todo.extend(more.filter(|c| !out.contains(*c)));
        }
        out
    }

    /// A property or navigation property of `name` or of one of its base types.
    fn member(&self, name: &str, member: &str, ci: &mut bool) -> Option<CsdlValue> {
        let mut merged: Table<&CsdlValue> = Table::default();
        for t in self.ancestors(name).iter().rev() {
            for (n, v) in self.csdl.types.get(t).into_iter().flat_map(|t| &t.members) {
                merged.insert(n, v);
            }
        }
        merged.pick(member, ci).map(|(_, v)| (*v).clone())
    }

    /// The bound action or function `name` for `cur`: the one bound closest to its type,
    /// then the one whose parameters are those given in `args`, then the first declared.
    fn find_op(
        &self,
        cur: &CsdlValue,
        name: &str,
        args: Option<&str>,
        ci: &mut bool,
        bindings: Option<Vec<String>>,
    ) -> Option<&'c BoundOperation> {
        let short = name.rsplit('.').next().unwrap_or(name);
        let mut candidates: Vec<&'c BoundOperation> = self
            .ops
            .pick(short, ci)
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        if name.contains('.') {
            let want = self.csdl.unalias(name).to_lowercase();
            candidates.retain(|c| c.qualified.to_lowercase() == want);
        }
        let bindings = bindings.unwrap_or_else(|| self.ancestors(&cur.name));
        let given = args.map(argument_names).unwrap_or_default();
        candidates
            .into_iter()
            .enumerate()
            .filter(|(_, c)| c.binding.collection == cur.collection)
            .filter_map(|(i, c)| {
                let distance = bindings.iter().position(|b| *b == c.binding.name)?;
                Some(((distance, given != c.params, i), c))
            })
            .min_by_key(|(rank, _)| *rank)
            .map(|(_, c)| c)
    }

    /// Walks `path` segment by segment from the entity container.
    fn resolve(&self, path: &str) -> Resolved<'c> {
        let mut ci = false;
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        let mut cur: Option<CsdlValue> = None;
        let mut op: Option<&'c BoundOperation> = None;
        let done = |status: Status, ci: bool, cur: Option<CsdlValue>, op| Resolved {
            status,
            ci,
            value: cur,
            op,
        };
        let fail = |reason: &str, detail: String, ci: bool| Resolved {
            status: Status::Unresolved {
                reason: reason.to_string(),
                detail,
            },
            ci,
            value: None,
            op: None,
        };
        let mut i = 0;
        while i < segments.len() {
            let raw = segments[i];
            i += 1;
            // `root:/{path}:` or `{hostname}:/{path}`: the segment ends with a colon.
            let addressing = raw.ends_with(':');
            let seg = raw.strip_suffix(':').unwrap_or(raw);
            if let Some(o) = op.take()
                && (!o.function || !o.composable)
            {
                let kind = if o.function { "function" } else { "action" };
                return fail(
                    &format!("segment after non-composable {kind}"),
                    format!("{}/{seg}", o.qualified),
                    ci,
                );
            }
            if cur.is_none() && i > 1 {
                return fail("segment after no-content operation", seg.to_string(), ci);
            }
            if SPECIAL.contains(&seg) {
                return if i > 1 {
                    done(Status::Special, ci, cur, op)
                } else {
                    fail("unknown root", seg.to_string(), ci)
                };
            }
            let Some((name, mut args)) = split_segment(seg).filter(|(n, _)| !n.is_empty()) else {
                return fail("malformed segment", seg.to_string(), ci);
            };
            let entity = cur.as_ref().is_some_and(|c| self.is_entity(&c.name));
            let alternate_key = alternate_key(seg);
            match cur.clone() {
                None => match self.roots.pick(name, &mut ci) {
                    Some((_, v)) => cur = Some(v.clone()),
                    None => return fail("unknown root", name.to_string(), ci),
                },
                Some(c) => {
                    if is_braced(seg)
                        || (alternate_key.is_some()
                            && c.collection
                            && alternate_key
                                .and_then(|k| self.member(&c.name, k, &mut ci))
                                .is_some())
                    {
                        if !(c.collection && entity) {
                            return fail(
                                "key on a single or non-entity value",
                                format!("{}/{seg}", c.name),
                                ci,
                            );
                        }
                        cur = Some(CsdlValue {
                            collection: false,
                            ..c
                        });
                        args = None;
                    } else if !self.csdl.types.contains_key(&c.name) {
                        return fail(
                            "segment after primitive/enum",
                            format!("{}/{seg}", c.name),
                            ci,
                        );
                    } else if let Some(m) = (!c.collection)
                        .then(|| self.member(&c.name, name, &mut ci))
                        .flatten()
                    {
                        if m.name == "Edm.Stream" {
                            return done(Status::Special, ci, Some(m), op);
                        }
                        cur = Some(m);
                    } else if let Some((cast, _)) = name
                        .contains('.')
                        .then(|| self.types.pick(&self.csdl.unalias(name), &mut ci))
                        .flatten()
                    {
                        if !self.ancestors(cast).contains(&c.name) {
                            return fail(
                                "cast to unrelated type",
                                format!("{} -> {cast}", c.name),
                                ci,
                            );
                        }
                        cur = Some(CsdlValue {
                            name: cast.to_string(),
                            collection: c.collection,
                        });
                    } else if let Some(o) = self.find_op(&c, name, args, &mut ci, None) {
                        op = Some(o);
                        cur = o.returns.clone();
                        args = None;
                    } else {
                        let (reason, detail) = self.why_unknown(&c, seg, name, args);
                        return fail(reason, detail, ci);
                    }
                }
            }
            // Key syntax on the segment itself: `x('{id}')`, `x(id='{id}')`.
            if args.is_some() {
                match cur.as_ref() {
                    Some(c) if c.collection && self.is_entity(&c.name) => {
                        cur = Some(CsdlValue {
                            name: c.name.clone(),
                            collection: false,
                        });
                    }
                    other => {
                        let on = other.map_or("None", |c| c.name.as_str());
                        return fail(
                            "key on a single or non-entity value",
                            format!("{on}/{seg}"),
                            ci,
                        );
                    }
                }
            }
            // Path addressing keeps the type of its base: skip to the closing colon.
            if addressing {
                if cur.as_ref().is_none_or(|c| c.collection) {
                    return fail("path addressing on a collection", seg.to_string(), ci);
                }
                while i < segments.len() && !segments[i].ends_with(':') {
                    i += 1;
                }
                i += 1;
            }
        }
        done(Status::Ok, ci, cur, op)
    }

    /// Why `seg` is nothing the type `cur` has.
    fn why_unknown(
        &self,
        cur: &CsdlValue,
        seg: &str,
        name: &str,
        args: Option<&str>,
    ) -> (&'static str, String) {
        let at = if cur.collection {
            format!("Collection({})/{seg}", cur.name)
        } else {
            format!("{}/{seg}", cur.name)
        };
        let derived = self.descendants(&cur.name);
        let mut ignored = false;
        let derived_member = !cur.collection
            && derived.iter().any(|d| {
                self.csdl
                    .types
                    .get(*d)
                    .is_some_and(|t| t.members.iter().any(|(n, _)| n == name))
            });
        let derived_op = derived.iter().any(|d| {
            self.find_op(cur, name, args, &mut ignored, Some(vec![d.to_string()]))
                .is_some()
        });
        if derived_member || derived_op {
            return ("member of a derived type without a cast", at);
        }
        let short = name.rsplit('.').next().unwrap_or(name);
        if self.ops.pick(short, &mut ignored).is_some() {
            return ("operation not bound to this type", at);
        }
        let reason = if cur.collection {
            "literal key or unknown segment on collection"
        } else {
            "unknown member"
        };
        (reason, at)
    }
}

/// `name(args)` → (`name`, the text between the parentheses); `None` when the segment
/// has a parenthesis anywhere else.
fn split_segment(seg: &str) -> Option<(&str, Option<&str>)> {
    match seg.find(['(', ')']) {
        None => Some((seg, None)),
        Some(at) if seg[at..].starts_with('(') && seg.len() >= at + 2 && seg.ends_with(')') => {
            Some((&seg[..at], Some(&seg[at + 1..seg.len() - 1])))
        }
        Some(_) => None,
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The whole segment is one path parameter: `{id}`.
fn is_braced(seg: &str) -> bool {
    seg.len() >= 2
        && seg.starts_with('{')
        && seg.ends_with('}')
        && !seg[1..seg.len() - 1].contains(['{', '}'])
}

/// The property of an alternate key segment: `roleTemplateId={id}`, `userPrincipalName='x'`.
fn alternate_key(seg: &str) -> Option<&str> {
    let (key, value) = seg.split_once('=')?;
    if key.is_empty() || !key.chars().all(is_word) {
        return None;
    }
    let braced = value
        .strip_prefix('{')
        .and_then(|v| v.strip_suffix('}'))
        .is_some_and(|inner| !inner.contains(['{', '}']));
    let quoted = value
        .strip_prefix('\'')
        .and_then(|v| v.strip_suffix('\''))
        .is_some_and(|inner| !inner.contains('\''));
    (braced || quoted).then_some(key)
}

/// The names of `name=value` arguments: `(address={a},index=1)` → {address, index}.
fn argument_names(args: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = args;
    while let Some(start) = rest.find(is_word) {
        let word_len = rest[start..]
            .find(|c: char| !is_word(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let after = rest[start + word_len..].trim_start();
        if let Some(next) = after.strip_prefix('=') {
            out.insert(word.to_string());
            rest = next;
        } else {
            rest = &rest[start + word_len..];
        }
    }
    out
}

// ---------- comparison ----------

/// How `ours` compares with `expected` (`None`: no content). `none_ok`: no content
/// passes; `union_ok`: a union that holds the expected type passes.
fn compare(
    index: &Index,
    ours: Option<&Shape>,
    expected: Option<&Shape>,
    none_ok: bool,
    union_ok: bool,
) -> &'static str {
    let Some(expected) = expected else {
        return if ours.is_none() { "ok" } else { "extra" };
    };
    let ours = match ours {
        Some(o) if !o.name.starts_with("<dangling") => o,
        None if none_ok => return "ok",
        _ => return "missing",
    };
    if ours.name.contains('|') {
        let holds = ours.name.split('|').any(|n| n == expected.name);
        return if union_ok && ours.collection == expected.collection && holds {
            "ok"
        } else {
            "union"
        };
    }
    if ours.collection != expected.collection {
        return "kind";
    }
    if ours.name == expected.name {
        return "ok";
    }
    if ours.name == "<inline>" || ours.name == "<any>" {
        return "inline";
    }
    if index
        .descendants(&expected.name)
        .contains(ours.name.as_str())
    {
        return "derived";
    }
    if index.ancestors(&expected.name).contains(&ours.name) {
        "base"
    } else {
        "unrelated"
    }
}

/// The verdicts on one operation: where its path leads, and the class of its response
/// and body where they are checked.
#[derive(Debug)]
struct Verdict {
    resolve: &'static str,
    response: Option<&'static str>,
    body: Option<&'static str>,
}

/// The figures, and the verdicts by `METHOD path`.
fn evaluate(index: &Index, emitted: &[Emitted]) -> (OperationFigures, BTreeMap<String, Verdict>) {
    let mut f = OperationFigures {
        response_classes: CLASSES.iter().map(|c| (*c, 0)).collect(),
        body_classes: CLASSES.iter().map(|c| (*c, 0)).collect(),
        ..OperationFigures::default()
    };
    let mut verdicts = BTreeMap::new();
    let mut redirects_ok = 0;
    for e in emitted {
        let r = index.resolve(&e.path);
        let key = format!("{} {}", e.method, e.path);
        let mut verdict = Verdict {
            resolve: "ok",
            response: None,
            body: None,
        };
        f.ops_total += 1;
        f.ops_case_insensitive += usize::from(r.ci);
        match r.status {
            Status::Unresolved { reason, detail } => {
                f.ops_unresolved += 1;
                *f.unresolved_reasons.entry(reason.clone()).or_default() += 1;
                f.unresolved.push(Unresolved {
                    method: e.method.to_string(),
                    path: e.path.clone(),
                    reason,
                    detail,
                    source: e.source.clone(),
                });
                verdict.resolve = "unresolved";
                verdicts.insert(key, verdict);
                continue;
            }
            Status::Special => {
                f.ops_resolved += 1;
                f.ops_special += 1;
                verdict.resolve = "special";
                verdicts.insert(key, verdict);
                continue;
            }
            Status::Ok => f.ops_resolved += 1,
        }
        if let Some(op) = r.op {
            f.bound_reached.insert(bound_key(op));
        }
        let value = r.value.as_ref();
        let expected = value.map(|v| Shape {
            collection: v.collection,
            name: if v.name == "Edm.Stream" {
                "Edm.Binary".to_string()
            } else {
                v.name.clone()
            },
        });
        let method = e.method;
        if let Some(target) = r.op
            && target.function != (method == HttpMethod::Get)
        {
            f.ops_wrong_method += 1;
        }
        let collection = value.is_some_and(|v| v.collection);
        // (what, expected, none_ok, union_ok)
        let checks: Vec<(&'static str, Option<Shape>, bool, bool)> =
            if method != HttpMethod::Delete && (r.op.is_some() || method == HttpMethod::Get) {
                vec![("response", expected, false, false)]
            } else if method == HttpMethod::Post && collection {
                let one = value.map(|v| Shape::single(v.name.clone()));
                vec![
                    ("response", one.clone(), false, false),
                    ("body", one, false, true),
                ]
            } else if method.is_update() && !collection {
                vec![
                    ("response", expected.clone(), true, false),
                    ("body", expected, false, true),
                ]
            } else {
                Vec::new()
            };
        for (what, expected, none_ok, union_ok) in checks {
            let ours = if what == "body" {
                e.body.as_ref()
            } else {
                e.response.as_ref()
            };
            let class = compare(index, ours, expected.as_ref(), none_ok, union_ok);
            let redirect = what == "response" && e.status == REDIRECT;
            if what == "body" {
                verdict.body = Some(class);
                f.body_checked += 1;
                f.body_ok += usize::from(class == "ok");
            } else {
                verdict.response = Some(class);
                f.response_checked += 1;
                f.response_ok += usize::from(class == "ok");
                f.response_redirects += usize::from(redirect);
                redirects_ok += usize::from(redirect && class == "ok");
            }
            if class == "ok" {
                continue;
            }
            let classes = if what == "body" {
                &mut f.body_classes
            } else {
                &mut f.response_classes
            };
            *classes.entry(class).or_default() += 1;
            let ours = match ours {
                None if what == "response" => {
                    let mut codes = [e.status.to_string(), "default".to_string()];
                    codes.sort();
                    format!("none [{}]", codes.join(","))
                }
                ours => show(ours),
            };
            f.mismatches.push(Mismatch {
                what,
                class,
                method: e.method.to_string(),
                path: e.path.clone(),
                ours,
                expected: show(expected.as_ref()),
                source: e.source.clone(),
            });
        }
        if let Some(target) = r.op
            && !target.function
            && method == HttpMethod::Post
            && !target.param_types.is_empty()
        {
            check_action(index, e, target, &mut f);
        }
        verdicts.insert(key, verdict);
    }
    f.ops_resolved_pct = pct(f.ops_resolved, f.ops_total);
    f.action_param_recall = pct(f.action_params_found, f.action_params);
    f.action_param_type_agreement = pct(f.action_param_types_ok, f.action_params_found);
    f.response_agreement = pct(f.response_ok, f.response_checked);
    f.body_agreement = pct(f.body_ok, f.body_checked);
    f.response_agreement_without_redirects = pct(
        f.response_ok - redirects_ok,
        f.response_checked - f.response_redirects,
    );
    (f, verdicts)
}

/// An action's body against the CSDL's parameters: each name among the body's
/// properties (letter case ignored), then its type (an enum may be a string).
fn check_action(index: &Index, e: &Emitted, target: &BoundOperation, f: &mut OperationFigures) {
    f.action_checked += 1;
    f.action_params += target.param_types.len();
    let miss = |kind, parameter: &str, detail: String| ActionMiss {
        kind,
        method: e.method.to_string(),
        path: e.path.clone(),
        parameter: parameter.to_string(),
        detail,
        source: e.source.clone(),
        cause: "",
    };
    let Some(props) = &e.body_props else {
        f.action_body_missing += 1;
        for name in target.param_types.keys() {
            f.action_misses
                .push(miss("body missing", name, String::new()));
        }
        return;
    };
    // Lower-cased names; the last of one spelling wins, as in a Python dict.
    let mut lower: HashMap<String, &Shape> = HashMap::new();
    for (name, shape) in props {
        lower.insert(name.to_lowercase(), shape);
    }
    for (name, value) in &target.param_types {
        let Some(got) = lower.get(&name.to_lowercase()) else {
            f.action_misses
                .push(miss("parameter missing", name, String::new()));
            continue;
        };
        f.action_params_found += 1;
        let expected = Shape {
            collection: value.collection,
            name: if value.name == "Edm.Stream" {
                "Edm.Binary".to_string()
            } else {
                value.name.clone()
            },
        };
        let enum_as_string = got.collection == expected.collection
            && index.csdl.enums.contains_key(&value.name)
            && (got.name == "Edm.String" || got.name == value.name);
        if **got == expected || enum_as_string {
            f.action_param_types_ok += 1;
        } else {
            f.action_misses.push(miss(
                "parameter type",
                name,
                format!(
                    "ours {}, expected {}",
                    show(Some(got)),
                    show(Some(&expected))
                ),
            ));
        }
    }
}

/// Why each missed action parameter is missed, judged from the page that documents the
/// operation (letter case ignored): a type miss is the page's type; a parameter the page
/// names nowhere is a gap in the docs; one a parameter table lists is the generator's
/// miss (the body is typed from elsewhere, or the table was not read); else the page
/// mentions it only in prose or examples.
pub fn action_miss_causes(pages: &[graphdoc::parse::Page], f: &mut OperationFigures) {
    use graphdoc::parse::Item;
    fn words(text: &str) -> impl Iterator<Item = String> + '_ {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
    }
    let by_path: HashMap<&str, &graphdoc::parse::Page> =
        pages.iter().map(|p| (p.path.as_str(), p)).collect();
    // Per page: every word, and the first cells of its tables with a type column.
    let mut read: HashMap<&str, (BTreeSet<String>, BTreeSet<String>)> = HashMap::new();
    for m in &mut f.action_misses {
        if m.kind == "parameter type" {
            m.cause = PARAMETER_TYPED_OTHERWISE;
            continue;
        }
        let file = m
            .source
            .rsplit_once(':')
            .map_or(m.source.as_str(), |(f, _)| f);
        let Some(page) = by_path.get(file) else {
            continue;
        };
        let (all, listed) = read.entry(page.path.as_str()).or_insert_with(|| {
            let mut all = BTreeSet::new();
            let mut listed = BTreeSet::new();
            for section in &page.sections {
                all.extend(words(&section.title));
                for item in &section.items {
                    match item {
                        Item::Prose(p) => all.extend(words(&p.text)),
                        Item::Code(c) => all.extend(words(&c.text)),
                        Item::Table(t) => {
                            let typed = t.column(&["type", "value"]).is_some();
                            for row in &t.rows {
                                for (i, cell) in row.cells.iter().enumerate() {
                                    all.extend(words(&cell.text));
                                    if typed && i == 0 {
                                        listed.extend(words(&cell.text));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            (all, listed)
        });
        let name = m.parameter.to_ascii_lowercase();
        m.cause = if listed.contains(&name) {
            PARAMETER_IN_A_TABLE
        } else if all.contains(&name) {
            PARAMETER_NAMED_ELSEWHERE
        } else {
            PARAMETER_NAMED_NOWHERE
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use graphdoc::model::{Area, EnumDef, Property, Source};

    /// The synthetic metadata of `eval_operations.py --selftest`.
    const CSDL: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
 <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id"/></Key>
  <Property Name="id" Type="Edm.String"/></EntityType>
 <EntityType Name="item" BaseType="graph.entity"><Property Name="content" Type="Edm.Stream"/>
  <Property Name="settings" Type="graph.settings"/><Property Name="history" Type="Collection(graph.settings)"/>
  <NavigationProperty Name="parts" Type="Collection(graph.part)"/><NavigationProperty Name="root" Type="graph.item"/>
  <NavigationProperty Name="thing" Type="microsoft.graph.sub.thing"/></EntityType>
 <EntityType Name="specialItem" BaseType="graph.item"><NavigationProperty Name="extra" Type="graph.part"/></EntityType>
 <EntityType Name="part" BaseType="graph.entity"/>
 <ComplexType Name="settings"><Property Name="color" Type="Edm.String"/></ComplexType>
 <Action Name="archive" IsBound="true"><Parameter Name="b" Type="graph.item"/><ReturnType Type="graph.item"/></Action>
 <Action Name="ping" IsBound="true"><Parameter Name="b" Type="graph.item"/></Action>
 <Action Name="move" IsBound="true"><Parameter Name="b" Type="graph.item"/><Parameter Name="target" Type="graph.part"/>
  <Parameter Name="note" Type="Edm.String"/><ReturnType Type="graph.item"/></Action>
 <Action Name="tag" IsBound="true"><Parameter Name="b" Type="graph.item"/>
  <Parameter Name="labels" Type="Collection(Edm.String)"/></Action>
 <Function Name="recent" IsBound="true"><Parameter Name="b" Type="Collection(graph.item)"/>
  <ReturnType Type="Collection(graph.item)"/></Function>
 <Function Name="count" IsBound="true"><Parameter Name="b" Type="graph.item"/><Parameter Name="kind" Type="Edm.String"/>
  <ReturnType Type="Edm.Int32"/></Function>
 <EntityContainer Name="GraphService"><EntitySet Name="items" EntityType="microsoft.graph.item"/>
  <Singleton Name="home" Type="microsoft.graph.item"/></EntityContainer>
</Schema>
<Schema Namespace="microsoft.graph.sub" xmlns="http://docs.oasis-open.org/odata/ns/edm">
 <EntityType Name="thing" BaseType="graph.entity"/></Schema>
</edmx:DataServices></edmx:Edmx>"#;

    /// `METHOD PATH STATUS RESPONSE BODY EXPECTED`, the cases of `eval_operations.py
    /// --selftest`. Shapes: `x` the schema `microsoft.graph.x`, `@k` the schema `k`,
    /// `C:x` the OData collection of x, `A:x` a bare array, `x?` a nullable x, `x|y` a
    /// union, `-` no content.
    const CASES: &str = "
get /items 200 C:item - response=ok
post /items 201 item item|specialItem response=ok,body=ok
get /items/{id} 200 specialItem - response=derived
patch /items/{id} 204 - specialItem response=ok,body=derived
delete /items/{id} 204 - - resolve=ok
get /items/{id}/parts 200 part - response=kind
post /items/{id}/parts 201 entity entity|item response=base,body=union
get /items/{id}/parts/{pid} 200 settings - response=unrelated
put /items/{id}/parts/{pid} 200 part part response=ok,body=ok
get /items/{id}/microsoft.graph.specialItem/extra 200 part? - response=ok
get /items/{id}/extra 200 part - resolve=unresolved
get /items/{id}/microsoft.graph.part 200 part - resolve=unresolved
post /items/{id}/archive 200 item - response=ok
post /items/{id}/microsoft.graph.ping 204 - - response=ok
post /home/ping 200 item - response=extra
get /items/microsoft.graph.recent() 200 C:item - response=ok
get /home/count(kind='{k}') 200 int32 - response=ok
get /home 200 @item - response=ok
patch /home 200 item inline response=ok,body=inline
get /home/content 200 binary - resolve=special
get /home/parts/$count 200 int32 - resolve=special
get /home/thing 200 @microsoft.graph.sub.thing - response=ok
get /home/settings 200 settings - response=ok
get /home/history 200 A:settings - response=ok
get /home/history/{id} 200 settings - resolve=unresolved
get /home/parts/{id} 204 - - response=missing
get /Items('{id}')/Parts 200 C:part - response=ok
get /items/id={id}/parts 200 C:part - response=ok
get /items/{id}/root:/{path}:/parts 200 C:part - response=ok
get /home/root:/{path} 200 item - response=ok
get /items/contoso.com/parts 200 C:part - resolve=unresolved
get /nowhere 200 item - resolve=unresolved
";

    /// The schemas the cases' document has.
    const SCHEMAS: [&str; 7] = [
        "microsoft.graph.entity",
        "microsoft.graph.item",
        "microsoft.graph.specialItem",
        "microsoft.graph.part",
        "microsoft.graph.settings",
        "microsoft.graph.sub.thing",
        "item",
    ];

    fn shape(index: &Index, token: &str) -> Option<Shape> {
        if token == "-" {
            return None;
        }
        if let Some(item) = token.strip_prefix("C:").or(token.strip_prefix("A:")) {
            let name = shape(index, item)?.name;
            return Some(Shape {
                collection: true,
                name,
            });
        }
        if token.contains('|') || token.ends_with('?') {
            let alternatives: Vec<Shape> = token
                .trim_end_matches('?')
                .split('|')
                .filter_map(|t| shape(index, t))
                .collect();
            if let [one] = alternatives.as_slice() {
                return Some(one.clone());
            }
            let names: Vec<String> = alternatives.into_iter().map(|s| s.name).collect();
            return Some(Shape::single(names.join("|")));
        }
        let name = match token {
            "int32" => "Edm.Int32".to_string(),
            "binary" => "Edm.Binary".to_string(),
            "inline" => "<inline>".to_string(),
            _ => {
                let key = token
                    .strip_prefix('@')
                    .map_or_else(|| format!("microsoft.graph.{token}"), str::to_string);
                if SCHEMAS.contains(&key.as_str()) {
                    index.fq_of(&key)
                } else {
                    format!("<dangling:{key}>")
                }
            }
        };
        Some(Shape::single(name))
    }

    #[test]
    fn paths_resolve_and_compare_as_the_script_judges_them() {
        let csdl = Csdl::parse(CSDL).expect("the synthetic CSDL parses");
        let index = Index::new(&csdl);
        let mut emitted = Vec::new();
        let mut expected = Vec::new();
        for line in CASES.trim().lines() {
            let f: Vec<&str> = line.split_whitespace().collect();
            let [method, path, status, response, body, want] = f[..] else {
                panic!("bad case {line}");
            };
            let status: u16 = status.parse().expect("a status code");
            emitted.push(Emitted {
                method: HttpMethod::parse(method).expect("a method the API uses"),
                path: path.to_string(),
                status,
                response: shape(&index, response),
                body: shape(&index, body),
                body_props: None,
                source: format!("cases:{}", emitted.len() + 1),
            });
            for verdict in want.split(',') {
                let (what, class) = verdict.split_once('=').expect("what=class");
                expected.push((format!("{} {path}", method.to_uppercase()), what, class));
            }
        }
        let (figures, verdicts) = evaluate(&index, &emitted);
        let wrong: Vec<String> = expected
            .iter()
            .filter_map(|(key, what, want)| {
                let v = &verdicts[key];
                let got = match *what {
                    "resolve" => Some(v.resolve),
                    "response" => v.response,
                    "body" => v.body,
                    _ => None,
                };
                (got != Some(*want)).then(|| format!("{key}: {what} = {got:?}, want {want}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert_eq!(verdicts.len(), 32);
        // Only `/Items('{id}')/Parts` needs letter case ignored.
        assert_eq!(figures.ops_case_insensitive, 1);
        assert_eq!(figures.ops_total, 32);
        assert_eq!(
            (figures.ops_unresolved, figures.ops_special),
            (5, 2),
            "{:?}",
            figures.unresolved
        );
        let reasons: Vec<(&str, usize)> = figures
            .unresolved_reasons
            .iter()
            .map(|(r, n)| (r.as_str(), *n))
            .collect();
        assert_eq!(
            reasons,
            [
                ("cast to unrelated type", 1),
                ("key on a single or non-entity value", 1),
                ("literal key or unknown segment on collection", 1),
                ("member of a derived type without a cast", 1),
                ("unknown root", 1),
            ]
        );
    }

    #[test]
    fn paths_past_a_value_without_members_do_not_resolve() {
        let csdl = Csdl::parse(CSDL).expect("the synthetic CSDL parses");
        let index = Index::new(&csdl);
        let cases = [
            (
                "/home/colour",
                "unknown member",
                "microsoft.graph.item/colour",
            ),
            (
                "/items/{id}/archive/parts",
                "segment after non-composable action",
                "microsoft.graph.archive/parts",
            ),
            (
                "/home/ping/x",
                "segment after non-composable action",
                "microsoft.graph.ping/x",
            ),
            (
                "/home/count(kind='a')/x",
                "segment after non-composable function",
                "microsoft.graph.count/x",
            ),
            (
                "/items/microsoft.graph.recent()/{id}",
                "segment after non-composable function",
                "microsoft.graph.recent/{id}",
            ),
            (
                "/home/settings/color/x",
                "segment after primitive/enum",
                "Edm.String/x",
            ),
        ];
        for (path, reason, detail) in cases {
            let want = Status::Unresolved {
                reason: reason.to_string(),
                detail: detail.to_string(),
            };
            assert_eq!(index.resolve(path).status, want, "{path}");
        }
        let count = index.resolve("/items/{id}/count");
        assert_eq!(count.status, Status::Ok);
        assert_eq!(
            count.op.map(|o| o.qualified.as_str()),
            Some("microsoft.graph.count")
        );
        assert_eq!(
            count.value,
            Some(CsdlValue {
                name: "Edm.Int32".to_string(),
                collection: false
            })
        );
    }

    #[test]
    fn action_bodies_are_checked_parameter_by_parameter_as_the_script_does() {
        let csdl = Csdl::parse(CSDL).expect("the synthetic CSDL parses");
        let index = Index::new(&csdl);
        let post = |path: &str, body_props| Emitted {
            method: HttpMethod::Post,
            path: path.to_string(),
            status: 200,
            response: Some(Shape::single("microsoft.graph.item")),
            body: None,
            body_props,
            source: "api/a.md:3".to_string(),
        };
        let emitted = [
            // `Target` differs in case only; `note` is found.
            post(
                "/items/{id}/move",
                Some(vec![
                    ("Target".to_string(), Shape::single("microsoft.graph.part")),
                    ("note".to_string(), Shape::single("Edm.String")),
                ]),
            ),
            post("/home/tag", None),
            post(
                "/items/{id}/microsoft.graph.move",
                Some(vec![("target".to_string(), Shape::single("<any>"))]),
            ),
        ];
        let (f, _) = evaluate(&index, &emitted);
        assert_eq!(
            (f.action_checked, f.action_params, f.action_params_found),
            (3, 5, 3)
        );
        assert_eq!((f.action_param_types_ok, f.action_body_missing), (2, 1));
        assert_eq!(f.action_param_recall, 60.0);
        assert_eq!(f.action_param_type_agreement, 66.67);
        let misses: Vec<(&str, &str, &str)> = f
            .action_misses
            .iter()
            .map(|m| (m.kind, m.parameter.as_str(), m.detail.as_str()))
            .collect();
        assert_eq!(
            misses,
            [
                ("body missing", "labels", ""),
                ("parameter missing", "note", ""),
                (
                    "parameter type",
                    "target",
                    "ours <any>, expected microsoft.graph.part"
                ),
            ]
        );
    }

    #[test]
    fn action_misses_are_told_apart_by_what_the_page_says() {
        use graphdoc::parse::parse_page;
        let page = "---\ndoc_type: apiPageType\n---\n# item: move\n\n## Request body\n\
            Send a `note`.\n\n|Parameter|Type|Description|\n|:--|:--|:--|\n|target|String|Where.|\n";
        let pages = vec![parse_page("api/a.md", page.as_bytes()).0];
        let miss = |kind, parameter: &str| ActionMiss {
            kind,
            method: "POST".to_string(),
            path: "/items/{id}/move".to_string(),
            parameter: parameter.to_string(),
            detail: String::new(),
            source: "api/a.md:3".to_string(),
            cause: "",
        };
        let mut f = OperationFigures {
            action_misses: vec![
                miss("parameter missing", "Target"),
                miss("parameter missing", "note"),
                miss("body missing", "labels"),
                miss("parameter type", "target"),
            ],
            ..OperationFigures::default()
        };
        action_miss_causes(&pages, &mut f);
        let causes: Vec<&str> = f.action_misses.iter().map(|m| m.cause).collect();
        assert_eq!(
            causes,
            [
                PARAMETER_IN_A_TABLE,
                PARAMETER_NAMED_ELSEWHERE,
                PARAMETER_NAMED_NOWHERE,
                PARAMETER_TYPED_OTHERWISE
            ]
        );
    }

    #[test]
    fn redirects_are_counted_apart_from_the_response_agreement() {
        let csdl = Csdl::parse(CSDL).expect("the synthetic CSDL parses");
        let index = Index::new(&csdl);
        let op = |path: &str, status: u16, response: Option<Shape>| Emitted {
            method: HttpMethod::Get,
            path: path.to_string(),
            status,
            response,
            body: None,
            body_props: None,
            source: "cases:1".to_string(),
        };
        let item = || Some(Shape::single("microsoft.graph.item"));
        let emitted = [
            op("/home", 200, item()),
            op(
                "/home/root",
                200,
                Some(Shape::single("microsoft.graph.part")),
            ),
            // A report that redirects to its download has no content.
            op("/home/archive", REDIRECT, None),
        ];
        let (f, _) = evaluate(&index, &emitted);
        assert_eq!((f.response_checked, f.response_ok), (3, 1));
        assert_eq!(f.response_redirects, 1);
        assert_eq!(f.response_agreement, 33.33);
        assert_eq!(f.response_agreement_without_redirects, 50.0);
        let missing: Vec<(&str, &str, &str)> = f
            .mismatches
            .iter()
            .map(|m| (m.class, m.ours.as_str(), m.source.as_str()))
            .collect();
        assert_eq!(
            missing,
            [
                ("unrelated", "microsoft.graph.part", "cases:1"),
                ("missing", "none [302,default]", "cases:1")
            ]
        );
    }

    #[test]
    fn the_model_maps_to_the_schemas_the_openapi_document_has() {
        let csdl = Csdl::parse(CSDL).expect("the synthetic CSDL parses");
        let index = Index::new(&csdl);
        let mut model = Model::default();
        let name = "microsoft.graph.color".to_string();
        let qualified = QualifiedName::from_qualified(&name);
        model.enums.insert(
            qualified.clone(),
            EnumDef {
                name: qualified,
                namespace: "microsoft.graph".to_string(),
                area: Area::general(),
                description: String::new(),
                flags: false,
                members: Vec::new(),
                source: Source {
                    file: "color.md".to_string(),
                    line: 1,
                },
            },
        );
        let named = |n: &str| TypeRef::Named(QualifiedName::from_qualified(n));
        let many = |t: TypeRef| TypeRef::Collection(Box::new(t));
        let single = |n: &str| Shape::single(n);
        let value = |t: TypeRef| value_shape(&model, &index, &t);
        assert_eq!(value(TypeRef::Primitive(Edm::Stream)), single("Edm.Binary"));
        assert_eq!(
            value(TypeRef::Primitive(Edm::TimeOfDay)),
            single("Edm.TimeOfDay")
        );
        assert_eq!(value(named(&name)), single(&name));
        // A name the model lacks is written as any value.
        assert_eq!(value(named("microsoft.graph.nowhere")), single("<any>"));
        assert_eq!(value(TypeRef::Untyped), single("<any>"));
        assert_eq!(
            value(many(named(&name))),
            Shape {
                collection: true,
                name: name.clone()
            }
        );
        let response = |status, body| {
            response_shape(
                &model,
                &index,
                &ResponseDef {
                    status,
                    body,
                    prose_collection: None,
                },
            )
        };
        assert_eq!(response(201, Some(named(&name))), Some(single(&name)));
        assert_eq!(response(302, Some(named(&name))), None);
        assert_eq!(response(204, None), None);

        let body = |b: RequestBody| body_shape(&model, &index, &b);
        let typed = |types: &[&str]| RequestBody::Typed {
            types: types
                .iter()
                .map(|t| QualifiedName::from_qualified(*t))
                .collect(),
        };
        assert_eq!(body(typed(&[&name])), single(&name));
        assert_eq!(
            body(typed(&["microsoft.graph.x"])),
            single("<dangling:microsoft.graph.x>")
        );
        assert_eq!(
            body(typed(&[&name, "microsoft.graph.x"])),
            single("microsoft.graph.color|<dangling:microsoft.graph.x>")
        );
        let param = |n: &str, ty: TypeRef| Property {
            name: n.to_string(),
            ty,
            description: String::new(),
            navigation: false,
            source: Source {
                file: "a.md".to_string(),
                line: 1,
            },
            query: Default::default(),
        };
        let parameters = |parameters| body(RequestBody::Parameters { parameters });
        assert_eq!(parameters(vec![]), single("<any>"));
        assert_eq!(
            parameters(vec![param("value", many(named(&name)))]),
            Shape {
                collection: true,
                name: name.clone()
            }
        );
        assert_eq!(
            parameters(vec![
                param("value", named(&name)),
                param("comment", TypeRef::Primitive(Edm::String))
            ]),
            single("<inline>")
        );
    }

    #[test]
    fn segments_are_split_as_odata_urls_are() {
        assert_eq!(split_segment("items"), Some(("items", None)));
        assert_eq!(split_segment("recent()"), Some(("recent", Some(""))));
        assert_eq!(
            split_segment("range(address='A1:B2')"),
            Some(("range", Some("address='A1:B2'")))
        );
        assert_eq!(split_segment("resizedRange(deltaRows={n},"), None);
        assert_eq!(split_segment("(team-id)"), Some(("", Some("team-id"))));
        assert_eq!(alternate_key("roleTemplateId={id}"), Some("roleTemplateId"));
        assert_eq!(
            alternate_key("userPrincipalName='a@b'"),
            Some("userPrincipalName")
        );
        assert_eq!(alternate_key("x={a}{b}"), None);
        assert_eq!(alternate_key("contoso.com"), None);
        assert!(is_braced("{id}") && !is_braced("{a}{b}") && !is_braced("x{id}"));
        let names = argument_names("address={a}, index = 1,text='x=y'");
        assert_eq!(
            names.iter().map(String::as_str).collect::<Vec<_>>(),
            ["address", "index", "text", "x"]
        );
    }
}

//! Request builders: `Graph.users().by_id(id).messages().list()`, the documented request
//! lines as a tree of path steps that a program walks with autocompletion.
//!
//! The tree is built from the operations' paths: each path is cut into steps (a `/`
//! segment; a key; `root:/{path}:` as one step), and paths that start alike share their
//! steps, so a step exists only where some documented request line goes on through it.
//! Each node is a small struct holding the path values gathered so far; its methods are
//! the steps below it and the operations documented on its path, which call the
//! request functions of `operations` (so a builder returns the very `Request<T>` the
//! function does). Everything is `#[inline]` and the structs are arrays of `&str`: only
//! what a program calls is compiled.
//!
//! Naming (documented in `docs/generated-api.md`):
//! - a literal segment: snake_case of its name, namespace, `$` and `()` dropped
//!   (`deviceConfigurations` → `device_configurations`, `$count` → `count`);
//! - a segment that is a key (`{id}`): `by_id`; a key documented as alternatives
//!   (`{id | userPrincipalName}`) also gets `by_id_or_user_principal_name`, to the same
//!   node;
//! - a cast (`microsoft.graph.windows10GeneralConfiguration`, a documented type):
//!   `as_windows10_general_configuration`;
//! - a segment with values inside (`sites('{id}')`): its name, then `_by_id`; a function
//!   with parameters (`getTeamsUserActivityCounts(period='{p}')`): its name; path-based
//!   addressing (`root:/{item-path}:`): its name, then `_path`;
//! - operations: `get` (`list` when it answers a collection), `create` (POST of an
//!   entity; other POSTs `post`), `update` (PATCH), `put`, `delete`; a step that ends
//!   in one action or function and nothing else returns its request itself
//!   (`.assign(&body)`, `.delta()`);
//! - names that collide within one node (operations first, then steps in path order)
//!   get `_2`, `_3`; node types are named after their path (`Graph`,
//!   `DeviceManagementDeviceConfigurationsItem`), made unique the same way.

use super::docs::{escape, write_outer};
use super::features::cfg_features;
use super::layout::{INDENT, WIDTH, write_call, write_signature};
use super::names::{Scope, camel, ident, snake};
use super::operations::{InlineBody, body_type, optional_body_name, response_type};
use super::{RustCode, TypeNames};
use crate::method::HttpMethod;
use crate::model::{Model, Operation, ParamStyle, PathPart, QualifiedName, RequestBody, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;

/// How many documented paths a step's docs list before "and N more".
const LISTED_PATHS: usize = 4;

/// What identifies a step below a node: paths share a node where their steps are equal.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum StepKey {
    /// A segment without values, as written.
    Literal(String),
    /// A segment that is one value.
    Key,
    /// A segment with values inside, written with `\0` for each value, and whether one
    /// of them is path-based addressing.
    Mixed(String, bool),
}

/// One step of one path: its key, the path parameters it takes (indexes into the
/// operation's parameters), and for a key, the documented alternative form if any.
struct Step {
    key: StepKey,
    params: Vec<usize>,
    alternative: Option<String>,
}

/// A node of the builder tree: a path prefix that some documented request line has.
#[derive(Debug)]
pub struct Node {
    key: Option<StepKey>,
    parent: Option<usize>,
    /// Path values gathered from the root to here.
    pub params: usize,
    pub children: Vec<usize>,
    /// Operations documented on exactly this path, in model order.
    pub ops: Vec<usize>,
    /// Names of the step's arguments (from the first path through it).
    step_args: Vec<String>,
    /// The forms a key is documented in: `None` for a plain key, else the alternative's
    /// parameter name. One for every other step.
    forms: Vec<Option<String>>,
    /// The method names of the step into this node, one per form, unique in the parent.
    pub methods: Vec<String>,
    /// The method name of each operation (parallel to `ops`), unique in the node.
    pub op_methods: Vec<String>,
    /// The Rust type of the node (empty for a collapsed one).
    pub type_name: String,
    /// A leaf with one action or function: the step into it returns the request.
    pub collapsed: bool,
    /// A word for the type names below.
    word: String,
}

/// One call of a chain from the root: method name and how many path values it takes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub method: String,
    pub args: usize,
    /// The call that returns the request (it also takes the body, if any).
    pub last: bool,
}

/// The builder tree of a model.
#[derive(Debug)]
pub struct Tree {
    /// Node 0 is the root; a node's parent comes before it.
    pub nodes: Vec<Node>,
    /// For each operation, the node it is attached to.
    pub attached: Vec<usize>,
    /// For each operation, the form of each key step on its way (node → form index).
    forms_taken: Vec<Vec<(usize, usize)>>,
    /// For each operation whose body is optional, the method that takes the body (the
    /// one without it has the operation's own name), unique where that one is.
    pub body_methods: Vec<Option<String>>,
}

impl Tree {
    pub fn new(model: &Model) -> Self {
        let mut tree = Tree {
            nodes: vec![Node::root()],
            attached: Vec::with_capacity(model.operations.len()),
            forms_taken: Vec::with_capacity(model.operations.len()),
            body_methods: vec![None; model.operations.len()],
        };
        let mut index: HashMap<(usize, StepKey), usize> = HashMap::new();
        for (i, op) in model.operations.iter().enumerate() {
            let mut at = 0;
            let mut forms = Vec::new();
            for step in steps(op) {
                let next = *index.entry((at, step.key.clone())).or_insert_with(|| {
                    let params = tree.nodes[at].params + step.params.len();
                    let node = Node {
                        key: Some(step.key.clone()),
                        parent: Some(at),
                        params,
                        children: Vec::new(),
                        ops: Vec::new(),
                        step_args: step
                            .params
                            .iter()
                            .map(|&p| op.path.params[p].name.clone())
                            .collect(),
                        forms: Vec::new(),
                        methods: Vec::new(),
                        op_methods: Vec::new(),
                        type_name: String::new(),
                        collapsed: false,
                        word: String::new(),
                    };
                    tree.nodes.push(node);
                    let new = tree.nodes.len() - 1;
                    tree.nodes[at].children.push(new);
                    new
                });
                let node = &mut tree.nodes[next];
                let form = match node.forms.iter().position(|f| *f == step.alternative) {
                    Some(k) => k,
                    None => {
                        node.forms.push(step.alternative.clone());
                        node.forms.len() - 1
                    }
                };
                forms.push((next, form));
                at = next;
            }
            tree.nodes[at].ops.push(i);
            tree.attached.push(at);
            tree.forms_taken.push(forms);
        }
        tree.name(model);
        tree
    }

    /// Method and type names, in node order, so that they never depend on anything else.
    fn name(&mut self, model: &Model) {
        for n in 1..self.nodes.len() {
            let node = &self.nodes[n];
            let collapsed = node.children.is_empty()
                && node.forms.len() == 1
                && match node.ops.as_slice() {
                    [op] => action_like(model, node.key.as_ref(), &model.operations[*op]),
                    _ => false,
                };
            let word = node
                .key
                .as_ref()
                .map_or_else(String::new, |k| step_word(model, k));
            let node = &mut self.nodes[n];
            node.collapsed = collapsed;
            node.word = word;
        }
        let mut types = Scope::with_reserved(&["Graph", "Request", "runtime"]);
        for n in 0..self.nodes.len() {
            // Operations first: `get`, `list`, ... keep their names before any step.
            let mut scope = Scope::default();
            let mut op_methods = Vec::new();
            for &op in &self.nodes[n].ops {
                let method = scope.claim(&op_method(&model.operations[op]));
                // A collapsed node's step names both forms in its parent, below.
                if model.operations[op].body_optional && !self.nodes[n].collapsed {
                    self.body_methods[op] = Some(scope.claim(&format!("{method}_with_body")));
                }
                op_methods.push(method);
            }
            self.nodes[n].op_methods = op_methods;
            for c in self.nodes[n].children.clone() {
                let child = &self.nodes[c];
                let methods: Vec<String> = child
                    .forms
                    .iter()
                    .map(|form| {
                        let wanted = match (&child.key, form) {
                            (Some(StepKey::Key), Some(alt)) => format!("by_{alt}"),
                            _ => method_word(model, child.key.as_ref()),
                        };
                        scope.claim(&wanted)
                    })
                    .collect();
                // A collapsed step returns its request: the form with the body beside it.
                if let (true, [op], [method]) =
                    (child.collapsed, child.ops.as_slice(), methods.as_slice())
                    && model.operations[*op].body_optional
                {
                    self.body_methods[*op] = Some(scope.claim(&format!("{method}_with_body")));
                }
                self.nodes[c].methods = methods;
            }
            let node = &self.nodes[n];
            if n == 0 {
                self.nodes[n].type_name = "Graph".to_string();
            } else if !node.collapsed {
                let parent = node.parent.map_or("", |p| self.nodes[p].type_name.as_str());
                let prefix = if parent == "Graph" { "" } else { parent };
                let name = types.claim(&format!("{prefix}{}", node.word));
                self.nodes[n].type_name = name;
            }
        }
    }

    /// The calls from the root that build operation `op`'s request.
    pub fn chain(&self, op: usize) -> Vec<Call> {
        let mut calls: Vec<Call> = self.forms_taken[op]
            .iter()
            .map(|&(node, form)| Call {
                method: self.nodes[node].methods[form].clone(),
                args: self.nodes[node].step_args.len(),
                last: false,
            })
            .collect();
        let node = &self.nodes[self.attached[op]];
        if node.collapsed {
            if let Some(call) = calls.last_mut() {
                call.last = true;
            }
        } else if let Some(k) = node.ops.iter().position(|&o| o == op) {
            calls.push(Call {
                method: node.op_methods[k].clone(),
                args: 0,
                last: true,
            });
        }
        calls
    }

    /// Operations below node `n` (itself included), in node order.
    fn ops_below(&self, n: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![n];
        while let Some(k) = stack.pop() {
            out.extend(&self.nodes[k].ops);
            stack.extend(self.nodes[k].children.iter().rev());
        }
        out
    }
}

impl Node {
    fn root() -> Self {
        Node {
            key: None,
            parent: None,
            params: 0,
            children: Vec::new(),
            ops: Vec::new(),
            step_args: Vec::new(),
            forms: vec![None],
            methods: Vec::new(),
            op_methods: Vec::new(),
            type_name: String::new(),
            collapsed: false,
            word: String::new(),
        }
    }
}

/// A path cut into steps: `/` segments; `root:` and the path value after it are one.
fn steps(op: &Operation) -> Vec<Step> {
    let mut skeleton = String::new();
    let mut order = Vec::new();
    for part in &op.path.parts {
        match part {
            PathPart::Literal(l) => skeleton.push_str(&l.replace('\0', "")),
            PathPart::Param(i) => {
                skeleton.push('\0');
                order.push(*i);
            }
        }
    }
    let mut segments: Vec<String> = Vec::new();
    let mut params = order.into_iter();
    let is_path = |i: usize| op.path.params[i].style == ParamStyle::Path;
    let mut joined_path = false;
    let mut out: Vec<Step> = Vec::new();
    for raw in skeleton.split('/') {
        let count = raw.matches('\0').count();
        let mine: Vec<usize> = params.by_ref().take(count).collect();
        // `root:` then a path value: one step.
        let joins = raw.starts_with('\0')
            && mine.first().is_some_and(|&p| is_path(p))
            && segments.last().is_some_and(|s| s.ends_with(':'))
            && !joined_path;
        if joins && let (Some(prev), Some(step)) = (segments.last_mut(), out.last_mut()) {
            prev.push('/');
            prev.push_str(raw);
            step.params.extend(&mine);
            step.key = mixed_key(prev, &step.params, op);
            joined_path = true;
            continue;
        }
        joined_path = false;
        if raw.is_empty() {
            continue;
        }
        let mine_all = mine;
        let key = if raw == "\0" {
            StepKey::Key
        } else if count == 0 {
            StepKey::Literal(raw.to_string())
        } else {
            mixed_key(raw, &mine_all, op)
        };
        let alternative = match (&key, mine_all.as_slice()) {
            // Named as documented (`id | name` → `id_or_name`): the parameter's own
            // name may carry a suffix that keeps it unique within its path.
            // Compared in snake_case: `{id | UserPrincipalName}` is the same form.
            (StepKey::Key, [p]) if op.path.params[*p].documented.contains('|') => Some(snake(
                &op.path.params[*p]
                    .documented
                    .split('|')
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" or "),
            )),
            _ => None,
        };
        segments.push(raw.to_string());
        out.push(Step {
            key,
            params: mine_all,
            alternative,
        });
    }
    out
}

fn mixed_key(text: &str, params: &[usize], op: &Operation) -> StepKey {
    StepKey::Mixed(
        text.to_string(),
        params
            .iter()
            .any(|&p| op.path.params[p].style == ParamStyle::Path),
    )
}

/// The name words of a segment: what comes before `(` and after the last `.`, in
/// snake_case, without `$` and `:`.
fn head_words(text: &str) -> String {
    let head = text.split(['(', ':', '\0']).next().unwrap_or("");
    let head = head.rsplit('.').next().unwrap_or(head);
    let cleaned: String = head
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words = snake(&cleaned);
    if cleaned.trim().is_empty() {
        String::new()
    } else {
        words
    }
}

/// A namespaced segment that names a documented type: a cast.
fn cast_of<'m>(model: &'m Model, text: &str) -> Option<&'m QualifiedName> {
    if !text.contains('.') || text.contains('(') {
        return None;
    }
    model.types.get(text).map(|t| &t.name)
}

/// The method name of a step (before collisions).
fn method_word(model: &Model, key: Option<&StepKey>) -> String {
    match key {
        None => String::new(),
        Some(StepKey::Key) => "by_id".to_string(),
        Some(StepKey::Literal(text)) => match cast_of(model, text) {
            Some(t) => format!("as_{}", snake(t.short())),
            None => non_empty(head_words(text), "item"),
        },
        Some(StepKey::Mixed(text, path)) => {
            let head = head_words(text);
            if *path {
                join_words(&head, "path")
            } else if paren_content(text).is_some_and(|c| c.contains('=')) {
                non_empty(head, "call")
            } else {
                join_words(&head, "by_id")
            }
        }
    }
}

fn non_empty(s: String, otherwise: &str) -> String {
    if s.is_empty() {
        otherwise.to_string()
    } else {
        s
    }
}

fn join_words(head: &str, tail: &str) -> String {
    if head.is_empty() {
        tail.to_string()
    } else {
        format!("{head}_{tail}")
    }
}

fn paren_content(text: &str) -> Option<&str> {
    let open = text.find('(')?;
    Some(&text[open + 1..])
}

/// The word a step adds to the type names below it.
fn step_word(model: &Model, key: &StepKey) -> String {
    match key {
        StepKey::Key => "Item".to_string(),
        other => camel(&method_word(model, Some(other))),
    }
}

/// A leaf step that is one action or function: the step returns its request.
fn action_like(model: &Model, key: Option<&StepKey>, op: &Operation) -> bool {
    let Some(key) = key else { return false };
    match key {
        StepKey::Key => false,
        StepKey::Literal(text) if cast_of(model, text).is_some() => false,
        StepKey::Literal(text) if text.starts_with('$') => false,
        StepKey::Mixed(_, true) => false,
        StepKey::Mixed(text, _) => paren_content(text).is_some_and(|c| c.contains('=')),
        StepKey::Literal(text) => {
            text.contains('.')
                || text.contains('(')
                || (op.method == HttpMethod::Post
                    && !matches!(op.request_body, Some(RequestBody::Typed { .. })))
        }
    }
}

/// The method name of an operation on its node (before collisions).
fn op_method(op: &Operation) -> String {
    match op.method {
        HttpMethod::Get if matches!(op.response.body, Some(TypeRef::Collection(_))) => "list",
        HttpMethod::Get => "get",
        HttpMethod::Post if matches!(op.request_body, Some(RequestBody::Typed { .. })) => "create",
        HttpMethod::Post => "post",
        HttpMethod::Patch => "update",
        HttpMethod::Put => "put",
        HttpMethod::Delete => "delete",
    }
    .to_string()
}

/// Module docs and imports.
pub(crate) fn head() -> TokenStream {
    quote! {
        //! Request builders: walk a request's path from [`Graph`] with autocompletion,
        //! `Graph.device_management().device_configurations().by_id(id).get()`. Each step
        //! is a method named after its path segment (keys are `by_id`), and each
        //! documented operation ends a chain (`get`, `list`, `create`, `update`, `put`,
        //! `delete`, or the action's name), returning the same [`Request`] as its
        //! function in [`crate::operations`]. A step exists only where a documented
        //! request line goes on through it, and only with the features of the
        //! operations below it.

        #![allow(clippy::wrong_self_convention, clippy::new_ret_no_self)]
        #[allow(unused_imports)]
        use crate::runtime::{self, Request};
    }
}

/// Context for writing nodes.
pub(crate) struct Emit<'a> {
    model: &'a Model,
    names: &'a TypeNames,
    tree: &'a Tree,
    bodies: &'a [Option<&'a InlineBody>],
    /// Features of the operations below each node.
    features: Vec<BTreeSet<&'a str>>,
}

impl<'a> Emit<'a> {
    pub fn new(
        model: &'a Model,
        names: &'a TypeNames,
        tree: &'a Tree,
        bodies: &'a [Option<&'a InlineBody>],
    ) -> Self {
        let mut features: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); tree.nodes.len()];
        // Children come after their parent: add up from the last node.
        for n in (0..tree.nodes.len()).rev() {
            let own: Vec<&str> = tree.nodes[n]
                .ops
                .iter()
                .filter_map(|&op| names.features.feature(&model.operations[op].area))
                .collect();
            features[n].extend(own);
            if let Some(p) = tree.nodes[n].parent {
                let below = features[n].clone();
                features[p].extend(below);
            }
        }
        Emit {
            model,
            names,
            tree,
            bodies,
            features,
        }
    }

    /// The nodes that get a type, in order.
    pub fn typed_nodes(&self) -> Vec<usize> {
        (0..self.tree.nodes.len())
            .filter(|&n| !self.tree.nodes[n].collapsed)
            .collect()
    }

    /// A node's type and its methods.
    pub fn node(&self, n: usize) -> RustCode {
        let node = &self.tree.nodes[n];
        let mut out = String::new();
        let name = &node.type_name;
        let own_lifetime = node.params > 0;
        let lt = if own_lifetime { "<'a>" } else { "" };
        let cfg = if n == 0 {
            String::new()
        } else {
            cfg_features("any", &self.features[n])
        };
        let mut doc = if n == 0 {
            "The root of the request builders: every documented request starts here.".to_string()
        } else {
            format!(
                "The requests under `{}`.",
                escape(&prefix_path(node, self.tree))
            )
        };
        doc.push_str(&self.leads_to(n));
        write_outer(&mut out, "", &doc);
        if !cfg.is_empty() {
            let _ = writeln!(out, "{cfg}");
        }
        if n == 0 {
            out.push_str("#[derive(Clone, Copy, Debug, Default)]\n");
        }
        if own_lifetime {
            let _ = writeln!(out, "pub struct {name}<'a>([&'a str; {}]);", node.params);
        } else {
            let _ = writeln!(out, "pub struct {name};");
        }
        if !cfg.is_empty() {
            let _ = writeln!(out, "{cfg}");
        }
        let impl_lt = if own_lifetime { "<'a>" } else { "" };
        let mut methods = String::new();
        for (k, &op) in node.ops.iter().enumerate() {
            self.write_op(&mut methods, n, op, &node.op_methods[k], &[], false);
            if let Some(long) = &self.tree.body_methods[op] {
                self.write_op(&mut methods, n, op, long, &[], true);
            }
        }
        for &c in &node.children {
            self.write_step(&mut methods, n, c);
        }
        if methods.is_empty() {
            let _ = writeln!(out, "impl{impl_lt} {name}{lt} {{}}");
        } else {
            let _ = writeln!(out, "impl{impl_lt} {name}{lt} {{");
            out.push_str(&methods);
            out.push_str("}\n");
        }
        RustCode::default().laid_out(out)
    }

    /// " It leads to `GET /a`, ..." for the docs of a node or a step.
    fn leads_to(&self, n: usize) -> String {
        let ops = self.tree.ops_below(n);
        let shown: Vec<String> = ops
            .iter()
            .take(LISTED_PATHS)
            .map(|&op| {
                let op = &self.model.operations[op];
                format!("`{} {}`", op.method, escape(&op.path.openapi_path()))
            })
            .collect();
        let more = ops.len().saturating_sub(LISTED_PATHS);
        let tail = if more > 0 {
            format!(", and {more} more")
        } else {
            String::new()
        };
        format!("\n\nLeads to {}{tail}.", shown.join(", "))
    }

    /// The value expressions of the path gathered at node `n`.
    fn gathered(&self, n: usize) -> Vec<String> {
        (0..self.tree.nodes[n].params)
            .map(|i| format!("self.0[{i}]"))
            .collect()
    }

    /// A step method of node `n` into child `c` (one per documented form of a key).
    fn write_step(&self, out: &mut String, n: usize, c: usize) {
        let child = &self.tree.nodes[c];
        if child.collapsed {
            if let Some((&op, method)) = child.ops.first().zip(child.methods.first()) {
                let mut args = Scope::with_reserved(&["body"]);
                let own: Vec<String> = child
                    .step_args
                    .iter()
                    .map(|a| ident(&args.claim(&snake(a))).to_string())
                    .collect();
                self.write_op(out, n, op, method, &own, false);
                if let Some(long) = &self.tree.body_methods[op] {
                    self.write_op(out, n, op, long, &own, true);
                }
            }
            return;
        }
        let parent_lt = self.tree.nodes[n].params > 0;
        let cfg = cfg_features("any", &self.features[c]);
        for (form, method) in child.forms.iter().zip(&child.methods) {
            let mut doc = match (form, &child.key) {
                (Some(alt), _) => format!("One item, by its `{alt}`."),
                (None, Some(StepKey::Key)) => "One item, by its key.".to_string(),
                (None, Some(StepKey::Literal(text))) if cast_of(self.model, text).is_some() => {
                    format!("The items that are `{}`.", escape(text))
                }
                _ => format!(
                    "The `{}` segment.",
                    escape(&child_segment(child).replace('\0', "{}"))
                ),
            };
            doc.push_str(&self.leads_to(c));
            write_outer(out, INDENT, &doc);
            out.push_str(INDENT);
            out.push_str(&cfg);
            if !cfg.is_empty() {
                out.push('\n');
            }
            out.push_str(INDENT);
            out.push_str("#[inline]\n");
            let mut scope = Scope::default();
            let own: Vec<String> = child
                .step_args
                .iter()
                .map(|a| ident(&scope.claim(&snake(a))).to_string())
                .collect();
            let params: Vec<String> = std::iter::once("&self".to_string())
                .chain(own.iter().map(|a| format!("{a}: &'a str")))
                .collect();
            let params: Vec<&str> = params.iter().map(String::as_str).collect();
            // A node without values of its own has no lifetime: the method brings it.
            let generics = if !parent_lt && !own.is_empty() {
                "<'a>"
            } else {
                ""
            };
            let ret = if child.params > 0 {
                format!("{}<'a>", child.type_name)
            } else {
                child.type_name.clone()
            };
            write_signature(
                out,
                INDENT,
                &format!("pub fn {}{generics}", ident(method)),
                &params,
                &ret,
            );
            let body = if child.params == 0 {
                format!("{INDENT}{INDENT}{}\n", child.type_name)
            } else {
                let mut values = self.gathered(n);
                values.extend(own.iter().cloned());
                // One line, else the array's elements one a line, as prettyplease
                // breaks a call whose one argument is an array.
                let indent = format!("{INDENT}{INDENT}");
                let line = format!("{indent}{}([{}])\n", child.type_name, values.join(", "));
                if line.len() <= WIDTH + 1 {
                    line
                } else {
                    let mut text = format!("{indent}{}([\n", child.type_name);
                    for v in &values {
                        let _ = writeln!(text, "{indent}{INDENT}{v},");
                    }
                    let _ = writeln!(text, "{indent}])");
                    text
                }
            };
            out.push_str(&body);
            out.push_str(INDENT);
            out.push_str("}\n");
        }
    }

    /// A method of node `n` that returns operation `op`'s request: the gathered values,
    /// then `own` (the values of a collapsed step), then the body. An optional body is
    /// taken only by the form `with_body` (the request of the function's `_with_body`).
    fn write_op(
        &self,
        out: &mut String,
        n: usize,
        op: usize,
        method: &str,
        own: &[String],
        with_body: bool,
    ) {
        let operation = &self.model.operations[op];
        let mut doc = escape(&operation.summary);
        if !doc.is_empty() {
            doc.push_str("\n\n");
        }
        let long = optional_body_name(self.model, operation);
        let takes_body = long.is_none() || with_body;
        let function = match (&long, with_body) {
            (Some(long), true) => long.clone(),
            _ => ident(&snake(&operation.id)).to_string(),
        };
        let _ = write!(
            doc,
            "`{} {}`: the request of [`crate::operations::{function}`].",
            operation.method,
            escape(&operation.path.openapi_path())
        );
        write_outer(out, INDENT, &doc);
        let cfg = self.names.features.cfg_text(&operation.area);
        if !cfg.is_empty() {
            let _ = writeln!(out, "{INDENT}{cfg}");
        }
        let _ = writeln!(out, "{INDENT}#[inline]");
        let mut params = vec!["&self".to_string()];
        params.extend(own.iter().map(|a| format!("{a}: &str")));
        let mut args = self.gathered(n);
        args.extend(own.iter().cloned());
        // The function's own query parameters, after the path's.
        let mut scope = Scope::with_reserved(&["body"]);
        own.iter().for_each(|a| {
            scope.claim(a);
        });
        for q in &operation.query_parameters {
            let arg = ident(&scope.claim(&snake(&q.name))).to_string();
            params.push(format!("{arg}: &str"));
            args.push(arg);
        }
        if let Some(ty) =
            body_type(self.model, self.names, operation, self.bodies[op]).filter(|_| takes_body)
        {
            params.push(format!("body: &{ty}"));
            args.push("body".to_string());
        }
        let ret = format!(
            "Request<{}>",
            response_type(self.model, self.names, operation).rust
        );
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        write_signature(
            out,
            INDENT,
            &format!("pub fn {}", ident(method)),
            &params,
            &ret,
        );
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        write_call(
            out,
            &format!("{INDENT}{INDENT}"),
            &format!("crate::operations::{function}"),
            &args,
            "",
        );
        out.push_str(INDENT);
        out.push_str("}\n");
    }
}

/// The segment text of a child step (values as `\0`).
fn child_segment(node: &Node) -> String {
    match &node.key {
        Some(StepKey::Literal(t)) | Some(StepKey::Mixed(t, _)) => t.clone(),
        Some(StepKey::Key) => "\0".to_string(),
        None => String::new(),
    }
}

/// The path of node `n`, with `{}` for its values: its steps joined by `/`.
fn prefix_path(node: &Node, tree: &Tree) -> String {
    let mut segments = vec![child_segment(node)];
    let mut at = node.parent;
    while let Some(p) = at {
        if p != 0 {
            segments.push(child_segment(&tree.nodes[p]));
        }
        at = tree.nodes[p].parent;
    }
    segments.reverse();
    format!("/{}", segments.join("/")).replace('\0', "{}")
}

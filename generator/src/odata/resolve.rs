//! Query options checked against the model: each property must be documented on the
//! addressed type, a base of it or (through a cast) a type deriving from it; each literal
//! must be of the property's kind; `any`/`all` need a collection, `$expand` a
//! relationship. What passes becomes the typed form of [`emit`](super::emit); what
//! does not gets a [`Reason`] from a closed set and a detail.

use super::emit::{
    DynamicMember, ExpandLevels, Field, SearchJoin, Step, TextFunction, TypedExpand, TypedFilter,
    TypedOption, Value,
};
use super::filter::{CompareOp, ErrorKind, Expr, Literal, ParseError, Path, Quantifier, Segment};
use super::query::{ExpandItem, OptionName, OptionValue, OrderKey, Query, QueryOption};
use crate::model::{Edm, EnumDef, Model, Property, QualifiedName, TypeDef, TypeRef};
use crate::rust::names::{Scope, camel, snake, type_name};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Why a query, or one of its parts, has no typed form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// The option's value is not valid OData.
    InvalidOData,
    /// A `{placeholder}` stands where a name or value belongs.
    Placeholder,
    /// A `$` option that the typed API has no method for (`$format`, `$id`).
    UnknownOption,
    /// The example's method and path match no documented request line.
    NoOperation,
    /// The operation's response is not a documented entity or complex type.
    ResponseTypeUnknown,
    /// A cast to a type the docs do not document, or that does not derive from the
    /// addressed type.
    UnknownCast,
    /// A property that is documented neither on the type nor on its bases.
    UnknownProperty,
    /// A property documented in another letter case.
    PropertyCase,
    /// A property documented only on a type deriving from the addressed one, read
    /// without a cast.
    DerivedProperty,
    /// A literal of another kind than the property (a string for a number, ...).
    LiteralKind,
    /// A member the enum does not document.
    UnknownEnumMember,
    /// `any`/`all` on a property that is not a collection.
    LambdaOnNonCollection,
    /// `$expand` of a property that is not a relationship.
    NotNavigation,
    /// `$orderby`, `gt`, `ge`, `lt` or `le` on a kind with no order.
    NotOrderable,
    /// A function other than `startsWith`, `endsWith`, `contains`.
    UnsupportedFunction,
    /// Valid OData that the typed API has no form for (a literal left of the property,
    /// two properties compared, `has`, arithmetic, options nested in `$expand` other than
    /// `$select`, `$filter` and `$expand`, ...).
    UnsupportedShape,
}

impl Reason {
    pub const ALL: [Reason; 16] = [
        Reason::InvalidOData,
        Reason::Placeholder,
        Reason::UnknownOption,
        Reason::NoOperation,
        Reason::ResponseTypeUnknown,
        Reason::UnknownCast,
        Reason::UnknownProperty,
        Reason::PropertyCase,
        Reason::DerivedProperty,
        Reason::LiteralKind,
        Reason::UnknownEnumMember,
        Reason::LambdaOnNonCollection,
        Reason::NotNavigation,
        Reason::NotOrderable,
        Reason::UnsupportedFunction,
        Reason::UnsupportedShape,
    ];

    /// The kebab-case id, as in JSON.
    pub fn id(self) -> &'static str {
        match self {
            Reason::InvalidOData => "invalid-odata",
            Reason::Placeholder => "placeholder",
            Reason::UnknownOption => "unknown-option",
            Reason::NoOperation => "no-operation",
            Reason::ResponseTypeUnknown => "response-type-unknown",
            Reason::UnknownCast => "unknown-cast",
            Reason::UnknownProperty => "unknown-property",
            Reason::PropertyCase => "property-case",
            Reason::DerivedProperty => "derived-property",
            Reason::LiteralKind => "literal-kind",
            Reason::UnknownEnumMember => "unknown-enum-member",
            Reason::LambdaOnNonCollection => "lambda-on-non-collection",
            Reason::NotNavigation => "not-navigation",
            Reason::NotOrderable => "not-orderable",
            Reason::UnsupportedFunction => "unsupported-function",
            Reason::UnsupportedShape => "unsupported-shape",
        }
    }

    /// One line for people.
    pub fn summary(self) -> &'static str {
        match self {
            Reason::InvalidOData => "the option's value is not valid OData",
            Reason::Placeholder => "a {placeholder} where a name or value belongs",
            Reason::UnknownOption => "a $ option the typed API has no method for",
            Reason::NoOperation => "the example's path matches no documented request line",
            Reason::ResponseTypeUnknown => {
                "the operation's response is not a documented entity or complex type"
            }
            Reason::UnknownCast => "a cast to an undocumented or unrelated type",
            Reason::UnknownProperty => "a property not documented on the type or its bases",
            Reason::PropertyCase => "a property documented in another letter case",
            Reason::DerivedProperty => "a property of a derived type, without a cast",
            Reason::LiteralKind => "a literal of another kind than the property",
            Reason::UnknownEnumMember => "a member the enum does not document",
            Reason::LambdaOnNonCollection => "any/all on a property that is not a collection",
            Reason::NotNavigation => "$expand of a property that is not a relationship",
            Reason::NotOrderable => "ordering on a kind that has no order",
            Reason::UnsupportedFunction => "a function the typed API does not have",
            Reason::UnsupportedShape => "valid OData the typed API has no form for",
        }
    }
}

/// One part of a query that has no typed form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub reason: Reason,
    pub detail: String,
}

pub(super) fn problem(reason: Reason, detail: impl Into<String>) -> Problem {
    Problem {
        reason,
        detail: detail.into(),
    }
}

/// The Rust names the crate gives types, enum variants and property handles.
///
/// Type names follow `rust::TypeNames` (every type, then every enum, claimed in name
/// order against the same reserved words), variants follow the enum emitter, and
/// handles follow `rust::handles`: the snake-case name made unique within the type, in
/// upper case, for each property whose type has a Rust name.
pub struct RustNames {
    types: BTreeMap<QualifiedName, String>,
    /// By type, its own properties' handles in documented order (`None`: no handle).
    constants: HashMap<QualifiedName, Vec<Option<String>>>,
    /// By enum, its members' variants in documented order.
    variants: HashMap<QualifiedName, Vec<String>>,
}

impl RustNames {
    pub fn new(model: &Model) -> Self {
        let mut scope =
            Scope::with_reserved(&["View", "JsonObject", "Value", "Collection", "Request"]);
        let types = model
            .types
            .keys()
            .chain(model.enums.keys())
            .map(|name| (name.clone(), scope.claim(&type_name(name))))
            .collect();
        let constants = model
            .types
            .values()
            .map(|t| {
                let mut scope = Scope::default();
                let names = t
                    .properties
                    .iter()
                    .map(|p| {
                        has_handle(model, &p.ty)
                            .then(|| scope.claim(&snake(&p.name)).to_ascii_uppercase())
                    })
                    .collect();
                (t.name.clone(), names)
            })
            .collect();
        let variants = model
            .enums
            .values()
            .map(|e| {
                let mut scope = Scope::with_reserved(&["Unrecognized"]);
                let names = e
                    .members
                    .iter()
                    .map(|m| scope.claim(&camel(&m.name)))
                    .collect();
                (e.name.clone(), names)
            })
            .collect();
        Self {
            types,
            constants,
            variants,
        }
    }

    pub fn type_name(&self, name: &QualifiedName) -> Option<&str> {
        self.types.get(name).map(String::as_str)
    }
}

/// Whether `rust::handles` gives a property of type `ty` a handle: every named type in
/// it has a Rust name.
fn has_handle(model: &Model, ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(n) => model.types.contains_key(n) || model.enums.contains_key(n),
        TypeRef::Collection(inner) => has_handle(model, inner),
        TypeRef::Primitive(_) | TypeRef::Untyped => true,
    }
}

/// What a property holds, as the typed API's kinds say.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Int,
    Float,
    Bool,
    DateTime,
    Date,
    TimeOfDay,
    Duration,
    Guid,
    Binary,
    Json,
    Enum(QualifiedName),
    Complex(QualifiedName),
    Entity(QualifiedName),
    Many(Box<Kind>),
}

impl Kind {
    fn ordered(&self) -> bool {
        !matches!(
            self,
            Kind::Binary | Kind::Json | Kind::Complex(_) | Kind::Entity(_) | Kind::Many(_)
        )
    }

    fn describe(&self) -> String {
        match self {
            Kind::Text => "a string".into(),
            Kind::Int => "an integer".into(),
            Kind::Float => "a number".into(),
            Kind::Bool => "a Boolean".into(),
            Kind::DateTime => "a date-time".into(),
            Kind::Date => "a date".into(),
            Kind::TimeOfDay => "a time of day".into(),
            Kind::Duration => "a duration".into(),
            Kind::Guid => "a GUID".into(),
            Kind::Binary => "binary data".into(),
            Kind::Json => "untyped JSON".into(),
            Kind::Enum(e) => format!("the enum `{}`", e.short()),
            Kind::Complex(t) => format!("the complex type `{}`", t.short()),
            Kind::Entity(t) => format!("the entity `{}`", t.short()),
            Kind::Many(k) => format!("a collection of {}", k.describe()),
        }
    }
}

fn literal_kind(l: &Literal) -> &'static str {
    match l {
        Literal::String(_) => "a string",
        Literal::Number { integral: true, .. } => "an integer",
        Literal::Number { .. } => "a number",
        Literal::Bool(_) => "a Boolean",
        Literal::Null => "null",
        Literal::Guid(_) => "a GUID",
        Literal::DateTime(_) => "a date-time",
        Literal::Date(_) => "a date",
        Literal::TimeOfDay(_) => "a time of day",
        Literal::Typed { .. } => "a typed literal",
        Literal::Enum { .. } => "an enum member",
    }
}

/// The lambda variable in scope, if any.
#[derive(Clone)]
enum Variable {
    /// Over items of a complex or entity type: paths start with the variable.
    Item(String),
    /// Over primitive values of this kind: the variable alone is the value.
    Value(String, Kind),
}

/// Where a path is read from: a type, and the innermost lambda variable.
#[derive(Clone)]
struct Context<'a> {
    ty: &'a QualifiedName,
    variable: Option<Variable>,
}

/// Checks queries against a model.
pub struct Resolver<'m> {
    model: &'m Model,
    names: &'m RustNames,
}

/// A path read to its property.
struct Resolved {
    field: Field,
    kind: Kind,
    /// The type the handle is declared on, when it is a base of the scope's type.
    base_owner: bool,
}

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model, names: &'m RustNames) -> Self {
        Self { model, names }
    }

    /// The typed form of every option of `query` over items of `item`, or every problem.
    /// `count_added`: the request adds `$count=true` itself, by the advanced-query rules
    /// (its page documents `ConsistencyLevel`, and the query uses a part that needs the
    /// count), so a written `$count=true` is no method of the chain, even on one item.
    pub fn query(
        &self,
        item: &QualifiedName,
        collection: bool,
        count_added: bool,
        query: &Query,
    ) -> Result<Vec<TypedOption>, Vec<Problem>> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        let mut seen = Vec::new();
        for option in &query.options {
            if seen.contains(&option.name) && option.name != OptionName::Other {
                problems.push(problem(
                    Reason::InvalidOData,
                    format!("{} is given twice", option.name.as_str()),
                ));
                continue;
            }
            seen.push(option.name);
            if count_added && !collection && option.parsed == Ok(OptionValue::Count(true)) {
                continue;
            }
            let collection_only = matches!(
                option.name,
                OptionName::Filter
                    | OptionName::OrderBy
                    | OptionName::Search
                    | OptionName::Count
                    | OptionName::Top
                    | OptionName::Skip
                    | OptionName::SkipToken
                    | OptionName::DeltaToken
            );
            if collection_only && !collection {
                problems.push(problem(
                    Reason::UnsupportedShape,
                    format!(
                        "`{}` on a request for one item; the typed API takes it on collections",
                        option.written
                    ),
                ));
                continue;
            }
            match self.option(item, option) {
                Ok(typed) => out.push(typed),
                Err(p) => problems.push(p),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(problems)
        }
    }

    fn option(&self, item: &QualifiedName, option: &QueryOption) -> Result<TypedOption, Problem> {
        if option.name == OptionName::Other {
            return Err(problem(
                Reason::UnknownOption,
                format!("`{}`", option.written),
            ));
        }
        // `select` without its `$` is `$select` to an OData 4.01 service; the typed API
        // writes the `$`.
        let parsed = option
            .parsed
            .as_ref()
            .map_err(|e| parse_problem(option, e))?;
        let scope = Context {
            ty: item,
            variable: None,
        };
        Ok(match parsed {
            OptionValue::Select(paths) => TypedOption::Select(
                paths
                    .iter()
                    .map(|p| self.select_item(&scope, p))
                    .collect::<Result<_, _>>()?,
            ),
            OptionValue::Filter(expr) => TypedOption::Filter(self.filter(&scope, expr)?),
            OptionValue::OrderBy(keys) => TypedOption::OrderBy(
                keys.iter()
                    .map(|k| self.order_key(&scope, k))
                    .collect::<Result<_, _>>()?,
            ),
            OptionValue::Expand(items) => TypedOption::Expand(
                items
                    .iter()
                    .map(|i| self.expand_item(&scope, i))
                    .collect::<Result<_, _>>()?,
            ),
            OptionValue::Top(n) => TypedOption::Top(*n),
            OptionValue::Skip(n) => TypedOption::Skip(*n),
            OptionValue::Count(true) => TypedOption::Count,
            OptionValue::Count(false) => {
                return Err(problem(
                    Reason::UnsupportedShape,
                    "`$count=false`: the typed API asks for the count or leaves it out",
                ));
            }
            OptionValue::Search(s) => {
                let (phrases, join) = search_phrases(&s.text)?;
                TypedOption::Search(phrases, join)
            }
            OptionValue::SkipToken(token) => TypedOption::SkipToken(token.clone()),
            OptionValue::DeltaToken(token) => TypedOption::DeltaToken(token.clone()),
            OptionValue::Levels(_) => {
                return Err(problem(
                    Reason::UnsupportedShape,
                    "`$levels` outside $expand: the typed API takes it on an expanded relationship",
                ));
            }
            OptionValue::Other => {
                return Err(problem(
                    Reason::UnknownOption,
                    format!("`{}`", option.written),
                ));
            }
        })
    }

    fn select_item(&self, scope: &Context<'_>, path: &Path) -> Result<Field, Problem> {
        if is_star(path) {
            return Err(problem(Reason::UnsupportedShape, "`$select=*`"));
        }
        let r = match self.path(scope, path) {
            Err(p) if p.reason == Reason::UnknownProperty => {
                return self.dynamic_member(scope, path).ok_or(p);
            }
            other => other?,
        };
        if r.field.count {
            return Err(problem(
                Reason::UnsupportedShape,
                format!("`{path}` in $select"),
            ));
        }
        Ok(r.field)
    }

    /// A member no page documents, selected on an open type: any word, or on directory
    /// objects an extension property (its name holds a `_`), as the service takes them.
    fn dynamic_member(&self, scope: &Context<'_>, path: &Path) -> Option<Field> {
        let [Segment::Name(name)] = path.segments.as_slice() else {
            return None;
        };
        let word = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let open = self.model.ancestry(scope.ty).any(|t| t.is_open);
        let directory = self.model.ancestry(scope.ty).any(|t| {
            t.name
                .as_str()
                .eq_ignore_ascii_case("microsoft.graph.directoryObject")
        });
        if !word || !open || (directory && !name.contains('_')) {
            return None;
        }
        Some(Field {
            steps: Vec::new(),
            count: false,
            variable: false,
            converted: None,
            dynamic: Some(DynamicMember {
                owner: self.names.type_name(scope.ty)?.to_string(),
                name: name.clone(),
            }),
        })
    }

    fn order_key(
        &self,
        scope: &Context<'_>,
        key: &OrderKey,
    ) -> Result<(Field, Option<bool>), Problem> {
        let r = self.path(scope, &key.path)?;
        if !r.kind.ordered() {
            return Err(problem(
                Reason::NotOrderable,
                format!("`{}` holds {}", key.path, r.kind.describe()),
            ));
        }
        Ok((r.field, key.descending))
    }

    fn expand_item(&self, scope: &Context<'_>, item: &ExpandItem) -> Result<TypedExpand, Problem> {
        if is_star(&item.path) {
            return Err(problem(Reason::UnsupportedShape, "`$expand=*`"));
        }
        // `microsoft.graph.eventMessage/event`: a derived type's relationship, through
        // its cast.
        let cast = match item.path.segments.as_slice() {
            [Segment::Cast(c), Segment::Name(_)] => {
                // Checked first so that the reason names the cast when the type is unknown.
                self.cast_type(scope, c)?;
                true
            }
            [Segment::Cast(c), ..] => {
                self.cast_type(scope, c)?;
                return Err(problem(
                    Reason::UnsupportedShape,
                    format!(
                        "`{}`: a cast in $expand, not followed by one relationship",
                        item.path
                    ),
                ));
            }
            _ => false,
        };
        if item.path.segments.len() > 1 && !cast {
            // `members/$ref` and the like.
            let first = Path {
                segments: item.path.segments[..1].to_vec(),
            };
            self.path(scope, &first)?;
            return Err(problem(
                Reason::UnsupportedShape,
                format!("`{}` in $expand", item.path),
            ));
        }
        let r = self.path(scope, &item.path)?;
        let target = match &r.kind {
            Kind::Entity(t) => t.clone(),
            Kind::Many(inner) => match &**inner {
                Kind::Entity(t) => t.clone(),
                other => {
                    return Err(problem(
                        Reason::NotNavigation,
                        format!("`{}` holds a collection of {}", item.path, other.describe()),
                    ));
                }
            },
            other => {
                return Err(problem(
                    Reason::NotNavigation,
                    format!("`{}` holds {}", item.path, other.describe()),
                ));
            }
        };
        let inner = Context {
            ty: &target,
            variable: None,
        };
        let mut select = Vec::new();
        let mut filter = None;
        let mut expand = Vec::new();
        let mut levels = None;
        for option in &item.options {
            let parsed = option
                .parsed
                .as_ref()
                .map_err(|e| parse_problem(option, e))?;
            match parsed {
                OptionValue::Select(paths) if select.is_empty() => {
                    for p in paths {
                        select.push(self.select_item(&inner, p)?);
                    }
                }
                OptionValue::Filter(expr) if filter.is_none() => {
                    filter = Some(self.filter(&inner, expr)?);
                }
                OptionValue::Expand(items) if expand.is_empty() => {
                    for i in items {
                        expand.push(self.expand_item(&inner, i)?);
                    }
                }
                OptionValue::Levels(depth) if levels.is_none() => {
                    levels = Some(match depth {
                        Some(n) => ExpandLevels::Depth(*n),
                        None => ExpandLevels::Max,
                    });
                }
                _ => {
                    return Err(problem(
                        Reason::UnsupportedShape,
                        format!("`{}` inside $expand", option.written),
                    ));
                }
            }
        }
        Ok(TypedExpand {
            field: r.field,
            levels,
            select,
            filter,
            expand,
        })
    }

    /// The type a cast names: documented, and the scope's type or one deriving from it.
    fn cast_type(&self, scope: &Context<'_>, cast: &str) -> Result<&'m TypeDef, Problem> {
        let found = self.model.types.get(cast).or_else(|| {
            self.model
                .types
                .values()
                .find(|t| t.name.as_str().eq_ignore_ascii_case(cast))
        });
        let Some(t) = found else {
            return Err(problem(
                Reason::UnknownCast,
                format!("`{cast}` is not a documented type"),
            ));
        };
        if t.name != *scope.ty && !self.model.ancestry(&t.name).any(|a| a.name == *scope.ty) {
            return Err(problem(
                Reason::UnknownCast,
                format!("`{cast}` does not derive from `{}`", scope.ty),
            ));
        }
        if t.name.as_str() != cast {
            return Err(problem(
                Reason::UnknownCast,
                format!("`{cast}` is documented as `{}`", t.name),
            ));
        }
        Ok(t)
    }

    /// A property of `ty` or one of its bases: its declaring type and itself. On an
    /// open type, also a property that a type deriving from it declares, which the
    /// service reads by name on the open type's items: then `true`.
    fn property(
        &self,
        ty: &QualifiedName,
        name: &str,
        path: &Path,
    ) -> Result<(&'m TypeDef, usize, &'m Property, bool), Problem> {
        for t in self.model.ancestry(ty) {
            if let Some(i) = t.properties.iter().position(|p| p.name == name) {
                return Ok((t, i, &t.properties[i], false));
            }
        }
        for t in self.model.ancestry(ty) {
            if let Some(p) = t
                .properties
                .iter()
                .find(|p| p.name.eq_ignore_ascii_case(name))
            {
                return Err(problem(
                    Reason::PropertyCase,
                    format!(
                        "`{name}` in `{path}` is documented as `{}` on `{}`",
                        p.name,
                        t.name.short()
                    ),
                ));
            }
        }
        if self.model.is_open(ty) {
            for d in self.model.descendants(ty) {
                if let Some(t) = self.model.types.get(d)
                    && let Some(i) = t.properties.iter().position(|p| p.name == name)
                {
                    return Ok((t, i, &t.properties[i], true));
                }
            }
        }
        for d in self.model.descendants(ty) {
            if let Some(t) = self.model.types.get(d)
                && t.properties
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case(name))
            {
                return Err(problem(
                    Reason::DerivedProperty,
                    format!(
                        "`{name}` in `{path}` is documented on `{}`, which derives from `{}`; OData reads it through the cast `{}/{name}`",
                        d.short(),
                        ty.short(),
                        d
                    ),
                ));
            }
        }
        Err(problem(
            Reason::UnknownProperty,
            format!(
                "`{name}` in `{path}` is not documented on `{}` or its bases",
                ty.short()
            ),
        ))
    }

    fn step(&self, owner: &TypeDef, index: usize) -> Result<Step, Problem> {
        let rust = self.names.type_name(&owner.name);
        let constant = self
            .names
            .constants
            .get(&owner.name)
            .and_then(|c| c.get(index))
            .and_then(Option::as_ref);
        match (rust, constant) {
            (Some(rust), Some(constant)) => Ok(Step {
                owner: rust.to_string(),
                constant: constant.clone(),
                cast_to: None,
                via: None,
                uncast: None,
            }),
            _ => Err(problem(
                Reason::ResponseTypeUnknown,
                format!("`{}` has no Rust name", owner.name),
            )),
        }
    }

    /// Reads a member path in `scope`: properties, each perhaps after a cast, through
    /// single complex values and relationships, perhaps ending in `$count`.
    fn path(&self, scope: &Context<'_>, path: &Path) -> Result<Resolved, Problem> {
        let mut segments = path.segments.as_slice();
        match &scope.variable {
            Some(Variable::Value(v, kind)) => {
                return match segments {
                    [Segment::Name(n)] if n == v => Ok(Resolved {
                        field: Field {
                            steps: Vec::new(),
                            count: false,
                            variable: true,
                            dynamic: None,
                            converted: None,
                        },
                        kind: kind.clone(),
                        base_owner: false,
                    }),
                    _ => Err(problem(
                        Reason::UnsupportedShape,
                        format!("`{path}` inside a lambda over the values `{v}`"),
                    )),
                };
            }
            Some(Variable::Item(v)) => match segments {
                [Segment::Name(n), rest @ ..] if n == v && !rest.is_empty() => segments = rest,
                _ => {
                    return Err(problem(
                        Reason::UnsupportedShape,
                        format!("`{path}` inside a lambda does not start with its variable `{v}`"),
                    ));
                }
            },
            None => {}
        }
        let mut at: QualifiedName = scope.ty.clone();
        let mut steps = Vec::new();
        let mut kind = Kind::Json;
        let mut base_owner = false;
        let mut count = false;
        while !segments.is_empty() {
            if !steps.is_empty() {
                // Past the first property: only a single structured value goes on.
                match (&kind, segments) {
                    (_, [Segment::Count]) => {
                        if !matches!(kind, Kind::Many(_)) {
                            return Err(problem(
                                Reason::LambdaOnNonCollection,
                                format!("`{path}`: `$count` of {}", kind.describe()),
                            ));
                        }
                        count = true;
                        kind = Kind::Int;
                        break;
                    }
                    (Kind::Complex(t) | Kind::Entity(t), _) => at = t.clone(),
                    (Kind::Many(_), _) => {
                        return Err(problem(
                            Reason::UnsupportedShape,
                            format!(
                                "`{path}` reads through {}; a collection is read with any/all",
                                kind.describe()
                            ),
                        ));
                    }
                    _ => {
                        return Err(problem(
                            Reason::UnknownProperty,
                            format!("`{path}`: {} has no properties", kind.describe()),
                        ));
                    }
                }
            }
            let here = Context {
                ty: &at,
                variable: None,
            };
            let mut ty = at.clone();
            let mut cast = None;
            if let [Segment::Cast(c), rest @ ..] = segments {
                let t = self.cast_type(&here, c)?;
                ty = t.name.clone();
                cast = Some(t);
                segments = rest;
            }
            let [Segment::Name(name), rest @ ..] = segments else {
                return Err(problem(
                    Reason::UnsupportedShape,
                    format!("`{path}` does not name a property"),
                ));
            };
            segments = rest;
            let (owner, index, property, uncast) = self.property(&ty, name, path)?;
            let mut step = self.step(owner, index)?;
            if uncast {
                if cast.is_some() {
                    return Err(problem(
                        Reason::UnsupportedShape,
                        format!("`{path}`: a cast to a type that declares `{name}` only below it"),
                    ));
                }
                step.uncast = self.names.type_name(&ty).map(str::to_string);
                kind = self.property_kind(property);
                steps.push(step);
                continue;
            }
            // Declared on a base of the cast's type: read on the cast's items.
            if let Some(d) = cast.filter(|d| owner.name != d.name) {
                step.via = self.names.type_name(&d.name).map(str::to_string);
            }
            // A handle of a type below this one reaches it through a cast; one of this
            // type or a base lifts the filter instead.
            let declared_below =
                owner.name != at && self.model.ancestry(&owner.name).any(|t| t.name == at);
            if cast.is_some_and(|d| owner.name == d.name) || declared_below {
                step.cast_to = self.names.type_name(&at).map(str::to_string);
            } else if steps.is_empty() {
                base_owner = owner.name != at;
            }
            kind = self.property_kind(property);
            steps.push(step);
        }
        if steps.is_empty() {
            return Err(problem(
                Reason::UnsupportedShape,
                format!("`{path}` does not name a property"),
            ));
        }
        Ok(Resolved {
            field: Field {
                steps,
                count,
                variable: false,
                dynamic: None,
                converted: None,
            },
            kind,
            base_owner,
        })
    }

    fn property_kind(&self, property: &Property) -> Kind {
        self.kind(&property.ty, property.navigation)
    }

    /// As the crate's handles type a property (`rust::handles`): a relationship holds
    /// entities, any other named type complex values, whatever its page says.
    fn kind(&self, ty: &TypeRef, navigation: bool) -> Kind {
        match ty {
            TypeRef::Primitive(e) => match e {
                Edm::String => Kind::Text,
                Edm::Boolean => Kind::Bool,
                Edm::Byte | Edm::SByte | Edm::Int16 | Edm::Int32 | Edm::Int64 => Kind::Int,
                Edm::Single | Edm::Double | Edm::Decimal => Kind::Float,
                Edm::DateTimeOffset => Kind::DateTime,
                Edm::Date => Kind::Date,
                Edm::TimeOfDay => Kind::TimeOfDay,
                Edm::Duration => Kind::Duration,
                Edm::Guid => Kind::Guid,
                Edm::Binary | Edm::Stream => Kind::Binary,
            },
            TypeRef::Named(n) => {
                if self.model.enums.contains_key(n) {
                    Kind::Enum(n.clone())
                } else if !self.model.types.contains_key(n) {
                    Kind::Json
                } else if navigation {
                    Kind::Entity(n.clone())
                } else {
                    Kind::Complex(n.clone())
                }
            }
            TypeRef::Collection(inner) => Kind::Many(Box::new(self.kind(inner, navigation))),
            TypeRef::Untyped => Kind::Json,
        }
    }

    fn lift(&self, scope: &Context<'_>, r: &Resolved) -> Option<String> {
        if r.base_owner && !r.field.variable {
            self.names.type_name(scope.ty).map(str::to_string)
        } else {
            None
        }
    }

    fn filter(&self, scope: &Context<'_>, expr: &Expr) -> Result<TypedFilter, Problem> {
        match expr {
            Expr::And(a, b) => Ok(TypedFilter::And(
                Box::new(self.filter(scope, a)?),
                Box::new(self.filter(scope, b)?),
            )),
            Expr::Or(a, b) => Ok(TypedFilter::Or(
                Box::new(self.filter(scope, a)?),
                Box::new(self.filter(scope, b)?),
            )),
            Expr::Not(inner) => Ok(TypedFilter::Not(Box::new(self.filter(scope, inner)?))),
            Expr::Compare { op, left, right } => self.compare(scope, *op, left, right),
            Expr::In { left, values } => {
                let Expr::Path(path) = &**left else {
                    return Err(shape(expr, "`in` after something other than a property"));
                };
                let r = self.path(scope, path)?;
                let values = values
                    .iter()
                    .map(|v| match v {
                        Expr::Literal(Literal::Null) => Err(shape(expr, "`null` in an `in` list")),
                        Expr::Literal(l) => self.value(&r.kind, l, path),
                        _ => Err(shape(expr, "an `in` list of other than literals")),
                    })
                    .collect::<Result<_, _>>()?;
                Ok(TypedFilter::In {
                    lift: self.lift(scope, &r),
                    field: r.field,
                    values,
                })
            }
            Expr::Call { name, args } if name.eq_ignore_ascii_case("isof") => {
                self.is_of(scope, expr, args)
            }
            Expr::Call { name, args } => {
                let function = match name.to_ascii_lowercase().as_str() {
                    "startswith" => TextFunction::StartsWith,
                    "endswith" => TextFunction::EndsWith,
                    "contains" => TextFunction::Contains,
                    _ => {
                        return Err(problem(
                            Reason::UnsupportedFunction,
                            format!("`{name}` in `{expr}`"),
                        ));
                    }
                };
                let [Expr::Path(path), Expr::Literal(literal)] = args.as_slice() else {
                    return Err(shape(
                        expr,
                        "a text function over other than a property and a string",
                    ));
                };
                let r = self.path(scope, path)?;
                if r.kind != Kind::Text {
                    return Err(problem(
                        Reason::LiteralKind,
                        format!("`{name}` on `{path}`, which holds {}", r.kind.describe()),
                    ));
                }
                let Literal::String(value) = literal else {
                    return Err(problem(
                        Reason::LiteralKind,
                        format!("`{name}` with {} `{literal}`", literal_kind(literal)),
                    ));
                };
                Ok(TypedFilter::Function {
                    function,
                    lift: self.lift(scope, &r),
                    field: r.field,
                    value: value.clone(),
                })
            }
            Expr::Lambda {
                path,
                quantifier,
                variable,
                body,
            } => {
                let r = self.path(scope, path)?;
                let Kind::Many(item) = &r.kind else {
                    return Err(problem(
                        Reason::LambdaOnNonCollection,
                        format!("`{path}` holds {}", r.kind.describe()),
                    ));
                };
                if variable.is_none() && body.is_none() && *quantifier == Quantifier::Any {
                    return Ok(TypedFilter::NotEmpty {
                        lift: self.lift(scope, &r),
                        field: r.field,
                    });
                }
                let (Some(variable), Some(body)) = (variable, body) else {
                    return Err(shape(expr, "`all()` or a lambda without a condition"));
                };
                let (inner, over_values) = match &**item {
                    Kind::Complex(t) | Kind::Entity(t) => (
                        Context {
                            ty: t,
                            variable: Some(Variable::Item(variable.clone())),
                        },
                        false,
                    ),
                    k => (
                        Context {
                            ty: scope.ty,
                            variable: Some(Variable::Value(variable.clone(), k.clone())),
                        },
                        true,
                    ),
                };
                let body = self.filter(&inner, body)?;
                Ok(TypedFilter::Lambda {
                    lift: self.lift(scope, &r),
                    field: r.field,
                    quantifier: *quantifier,
                    over_values,
                    body: Box::new(body),
                })
            }
            Expr::Path(path) => {
                // A property that does not exist says more than the shape does.
                self.path(scope, path)?;
                Err(shape(expr, "a property on its own as a condition"))
            }
            Expr::Literal(_) => Err(shape(expr, "a literal on its own as a condition")),
            Expr::Arithmetic { .. } | Expr::Negate(_) => Err(shape(expr, "arithmetic")),
        }
    }

    /// `isof('microsoft.graph.d')` on the item, or `isof(x,'microsoft.graph.d')` on a
    /// lambda's item: a type deriving from the scope's.
    fn is_of(
        &self,
        scope: &Context<'_>,
        expr: &Expr,
        args: &[Expr],
    ) -> Result<TypedFilter, Problem> {
        let cast = match (args, &scope.variable) {
            ([Expr::Literal(Literal::String(t))], None) => t,
            ([Expr::Path(p), Expr::Literal(Literal::String(t))], Some(Variable::Item(v))) if matches!(p.segments.as_slice(), [Segment::Name(n)] if n == v) => {
                t
            }
            _ => {
                return Err(shape(
                    expr,
                    "`isof` other than on the item, or on a lambda's item, with a type name",
                ));
            }
        };
        let target = self.cast_type(scope, cast)?;
        let rust = |name: &QualifiedName| {
            self.names
                .type_name(name)
                .map(str::to_string)
                .ok_or_else(|| {
                    problem(
                        Reason::UnknownCast,
                        format!("`{name}` has no Rust type in the crate"),
                    )
                })
        };
        Ok(TypedFilter::IsOf {
            scope: rust(scope.ty)?,
            target: rust(&target.name)?,
        })
    }

    fn compare(
        &self,
        scope: &Context<'_>,
        op: CompareOp,
        left: &Expr,
        right: &Expr,
    ) -> Result<TypedFilter, Problem> {
        let whole = || Expr::Compare {
            op,
            left: Box::new(left.clone()),
            right: Box::new(right.clone()),
        };
        // `cast(path,Edm.X) op literal`: the property's value converted.
        let mut converted = None;
        let (path, literal) = match (left, right) {
            (Expr::Path(p), Expr::Literal(l)) => (p, l),
            (Expr::Call { name, args }, Expr::Literal(l)) if name.eq_ignore_ascii_case("cast") => {
                let (p, edm) = cast_arguments(args).ok_or_else(|| {
                    shape(
                        &whole(),
                        "`cast` of other than a property to an `Edm` primitive type",
                    )
                })?;
                converted = Some(edm);
                (p, l)
            }
            (Expr::Literal(_), Expr::Path(p)) => {
                self.path(scope, p)?;
                return Err(shape(&whole(), "the literal stands left of the property"));
            }
            (Expr::Call { name, .. }, _) | (_, Expr::Call { name, .. })
                if !matches!(
                    name.to_ascii_lowercase().as_str(),
                    "startswith" | "endswith" | "contains" | "cast"
                ) =>
            {
                return Err(problem(
                    Reason::UnsupportedFunction,
                    format!("`{name}` in `{}`", whole()),
                ));
            }
            _ => {
                return Err(shape(
                    &whole(),
                    "a comparison of other than a property and a literal",
                ));
            }
        };
        if op == CompareOp::Has {
            return Err(shape(&whole(), "`has`"));
        }
        let mut r = self.path(scope, path)?;
        if let Some(edm) = converted {
            r = converted_value(r, edm).map_err(|detail| shape(&whole(), &detail))?;
        }
        let lift = self.lift(scope, &r);
        if *literal == Literal::Null {
            return match op {
                CompareOp::Eq | CompareOp::Ne => Ok(TypedFilter::Null {
                    field: r.field,
                    negated: op == CompareOp::Ne,
                    lift,
                }),
                _ => Err(problem(
                    Reason::LiteralKind,
                    format!("`{}` orders against null", whole()),
                )),
            };
        }
        if matches!(
            op,
            CompareOp::Gt | CompareOp::Ge | CompareOp::Lt | CompareOp::Le
        ) && !r.kind.ordered()
        {
            return Err(problem(
                Reason::NotOrderable,
                format!("`{path}` holds {}", r.kind.describe()),
            ));
        }
        let value = self.value(&r.kind, literal, path)?;
        Ok(TypedFilter::Compare {
            field: r.field,
            op,
            value,
            lift,
        })
    }

    /// `literal` as a value of `kind`, the kind of `path`.
    fn value(&self, kind: &Kind, literal: &Literal, path: &Path) -> Result<Value, Problem> {
        let mismatch = || {
            problem(
                Reason::LiteralKind,
                format!(
                    "`{path}` holds {}, compared with {} `{literal}`",
                    kind.describe(),
                    literal_kind(literal)
                ),
            )
        };
        Ok(match (kind, literal) {
            (Kind::Text, Literal::String(s)) => Value::Text(s.clone()),
            (
                Kind::Int,
                Literal::Number {
                    text,
                    integral: true,
                },
            ) => {
                if text.parse::<i64>().is_err() {
                    return Err(mismatch());
                }
                Value::Int(text.clone())
            }
            (Kind::Float, Literal::Number { text, .. }) => Value::Float(text.clone()),
            (Kind::Bool, Literal::Bool(b)) => Value::Bool(*b),
            (Kind::DateTime, Literal::DateTime(t)) => Value::DateTime(with_seconds(t)),
            (Kind::Date, Literal::Date(t)) => Value::Date(t.clone()),
            (Kind::TimeOfDay, Literal::TimeOfDay(t)) => Value::TimeOfDay(t.clone()),
            (Kind::Guid, Literal::Guid(g)) => Value::Guid(g.clone()),
            (Kind::Duration, Literal::Typed { prefix, .. }) if prefix == "duration" => {
                return Err(problem(
                    Reason::UnsupportedShape,
                    format!("`{literal}`: the typed API has no Rust value for a duration"),
                ));
            }
            (Kind::Enum(e), Literal::String(member)) => self.member(e, member, None, path)?,
            (Kind::Enum(e), Literal::Enum { ty, member }) => {
                self.member(e, member, Some(ty), path)?
            }
            _ => return Err(mismatch()),
        })
    }

    fn member(
        &self,
        e: &QualifiedName,
        member: &str,
        written_type: Option<&str>,
        path: &Path,
    ) -> Result<Value, Problem> {
        if let Some(ty) = written_type
            && ty != e.as_str()
        {
            return Err(problem(
                Reason::LiteralKind,
                format!("`{path}` holds the enum `{e}`, compared with a member of `{ty}`"),
            ));
        }
        let Some(def) = self.model.enums.get(e) else {
            return Err(problem(
                Reason::UnknownEnumMember,
                format!("`{e}` is not documented"),
            ));
        };
        if def.flags && member.contains(',') {
            return Err(problem(
                Reason::UnsupportedShape,
                format!(
                    "`{member}`: several members of the flags enum `{}`",
                    e.short()
                ),
            ));
        }
        let Some(index) = def.members.iter().position(|m| m.name == member) else {
            return Err(problem(
                Reason::UnknownEnumMember,
                unknown_member(def, member),
            ));
        };
        let ty = self.names.type_name(e);
        let variant = self.names.variants.get(e).and_then(|v| v.get(index));
        match (ty, variant) {
            (Some(ty), Some(variant)) => Ok(Value::Enum {
                ty: ty.to_string(),
                variant: variant.clone(),
            }),
            _ => Err(problem(
                Reason::UnknownEnumMember,
                format!("`{e}` has no Rust name"),
            )),
        }
    }
}

/// The arguments of OData's `cast(path,Edm.X)`: the property's path and `X`.
fn cast_arguments(args: &[Expr]) -> Option<(&Path, &str)> {
    let [Expr::Path(path), Expr::Path(ty)] = args else {
        return None;
    };
    let [Segment::Cast(name) | Segment::Name(name)] = ty.segments.as_slice() else {
        return None;
    };
    Some((path, name.strip_prefix("Edm.")?))
}

/// What the typed API's `cast_value::<edm::X>()` makes of a property of a single
/// primitive value: the same handle holding a value of `X`'s kind.
fn converted_value(mut r: Resolved, edm: &str) -> Result<Resolved, String> {
    if matches!(
        r.kind,
        Kind::Binary
            | Kind::Json
            | Kind::Enum(_)
            | Kind::Complex(_)
            | Kind::Entity(_)
            | Kind::Many(_)
    ) {
        return Err(format!(
            "`cast` of {}: the typed API converts single primitive values",
            r.kind.describe()
        ));
    }
    r.kind = match edm {
        "String" => Kind::Text,
        "Boolean" => Kind::Bool,
        "Byte" | "SByte" | "Int16" | "Int32" | "Int64" => Kind::Int,
        "Single" | "Double" | "Decimal" => Kind::Float,
        "Guid" => Kind::Guid,
        "DateTimeOffset" => Kind::DateTime,
        "Date" => Kind::Date,
        "TimeOfDay" => Kind::TimeOfDay,
        "Duration" => Kind::Duration,
        other => {
            return Err(format!(
                "`Edm.{other}` is no primitive type the typed API converts to"
            ));
        }
    };
    r.field.converted = Some(edm.to_string());
    Ok(r)
}

fn unknown_member(def: &EnumDef, member: &str) -> String {
    match def
        .members
        .iter()
        .find(|m| m.name.eq_ignore_ascii_case(member))
    {
        Some(m) => format!(
            "`{member}` is documented as `{}` in `{}`",
            m.name,
            def.name.short()
        ),
        None => format!("`{member}` is not a member of `{}`", def.name.short()),
    }
}

/// The phrase of a `$search` that is one quoted phrase (`"displayName:wa"`): the typed
/// API quotes its phrase itself.
/// `"a"`, or `"a" OR "b" OR ...` (or all `AND`): the phrases, unquoted, and how they
/// are joined.
fn search_phrases(text: &str) -> Result<(Vec<String>, SearchJoin), Problem> {
    let trimmed = text.trim();
    let mut phrases = Vec::new();
    let mut joiners = Vec::new();
    let mut rest = trimmed;
    loop {
        let Some(open) = rest.strip_prefix('"') else {
            return Err(problem(
                Reason::UnsupportedShape,
                format!(
                    "`$search={trimmed}`: not quoted phrases joined by OR or AND; the typed API quotes its phrases"
                ),
            ));
        };
        // A `\"` inside a phrase is an escaped quote.
        let mut end = None;
        let mut escaped = false;
        for (i, c) in open.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            return Err(problem(
                Reason::UnsupportedShape,
                format!("`$search={trimmed}`: a phrase without its closing quote"),
            ));
        };
        phrases.push(open[..end].replace("\\\"", "\"").replace("\\\\", "\\"));
        rest = open[end + 1..].trim_start();
        if rest.is_empty() {
            break;
        }
        let (word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        joiners.push(word.to_ascii_uppercase());
        rest = after.trim_start();
    }
    let join = match joiners.first().map(String::as_str) {
        None => SearchJoin::One,
        Some("OR") if joiners.iter().all(|j| j == "OR") => SearchJoin::Any,
        Some("AND") if joiners.iter().all(|j| j == "AND") => SearchJoin::All,
        _ => {
            return Err(problem(
                Reason::UnsupportedShape,
                format!(
                    "`$search={trimmed}`: phrases joined by {}; the typed API joins all by OR or all by AND",
                    joiners.join(", ")
                ),
            ));
        }
    };
    Ok((phrases, join))
}

fn shape(expr: &Expr, what: &str) -> Problem {
    problem(Reason::UnsupportedShape, format!("{what}: `{expr}`"))
}

fn is_star(path: &Path) -> bool {
    matches!(path.segments.as_slice(), [Segment::Name(n)] if n == "*")
}

fn parse_problem(option: &QueryOption, e: &ParseError) -> Problem {
    let reason = match e.kind {
        ErrorKind::Placeholder => Reason::Placeholder,
        ErrorKind::Syntax | ErrorKind::TooDeep => Reason::InvalidOData,
    };
    problem(
        reason,
        format!("{} `{}`: {e}", option.name.as_str(), option.value),
    )
}

/// `2021-01-01T08:00Z` → `2021-01-01T08:00:00Z`: RFC 3339 wants the seconds.
fn with_seconds(text: &str) -> String {
    match text.find(['T', 't']) {
        Some(t) if text.len() >= t + 6 && text.as_bytes().get(t + 6) != Some(&b':') => {
            format!("{}:00{}", &text[..t + 6], &text[t + 6..])
        }
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests;

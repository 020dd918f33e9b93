//! The typed form of a query, as the resolver leaves it, and its Rust text: the call
//! chain of the typed query API (`.filter(models::User::DISPLAY_NAME.starts_with("a"))`).
//!
//! Everything that depends on how the runtime spells its API is in this file, so that
//! the text follows the runtime in one place.

use super::filter::{CompareOp, Quantifier};
use serde::Serialize;

/// One option, checked against the model.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "option", content = "value", rename_all = "lowercase")]
pub enum TypedOption {
    Select(Vec<Field>),
    Filter(TypedFilter),
    OrderBy(Vec<(Field, Option<bool>)>),
    Expand(Vec<TypedExpand>),
    Top(u32),
    Skip(u32),
    /// `$count=true`.
    Count,
    /// The phrases, without their quotes, and how they are joined.
    Search(Vec<String>, SearchJoin),
    /// `$skiptoken`, decoded.
    SkipToken(String),
    /// `$deltatoken`, decoded.
    DeltaToken(String),
}

/// How the phrases of a `$search` are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchJoin {
    /// One phrase.
    One,
    /// `OR`.
    Any,
    /// `AND`.
    All,
}

/// A property handle, `models::Owner::CONSTANT`, or a path of them
/// (`A::X.then(B::Y)`), perhaps counted; or the lambda variable over primitive values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The properties walked, the first one read from the filter's type.
    pub steps: Vec<Step>,
    /// `.count()`: `path/$count`.
    pub count: bool,
    /// The variable of the innermost lambda over primitive values (`steps` is empty).
    pub variable: bool,
    /// A member no page documents, of an open type (`steps` is empty): in `$select`,
    /// `Dynamic::<models::Owner>::new("name")`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic: Option<DynamicMember>,
    /// `.cast_value::<edm::X>()`: OData's `cast(path,Edm.X)`, the EDM name without
    /// `Edm.`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted: Option<String>,
}

/// A member of an open type that no page documents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DynamicMember {
    /// The Rust type it is a member of.
    pub owner: String,
    pub name: String,
}

/// One property of a path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The Rust type that declares the property.
    pub owner: String,
    pub constant: String,
    /// `.cast::<models::Base>()`: read through a cast from `Base`, the type the path
    /// stands at.
    pub cast_to: Option<String>,
    /// `.via::<models::Derived>()`: a property `owner` declares, read on the items of a
    /// type deriving from it (`microsoft.graph.derived/property`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// `.uncast::<models::Base>()`: a property `owner` declares, read by name on the
    /// items of its open base type `Base`, without a cast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncast: Option<String>,
}

/// A literal in Rust terms.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "text", rename_all = "snake_case")]
pub enum Value {
    Text(String),
    /// Decimal digits, perhaps signed.
    Int(String),
    Float(String),
    Bool(bool),
    /// RFC 3339 with seconds.
    DateTime(String),
    Date(String),
    TimeOfDay(String),
    Guid(String),
    /// `enums::Type::Variant`: the enum's Rust name and the variant.
    Enum {
        ty: String,
        variant: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TextFunction {
    StartsWith,
    EndsWith,
    Contains,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum TypedFilter {
    /// `eq` ... `le` with a value.
    Compare {
        field: Field,
        op: CompareOp,
        value: Value,
        /// The Rust type the filter is over, when the handle's owner is a base of it.
        lift: Option<String>,
    },
    /// `eq null` (`negated`: `ne null`).
    Null {
        field: Field,
        negated: bool,
        lift: Option<String>,
    },
    In {
        field: Field,
        values: Vec<Value>,
        lift: Option<String>,
    },
    Function {
        function: TextFunction,
        field: Field,
        value: String,
        lift: Option<String>,
    },
    /// `any`/`all`; `over_values` for a collection of primitive values, whose body reads
    /// the variable.
    Lambda {
        field: Field,
        quantifier: Quantifier,
        over_values: bool,
        body: Box<TypedFilter>,
        lift: Option<String>,
    },
    /// `path/any()`: the collection has an item.
    NotEmpty {
        field: Field,
        lift: Option<String>,
    },
    /// `isof('microsoft.graph.target')` over items of `scope` (Rust type names).
    IsOf {
        scope: String,
        target: String,
    },
    Not(Box<TypedFilter>),
    And(Box<TypedFilter>, Box<TypedFilter>),
    Or(Box<TypedFilter>, Box<TypedFilter>),
}

/// One `$expand` item: a relationship, with a nested `$select`, `$filter` and
/// `$expand`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TypedExpand {
    pub field: Field,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub levels: Option<ExpandLevels>,
    pub select: Vec<Field>,
    pub filter: Option<TypedFilter>,
    pub expand: Vec<TypedExpand>,
}

/// `$levels` inside an `$expand` item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ExpandLevels {
    Max,
    Depth(u32),
}

/// The call chain for `options`: `.select((...)).filter(...)`, after
/// `.cast::<models::Cast>()` when the request is cast to the Rust type `cast` (its path
/// ends in a cast segment), whose handles the options then are.
pub fn chain(cast: Option<&str>, options: &[TypedOption]) -> String {
    let mut out = String::new();
    if let Some(ty) = cast {
        out.push_str(&format!(".cast::<models::{ty}>()"));
    }
    for option in options {
        let call = match option {
            TypedOption::Select(fields) => {
                format!("select({})", list(fields.iter().map(field), FIELDS))
            }
            TypedOption::Filter(f) => format!("filter({})", filter(f, 0)),
            TypedOption::OrderBy(keys) => format!(
                "orderby({})",
                list(
                    keys.iter().map(|(f, descending)| match descending {
                        None => field(f),
                        Some(false) => format!("{}.asc()", field(f)),
                        Some(true) => format!("{}.desc()", field(f)),
                    }),
                    FIELDS
                )
            ),
            TypedOption::Expand(items) => {
                format!("expand({})", list(items.iter().map(expand), EXPANDS))
            }
            TypedOption::Top(n) => format!("top({n})"),
            TypedOption::Skip(n) => format!("skip({n})"),
            TypedOption::Count => "count()".to_string(),
            TypedOption::SkipToken(token) => format!("skip_token({token:?})"),
            TypedOption::DeltaToken(token) => format!("delta_token({token:?})"),
            TypedOption::Search(phrases, join) => {
                let list: Vec<String> = phrases.iter().map(|p| format!("{p:?}")).collect();
                match join {
                    SearchJoin::One => format!("search({})", list.join(", ")),
                    SearchJoin::Any => format!("search_any([{}])", list.join(", ")),
                    SearchJoin::All => format!("search_all([{}])", list.join(", ")),
                }
            }
        };
        out.push('.');
        out.push_str(&call);
    }
    out
}

/// The longest tuple of handles (`$select`, `$orderby`) and of `$expand` items the
/// runtime takes.
const FIELDS: usize = 12;
const EXPANDS: usize = 3;

/// One item as itself, several as a tuple of at most `max`; longer lists nest.
fn list(items: impl Iterator<Item = String>, max: usize) -> String {
    let items: Vec<String> = items.collect();
    match items.len() {
        1 => items.into_iter().next().unwrap_or_default(),
        n if n <= max => format!("({})", items.join(", ")),
        _ => {
            let chunks: Vec<String> = items
                .chunks(max.max(2))
                .map(|c| {
                    if c.len() == 1 {
                        format!("({},)", c[0])
                    } else {
                        format!("({})", c.join(", "))
                    }
                })
                .collect();
            list(chunks.into_iter(), max)
        }
    }
}

/// The closure parameter of a lambda over values, by nesting depth.
fn variable(depth: usize) -> String {
    ["x", "y", "z", "w"]
        .get(depth)
        .map_or_else(|| format!("x{depth}"), |v| v.to_string())
}

fn field_at(f: &Field, depth: usize) -> String {
    if let Some(member) = &f.dynamic {
        return format!(
            "Dynamic::<models::{}>::new({:?}).unwrap()",
            member.owner, member.name
        );
    }
    let mut out = if f.variable {
        variable(depth.saturating_sub(1))
    } else {
        String::new()
    };
    for (i, step) in f.steps.iter().enumerate() {
        let mut handle = format!("models::{}::{}", step.owner, step.constant);
        if let Some(derived) = &step.via {
            handle.push_str(&format!(".via::<models::{derived}>()"));
        }
        if let Some(base) = &step.cast_to {
            handle.push_str(&format!(".cast::<models::{base}>()"));
        }
        if let Some(base) = &step.uncast {
            handle.push_str(&format!(".uncast::<models::{base}>()"));
        }
        if i == 0 {
            out.push_str(&handle);
        } else {
            out.push_str(&format!(".then({handle})"));
        }
    }
    if f.count {
        out.push_str(".count()");
    }
    if let Some(edm) = &f.converted {
        out.push_str(&format!(".cast_value::<edm::{edm}>()"));
    }
    out
}

fn field(f: &Field) -> String {
    field_at(f, 0)
}

fn value(v: &Value) -> String {
    match v {
        Value::Text(s) => format!("{s:?}"),
        Value::Int(text) => {
            // An integer literal is `i32` unless it says otherwise.
            if text.parse::<i32>().is_ok() {
                text.clone()
            } else {
                format!("{text}i64")
            }
        }
        Value::Float(text) => match text.as_str() {
            "INF" => "f64::INFINITY".to_string(),
            "-INF" => "f64::NEG_INFINITY".to_string(),
            "NaN" => "f64::NAN".to_string(),
            _ => text.clone(),
        },
        Value::Bool(b) => b.to_string(),
        Value::DateTime(t) => {
            format!("{t:?}.parse::<chrono::DateTime<chrono::FixedOffset>>().unwrap()")
        }
        Value::Date(t) => format!("{t:?}.parse::<chrono::NaiveDate>().unwrap()"),
        Value::TimeOfDay(t) => format!("{t:?}.parse::<chrono::NaiveTime>().unwrap()"),
        Value::Guid(t) => format!("uuid::uuid!({t:?})"),
        Value::Enum { ty, variant } => format!("enums::{ty}::{variant}"),
    }
}

fn lifted(text: String, lift: &Option<String>) -> String {
    match lift {
        Some(ty) => format!("{text}.for_derived::<models::{ty}>()"),
        None => text,
    }
}

/// `depth` lambdas over values enclose the filter.
fn filter(f: &TypedFilter, depth: usize) -> String {
    match f {
        TypedFilter::Compare {
            field,
            op,
            value: v,
            lift,
        } => lifted(
            format!("{}.{}({})", field_at(field, depth), op.as_str(), value(v)),
            lift,
        ),
        TypedFilter::Null {
            field,
            negated,
            lift,
        } => {
            let method = if *negated { "is_not_null" } else { "is_null" };
            lifted(format!("{}.{method}()", field_at(field, depth)), lift)
        }
        TypedFilter::In {
            field,
            values,
            lift,
        } => {
            let values: Vec<String> = values.iter().map(value).collect();
            lifted(
                format!("{}.is_in([{}])", field_at(field, depth), values.join(", ")),
                lift,
            )
        }
        TypedFilter::Function {
            function,
            field,
            value: v,
            lift,
        } => {
            let method = match function {
                TextFunction::StartsWith => "starts_with",
                TextFunction::EndsWith => "ends_with",
                TextFunction::Contains => "contains",
            };
            lifted(format!("{}.{method}({v:?})", field_at(field, depth)), lift)
        }
        TypedFilter::Lambda {
            field,
            quantifier,
            over_values,
            body,
            lift,
        } => {
            let q = match quantifier {
                Quantifier::Any => "any",
                Quantifier::All => "all",
            };
            let head = field_at(field, depth);
            let text = if *over_values {
                format!(
                    "{head}.{q}_value(|{}| {})",
                    variable(depth),
                    filter(body, depth + 1)
                )
            } else {
                format!("{head}.{q}({})", filter(body, depth))
            };
            lifted(text, lift)
        }
        TypedFilter::NotEmpty { field, lift } => {
            lifted(format!("{}.is_not_empty()", field_at(field, depth)), lift)
        }
        TypedFilter::IsOf { scope, target } => {
            format!("Filter::<models::{scope}>::is_of::<models::{target}>()")
        }
        TypedFilter::Not(inner) => format!("{}.not()", filter(inner, depth)),
        TypedFilter::And(a, b) => format!("{}.and({})", filter(a, depth), filter(b, depth)),
        TypedFilter::Or(a, b) => format!("{}.or({})", filter(a, depth), filter(b, depth)),
    }
}

fn expand(e: &TypedExpand) -> String {
    let head = field(&e.field);
    if e.levels.is_none() && e.select.is_empty() && e.filter.is_none() && e.expand.is_empty() {
        return head;
    }
    let mut nested = "n".to_string();
    match e.levels {
        Some(ExpandLevels::Max) => nested.push_str(".levels(Levels::Max)"),
        Some(ExpandLevels::Depth(n)) => nested.push_str(&format!(".levels(Levels::Depth({n}))")),
        None => {}
    }
    if !e.select.is_empty() {
        nested.push_str(&format!(
            ".select({})",
            list(e.select.iter().map(field), FIELDS)
        ));
    }
    if let Some(f) = &e.filter {
        nested.push_str(&format!(".filter({})", filter(f, 0)));
    }
    if !e.expand.is_empty() {
        nested.push_str(&format!(
            ".expand({})",
            list(e.expand.iter().map(expand), EXPANDS)
        ));
    }
    format!("{head}.expand_with(|n| {nested})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn handle(owner: &str, constant: &str) -> Field {
        Field {
            steps: vec![Step {
                owner: owner.into(),
                constant: constant.into(),
                cast_to: None,
                via: None,
                uncast: None,
            }],
            count: false,
            variable: false,
            dynamic: None,
            converted: None,
        }
    }

    #[test]
    fn chains_read_as_the_typed_api() {
        let options = [
            TypedOption::Filter(TypedFilter::Function {
                function: TextFunction::StartsWith,
                field: handle("User", "DISPLAY_NAME"),
                value: "a\"b".into(),
                lift: None,
            }),
            TypedOption::Select(vec![
                handle("DirectoryObject", "ID"),
                handle("User", "DISPLAY_NAME"),
            ]),
            TypedOption::Top(5),
            TypedOption::Search(vec!["displayName:wa".into()], SearchJoin::One),
            TypedOption::Count,
        ];
        assert_eq!(
            chain(None, &options),
            r#".filter(models::User::DISPLAY_NAME.starts_with("a\"b")).select((models::DirectoryObject::ID, models::User::DISPLAY_NAME)).top(5).search("displayName:wa").count()"#
        );
        // A request cast to a derived type: the cast first, then that type's handles.
        let group = [TypedOption::OrderBy(vec![(
            handle("Group", "DISPLAY_NAME"),
            None,
        )])];
        assert_eq!(
            chain(Some("Group"), &group),
            ".cast::<models::Group>().orderby(models::Group::DISPLAY_NAME)"
        );
    }

    #[test]
    fn lambdas_lifts_and_long_lists() {
        let f = TypedFilter::Lambda {
            field: handle("User", "PROXY_ADDRESSES"),
            quantifier: Quantifier::Any,
            over_values: true,
            body: Box::new(TypedFilter::Function {
                function: TextFunction::StartsWith,
                field: Field {
                    steps: Vec::new(),
                    count: false,
                    variable: true,
                    dynamic: None,
                    converted: None,
                },
                value: "smtp:".into(),
                lift: None,
            }),
            lift: None,
        };
        let g = TypedFilter::Compare {
            field: handle("DirectoryObject", "ID"),
            op: CompareOp::Eq,
            value: Value::Guid("00000000-0000-0000-0000-000000000000".into()),
            lift: Some("User".into()),
        };
        assert_eq!(
            filter(&TypedFilter::And(Box::new(f), Box::new(g)), 0),
            r#"models::User::PROXY_ADDRESSES.any_value(|x| x.starts_with("smtp:")).and(models::DirectoryObject::ID.eq(uuid::uuid!("00000000-0000-0000-0000-000000000000")).for_derived::<models::User>())"#
        );
        let many: Vec<String> = (0..13).map(|i| i.to_string()).collect();
        assert_eq!(
            list(many.clone().into_iter(), FIELDS),
            "((0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11), (12,))"
        );
        assert_eq!(
            list(many[..4].iter().cloned(), EXPANDS),
            "((0, 1, 2), (3,))"
        );
        assert_eq!(value(&Value::Int("3000000000".into())), "3000000000i64");
    }
}

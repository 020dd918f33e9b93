//! Typed query options: property handles, `$filter` expressions, `$select`, `$orderby`
//! and `$expand` lists that the compiler checks against the model types.
//!
//! ```
//! # use graph_runtime::odata::{kind, Field, Filter};
//! # enum User {}
//! let display_name: Field<User, kind::Text> = Field::new("displayName");
//! let enabled: Field<User, kind::Bool> = Field::new("accountEnabled");
//! let filter: Filter<User> = display_name.starts_with("O'N").and(enabled.eq(true));
//! assert_eq!(filter.to_odata(), "startsWith(displayName,'O''N') and accountEnabled eq true");
//! ```
//!
//! A handle ([`Field`]) names one property of one type and says what it holds ([`kind`]).
//! Comparisons take only values of the property's kind, string functions only text
//! properties, `any` and `all` only collections. The output is canonical OData text;
//! the request percent-encodes it once.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::marker::PhantomData;

/// What a property holds, as far as a query can tell. Marker types only.
pub mod kind {
    use std::marker::PhantomData;

    /// `Edm.String`.
    pub struct Text;
    /// `Edm.Int16`, `Int32`, `Int64`, `Byte`, `SByte`.
    pub struct Int;
    /// `Edm.Double`, `Single`, `Decimal`.
    pub struct Float;
    /// `Edm.Boolean`.
    pub struct Bool;
    /// `Edm.DateTimeOffset`.
    pub struct DateTime;
    /// `Edm.Date`.
    pub struct Date;
    /// `Edm.TimeOfDay`.
    pub struct TimeOfDay;
    /// `Edm.Duration`.
    pub struct Duration;
    /// `Edm.Guid`.
    pub struct Guid;
    /// `Edm.Binary` and streams: neither compared nor sorted on.
    pub struct Binary;
    /// Any JSON: compared as text is not possible; only `eq null` applies.
    pub struct Json;
    /// A member of the enum `E`.
    pub struct Enum<E>(PhantomData<fn() -> E>);
    /// A complex (structured) value of type `T`.
    pub struct Complex<T>(PhantomData<fn() -> T>);
    /// A navigation property to one entity of type `T`.
    pub struct Entity<T>(PhantomData<fn() -> T>);
    /// A collection of `K`.
    pub struct Many<K>(PhantomData<fn() -> K>);
}

/// A model type as OData names it; casts are written with this name.
pub trait ODataType {
    /// The qualified name (`microsoft.graph.user`), with or without the leading `#`.
    const ODATA_TYPE: &'static str;
}

/// `Self` is `B` or derives from it, so `B`'s properties are `Self`'s too.
pub trait IsA<B> {}

impl<T: ODataType> IsA<T> for T {}

/// What a request addresses: the type its typed query options are about (the items of
/// a collection, or the one object).
pub trait Addressed {
    /// The addressed type.
    type Item;
}

/// An enum of the model, written in a query by its member name.
pub trait ODataEnum {
    /// The member as the service spells it.
    fn as_str(&self) -> &str;
}

/// Kinds that `gt`, `ge`, `lt`, `le` and `$orderby` apply to.
pub trait Ordered {}
impl Ordered for kind::Text {}
impl Ordered for kind::Int {}
impl Ordered for kind::Float {}
impl Ordered for kind::DateTime {}
impl Ordered for kind::Date {}
impl Ordered for kind::TimeOfDay {}
impl Ordered for kind::Duration {}
impl Ordered for kind::Guid {}
impl<E> Ordered for kind::Enum<E> {}
impl Ordered for kind::Bool {}

/// Kinds of single primitive values: what OData's `cast` function converts.
pub trait Primitive {}
impl Primitive for kind::Text {}
impl Primitive for kind::Int {}
impl Primitive for kind::Float {}
impl Primitive for kind::Bool {}
impl Primitive for kind::DateTime {}
impl Primitive for kind::Date {}
impl Primitive for kind::TimeOfDay {}
impl Primitive for kind::Duration {}
impl Primitive for kind::Guid {}

/// The EDM primitive types a value can be converted to with [`Field::cast_value`].
pub mod edm {
    use super::kind;

    /// An EDM primitive type: its name in a query and the kind of its values.
    pub trait EdmPrimitive {
        /// The name as a query writes it (`Edm.Int32`).
        const NAME: &'static str;
        /// What a value of the type compares with.
        type Kind;
    }

    macro_rules! edm_types {
        ($($name:ident => $kind:ty),* $(,)?) => {$(
            #[doc = concat!("`Edm.", stringify!($name), "`.")]
            pub enum $name {}
            impl EdmPrimitive for $name {
                const NAME: &'static str = concat!("Edm.", stringify!($name));
                type Kind = $kind;
            }
        )*};
    }

    edm_types! {
        String => kind::Text,
        Boolean => kind::Bool,
        Byte => kind::Int,
        SByte => kind::Int,
        Int16 => kind::Int,
        Int32 => kind::Int,
        Int64 => kind::Int,
        Single => kind::Float,
        Double => kind::Float,
        Decimal => kind::Float,
        Guid => kind::Guid,
        DateTimeOffset => kind::DateTime,
        Date => kind::Date,
        TimeOfDay => kind::TimeOfDay,
        Duration => kind::Duration,
    }
}

/// A Rust value that can stand for a value of kind `K` in a filter.
pub trait Literal<K> {
    /// The value in OData literal syntax.
    fn literal(&self) -> String;
}

/// A string literal: quoted, with each `'` doubled.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

impl Literal<kind::Text> for &str {
    fn literal(&self) -> String {
        quote(self)
    }
}
impl Literal<kind::Text> for String {
    fn literal(&self) -> String {
        quote(self)
    }
}
impl Literal<kind::Text> for &String {
    fn literal(&self) -> String {
        quote(self)
    }
}

macro_rules! integer_literals {
    ($($t:ty),*) => {$(
        impl Literal<kind::Int> for $t {
            fn literal(&self) -> String {
                self.to_string()
            }
        }
        impl Literal<kind::Float> for $t {
            fn literal(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
integer_literals!(i8, i16, i32, i64, u8, u16, u32);

macro_rules! float_literals {
    ($($t:ty),*) => {$(
        impl Literal<kind::Float> for $t {
            fn literal(&self) -> String {
                if self.is_nan() {
                    "NaN".into()
                } else if self.is_infinite() {
                    if *self > 0.0 { "INF".into() } else { "-INF".into() }
                } else {
                    // Rust prints the shortest text that reads back as the same value.
                    let text = self.to_string();
                    if text.contains(['.', 'e', 'E']) { text } else { format!("{text}.0") }
                }
            }
        }
    )*};
}
float_literals!(f32, f64);

impl Literal<kind::Bool> for bool {
    fn literal(&self) -> String {
        self.to_string()
    }
}

impl<Tz: chrono::TimeZone> Literal<kind::DateTime> for chrono::DateTime<Tz> {
    fn literal(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl Literal<kind::Date> for chrono::NaiveDate {
    fn literal(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

impl Literal<kind::TimeOfDay> for chrono::NaiveTime {
    fn literal(&self) -> String {
        self.format("%H:%M:%S%.f").to_string()
    }
}

impl Literal<kind::Guid> for uuid::Uuid {
    fn literal(&self) -> String {
        self.hyphenated().to_string()
    }
}

impl<E: ODataEnum> Literal<kind::Enum<E>> for E {
    fn literal(&self) -> String {
        quote(self.as_str())
    }
}
impl<E: ODataEnum> Literal<kind::Enum<E>> for &E {
    fn literal(&self) -> String {
        quote(self.as_str())
    }
}

/// A query option, or one of its operators, that a property's description documents
/// as working on it ("Supports `$filter` (`eq`, `ne`, `in`), `$orderby`").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Documented {
    /// `$filter`, with no operators listed: every one.
    Filter,
    /// `eq`.
    Eq,
    /// `ne`.
    Ne,
    /// `not(...)`.
    Not,
    /// `gt`.
    Gt,
    /// `ge`.
    Ge,
    /// `lt`.
    Lt,
    /// `le`.
    Le,
    /// `in (...)`.
    In,
    /// `startsWith`.
    StartsWith,
    /// `endsWith`.
    EndsWith,
    /// `contains`.
    Contains,
    /// `eq null` and `ne null`.
    Null,
    /// `path/$count` compared in a filter ("counting empty collections").
    Count,
    /// `$orderby`.
    OrderBy,
    /// `$search`.
    Search,
}

impl Documented {
    /// How the docs write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Documented::Filter => "$filter",
            Documented::Eq => "eq",
            Documented::Ne => "ne",
            Documented::Not => "not",
            Documented::Gt => "gt",
            Documented::Ge => "ge",
            Documented::Lt => "lt",
            Documented::Le => "le",
            Documented::In => "in",
            Documented::StartsWith => "startsWith",
            Documented::EndsWith => "endsWith",
            Documented::Contains => "contains",
            Documented::Null => "eq null",
            Documented::Count => "$count",
            Documented::OrderBy => "$orderby",
            Documented::Search => "$search",
        }
    }
}

/// One part of a query: an option's operator on a property, and whether the
/// property's description documents it as supported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryPart {
    /// `$filter` or `$orderby`.
    pub option: &'static str,
    /// The property's path (`displayName`, `assignedLicenses`).
    pub property: String,
    /// The operator, or `OrderBy` for a `$orderby` key.
    pub operator: Documented,
    /// The property's description documents it.
    pub documented: bool,
}

impl std::fmt::Display for QueryPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.option == "$orderby" {
            write!(f, "$orderby on `{}`", self.property)
        } else {
            write!(
                f,
                "{}: `{}` on `{}`",
                self.option,
                self.operator.as_str(),
                self.property
            )
        }
    }
}

/// One property of the type `O`, holding a value of kind `K`.
///
/// The model types carry one per property as an associated constant
/// (`User::DISPLAY_NAME`); lambda variables, casts and paths ([`Field::then`]) give
/// others. A handle is cloned, not copied: a path owns its text.
pub struct Field<O, K> {
    property: Property,
    marker: PhantomData<fn() -> (O, K)>,
}

/// What a property's path starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Head {
    /// The addressed item, or the innermost lambda variable inside a lambda (whose path
    /// is empty when it is the value itself, over a collection of primitive values).
    Item,
    /// A derived type of the addressed item (`microsoft.graph.user/department`).
    Cast(&'static str),
}

/// A property's path, its type erased: the handle's data, and what an expression holds.
#[derive(Clone, Debug, PartialEq)]
struct Property {
    head: Head,
    /// The properties walked to reach this one, each with its cast and a `/` after it
    /// (`teamsApp/`); empty for a property of the item itself.
    through: String,
    name: &'static str,
    /// `path/$count`: the size of the collection.
    counted: bool,
    /// What the property's description documents as working on it.
    documented: &'static [Documented],
    /// `cast(path,Edm.X)`: the value converted to this primitive type.
    converted: Option<&'static str>,
}

impl Property {
    /// The path as written in a query, under `variable` inside a lambda.
    fn path(&self, variable: Option<&str>) -> String {
        let mut own = String::new();
        if let Head::Cast(t) = self.head {
            own.push_str(t.trim_start_matches('#'));
            own.push('/');
        }
        own.push_str(&self.through);
        own.push_str(self.name);
        // Inside a lambda, the item is the variable.
        let mut path = match variable {
            Some(v) if own.is_empty() => v.to_string(),
            Some(v) => format!("{v}/{own}"),
            None => own,
        };
        if self.counted {
            path.push_str("/$count");
        }
        match self.converted {
            Some(edm) => format!("cast({path},{edm})"),
            None => path,
        }
    }
}

impl<O, K> Clone for Field<O, K> {
    fn clone(&self) -> Self {
        Self::from_property(self.property.clone())
    }
}

impl<O, K> std::fmt::Debug for Field<O, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Field").field(&self.path(Some("x"))).finish()
    }
}

impl<O, K> Field<O, K> {
    /// The property `name` of `O`, as the service spells it.
    pub const fn new(name: &'static str) -> Self {
        Self::documented(name, &[])
    }

    /// The property `name` of `O`, with the query options and operators its
    /// description documents as working on it (see [`Request::undocumented`]).
    ///
    /// [`Request::undocumented`]: super::Request::undocumented
    pub const fn documented(name: &'static str, documented: &'static [Documented]) -> Self {
        Self::from_property(Property {
            head: Head::Item,
            through: String::new(),
            name,
            counted: false,
            documented,
            converted: None,
        })
    }

    const fn from_property(property: Property) -> Self {
        Self {
            property,
            marker: PhantomData,
        }
    }

    /// The property's own name as the service spells it: the last one of a path.
    pub const fn name(&self) -> &'static str {
        self.property.name
    }

    /// The path as written in a query (`displayName`, `teamsApp/id`,
    /// `microsoft.graph.group/mailEnabled`), outside any lambda.
    pub fn to_odata(&self) -> String {
        self.path(None)
    }

    /// The path as written in a query, under `variable` inside a lambda.
    fn path(&self, variable: Option<&str>) -> String {
        self.property.path(variable)
    }

    /// The same property reached from a base type `B` of `O` through a cast, for a
    /// filter over a collection typed by the base: `microsoft.graph.user/department`.
    /// A handle that casts already keeps its cast, the more derived one.
    pub fn cast<B>(self) -> Field<B, K>
    where
        O: IsA<B> + ODataType,
    {
        let mut property = self.property;
        if !matches!(property.head, Head::Cast(_)) {
            property.head = Head::Cast(O::ODATA_TYPE);
        }
        Field::from_property(property)
    }

    /// The property as the items of a type `D` deriving from `O` have it, in a filter
    /// over `O`: `microsoft.graph.aadUserConversationMember/displayName` for
    /// `ConversationMember::DISPLAY_NAME.via::<AadUserConversationMember>()`, where
    /// `conversationMember` declares `displayName`. The filter then matches only items
    /// of `D`.
    pub fn via<D>(self) -> Field<O, K>
    where
        D: IsA<O> + ODataType,
    {
        let mut property = self.property;
        property.head = Head::Cast(D::ODATA_TYPE);
        Field::from_property(property)
    }

    /// The property of a derived type `O`, read on the items of its open base type `B`
    /// without a cast: `displayName` in `/groups/{id}/members?$select=displayName`, where
    /// `directoryObject` does not declare it but its derived types do. Open types take
    /// members by name, and the service gives the value on the items that have it.
    /// `Group::DISPLAY_NAME.uncast::<DirectoryObject>()`; [`Field::cast`] writes the cast
    /// instead (`microsoft.graph.group/displayName`), which reads groups only.
    pub fn uncast<B>(self) -> Field<B, K>
    where
        O: IsA<B>,
        B: OpenType,
    {
        Field::from_property(self.property)
    }

    /// The path on to `inner`, a property of the related type or one of its bases:
    /// `self/inner`. Only [`Field::then`] calls it, on single structured values.
    fn walk<B, K2>(self, inner: Field<B, K2>) -> Field<O, K2> {
        let Property {
            head,
            mut through,
            name,
            ..
        } = self.property;
        // The variable of a lambda over values is no step of its own.
        if !name.is_empty() {
            through.push_str(name);
            through.push('/');
        }
        if let Head::Cast(t) = inner.property.head {
            through.push_str(t.trim_start_matches('#'));
            through.push('/');
        }
        through.push_str(&inner.property.through);
        Field::from_property(Property {
            head,
            through,
            name: inner.property.name,
            counted: inner.property.counted,
            documented: inner.property.documented,
            converted: inner.property.converted,
        })
    }

    fn compare(self, op: Op, value: String) -> Filter<O> {
        Filter::new(Expr::Compare {
            field: self.erase(),
            op,
            value,
        })
    }

    fn erase(self) -> Property {
        self.property
    }

    /// `eq`: equal to `value`.
    pub fn eq(self, value: impl Literal<K>) -> Filter<O> {
        self.compare(Op::Eq, value.literal())
    }

    /// `ne`: not equal to `value` (an advanced query on directory objects).
    pub fn ne(self, value: impl Literal<K>) -> Filter<O> {
        self.compare(Op::Ne, value.literal())
    }

    /// `eq null`: the property has no value (an advanced query on directory objects).
    pub fn is_null(self) -> Filter<O> {
        self.compare(Op::Eq, "null".into())
    }

    /// `ne null`: the property has a value (an advanced query on directory objects).
    pub fn is_not_null(self) -> Filter<O> {
        self.compare(Op::Ne, "null".into())
    }

    /// `in (...)`: equal to one of `values`.
    pub fn is_in<V: Literal<K>>(self, values: impl IntoIterator<Item = V>) -> Filter<O> {
        Filter::new(Expr::In {
            field: self.erase(),
            values: values.into_iter().map(|v| v.literal()).collect(),
        })
    }
}

impl<O, K: Ordered> Field<O, K> {
    /// `gt`: greater than `value`.
    pub fn gt(self, value: impl Literal<K>) -> Filter<O> {
        self.compare(Op::Gt, value.literal())
    }

    /// `ge`: greater than or equal to `value`.
    pub fn ge(self, value: impl Literal<K>) -> Filter<O> {
        self.compare(Op::Ge, value.literal())
    }

    /// `lt`: less than `value`.
    pub fn lt(self, value: impl Literal<K>) -> Filter<O> {
        self.compare(Op::Lt, value.literal())
    }

    /// `le`: less than or equal to `value`.
    pub fn le(self, value: impl Literal<K>) -> Filter<O> {
        self.compare(Op::Le, value.literal())
    }

    /// Ascending, for `$orderby`.
    pub fn asc(self) -> Order<O> {
        self.order(false)
    }

    /// Descending, for `$orderby`.
    pub fn desc(self) -> Order<O> {
        self.order(true)
    }

    fn order(self, descending: bool) -> Order<O> {
        Order {
            path: self.path(None),
            descending,
            documented: self.property.documented,
            marker: PhantomData,
        }
    }
}

impl<O, K: Primitive> Field<O, K> {
    /// OData's `cast` function: the value converted to the primitive type `T`
    /// (`cast(value,Edm.Int32)`), compared as a value of `T`. For properties that hold
    /// other types' values as text, such as an extended property's `value`:
    /// `SingleValueLegacyExtendedProperty::VALUE.cast_value::<edm::Int32>().eq(12)`.
    pub fn cast_value<T: edm::EdmPrimitive>(self) -> Field<O, T::Kind> {
        let mut property = self.property;
        property.converted = Some(T::NAME);
        Field::from_property(property)
    }
}

impl<O> Field<O, kind::Text> {
    fn function(self, function: Function, value: &str) -> Filter<O> {
        Filter::new(Expr::Function {
            function,
            field: self.erase(),
            value: quote(value),
        })
    }

    /// `startsWith(property, 'prefix')`.
    pub fn starts_with(self, prefix: &str) -> Filter<O> {
        self.function(Function::StartsWith, prefix)
    }

    /// `endsWith(property, 'suffix')` (an advanced query on directory objects).
    pub fn ends_with(self, suffix: &str) -> Filter<O> {
        self.function(Function::EndsWith, suffix)
    }

    /// `contains(property, 'part')`.
    pub fn contains(self, part: &str) -> Filter<O> {
        self.function(Function::Contains, part)
    }
}

/// The lambda variable over the items of a collection of primitive values.
pub struct Each<K>(PhantomData<fn() -> K>);

impl<O, K> Field<O, kind::Many<K>> {
    fn lambda<I>(self, quantifier: Quantifier, body: Filter<I>) -> Filter<O> {
        Filter::new(Expr::Lambda {
            quantifier,
            field: self.erase(),
            body: Box::new(body.expr),
        })
    }

    /// `any(x: ...)` over a collection of primitive values: `f` gets the variable.
    pub fn any_value(self, f: impl FnOnce(Field<Each<K>, K>) -> Filter<Each<K>>) -> Filter<O> {
        self.lambda(Quantifier::Any, f(variable()))
    }

    /// `all(x: ...)` over a collection of primitive values: `f` gets the variable.
    pub fn all_value(self, f: impl FnOnce(Field<Each<K>, K>) -> Filter<Each<K>>) -> Filter<O> {
        self.lambda(Quantifier::All, f(variable()))
    }

    /// `any()` without a condition: the collection has an item
    /// (`assignedLicenses/any()`).
    pub fn is_not_empty(self) -> Filter<O> {
        Filter::new(Expr::NotEmpty(self.erase()))
    }

    /// `$count` of the collection compared in a filter (`assignedLicenses/$count eq 0`);
    /// an advanced query on directory objects.
    pub fn count(self) -> Field<O, kind::Int> {
        let mut property = self.property;
        property.counted = true;
        Field::from_property(property)
    }
}

/// The variable of a lambda over values: the value itself, an empty path.
const fn variable<K>() -> Field<Each<K>, K> {
    Field::new("")
}

impl<O, T> Field<O, kind::Many<kind::Complex<T>>> {
    /// `any(x: x/... )` over a collection of complex values: `body` is a filter on
    /// the item type, whose properties are read from the variable.
    pub fn any(self, body: Filter<T>) -> Filter<O> {
        self.lambda(Quantifier::Any, body)
    }

    /// `all(x: x/...)` over a collection of complex values.
    pub fn all(self, body: Filter<T>) -> Filter<O> {
        self.lambda(Quantifier::All, body)
    }
}

impl<O, T> Field<O, kind::Many<kind::Entity<T>>> {
    /// `any(x: x/...)` over a relationship to many entities.
    pub fn any(self, body: Filter<T>) -> Filter<O> {
        self.lambda(Quantifier::Any, body)
    }

    /// `all(x: x/...)` over a relationship to many entities.
    pub fn all(self, body: Filter<T>) -> Filter<O> {
        self.lambda(Quantifier::All, body)
    }
}

impl<O, T> Field<O, kind::Complex<T>> {
    /// A property of the complex value: `self/inner` (`sharedShift/startDateTime`).
    /// `inner` is a handle of `T` or of one of its bases, and may cast
    /// (`AccessReviewQueryScope::QUERY.cast::<AccessReviewScope>()`); the path is a
    /// handle of `O` like any other, for `$filter`, lambda bodies, and `$select` or
    /// `$orderby` where the service takes paths.
    pub fn then<B, K2>(self, inner: Field<B, K2>) -> Field<O, K2>
    where
        T: IsA<B>,
    {
        self.walk(inner)
    }
}

impl<O, T> Field<O, kind::Entity<T>> {
    /// A property of the related entity: `self/inner` (`teamsApp/externalId`). `inner`
    /// is a handle of `T` or of one of its bases (`TeamsTab::TEAMS_APP.then(Entity::ID)`).
    pub fn then<B, K2>(self, inner: Field<B, K2>) -> Field<O, K2>
    where
        T: IsA<B>,
    {
        self.walk(inner)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    fn documented(self) -> Documented {
        match self {
            Op::Eq => Documented::Eq,
            Op::Ne => Documented::Ne,
            Op::Gt => Documented::Gt,
            Op::Ge => Documented::Ge,
            Op::Lt => Documented::Lt,
            Op::Le => Documented::Le,
        }
    }

    fn text(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::Lt => "lt",
            Op::Le => "le",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Function {
    StartsWith,
    EndsWith,
    Contains,
}

impl Function {
    fn documented(self) -> Documented {
        match self {
            Function::StartsWith => Documented::StartsWith,
            Function::EndsWith => Documented::EndsWith,
            Function::Contains => Documented::Contains,
        }
    }

    fn text(self) -> &'static str {
        match self {
            Function::StartsWith => "startsWith",
            Function::EndsWith => "endsWith",
            Function::Contains => "contains",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Quantifier {
    Any,
    All,
}

#[derive(Clone, Debug, PartialEq)]
enum Expr {
    Compare {
        field: Property,
        op: Op,
        value: String,
    },
    In {
        field: Property,
        values: Vec<String>,
    },
    Function {
        function: Function,
        field: Property,
        value: String,
    },
    Lambda {
        quantifier: Quantifier,
        field: Property,
        body: Box<Expr>,
    },
    /// `path/any()`: the collection has an item.
    NotEmpty(Property),
    /// `isof('microsoft.graph.x')`: the item is of that type or derives from it.
    IsOf(&'static str),
    Not(Box<Expr>),
    And(Vec<Expr>),
    Or(Vec<Expr>),
}

/// Binding strength, loosest first: what needs parentheses where.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Precedence {
    Or,
    And,
    Primary,
}

/// Lambda variables by nesting depth.
const VARIABLES: [&str; 4] = ["x", "y", "z", "w"];

fn variable_name(depth: usize) -> Cow<'static, str> {
    VARIABLES
        .get(depth)
        .map_or_else(|| Cow::Owned(format!("x{depth}")), |v| Cow::Borrowed(*v))
}

impl Expr {
    fn precedence(&self) -> Precedence {
        match self {
            Expr::Or(_) => Precedence::Or,
            Expr::And(_) => Precedence::And,
            _ => Precedence::Primary,
        }
    }

    /// Writes the expression; `depth` lambdas enclose it, the innermost binding
    /// `variable`.
    fn write(&self, out: &mut String, variable: Option<&str>, depth: usize, outer: Precedence) {
        let parenthesize = self.precedence() < outer;
        if parenthesize {
            out.push('(');
        }
        match self {
            Expr::Compare { field, op, value } => {
                let _ = write!(out, "{} {} {value}", field.path(variable), op.text());
            }
            Expr::In { field, values } => {
                let _ = write!(out, "{} in ({})", field.path(variable), values.join(","));
            }
            Expr::Function {
                function,
                field,
                value,
            } => {
                let _ = write!(out, "{}({},{value})", function.text(), field.path(variable));
            }
            Expr::Lambda {
                quantifier,
                field,
                body,
            } => {
                let name = variable_name(depth);
                let q = match quantifier {
                    Quantifier::Any => "any",
                    Quantifier::All => "all",
                };
                let _ = write!(out, "{}/{q}({name}:", field.path(variable));
                body.write(out, Some(&name), depth + 1, Precedence::Or);
                out.push(')');
            }
            Expr::NotEmpty(field) => {
                let _ = write!(out, "{}/any()", field.path(variable));
            }
            Expr::IsOf(name) => match variable {
                // Inside a lambda, the variable's item; outside, the item itself.
                Some(v) => {
                    let _ = write!(out, "isof({v},'{name}')");
                }
                None => {
                    let _ = write!(out, "isof('{name}')");
                }
            },
            Expr::Not(inner) => {
                out.push_str("not(");
                inner.write(out, variable, depth, Precedence::Or);
                out.push(')');
            }
            Expr::And(parts) | Expr::Or(parts) => {
                let joiner = if matches!(self, Expr::And(_)) {
                    " and "
                } else {
                    " or "
                };
                let own = self.precedence();
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.push_str(joiner);
                    }
                    // `a or (b or c)` is `a or b or c`; a looser part needs parentheses.
                    part.write(out, variable, depth, own);
                }
            }
        }
        if parenthesize {
            out.push(')');
        }
    }

    /// Every operator on a property as a query part: checked against `over`'s
    /// documentation inside a lambda over it, and under a `not` also as `not`.
    fn parts(&self, over: Option<&Property>, negated: bool, out: &mut Vec<QueryPart>) {
        let mut leaf = |field: &Property, operator: Documented| {
            let property = over.unwrap_or(field);
            let mut operators = vec![operator];
            if negated {
                operators.push(Documented::Not);
            }
            for operator in operators {
                out.push(QueryPart {
                    option: "$filter",
                    property: property.path(None),
                    operator,
                    documented: property.documented.contains(&operator)
                        || property.documented.contains(&Documented::Filter),
                });
            }
        };
        match self {
            Expr::Compare { field, op, value } => {
                let operator = if field.counted {
                    Documented::Count
                } else if value == "null" {
                    Documented::Null
                } else {
                    op.documented()
                };
                leaf(field, operator);
            }
            Expr::In { field, .. } => leaf(field, Documented::In),
            Expr::Function {
                function, field, ..
            } => leaf(field, function.documented()),
            Expr::Lambda { field, body, .. } => {
                body.parts(Some(over.unwrap_or(field)), negated, out);
            }
            // Whether it is empty: what "counting empty collections" documents.
            Expr::NotEmpty(field) => leaf(field, Documented::Count),
            // A type test, on no property.
            Expr::IsOf(_) => {}
            Expr::Not(inner) => inner.parts(over, true, out),
            Expr::And(parts) | Expr::Or(parts) => {
                parts.iter().for_each(|p| p.parts(over, negated, out));
            }
        }
    }

    /// Walks every node, innermost included.
    fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        match self {
            Expr::Lambda { body, .. } => body.visit(f),
            Expr::Not(inner) => inner.visit(f),
            Expr::And(parts) | Expr::Or(parts) => parts.iter().for_each(|p| p.visit(f)),
            _ => {}
        }
    }
}

/// A `$filter` expression over items of type `O`.
pub struct Filter<O> {
    expr: Expr,
    marker: PhantomData<fn() -> O>,
}

impl<O> Clone for Filter<O> {
    fn clone(&self) -> Self {
        Self::new(self.expr.clone())
    }
}

impl<O> std::fmt::Debug for Filter<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_odata())
    }
}

impl<O> std::fmt::Display for Filter<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_odata())
    }
}

impl<O> PartialEq for Filter<O> {
    fn eq(&self, other: &Self) -> bool {
        self.expr == other.expr
    }
}

/// Parts of a filter that Graph serves on directory objects only as advanced queries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AdvancedUse {
    /// `ne`.
    pub not_equals: bool,
    /// `not(...)`.
    pub not: bool,
    /// `endsWith(...)`.
    pub ends_with: bool,
    /// A comparison with `null`.
    pub null: bool,
    /// `collection/$count` inside the filter.
    pub count: bool,
}

impl AdvancedUse {
    /// Whether any part is used.
    pub fn any(&self) -> bool {
        self.not_equals || self.not || self.ends_with || self.null || self.count
    }
}

impl<O> Filter<O> {
    fn new(expr: Expr) -> Self {
        Self {
            expr,
            marker: PhantomData,
        }
    }

    /// `self and other`.
    pub fn and(self, other: Filter<O>) -> Filter<O> {
        Filter::new(join(self.expr, other.expr, true))
    }

    /// `self or other`.
    pub fn or(self, other: Filter<O>) -> Filter<O> {
        Filter::new(join(self.expr, other.expr, false))
    }

    /// `isof('microsoft.graph.d')`: items of type `D` or of a type deriving from it
    /// (`Filter::<NamedLocation>::is_of::<IpNamedLocation>()`). Inside `any` / `all`,
    /// it tests the lambda's item.
    pub fn is_of<D>() -> Filter<O>
    where
        D: IsA<O> + ODataType,
    {
        Filter::new(Expr::IsOf(D::ODATA_TYPE.trim_start_matches('#')))
    }

    /// `not(self)` (an advanced query on directory objects).
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter<O> {
        Filter::new(Expr::Not(Box::new(self.expr)))
    }

    /// The expression as OData text (`displayName eq 'a''b'`), before percent-encoding.
    pub fn to_odata(&self) -> String {
        let mut out = String::new();
        self.expr.write(&mut out, None, 0, Precedence::Or);
        out
    }

    /// The parts that make this filter an advanced query on directory objects.
    pub fn advanced_use(&self) -> AdvancedUse {
        let mut used = AdvancedUse::default();
        self.expr.visit(&mut |e| match e {
            Expr::Compare { field, op, value } => {
                used.not_equals |= *op == Op::Ne;
                used.null |= value == "null";
                used.count |= field.counted;
            }
            Expr::Function { function, .. } => {
                used.ends_with |= *function == Function::EndsWith;
            }
            Expr::Not(_) => used.not = true,
            _ => {}
        });
        used
    }

    /// The parts of the filter (an operator on a property) that the properties'
    /// descriptions do not document as supported. Inside `any` / `all`, an operator is
    /// checked against the collection's documentation, as Graph's docs list it there.
    pub fn undocumented(&self) -> Vec<QueryPart> {
        let mut parts = self.parts();
        parts.retain(|p| !p.documented);
        parts
    }

    /// Every operator on a property, documented or not.
    pub(crate) fn parts(&self) -> Vec<QueryPart> {
        let mut parts = Vec::new();
        self.expr.parts(None, false, &mut parts);
        parts
    }

    /// The same filter over a type deriving from `O`: a filter on a base type's
    /// properties applies to the derived type's items.
    pub fn for_derived<D: IsA<O>>(self) -> Filter<D> {
        Filter::new(self.expr)
    }
}

impl<O> std::ops::Not for Filter<O> {
    type Output = Filter<O>;
    fn not(self) -> Filter<O> {
        Filter::not(self)
    }
}

impl<O> std::ops::BitAnd for Filter<O> {
    type Output = Filter<O>;
    fn bitand(self, other: Filter<O>) -> Filter<O> {
        self.and(other)
    }
}

impl<O> std::ops::BitOr for Filter<O> {
    type Output = Filter<O>;
    fn bitor(self, other: Filter<O>) -> Filter<O> {
        self.or(other)
    }
}

/// `a and b` (or `or`), flattening runs of the same operator.
fn join(a: Expr, b: Expr, and: bool) -> Expr {
    let mut parts = Vec::new();
    for e in [a, b] {
        match (e, and) {
            (Expr::And(inner), true) | (Expr::Or(inner), false) => parts.extend(inner),
            (other, _) => parts.push(other),
        }
    }
    if and {
        Expr::And(parts)
    } else {
        Expr::Or(parts)
    }
}

/// One `$orderby` key over items of type `O`.
pub struct Order<O> {
    path: String,
    descending: bool,
    documented: &'static [Documented],
    marker: PhantomData<fn() -> O>,
}

impl<O> Order<O> {
    /// The key as written in `$orderby` (`displayName desc`).
    pub fn to_odata(&self) -> String {
        if self.descending {
            format!("{} desc", self.path)
        } else {
            self.path.clone()
        }
    }
}

/// Properties `$select` can take for items of type `O`: a handle of `O` or of a base
/// type of `O`, or a tuple of them.
pub trait SelectList<O> {
    /// Appends the property names.
    fn names(self, out: &mut Vec<String>);
}

impl<O: IsA<B>, B, K> SelectList<O> for Field<B, K> {
    fn names(self, out: &mut Vec<String>) {
        out.push(self.path(None));
    }
}

/// A type whose objects take members no page documents (`"openType": true` in the
/// docs): open extensions, and on directory objects, extension properties
/// (`extension_{appId}_{name}`, schema extensions' `ext…_{name}`).
pub trait OpenType {
    /// Only extension properties, whose names hold a `_`, as on directory objects.
    const EXTENSIONS_ONLY: bool;
}

/// A member of an open type that no page documents, for `$select` beside handles:
/// `select((User::DISPLAY_NAME, Dynamic::<User>::new("ext55gb1l09_msLearnCourses")?))`.
/// The compiler cannot check its name, only that the type takes such members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dynamic<O> {
    name: String,
    marker: PhantomData<fn() -> O>,
}

impl<O: OpenType> Dynamic<O> {
    /// The member `name`: letters, digits and `_`; on directory objects an extension
    /// property's name, which holds a `_`.
    pub fn new(name: &str) -> Result<Dynamic<O>, crate::Error> {
        let word = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !word {
            return Err(crate::Error::InvalidRequest(format!(
                "`{name}` is not a member name: letters, digits and `_` only"
            )));
        }
        if O::EXTENSIONS_ONLY && !name.contains('_') {
            return Err(crate::Error::InvalidRequest(format!(
                "`{name}` is not an extension property: directory objects take only \
                 `extension_{{appId}}_{{name}}` or a schema extension's `ext…_{{name}}` \
                 beyond their documented properties"
            )));
        }
        Ok(Dynamic {
            name: name.to_string(),
            marker: PhantomData,
        })
    }

    /// The name, as written in the query.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl<O: IsA<B>, B> SelectList<O> for Dynamic<B> {
    fn names(self, out: &mut Vec<String>) {
        out.push(self.name);
    }
}

/// `$orderby` keys for items of type `O`: a key of `O` or of a base type, or a tuple.
pub trait OrderList<O> {
    /// Appends the keys, each as written and as the part of the query it is.
    fn keys(self, out: &mut Vec<(String, QueryPart)>);
}

impl<O: IsA<B>, B> OrderList<O> for Order<B> {
    fn keys(self, out: &mut Vec<(String, QueryPart)>) {
        let part = QueryPart {
            option: "$orderby",
            property: self.path.clone(),
            operator: Documented::OrderBy,
            documented: self.documented.contains(&Documented::OrderBy),
        };
        out.push((self.to_odata(), part));
    }
}

impl<O: IsA<B>, B, K: Ordered> OrderList<O> for Field<B, K> {
    fn keys(self, out: &mut Vec<(String, QueryPart)>) {
        OrderList::<O>::keys(Order::<B>::from(self), out);
    }
}

impl<O, K: Ordered> From<Field<O, K>> for Order<O> {
    fn from(field: Field<O, K>) -> Self {
        field.asc()
    }
}

macro_rules! tuple_lists {
    ($($name:ident)+) => {
        impl<O, $($name: SelectList<O>),+> SelectList<O> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn names(self, out: &mut Vec<String>) {
                let ($($name,)+) = self;
                $($name.names(out);)+
            }
        }
        impl<O, $($name: OrderList<O>),+> OrderList<O> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn keys(self, out: &mut Vec<(String, QueryPart)>) {
                let ($($name,)+) = self;
                $($name.keys(out);)+
            }
        }
    };
}
tuple_lists!(A);
tuple_lists!(A B);
tuple_lists!(A B C);
tuple_lists!(A B C D);
tuple_lists!(A B C D E);
tuple_lists!(A B C D E F);
tuple_lists!(A B C D E F G);
tuple_lists!(A B C D E F G H);
tuple_lists!(A B C D E F G H I);
tuple_lists!(A B C D E F G H I J);
tuple_lists!(A B C D E F G H I J K);
tuple_lists!(A B C D E F G H I J K L);

impl<O, S: SelectList<O>> SelectList<O> for Vec<S> {
    fn names(self, out: &mut Vec<String>) {
        self.into_iter().for_each(|s| s.names(out));
    }
}

impl<O, S: SelectList<O>, const N: usize> SelectList<O> for [S; N] {
    fn names(self, out: &mut Vec<String>) {
        self.into_iter().for_each(|s| s.names(out));
    }
}

/// A relationship `$expand` can take for items of type `O`, with its own options.
pub struct Expand<O> {
    text: String,
    /// `$levels` inside, at any depth: an advanced query.
    levels: bool,
    marker: PhantomData<fn() -> O>,
}

impl<O> Expand<O> {
    /// The item as written in `$expand` (`members($select=id,displayName)`).
    pub fn to_odata(&self) -> String {
        self.text.clone()
    }
}

/// How deep a recursive `$expand` goes (`manager($levels=max)`): every level, or a
/// number of them (Graph takes 1 to 1000).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Levels {
    /// `$levels=max`.
    Max,
    /// `$levels=n`.
    Depth(u32),
}

/// Options inside one `$expand` item, over the related type `T`, written in the
/// order `$levels`, `$select`, `$filter`, `$expand` and separated by `;`
/// (`manager($levels=max;$select=id)`).
pub struct Nested<T> {
    levels: Option<Levels>,
    select: Vec<String>,
    filter: Option<String>,
    expand: ExpandItems,
    marker: PhantomData<fn() -> T>,
}

impl<T> Nested<T> {
    /// `$levels` inside the expansion, for a relationship to items of the same type
    /// (`manager`): the chain of related items down to `levels`. Graph serves it on
    /// directory objects as an advanced query, so the request adds
    /// `ConsistencyLevel: eventual` and `$count=true` where its page documents the header.
    pub fn levels(mut self, levels: Levels) -> Self {
        self.levels = Some(levels);
        self
    }

    /// `$select` inside the expansion.
    pub fn select(mut self, fields: impl SelectList<T>) -> Self {
        fields.names(&mut self.select);
        self
    }

    /// `$filter` inside the expansion. Replaces an earlier one.
    pub fn filter(mut self, filter: Filter<T>) -> Self {
        self.filter = Some(filter.to_odata());
        self
    }

    /// `$expand` inside the expansion: relationships of the related items, as handles
    /// of `T` or its bases, or `handle.expand_with(...)` for options one level further
    /// down. Called again, it adds to the list.
    pub fn expand(mut self, items: impl ExpandList<T>) -> Self {
        items.items(&mut self.expand);
        self
    }

    fn options(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.levels {
            Some(Levels::Max) => out.push("$levels=max".to_string()),
            Some(Levels::Depth(n)) => out.push(format!("$levels={n}")),
            None => {}
        }
        if !self.select.is_empty() {
            out.push(format!("$select={}", self.select.join(",")));
        }
        if let Some(f) = &self.filter {
            out.push(format!("$filter={f}"));
        }
        if !self.expand.texts.is_empty() {
            out.push(format!("$expand={}", self.expand.texts.join(",")));
        }
        out
    }
}

/// A navigation property of `O` leading to items of type `Target`.
pub trait Navigation<O> {
    /// The related type.
    type Target;
    /// The property's path as written in `$expand` (`manager`, or with a cast
    /// `microsoft.graph.user/manager`).
    fn navigation_path(&self) -> String;
}

impl<O, T> Navigation<O> for Field<O, kind::Entity<T>> {
    type Target = T;
    fn navigation_path(&self) -> String {
        self.path(None)
    }
}

impl<O, T> Navigation<O> for Field<O, kind::Many<kind::Entity<T>>> {
    type Target = T;
    fn navigation_path(&self) -> String {
        self.path(None)
    }
}

impl<O, K> Field<O, K>
where
    Field<O, K>: Navigation<O>,
{
    /// `$expand` of this relationship.
    pub fn expand(self) -> Expand<O> {
        Expand {
            text: self.navigation_path(),
            levels: false,
            marker: PhantomData,
        }
    }

    /// `$expand` of this relationship with options on the related items.
    pub fn expand_with(
        self,
        options: impl FnOnce(
            Nested<<Field<O, K> as Navigation<O>>::Target>,
        ) -> Nested<<Field<O, K> as Navigation<O>>::Target>,
    ) -> Expand<O> {
        let nested = options(Nested {
            levels: None,
            select: Vec::new(),
            filter: None,
            expand: ExpandItems::default(),
            marker: PhantomData,
        });
        let inner = nested.options();
        let levels = nested.levels.is_some() || nested.expand.levels;
        let path = self.navigation_path();
        let text = if inner.is_empty() {
            path
        } else {
            format!("{path}({})", inner.join(";"))
        };
        Expand {
            text,
            levels,
            marker: PhantomData,
        }
    }
}

/// The items an [`ExpandList`] writes, as `$expand` takes them, and whether one of them
/// uses `$levels`.
#[derive(Clone, Debug, Default)]
pub struct ExpandItems {
    texts: Vec<String>,
    levels: bool,
}

impl ExpandItems {
    /// The items as written in `$expand`, in order.
    pub fn texts(&self) -> &[String] {
        &self.texts
    }

    /// Whether an item uses `$levels`, at any depth.
    pub fn uses_levels(&self) -> bool {
        self.levels
    }
}

/// Relationships for `$expand` on items of type `O`: one or a tuple.
pub trait ExpandList<O> {
    /// Appends the items.
    fn items(self, out: &mut ExpandItems);
}

impl<O: IsA<B>, B> ExpandList<O> for Expand<B> {
    fn items(self, out: &mut ExpandItems) {
        out.texts.push(self.text);
        out.levels |= self.levels;
    }
}

impl<O: IsA<B>, B, K> ExpandList<O> for Field<B, K>
where
    Field<B, K>: Navigation<B>,
{
    fn items(self, out: &mut ExpandItems) {
        out.texts.push(self.navigation_path());
    }
}

impl<O, A: ExpandList<O>, B: ExpandList<O>> ExpandList<O> for (A, B) {
    fn items(self, out: &mut ExpandItems) {
        self.0.items(out);
        self.1.items(out);
    }
}

impl<O, A: ExpandList<O>, B: ExpandList<O>, C: ExpandList<O>> ExpandList<O> for (A, B, C) {
    fn items(self, out: &mut ExpandItems) {
        self.0.items(out);
        self.1.items(out);
        self.2.items(out);
    }
}

#[cfg(test)]
mod tests;

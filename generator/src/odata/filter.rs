//! `$filter` text → syntax tree, for the part of OData's ABNF that Graph uses.
//!
//! Operators bind as OData says, tightest first: `not` and negation, `mul` `div`
//! `divby` `mod`, `add` `sub`, the comparisons (`eq` `ne` `gt` `ge` `lt` `le` `has`
//! `in`), `and`, `or`. Keywords, function names and `true`/`false`/`null` are read in
//! any letter case, as the service reads them. Literals: strings with `''` for a quote,
//! numbers, GUIDs, dates, date-times with a zone, times of day, `duration'...'` and other
//! typed strings, and enum members as `Namespace.enumType'member'`.
//!
//! Every input gives a tree or a [`ParseError`]; nothing panics, and nesting deeper than
//! [`MAX_DEPTH`] is an error rather than a stack overflow.

use serde::Serialize;
use std::fmt;

/// A member path: `assignedLicenses/skuId`, `microsoft.graph.user/displayName`,
/// `members/$count`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Path {
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Segment {
    /// A property, or a lambda variable as the first segment.
    Name(String),
    /// A qualified type name: `microsoft.graph.group`.
    Cast(String),
    /// `$count`.
    Count,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Literal {
    /// The text, quotes removed and `''` read as `'`.
    String(String),
    /// As written; `integral` when it has no fraction or exponent.
    Number {
        text: String,
        integral: bool,
    },
    Bool(bool),
    Null,
    Guid(String),
    /// With its zone, as written.
    DateTime(String),
    Date(String),
    TimeOfDay(String),
    /// `duration'P1D'`, `binary'..'`: the prefix in lower case and the quoted text.
    Typed {
        prefix: String,
        text: String,
    },
    /// `microsoft.graph.userType'Guest'`: the type as written and the member text.
    Enum {
        ty: String,
        member: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CompareOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Has,
}

impl CompareOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
            CompareOp::Has => "has",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArithmeticOp {
    Add,
    Sub,
    Mul,
    Div,
    DivBy,
    Mod,
}

impl ArithmeticOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ArithmeticOp::Add => "add",
            ArithmeticOp::Sub => "sub",
            ArithmeticOp::Mul => "mul",
            ArithmeticOp::Div => "div",
            ArithmeticOp::DivBy => "divby",
            ArithmeticOp::Mod => "mod",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Quantifier {
    Any,
    All,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum Expr {
    Literal(Literal),
    Path(Path),
    /// `path/any(x: body)`; `path/any()` has neither variable nor body.
    Lambda {
        path: Path,
        quantifier: Quantifier,
        variable: Option<String>,
        body: Option<Box<Expr>>,
    },
    /// A function call: the name as written (`startsWith`, `startswith`).
    Call {
        name: String,
        args: Vec<Expr>,
    },
    Compare {
        op: CompareOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    In {
        left: Box<Expr>,
        values: Vec<Expr>,
    },
    Arithmetic {
        op: ArithmeticOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Negate(Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Not OData.
    Syntax,
    /// A `{placeholder}` where a name or value belongs: a template, not a query.
    Placeholder,
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep,
}

/// Why a text is not a filter, and the byte offset where that shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParseError {
    pub at: usize,
    pub kind: ErrorKind,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.at)
    }
}

/// How deep parentheses, calls, lambdas and `not` may nest.
pub const MAX_DEPTH: usize = 64;

/// Parses a whole `$filter` value (already decoded).
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser::new(text);
    let expr = p.or()?;
    p.skip_space();
    if p.pos < p.bytes.len() {
        return Err(p.unexpected("an operator or the end"));
    }
    Ok(expr)
}

/// Parses a member path as `$select`, `$orderby` and `$expand` write it.
pub fn parse_path(text: &str) -> Result<Path, ParseError> {
    let mut p = Parser::new(text);
    p.skip_space();
    let path = match p.path_or_lambda()? {
        Expr::Path(path) => path,
        _ => return Err(p.error(p.pos, "a lambda where a property path belongs")),
    };
    p.skip_space();
    if p.pos < p.bytes.len() {
        return Err(p.unexpected("the end of the path"));
    }
    Ok(path)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes.get(i).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn error(&self, at: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            at,
            kind: ErrorKind::Syntax,
            message: message.into(),
        }
    }

    /// What stands at the current position, for an error message.
    fn unexpected(&self, wanted: &str) -> ParseError {
        let rest = &self.text[self.pos.min(self.text.len())..];
        if rest.is_empty() {
            return self.error(self.pos, format!("the filter ends where {wanted} belongs"));
        }
        if rest.starts_with('{') {
            return self.placeholder();
        }
        let shown: String = rest.chars().take(20).collect();
        self.error(self.pos, format!("`{shown}` where {wanted} belongs"))
    }

    fn placeholder(&self) -> ParseError {
        let rest = &self.text[self.pos.min(self.text.len())..];
        let end = rest.find('}').map_or(rest.len(), |i| i + 1);
        ParseError {
            at: self.pos,
            kind: ErrorKind::Placeholder,
            message: format!("the placeholder `{}` where OData belongs", &rest[..end]),
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), ParseError> {
        self.skip_space();
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(&format!("`{}`", byte as char)))
        }
    }

    /// The letters-and-digits word at the current position, without consuming it.
    fn word(&self) -> &'a str {
        let end = self.bytes[self.pos..]
            .iter()
            .position(|b| !is_name_byte(*b))
            .map_or(self.bytes.len(), |i| self.pos + i);
        &self.text[self.pos..end]
    }

    /// Consumes the keyword `k` (any case) when it stands as a whole word.
    fn keyword(&mut self, k: &str) -> bool {
        let w = self.word();
        if w.eq_ignore_ascii_case(k) {
            self.pos += w.len();
            true
        } else {
            false
        }
    }

    /// Consumes a binary operator word, when a space or a `(` follows it: a property
    /// named `and` still reads as one where an operand belongs.
    fn operator(&mut self, words: &[&str]) -> Option<usize> {
        let w = self.word();
        let after = self.at(self.pos + w.len());
        if !after.is_some_and(|b| b.is_ascii_whitespace() || b == b'(' || b == b'\'') {
            return None;
        }
        let i = words.iter().position(|k| w.eq_ignore_ascii_case(k))?;
        self.pos += w.len();
        Some(i)
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        loop {
            self.skip_space();
            if self.operator(&["or"]).is_none() {
                return Ok(left);
            }
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.comparison()?;
        loop {
            self.skip_space();
            if self.operator(&["and"]).is_none() {
                return Ok(left);
            }
            let right = self.comparison()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        const OPS: [(&str, CompareOp); 7] = [
            ("eq", CompareOp::Eq),
            ("ne", CompareOp::Ne),
            ("gt", CompareOp::Gt),
            ("ge", CompareOp::Ge),
            ("lt", CompareOp::Lt),
            ("le", CompareOp::Le),
            ("has", CompareOp::Has),
        ];
        let mut left = self.additive()?;
        loop {
            self.skip_space();
            if let Some(i) = self.operator(&OPS.map(|(w, _)| w)) {
                let right = self.additive()?;
                left = Expr::Compare {
                    op: OPS[i].1,
                    left: Box::new(left),
                    right: Box::new(right),
                };
            } else if self.operator(&["in"]).is_some() {
                let values = self.list()?;
                left = Expr::In {
                    left: Box::new(left),
                    values,
                };
            } else {
                return Ok(left);
            }
        }
    }

    /// `(a, b, c)` after `in` (or `[...]`, OData 4.01's JSON form).
    fn list(&mut self) -> Result<Vec<Expr>, ParseError> {
        self.skip_space();
        let close = match self.peek() {
            Some(b'(') => b')',
            Some(b'[') => b']',
            _ => return Err(self.unexpected("a list in parentheses after `in`")),
        };
        self.pos += 1;
        self.enter()?;
        let mut values = Vec::new();
        self.skip_space();
        if self.peek() == Some(close) {
            return Err(self.error(self.pos, "an empty list after `in`"));
        }
        loop {
            values.push(self.or()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b) if b == close => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or the end of the list")),
            }
        }
        self.depth -= 1;
        Ok(values)
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        const OPS: [(&str, ArithmeticOp); 2] =
            [("add", ArithmeticOp::Add), ("sub", ArithmeticOp::Sub)];
        let mut left = self.multiplicative()?;
        loop {
            self.skip_space();
            let Some(i) = self.operator(&OPS.map(|(w, _)| w)) else {
                return Ok(left);
            };
            let right = self.multiplicative()?;
            left = Expr::Arithmetic {
                op: OPS[i].1,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, ParseError> {
        const OPS: [(&str, ArithmeticOp); 4] = [
            ("mul", ArithmeticOp::Mul),
            ("div", ArithmeticOp::Div),
            ("divby", ArithmeticOp::DivBy),
            ("mod", ArithmeticOp::Mod),
        ];
        let mut left = self.unary()?;
        loop {
            self.skip_space();
            let Some(i) = self.operator(&OPS.map(|(w, _)| w)) else {
                return Ok(left);
            };
            let right = self.unary()?;
            left = Expr::Arithmetic {
                op: OPS[i].1,
                left: Box::new(left),
                right: Box::new(right),
            };
        }
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(ParseError {
                at: self.pos,
                kind: ErrorKind::TooDeep,
                message: format!("the filter nests deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        self.enter()?;
        self.skip_space();
        let start = self.pos;
        let expr = if self.keyword("not")
            && self
                .peek()
                .is_some_and(|b| b.is_ascii_whitespace() || b == b'(')
        {
            Expr::Not(Box::new(self.unary()?))
        } else {
            self.pos = start;
            if self.peek() == Some(b'-')
                && !self.at(self.pos + 1).is_some_and(|b| b.is_ascii_digit())
            {
                self.pos += 1;
                if self.word() == "INF" {
                    self.pos += 3;
                    Expr::Literal(Literal::Number {
                        text: "-INF".to_string(),
                        integral: false,
                    })
                } else {
                    Expr::Negate(Box::new(self.unary()?))
                }
            } else {
                self.primary()?
            }
        };
        self.depth -= 1;
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.skip_space();
        let Some(b) = self.peek() else {
            return Err(self.unexpected("an operand"));
        };
        match b {
            b'(' => {
                self.pos += 1;
                let inner = self.or()?;
                self.expect(b')')?;
                Ok(inner)
            }
            b'\'' => Ok(Expr::Literal(Literal::String(self.string()?))),
            b'{' => Err(self.placeholder()),
            b'"' => Err(self.error(
                self.pos,
                "a string in double quotes; OData quotes strings with `'`",
            )),
            b'-' | b'0'..=b'9' => {
                if let Some(guid) = self.guid() {
                    return Ok(Expr::Literal(Literal::Guid(guid)));
                }
                self.number_or_time()
            }
            b'$' => self.path_or_lambda(),
            b if is_name_start(b) => {
                if let Some(guid) = self.guid() {
                    return Ok(Expr::Literal(Literal::Guid(guid)));
                }
                self.name_expr()
            }
            b'@' => Err(self.error(self.pos, "a parameter alias (`@name`)")),
            _ => Err(self.unexpected("an operand")),
        }
    }

    /// `'...'` with `''` for a quote.
    fn string(&mut self) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(rel) = self.text[self.pos..].find('\'') else {
                return Err(self.error(start, "a string that is not closed with `'`"));
            };
            out.push_str(&self.text[self.pos..self.pos + rel]);
            self.pos += rel + 1;
            if self.peek() == Some(b'\'') {
                out.push('\'');
                self.pos += 1;
            } else {
                return Ok(out);
            }
        }
    }

    /// The text of `count` ASCII digits from `i`, if there are that many.
    fn digits(&self, i: usize, count: usize) -> bool {
        (i..i + count).all(|j| self.at(j).is_some_and(|b| b.is_ascii_digit()))
    }

    fn ends_token(&self, i: usize) -> bool {
        !self
            .at(i)
            .is_some_and(|b| is_name_byte(b) || b == b'.' || b == b'\'' || b == b'-' || b == b':')
    }

    /// A GUID (`8-4-4-4-12` hex digits) at the current position.
    fn guid(&mut self) -> Option<String> {
        let mut i = self.pos;
        for (n, len) in [8, 4, 4, 4, 12].into_iter().enumerate() {
            if n > 0 {
                if self.at(i) != Some(b'-') {
                    return None;
                }
                i += 1;
            }
            if !(i..i + len).all(|j| self.at(j).is_some_and(|b| b.is_ascii_hexdigit())) {
                return None;
            }
            i += len;
        }
        if !self.ends_token(i) {
            return None;
        }
        let text = self.text[self.pos..i].to_string();
        self.pos = i;
        Some(text)
    }

    /// `hh:mm[:ss[.fff]]` from `i`; the end.
    fn time_at(&self, i: usize) -> Option<usize> {
        if !(self.digits(i, 2) && self.at(i + 2) == Some(b':') && self.digits(i + 3, 2)) {
            return None;
        }
        let mut end = i + 5;
        if self.at(end) == Some(b':') && self.digits(end + 1, 2) {
            end += 3;
            if self.at(end) == Some(b'.') && self.digits(end + 1, 1) {
                end += 1;
                while self.at(end).is_some_and(|b| b.is_ascii_digit()) {
                    end += 1;
                }
            }
        }
        Some(end)
    }

    fn number_or_time(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        let i = start;
        // A date: yyyy-mm-dd, then perhaps Thh:mm[:ss[.f]] and a zone.
        if self.digits(i, 4)
            && self.at(i + 4) == Some(b'-')
            && self.digits(i + 5, 2)
            && self.at(i + 7) == Some(b'-')
            && self.digits(i + 8, 2)
        {
            let date_end = i + 10;
            if matches!(self.at(date_end), Some(b'T' | b't')) {
                let Some(mut end) = self.time_at(date_end + 1) else {
                    return Err(self.error(start, "a date-time whose time is not `hh:mm[:ss]`"));
                };
                match self.at(end) {
                    Some(b'Z' | b'z') => end += 1,
                    Some(b'+' | b'-')
                        if self.digits(end + 1, 2)
                            && self.at(end + 3) == Some(b':')
                            && self.digits(end + 4, 2) =>
                    {
                        end += 6
                    }
                    _ => {
                        return Err(self.error(
                            end,
                            "a date-time without a time zone (`Z` or `+hh:mm`); a `+` in a URL reads as a space",
                        ));
                    }
                }
                if !self.ends_token(end) {
                    return Err(self.unexpected("the end of the date-time"));
                }
                self.pos = end;
                return Ok(Expr::Literal(Literal::DateTime(
                    self.text[start..end].to_string(),
                )));
            }
            if !self.ends_token(date_end) {
                return Err(self.error(start, "a malformed date"));
            }
            self.pos = date_end;
            return Ok(Expr::Literal(Literal::Date(
                self.text[start..date_end].to_string(),
            )));
        }
        if let Some(end) = self.time_at(i) {
            if !self.ends_token(end) {
                return Err(self.error(start, "a malformed time of day"));
            }
            self.pos = end;
            return Ok(Expr::Literal(Literal::TimeOfDay(
                self.text[start..end].to_string(),
            )));
        }
        let mut end = i;
        if self.at(end) == Some(b'-') {
            end += 1;
        }
        let digits_from = end;
        while self.at(end).is_some_and(|b| b.is_ascii_digit()) {
            end += 1;
        }
        if end == digits_from {
            return Err(self.unexpected("a number"));
        }
        let mut integral = true;
        if self.at(end) == Some(b'.') && self.digits(end + 1, 1) {
            integral = false;
            end += 1;
            while self.at(end).is_some_and(|b| b.is_ascii_digit()) {
                end += 1;
            }
        }
        if matches!(self.at(end), Some(b'e' | b'E')) {
            let mut e = end + 1;
            if matches!(self.at(e), Some(b'+' | b'-')) {
                e += 1;
            }
            if self.digits(e, 1) {
                integral = false;
                end = e;
                while self.at(end).is_some_and(|b| b.is_ascii_digit()) {
                    end += 1;
                }
            }
        }
        if !self.ends_token(end) {
            self.pos = end;
            return Err(self.unexpected("the end of the number"));
        }
        self.pos = end;
        Ok(Expr::Literal(Literal::Number {
            text: self.text[start..end].to_string(),
            integral,
        }))
    }

    /// A name with dots (`microsoft.graph.user`) or `$name`, without consuming.
    fn qualified(&self) -> &'a str {
        let mut end = self.pos;
        if self.at(end) == Some(b'$') {
            end += 1;
        }
        while let Some(b) = self.at(end) {
            if is_name_byte(b) || (b == b'.' && self.at(end + 1).is_some_and(is_name_start)) {
                end += 1;
            } else {
                break;
            }
        }
        &self.text[self.pos..end]
    }

    /// A name at an operand: a keyword literal, a typed literal, a call, or a path.
    fn name_expr(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        let name = self.qualified();
        let after = self.pos + name.len();
        if self.at(after) == Some(b'\'') {
            self.pos = after;
            let text = self.string()?;
            let lower = name.to_ascii_lowercase();
            return Ok(Expr::Literal(if name.contains('.') {
                Literal::Enum {
                    ty: name.to_string(),
                    member: text,
                }
            } else {
                match lower.as_str() {
                    "duration" | "binary" | "geography" | "geometry" => Literal::Typed {
                        prefix: lower,
                        text,
                    },
                    _ => {
                        return Err(
                            self.error(start, format!("`{name}'...'` is not an OData literal"))
                        );
                    }
                }
            }));
        }
        let next_is_path = matches!(self.at(after), Some(b'/' | b'('));
        if !next_is_path && self.ends_token(after) {
            let literal = match name.to_ascii_lowercase().as_str() {
                "true" => Some(Literal::Bool(true)),
                "false" => Some(Literal::Bool(false)),
                "null" => Some(Literal::Null),
                _ if name == "INF" || name == "NaN" => Some(Literal::Number {
                    text: name.to_string(),
                    integral: false,
                }),
                _ => None,
            };
            if let Some(literal) = literal {
                self.pos = after;
                return Ok(Expr::Literal(literal));
            }
        }
        // A call: a plain name, then `(` (spaces between are tolerated).
        if !name.contains('.') {
            let mut i = after;
            while self.at(i).is_some_and(|b| b == b' ') {
                i += 1;
            }
            if self.at(i) == Some(b'(') {
                self.pos = i + 1;
                let args = self.arguments()?;
                return Ok(Expr::Call {
                    name: name.to_string(),
                    args,
                });
            }
        }
        self.path_or_lambda()
    }

    fn arguments(&mut self) -> Result<Vec<Expr>, ParseError> {
        self.enter()?;
        let mut args = Vec::new();
        self.skip_space();
        if self.peek() == Some(b')') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(args);
        }
        loop {
            args.push(self.or()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b')') => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.unexpected("`,` or `)` after an argument")),
            }
        }
        self.depth -= 1;
        Ok(args)
    }

    /// `a/b/microsoft.graph.x/c`, `a/$count`, ending perhaps in `any(...)`/`all(...)`.
    fn path_or_lambda(&mut self) -> Result<Expr, ParseError> {
        let mut segments = Vec::new();
        loop {
            let name = self.qualified();
            if name.is_empty() || name == "$" {
                if self.peek() == Some(b'{') {
                    return Err(self.placeholder());
                }
                return Err(self.unexpected("a property name"));
            }
            let lower = name.to_ascii_lowercase();
            if !segments.is_empty() && (lower == "any" || lower == "all") {
                let mut i = self.pos + name.len();
                while self.at(i).is_some_and(|b| b == b' ') {
                    i += 1;
                }
                if self.at(i) == Some(b'(') {
                    self.pos = i + 1;
                    let quantifier = if lower == "any" {
                        Quantifier::Any
                    } else {
                        Quantifier::All
                    };
                    return self.lambda(Path { segments }, quantifier);
                }
            }
            self.pos += name.len();
            segments.push(if lower == "$count" {
                Segment::Count
            } else if name.contains('.') {
                Segment::Cast(name.to_string())
            } else {
                Segment::Name(name.to_string())
            });
            if self.peek() == Some(b'/') {
                self.pos += 1;
            } else {
                return Ok(Expr::Path(Path { segments }));
            }
        }
    }

    /// After `any(`: `)`, or `variable: body)`.
    fn lambda(&mut self, path: Path, quantifier: Quantifier) -> Result<Expr, ParseError> {
        self.enter()?;
        self.skip_space();
        if self.peek() == Some(b')') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Expr::Lambda {
                path,
                quantifier,
                variable: None,
                body: None,
            });
        }
        let variable = self.word();
        if variable.is_empty() || !variable.bytes().next().is_some_and(is_name_start) {
            return Err(self.unexpected("a lambda variable"));
        }
        self.pos += variable.len();
        self.expect(b':')?;
        let body = self.or()?;
        self.expect(b')')?;
        self.depth -= 1;
        Ok(Expr::Lambda {
            path,
            quantifier,
            variable: Some(variable.to_string()),
            body: Some(Box::new(body)),
        })
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            match s {
                Segment::Name(n) | Segment::Cast(n) => f.write_str(n)?,
                Segment::Count => f.write_str("$count")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let quoted = |text: &str| format!("'{}'", text.replace('\'', "''"));
        match self {
            Literal::String(s) => f.write_str(&quoted(s)),
            Literal::Number { text, .. } => f.write_str(text),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Null => f.write_str("null"),
            Literal::Guid(t) | Literal::DateTime(t) | Literal::Date(t) | Literal::TimeOfDay(t) => {
                f.write_str(t)
            }
            Literal::Typed { prefix, text } => write!(f, "{prefix}{}", quoted(text)),
            Literal::Enum { ty, member } => write!(f, "{ty}{}", quoted(member)),
        }
    }
}

/// Binding strength, loosest first.
fn strength(e: &Expr) -> u8 {
    match e {
        Expr::Or(..) => 0,
        Expr::And(..) => 1,
        Expr::Compare { .. } | Expr::In { .. } => 2,
        Expr::Arithmetic {
            op: ArithmeticOp::Add | ArithmeticOp::Sub,
            ..
        } => 3,
        Expr::Arithmetic { .. } => 4,
        Expr::Not(_) | Expr::Negate(_) => 5,
        _ => 6,
    }
}

impl Expr {
    /// Writes `self`, parenthesized when it binds looser than `outer`.
    fn write(&self, f: &mut fmt::Formatter<'_>, outer: u8) -> fmt::Result {
        let own = strength(self);
        if own < outer {
            f.write_str("(")?;
        }
        match self {
            Expr::Literal(l) => write!(f, "{l}")?,
            Expr::Path(p) => write!(f, "{p}")?,
            Expr::Lambda {
                path,
                quantifier,
                variable,
                body,
            } => {
                let q = match quantifier {
                    Quantifier::Any => "any",
                    Quantifier::All => "all",
                };
                write!(f, "{path}/{q}(")?;
                if let (Some(v), Some(b)) = (variable, body) {
                    write!(f, "{v}:")?;
                    b.write(f, 0)?;
                }
                f.write_str(")")?;
            }
            Expr::Call { name, args } => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    a.write(f, 0)?;
                }
                f.write_str(")")?;
            }
            Expr::Compare { op, left, right } => {
                left.write(f, own + 1)?;
                write!(f, " {} ", op.as_str())?;
                right.write(f, own + 1)?;
            }
            Expr::In { left, values } => {
                left.write(f, own + 1)?;
                f.write_str(" in (")?;
                for (i, v) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    v.write(f, 0)?;
                }
                f.write_str(")")?;
            }
            Expr::Arithmetic { op, left, right } => {
                left.write(f, own)?;
                write!(f, " {} ", op.as_str())?;
                right.write(f, own + 1)?;
            }
            Expr::Negate(inner) => {
                f.write_str("-")?;
                // `-(5)`: `-5` would read back as a negative literal.
                let outer = if matches!(**inner, Expr::Literal(_)) {
                    7
                } else {
                    own
                };
                inner.write(f, outer)?;
            }
            Expr::Not(inner) => {
                f.write_str("not(")?;
                inner.write(f, 0)?;
                f.write_str(")")?;
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                a.write(f, own)?;
                f.write_str(if own == 1 { " and " } else { " or " })?;
                b.write(f, own + 1)?;
            }
        }
        if own < outer {
            f.write_str(")")?;
        }
        Ok(())
    }

    /// Walks every node, depth first.
    pub fn visit<'e>(&'e self, f: &mut impl FnMut(&'e Expr)) {
        f(self);
        match self {
            Expr::Lambda { body: Some(b), .. } => b.visit(f),
            Expr::Call { args, .. } => args.iter().for_each(|a| a.visit(f)),
            Expr::Compare { left, right, .. }
            | Expr::Arithmetic { left, right, .. }
            | Expr::And(left, right)
            | Expr::Or(left, right) => {
                left.visit(f);
                right.visit(f);
            }
            Expr::In { left, values } => {
                left.visit(f);
                values.iter().for_each(|v| v.visit(f));
            }
            Expr::Negate(inner) | Expr::Not(inner) => inner.visit(f),
            _ => {}
        }
    }
}

/// Canonical OData text: lower-case keywords, parentheses only where needed, the
/// function names and paths as written.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, 0)
    }
}

#[cfg(test)]
mod tests;

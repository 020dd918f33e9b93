//! Diagnostics: what the docs get wrong or leave ambiguous, with file and line.

use serde::{Serialize, Serializer};
use std::cmp::Ordering;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The output would be wrong or incomplete; `regen` and `check` refuse to go on.
    Error,
    /// The docs contradict themselves or are unclear; the output chose a reading.
    Warning,
}

impl Severity {
    /// The word the terminal output, the table in `docs/diagnostics.md`, `report.json` and SARIF use.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding, pointing at a source line. `code` is stable across releases so that
/// reports can be filtered and compared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &str, line: usize, code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, line, code, message)
    }

    pub fn warning(file: &str, line: usize, code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, file, line, code, message)
    }

    fn new(
        severity: Severity,
        file: &str,
        line: usize,
        code: Code,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.to_string(),
            line,
            severity,
            code,
            message: message.into(),
            help: None,
        }
    }

    /// A generator bug rather than a docs problem (an emitter produced output it cannot
    /// write): an error, so that `regen` writes nothing, at the pseudo-file `<generator>`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::error("<generator>", 0, Code::Internal, message)
            .with_help("this is a bug in the generator, not in the docs; please report it with the input that caused it")
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = self.severity;
        write!(
            f,
            "{}:{}: {level}[{}]: {}",
            self.file, self.line, self.code, self.message
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// What a diagnostic is about. Each code has a stable id (the kebab-case string that
/// `report.json`, the terminal output and SARIF rules carry), a one-line summary, a
/// description of what the docs got wrong and a help text that says how to fix it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Code {
    NotUtf8,
    FrontMatter,
    /// A page without front matter; include files may go without it.
    NoFrontMatter,
    InvalidAnnotation,
    InvalidJson,
    TableShape,
    UnknownType,
    UnmappedType,
    BrokenLink,
    ConflictingDefinition,
    BaseTypeCycle,
    BadRequestLine,
    NoRequestLine,
    ExamplePropertyNotInTable,
    ExampleTypeMismatch,
    ExampleRequestMismatch,
    ExamplePathCase,
    RepresentationPropertyNotInTable,
    UnclassifiedPage,
    NoTypeName,
    NameCollision,
    DuplicateOperation,
    RequestBodyIgnored,
    LiteralIdInPath,
    LiteralFunctionArgument,
    ResponseTypeConflict,
    RequestBodyConflict,
    MissingInclude,
    IncludeOutsideDocs,
    CollectionOrSingle,
    TypeNameCase,
    NoPermissions,
    AlternativeTypes,
    ParametersFromExample,
    /// A generator bug rather than a docs problem.
    Internal,
}

/// The texts of one code; see [`Code::info`].
pub struct CodeInfo {
    pub id: &'static str,
    pub summary: &'static str,
    pub description: &'static str,
    pub help: &'static str,
    pub severity: Severity,
}

impl Code {
    /// Every code, in the order the documentation lists them.
    pub const ALL: [Code; 35] = [
        Code::NotUtf8,
        Code::FrontMatter,
        Code::NoFrontMatter,
        Code::InvalidAnnotation,
        Code::InvalidJson,
        Code::TableShape,
        Code::UnknownType,
        Code::UnmappedType,
        Code::BrokenLink,
        Code::ConflictingDefinition,
        Code::BaseTypeCycle,
        Code::BadRequestLine,
        Code::NoRequestLine,
        Code::ExamplePropertyNotInTable,
        Code::ExampleTypeMismatch,
        Code::ExampleRequestMismatch,
        Code::ExamplePathCase,
        Code::RepresentationPropertyNotInTable,
        Code::UnclassifiedPage,
        Code::NoTypeName,
        Code::NameCollision,
        Code::DuplicateOperation,
        Code::RequestBodyIgnored,
        Code::LiteralIdInPath,
        Code::LiteralFunctionArgument,
        Code::ResponseTypeConflict,
        Code::RequestBodyConflict,
        Code::MissingInclude,
        Code::IncludeOutsideDocs,
        Code::CollectionOrSingle,
        Code::TypeNameCase,
        Code::NoPermissions,
        Code::AlternativeTypes,
        Code::ParametersFromExample,
        Code::Internal,
    ];

    /// The stable id, e.g. `not-utf8`.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    /// One line: what the code reports.
    pub fn summary(self) -> &'static str {
        self.info().summary
    }

    /// What the docs get wrong and what the generator does about it.
    pub fn description(self) -> &'static str {
        self.info().description
    }

    /// How a doc writer fixes it.
    pub fn help(self) -> &'static str {
        self.info().help
    }

    /// The severity the generator reports the code with.
    pub fn default_severity(self) -> Severity {
        self.info().severity
    }

    /// The code named by its id.
    pub fn from_id(id: &str) -> Option<Code> {
        Code::ALL.into_iter().find(|c| c.id() == id)
    }

    pub fn info(self) -> CodeInfo {
        use Severity::{Error, Warning};
        let (id, summary, description, help, severity) = match self {
            Code::NotUtf8 => (
                "not-utf8",
                "The page is not valid UTF-8.",
                "The page's bytes are not UTF-8; invalid sequences are replaced before the page is read, so names and descriptions near them may be garbled.",
                "Save the page as UTF-8.",
                Warning,
            ),
            Code::FrontMatter => (
                "front-matter",
                "The page's YAML front matter is unreadable.",
                "The block between the leading `---` lines is unterminated or not YAML; the page's title, area and kind fall back to what the body says.",
                "Start the page with a `---` block of `key: value` lines (title, description, ms.prod, doc_type) closed by `---`.",
                Warning,
            ),
            Code::NoFrontMatter => (
                "no-front-matter",
                "The page has no YAML front matter.",
                "The page does not start with a `---` block; its title, area and kind fall back to what the body says. Include files go without front matter and are not reported.",
                "Start the page with a `---` block of `key: value` lines (title, description, ms.prod, doc_type) closed by `---`.",
                Warning,
            ),
            Code::InvalidAnnotation => (
                "invalid-annotation",
                "An HTML comment annotation is not valid JSON.",
                "The `<!-- { ... } -->` comment before a code block is not JSON; it is read leniently where possible, otherwise ignored, and with it the block's type.",
                "Write the annotation as strict JSON: double-quoted keys and strings, no trailing commas.",
                Warning,
            ),
            Code::InvalidJson => (
                "invalid-json",
                "An example or representation body is not valid JSON.",
                "A JSON code block does not parse; it is read leniently (comments, trailing commas, elisions) when possible, otherwise it is not checked against the tables.",
                "Make the block strict JSON; mark elided parts with a `...` member inside a string rather than bare.",
                Warning,
            ),
            Code::TableShape => (
                "table-shape",
                "A table row without a usable name or type.",
                "A properties, relationships, parameters or members table has a row whose name or type cell is empty or missing; the row is skipped, so its member is absent from the output.",
                "Fill in the name and the type cells of the row, giving the row as many cells as the header has.",
                Warning,
            ),
            Code::UnknownType => (
                "unknown-type",
                "A type name that no page defines.",
                "A table, annotation or response names a type that no resource or enum page documents; the output cannot refer to it.",
                "Fix the spelling of the type, or add the resource page that defines it.",
                Error,
            ),
            Code::UnmappedType => (
                "unmapped-type",
                "A Type cell that names no type.",
                "A Type cell holds words the generator cannot read as a type (`String (optional)`, prose); the member is left untyped.",
                "Put just the type in the Type cell (`String`, `Collection(x)`, a link to the type's page) and move notes to the description.",
                Warning,
            ),
            Code::BrokenLink => (
                "broken-link",
                "A link to a page that does not exist.",
                "A relative link points at a page that is not in the docs tree; readers get a 404 and the generator cannot follow it to a type.",
                "Point the link at the page's current file name, or remove it.",
                Warning,
            ),
            Code::ConflictingDefinition => (
                "conflicting-definition",
                "A type or enum defined differently on two pages.",
                "Two pages (or a type and its base) define the same type, member or enum differently; one reading is kept, and the message says which.",
                "Make both pages agree, or keep the definition on one page and link to it from the other.",
                Warning,
            ),
            Code::BaseTypeCycle => (
                "base-type-cycle",
                "Base types that inherit from each other.",
                "Following the base types of a type comes back to it; no inheritance can be emitted for the types in the cycle.",
                "Fix the `baseType` annotation (or the \"Inherits from\" sentence) of one of the types in the cycle.",
                Error,
            ),
            Code::BadRequestLine => (
                "bad-request-line",
                "A request line with an unknown method or no path.",
                "A line in the HTTP request block starts with something that is not an HTTP method, or has no path after it; the operation cannot be emitted.",
                "Write each request as `METHOD /path` (GET, POST, PATCH, PUT or DELETE) on its own line.",
                Error,
            ),
            Code::NoRequestLine => (
                "no-request-line",
                "An HTTP request section without a request line.",
                "The page has an `HTTP request` section but no code block in it holds a request line; the page produces no operation.",
                "Put the request as `GET /path/{id}` in a code block under `## HTTP request`.",
                Warning,
            ),
            Code::ExamplePropertyNotInTable => (
                "example-property-not-in-table",
                "An example member that the tables do not declare.",
                "A request or response example uses a JSON member that no properties or parameters table of the type declares; either the example or the table is out of date. Members of open types (`\"openType\": true`) are not reported, but on directory objects only extension properties (a `_` in the name) are open.",
                "Add the member to the type's table, or remove it from the example.",
                Warning,
            ),
            Code::ExampleTypeMismatch => (
                "example-type-mismatch",
                "An example value whose JSON kind contradicts the tables.",
                "An example gives a member a value of another JSON kind than the table declares (a string for an Int32, an object for a collection).",
                "Correct the example value, or the type in the table, whichever is wrong.",
                Warning,
            ),
            Code::ExampleRequestMismatch => (
                "example-request-mismatch",
                "An example request that matches no documented request line.",
                "The method and path of an example request match none of the page's HTTP request lines; the example cannot be tied to an operation. A documented path followed by a cast to a type deriving from the items it answers (`/memberOf/microsoft.graph.group`) is a match.",
                "Make the example use one of the documented paths, or document the path it uses.",
                Warning,
            ),
            Code::ExamplePathCase => (
                "example-path-case",
                "An example request that matches a request line only when case is ignored.",
                "The example's path differs from a documented request line only in letter case; paths are case-sensitive to clients that build them from the docs.",
                "Spell the example's path as the request line does.",
                Warning,
            ),
            Code::RepresentationPropertyNotInTable => (
                "representation-property-not-in-table",
                "A JSON representation member that no table declares.",
                "The resource's JSON representation lists a member that neither its properties nor its relationships table has; the member is not emitted.",
                "Add the member to the properties (or relationships) table, or remove it from the representation.",
                Warning,
            ),
            Code::UnclassifiedPage => (
                "unclassified-page",
                "A page that is neither a resource, an enum nor an API page (reserved).",
                "Reserved for pages whose kind cannot be told; this version reports none.",
                "Set `doc_type` in the front matter (resourcePageType, enumPageType or apiPageType).",
                Warning,
            ),
            Code::NoTypeName => (
                "no-type-name",
                "A resource page whose type name cannot be determined.",
                "Neither a resource annotation with `@odata.type` nor a title of the form `x resource type` names the type; the page's properties are skipped.",
                "Add a resource annotation with `@odata.type` before the JSON representation, or title the page `# x resource type`.",
                Warning,
            ),
            Code::NameCollision => (
                "name-collision",
                "Two model names that map to one Rust name.",
                "Two types, members or operations differ only in ways that vanish in Rust names (case, punctuation); one of them is renamed with a suffix.",
                "Rename one of them in the docs if the difference is a typo.",
                Warning,
            ),
            Code::DuplicateOperation => (
                "duplicate-operation",
                "One request documented twice with types that contradict each other.",
                "Request lines that differ only in parameter names or in the letter case of their segments are one request (Graph's URLs are not case-sensitive), and become one operation. When two of them give it contradicting response types (a collection and a single value, or unrelated types), the diagnostic names both places; the operation keeps the merged types.",
                "Document each request on one page, or make both pages name the same types.",
                Warning,
            ),
            Code::RequestBodyIgnored => (
                "request-body-ignored",
                "A GET, HEAD or DELETE page that documents a request body.",
                "Those methods take no body; the documented one (often function parameters that belong in the URL) is dropped and the operation takes none.",
                "Move function parameters into the request line (`/f(param='{value}')`) and remove the request body section.",
                Warning,
            ),
            Code::LiteralFunctionArgument => (
                "literal-function-argument",
                "A request line with a value where a function's parameter belongs.",
                "A function in a request line is written with a value or a placeholder other than `{name}` for a parameter (`range(address='<address>')`, `rowsAbove(count=n)`); the crate's function takes it as the parameter `{name}`, so that callers pass the value; the OpenAPI document keeps the request line as written.",
                "Write the parameter as `name='{name}'` (strings) or `name={name}`.",
                Warning,
            ),
            Code::LiteralIdInPath => (
                "literal-id-in-path",
                "A request line with a literal GUID where a parameter belongs.",
                "A request line has a concrete id in its path; it is read as a parameter named after the segment before it.",
                "Replace the GUID with a placeholder such as `{id}`.",
                Warning,
            ),
            Code::ResponseTypeConflict => (
                "response-type-conflict",
                "A response that contradicts what its request path addresses.",
                "The response's type, or collection against single value, differs from the type the path reaches through its relationships; the path's type is used. The message names the relationship and the page that types it.",
                "Correct the response section, or the relationship's type on the resource page.",
                Warning,
            ),
            Code::RequestBodyConflict => (
                "request-body-conflict",
                "A create or update body that contradicts the resource page.",
                "The request body table gives a property another type than the resource page does (both lines are named), or the page names a body type unrelated to the path; the body takes the resource's type.",
                "Make the request body table agree with the resource page.",
                Warning,
            ),
            Code::MissingInclude => (
                "missing-include",
                "A permissions include whose file is absent or holds no table.",
                "An `[!INCLUDE [permissions-table](...)]` points at a file that is not in the docs tree, or that holds no permissions table; the operation has no permissions.",
                "Fix the include's path, or add the permissions table to the included file.",
                Warning,
            ),
            Code::IncludeOutsideDocs => (
                "include-outside-docs",
                "An include whose path leaves the docs tree.",
                "An include path climbs out of the docs tree, is absolute or is a URL; it is not read.",
                "Use a path relative to the page that stays inside the docs tree.",
                Warning,
            ),
            Code::CollectionOrSingle => (
                "collection-or-single",
                "The docs disagree on whether a response is a collection.",
                "The signals are weighed in order: a key that ends the path, a documented request line that keys the path or queries it with `$filter`, the example response of a request to that path, the property or root the path walks through, the response annotation, the Response section's words. The strongest present decides; the warning names each signal with its page and line.",
                "Make the annotation (`\"isCollection\": true`), the Response section and the resource page's Type cell (`x collection`) say the same.",
                Warning,
            ),
            Code::TypeNameCase => (
                "type-name-case",
                "A type name spelled in another letter case than its definition.",
                "The name is resolved without regard to case (`microsoft.graph.orgcontact` is `orgContact`), and the definition's spelling is used.",
                "Spell the name as its resource page's title does.",
                Warning,
            ),
            Code::NoPermissions => (
                "no-permissions",
                "An API page that says nothing about permissions.",
                "The page documents a request but has no `Permissions` section, permissions table or permissions include. Graph has no anonymous calls, so the operation needs a token with no particular permission, the same as a `None.` table.",
                "Add a `## Permissions` section with a `Permission type` table (or its include); write `None.` where no permission is needed.",
                Warning,
            ),
            Code::AlternativeTypes => (
                "alternative-types",
                "A Type cell that gives a choice of types.",
                "A Type cell names two or more types (`string/number`, `Int32 or String`); one schema cannot say which, so the member accepts any JSON value. Where every choice is a documented type deriving from one base, the member takes that base, and a value's `@odata.type` says which type it is.",
                "Give one type in the Type cell and describe the other accepted forms in the description.",
                Warning,
            ),
            Code::ParametersFromExample => (
                "parameters-from-example",
                "An action whose parameters are read from its example request.",
                "The page has no parameter table for the request body, but its example request sends a JSON object; its members become the parameters, typed by their JSON values (strings, booleans, numbers, arrays; objects are any JSON unless their `@odata.type` names a documented type).",
                "Add a parameter table (Parameter, Type and Description columns) under `## Request body`.",
                Warning,
            ),
            Code::Internal => (
                "internal",
                "The generator produced output it cannot read back.",
                "A generator bug, not a docs problem: the Rust it generated does not parse (the file holds a `compile_error!` instead), or the OpenAPI document cannot be serialized. It is an error, so `regen` writes nothing.",
                "Report the bug with the page that triggers it.",
                Error,
            ),
        };
        CodeInfo {
            id,
            summary,
            description,
            help,
            severity,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

// Ordered by id, as when codes were strings: sorted diagnostics keep their order.
impl Ord for Code {
    fn cmp(&self, other: &Self) -> Ordering {
        self.id().cmp(other.id())
    }
}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The Markdown table of every code for `docs/diagnostics.md`, between [`TABLE_START`] and
/// [`TABLE_END`].
pub fn codes_table() -> String {
    let mut out = String::from("| code | severity | meaning | what to do |\n|---|---|---|---|\n");
    for code in Code::ALL {
        let severity = code.default_severity();
        out.push_str(&format!(
            "| `{}` | {severity} | {} {} | {} |\n",
            code.id(),
            code.summary(),
            code.description(),
            code.help()
        ));
    }
    out
}

pub const TABLE_START: &str =
    "<!-- diagnostic codes: generated from generator/src/diag.rs by `cargo xtask regen` -->";
pub const TABLE_END: &str = "<!-- end of diagnostic codes -->";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_read_back() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        for code in Code::ALL {
            assert_eq!(Code::from_id(code.id()), Some(code));
            assert!(!code.summary().is_empty() && !code.help().is_empty());
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Code::ALL.len());
    }

    #[test]
    fn codes_serialize_and_sort_as_their_ids() {
        let json = serde_json::to_string(&[Code::NotUtf8, Code::BrokenLink]).unwrap_or_default();
        assert_eq!(json, r#"["not-utf8","broken-link"]"#);
        let mut codes = vec![Code::NotUtf8, Code::BrokenLink, Code::Internal];
        codes.sort();
        assert_eq!(codes, [Code::BrokenLink, Code::Internal, Code::NotUtf8]);
    }
}

//! Diagnostics: what the docs get wrong or leave ambiguous, with file and line.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The output would be wrong or incomplete; `regen` and `check` refuse to go on.
    Error,
    /// The docs contradict themselves or are unclear; the output chose a reading.
    Warning,
}

/// One finding, pointing at a source line. `code` is stable across releases so that
/// reports can be filtered and compared.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub severity: Severity,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: &str, line: usize, code: &'static str, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, file, line, code, message)
    }

    pub fn warning(
        file: &str,
        line: usize,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self::new(Severity::Warning, file, line, code, message)
    }

    fn new(
        severity: Severity,
        file: &str,
        line: usize,
        code: &'static str,
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
        Self::error("<generator>", 0, "internal", message)
            .with_help("this is a bug in the generator, not in the docs; please report it with the input that caused it")
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
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

/// Stable diagnostic codes, one place so that the list can be documented.
pub mod codes {
    pub const NOT_UTF8: &str = "not-utf8";
    pub const FRONT_MATTER: &str = "front-matter";
    pub const INVALID_ANNOTATION: &str = "invalid-annotation";
    pub const INVALID_JSON: &str = "invalid-json";
    pub const TABLE_SHAPE: &str = "table-shape";
    pub const UNKNOWN_TYPE: &str = "unknown-type";
    pub const UNMAPPED_TYPE: &str = "unmapped-type";
    pub const BROKEN_LINK: &str = "broken-link";
    pub const CONFLICTING_DEFINITION: &str = "conflicting-definition";
    pub const BASE_TYPE_CYCLE: &str = "base-type-cycle";
    pub const BAD_REQUEST_LINE: &str = "bad-request-line";
    pub const NO_REQUEST_LINE: &str = "no-request-line";
    pub const EXAMPLE_PROPERTY_NOT_IN_TABLE: &str = "example-property-not-in-table";
    pub const EXAMPLE_TYPE_MISMATCH: &str = "example-type-mismatch";
    pub const EXAMPLE_REQUEST_MISMATCH: &str = "example-request-mismatch";
    pub const EXAMPLE_PATH_CASE: &str = "example-path-case";
    pub const REPRESENTATION_PROPERTY_NOT_IN_TABLE: &str = "representation-property-not-in-table";
    pub const UNCLASSIFIED_PAGE: &str = "unclassified-page";
    pub const NO_TYPE_NAME: &str = "no-type-name";
    pub const NAME_COLLISION: &str = "name-collision";
    pub const DUPLICATE_OPERATION: &str = "duplicate-operation";
    pub const REQUEST_BODY_IGNORED: &str = "request-body-ignored";
    pub const LITERAL_ID_IN_PATH: &str = "literal-id-in-path";
    pub const RESPONSE_TYPE_CONFLICT: &str = "response-type-conflict";
    pub const REQUEST_BODY_CONFLICT: &str = "request-body-conflict";
    pub const MISSING_INCLUDE: &str = "missing-include";
    pub const INCLUDE_OUTSIDE_DOCS: &str = "include-outside-docs";
}

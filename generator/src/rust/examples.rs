//! Doc examples as tests: `tests/doc_examples.rs` of the generated crate.
//!
//! Every example request is matched against the documented request lines (method,
//! literal parts, one captured value per path parameter). The match names the
//! operation function and its arguments:
//!
//! - the *request test* builds the request from the example's path values and body
//!   and compares method, path and body with the example. The expected path is the
//!   example's, each path value percent-encoded as the runtime's `PathBuilder` does
//!   (computed here), so the test compares exact text: `{id}` is expected as `%7Bid%7D`.
//!   An example whose query options the typed API rebuilds (`odata::examples`) gets
//!   the typed chain after the function, after `.cast::<T>()` when its path ends in a
//!   cast, and is compared with the example's query as `runtime::NormalizedQuery`
//!   compares them, with `ConsistencyLevel` set exactly when the example sends it; one
//!   whose options are not rebuilt says why in a comment;
//! - the *response test* parses the example's JSON response with `parse_response`
//!   and compares the re-serialized result with the example, as JSON values.
//!
//! Examples that cannot become a test get a `// skipped: reason` line instead.

use super::CrateOptions;
use super::TypeNames;
use super::builders::{Call, Tree};
use super::layout::{INDENT, string_literal, write_call, write_macro};
use super::names::{Scope, ident, snake};
use super::operations::ResultCheck;
use crate::model::{
    Example, Model, Operation, ParamStyle, PathIndex, PathPart, QueryParameter, RequestBody,
    TypeRef,
};
use crate::odata::examples::{ExampleQuery, survey};
use crate::odata::query::parse_target;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

/// The whole test file, starting with `header`.
pub fn emit(
    model: &Model,
    names: &TypeNames,
    options: &CrateOptions,
    header: &str,
    tree: &Tree,
) -> String {
    let mut out = format!(
        "{header}\n\n\
         //! The request and response examples of the docs, as tests. Each request is built\n\
         //! with its operation function and compared with the example (method, path with\n\
         //! path values percent-encoded as `PathBuilder` does, JSON body), and built again\n\
         //! through the request builders from `Graph`, which must give the same request;\n\
         //! each JSON response is parsed into the typed result, which must serialize back\n\
         //! to it.\n"
    );
    // Test names first, in order, so that they never depend on threads; then each
    // example's tests are written in parallel.
    let mut test_names = Scope::default();
    let mut counters = vec![0usize; model.operations.len()];
    let plans: Vec<(Case<'_>, Option<[String; 2]>)> = cases(model)
        .into_iter()
        .map(|case| {
            let claimed = case.found.as_ref().ok().map(|found| {
                counters[found.op] += 1;
                let base = format!(
                    "{}_ex{}",
                    snake(&model.operations[found.op].id),
                    counters[found.op]
                );
                [
                    test_names.claim(&format!("{base}_request")),
                    test_names.claim(&format!("{base}_response")),
                ]
            });
            (case, claimed)
        })
        .collect();
    let surveyed = survey(model);
    let queries: HashMap<(&str, usize), &ExampleQuery> = surveyed
        .iter()
        .map(|q| ((q.file.as_str(), q.line), q))
        .collect();
    let parts: Vec<String> = plans
        .par_iter()
        .map(|(case, claimed)| {
            let query = queries
                .get(&(case.file, case.example.request.line))
                .copied();
            example_tests(model, names, options, case, query, claimed.as_ref(), tree)
        })
        .collect();
    out.extend(parts);
    out
}

/// The tests of one example, after its comment line, or why they are skipped.
fn example_tests(
    model: &Model,
    names: &TypeNames,
    options: &CrateOptions,
    case: &Case<'_>,
    query: Option<&ExampleQuery>,
    test_names: Option<&[String; 2]>,
    tree: &Tree,
) -> String {
    let mut out = String::from("\n");
    let ex = case.example;
    let _ = writeln!(
        out,
        "// {}/{} line {}: {} {}",
        one_line(&options.docs_label),
        one_line(case.file),
        ex.request.line,
        one_line(ex.request.method.as_str()),
        one_line(&ex.request.target)
    );
    let (found, [request_name, response_name]) = match (&case.found, test_names) {
        (Ok(found), Some(test_names)) => (found, test_names),
        (Err(reason), _) => {
            let _ = writeln!(out, "// skipped: {}", one_line(reason));
            return out;
        }
        (Ok(_), None) => return out,
    };
    let krate = ident(&snake(&options.crate_name)).to_string();
    let op = &model.operations[found.op];
    let mut kind = body_kind(model, names, op);
    let mut function = ident(&snake(&op.id)).to_string();
    let mut chain = tree.chain(found.op);
    // The function's own query parameters go to the call that returns the request.
    if let Some(last) = chain.last_mut() {
        last.args += op.query_parameters.len();
    }
    // An optional body: the short forms without one, the `_with_body` forms with one.
    let short_kind = match super::operations::optional_body_name(model, op) {
        Some(long) => {
            if ex.request.body.is_some() {
                function = long;
                if let (Some(last), Some(method)) = (chain.last_mut(), &tree.body_methods[found.op])
                {
                    last.method = method.clone();
                }
            } else {
                kind = BodyKind::None;
            }
            BodyKind::None
        }
        None => kind,
    };
    let mut items = Vec::new();
    let cfg = names.features.cfg_line(&op.area);
    let test = |name: &str, body: String| format!("{cfg}#[test]\nfn {name}() {{\n{body}}}\n");
    let options_chain = match query.and_then(|q| q.rebuilt.as_ref()) {
        Some(Ok(typed)) => Some(QueryChain {
            calls: with_parameters(
                typed,
                query.map_or(&[][..], |q| &q.query.parameters),
                &op.query_parameters,
            ),
            carried: query.is_some_and(|q| q.consistency.carried),
        }),
        Some(Err(problems)) => {
            let why = problems.first().map_or_else(String::new, |p| {
                format!(" ({}): {}", p.reason.id(), p.detail)
            });
            let _ = writeln!(
                out,
                "// the query options are not rebuilt through the typed API{}",
                one_line(&why)
            );
            None
        }
        // No options, but the function's own query parameters: the query it builds is
        // the example's all the same.
        None if !op.query_parameters.is_empty() => query.map(|q| QueryChain {
            calls: with_parameters("", &q.query.parameters, &op.query_parameters),
            carried: q.consistency.carried,
        }),
        None => None,
    };
    match request_test(
        &krate,
        kind,
        &function,
        ex,
        found,
        &chain,
        options_chain.as_ref(),
    ) {
        Ok(body) => items.push(test(request_name, body)),
        Err(reason) => {
            let _ = writeln!(out, "// skipped: the request test: {}", one_line(&reason));
        }
    }
    let check = super::operations::response_type(model, names, op).check;
    let short = ident(&snake(&op.id)).to_string();
    match response_test(&krate, short_kind, check, &short, op, ex, found) {
        Ok(Some(body)) => items.push(test(response_name, body)),
        Ok(None) => {}
        Err(reason) => {
            let _ = writeln!(out, "// skipped: the response test: {}", one_line(&reason));
        }
    }
    // A blank line between the tests of one example.
    out.push_str(&items.join("\n"));
    out
}

/// One example, and what it targets.
struct Case<'a> {
    /// The page the example is on.
    file: &'a str,
    example: &'a Example,
    /// The operation the tests go under: the matched one, else the first carrying it.
    anchor: usize,
    found: Result<Found, String>,
}

/// An operation an example targets, with the arguments of its function.
struct Found {
    op: usize,
    /// Path parameter values to pass, in order.
    values: Vec<String>,
    /// The example's path, values encoded as the runtime encodes them.
    expected_path: String,
    /// A literal part the example spells differently (letter case only), as
    /// (example, request line).
    case_differs: Option<(String, String)>,
    /// The example's path ends in a cast segment the request line does not have
    /// (`/memberOf/microsoft.graph.group`): the segment, as written.
    cast: Option<String>,
}

/// Every example once, in operation order. A page with several request lines gives
/// each of its operations all its examples; each example is tested once, under the
/// operation it targets.
fn cases(model: &Model) -> Vec<Case<'_>> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let index = PathIndex::new(model.operations.iter().map(|op| &op.path));
    for (i, op) in model.operations.iter().enumerate() {
        for ex in &op.examples {
            if !seen.insert((ex.file.as_str(), ex.request.line)) {
                continue;
            }
            let found = find_operation(model, &index, &ex.file, ex)
                .and_then(|f| with_query_values(model, ex, f));
            out.push(Case {
                file: &ex.file,
                example: ex,
                anchor: found.as_ref().map_or(i, |f| f.op),
                found,
            });
        }
    }
    // Stable: examples of one operation stay in page order.
    out.sort_by_key(|c| c.anchor);
    out
}

/// The operation whose method and path the example has: exact literals first, then
/// literals that differ in letter case only; among several, one documented on the
/// example's page, then the one with the most literal text, then the first.
fn find_operation(
    model: &Model,
    index: &PathIndex,
    page: &str,
    ex: &Example,
) -> Result<Found, String> {
    let path = crate::model::request_path(&ex.request.target);
    let found = find_for_path(model, index, page, ex, path);
    // A trailing cast (`.../microsoft.graph.group`) narrows the request line's items.
    match (found, model.trailing_cast(path)) {
        (Err(_), Some((base, cast))) => find_for_path(model, index, page, ex, base).map(|mut f| {
            f.expected_path.push('/');
            f.expected_path.push_str(cast);
            f.cast = Some(cast.to_string());
            f
        }),
        (found, _) => found,
    }
}

fn find_for_path(
    model: &Model,
    index: &PathIndex,
    page: &str,
    ex: &Example,
    path: &str,
) -> Result<Found, String> {
    if let Some(i) = model.operation_for(index, page, ex.request.method, path) {
        let op = &model.operations[i];
        if let Some(pieces) = op
            .path
            .match_path(path, true)
            .or_else(|| op.path.match_path(path, false))
        {
            return Ok(found(i, op, &pieces));
        }
    }
    let candidates = index.candidates(path);
    let mut other_methods: Vec<&str> = candidates
        .iter()
        .map(|&i| &model.operations[i])
        .filter(|op| op.path.match_path(path, false).is_some())
        .map(|op| op.method.as_str())
        .collect();
    other_methods.sort_unstable();
    other_methods.dedup();
    if other_methods.is_empty() {
        Err("the example path matches no documented request line".to_string())
    } else {
        Err(format!(
            "the path is documented for {} only, not for {}",
            other_methods.join(", "),
            ex.request.method
        ))
    }
}

/// `found` with the values of the function's own query parameters after the path's,
/// from the example's query (`calendarView?startDateTime=…`).
fn with_query_values(model: &Model, ex: &Example, mut found: Found) -> Result<Found, String> {
    let given = parse_target(&ex.request.target).parameters;
    for q in &model.operations[found.op].query_parameters {
        let Some((_, value)) = given.iter().find(|(n, _)| n.eq_ignore_ascii_case(&q.name)) else {
            return Err(format!(
                "the example does not give `{}`, a query parameter of the request line",
                q.name
            ));
        };
        found.values.push(value.clone());
    }
    Ok(found)
}

/// The function arguments and the expected path for a match.
fn found(index: usize, op: &Operation, pieces: &[&str]) -> Found {
    let mut values = Vec::new();
    let mut expected_path = String::new();
    let mut case_differs = None;
    for (part, piece) in op.path.parts.iter().zip(pieces) {
        match part {
            PathPart::Literal(l) => {
                if case_differs.is_none() && l != piece {
                    case_differs = Some((piece.to_string(), l.clone()));
                }
                expected_path.push_str(l);
            }
            PathPart::Param(i) => {
                let value = percent_decode(piece);
                let style = op
                    .path
                    .params
                    .get(*i)
                    .map_or(ParamStyle::Segment, |p| p.style);
                match style {
                    ParamStyle::Segment => {
                        expected_path.push_str(&encode(&value));
                        values.push(value);
                    }
                    // The example writes the OData literal, quotes doubled; the
                    // function takes the value and doubles them itself.
                    ParamStyle::Quoted => {
                        expected_path.push_str(&encode(&value));
                        values.push(value.replace("''", "'"));
                    }
                    ParamStyle::Path => {
                        let parts: Vec<String> = value.split('/').map(encode).collect();
                        expected_path.push_str(&parts.join("/"));
                        values.push(value);
                    }
                }
            }
        }
    }
    Found {
        op: index,
        values,
        expected_path,
        case_differs,
        cast: None,
    }
}

/// `%XX` sequences decoded; the text as written when they do not decode to UTF-8.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .filter(|_| bytes[i] == b'%')
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Percent-encodes all but unreserved characters, like the runtime's `SEGMENT` set.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `let request = graph_client::operations::f("value", ..., &body);`: the path values,
/// then the body expression when the function takes one, then the typed query `calls`.
fn write_request(
    out: &mut String,
    krate: &str,
    function: &str,
    values: &[String],
    body: Option<&str>,
    calls: &str,
) {
    let head = format!("let request = {krate}::operations::{function}");
    let literals: Vec<String> = values.iter().map(|v| string_literal(v)).collect();
    let args: Vec<&str> = literals.iter().map(String::as_str).chain(body).collect();
    if calls.is_empty() {
        write_call(out, INDENT, &head, &args, ";");
    } else {
        write_statement(out, &format!("{head}({}){calls};", args.join(", ")));
    }
}

/// The modules a query chain names (`models::User::MAIL`, `enums::...`), and `Filter`
/// where it names it, imported in the test, so that the chain reads as a user writes it.
fn write_query_imports(out: &mut String, krate: &str, calls: &str) {
    let modules: Vec<&str> = ["enums", "models"]
        .into_iter()
        .filter(|m| calls.contains(&format!("{m}::")))
        .collect();
    match modules.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(out, "    use {krate}::{one};");
        }
        _ => {
            let _ = writeln!(out, "    use {krate}::{{{}}};", modules.join(", "));
        }
    }
    // `Filter::<models::T>::is_of::<models::D>()`.
    if calls.contains("Filter::<") {
        let _ = writeln!(out, "    use {krate}::runtime::odata::Filter;");
    }
    // `Dynamic::<models::T>::new("ext…_name")`.
    if calls.contains("Dynamic::<") {
        let _ = writeln!(out, "    use {krate}::runtime::odata::Dynamic;");
    }
    // `.cast_value::<edm::Int32>()`.
    if calls.contains("edm::") {
        let _ = writeln!(out, "    use {krate}::runtime::odata::edm;");
    }
    // `.levels(Levels::Max)`.
    if calls.contains("Levels::") {
        let _ = writeln!(out, "    use {krate}::runtime::odata::Levels;");
    }
}

/// The checks that the typed query is the example's (compared as `NormalizedQuery`
/// compares) and sets `ConsistencyLevel` exactly when the example sends it.
fn write_query_checks(out: &mut String, krate: &str, target: &str, carried: bool) {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let expected = format!(
        "{krate}::runtime::NormalizedQuery::parse({})",
        string_literal(query)
    );
    write_macro(
        out,
        INDENT,
        "assert_eq",
        &["request.normalized_query()", &expected],
        ";",
    );
    let header = if carried {
        "Some(\"eventual\")"
    } else {
        "None"
    };
    write_macro(
        out,
        INDENT,
        "assert_eq",
        &["request.header_value(\"ConsistencyLevel\")", header],
        ";",
    );
}

/// One statement in the test's indentation, as prettyplease prints it: chains break
/// in ways the layout rules do not follow.
fn write_statement(out: &mut String, statement: &str) {
    let wrapped = format!("fn f() {{\n    {statement}\n}}\n");
    match syn::parse_file(&wrapped) {
        Ok(file) => {
            // prettyplease prints some closures in a chain differently the second time:
            // print until the text is stable, as a formatter run over the file finds it.
            let mut printed = prettyplease::unparse(&file);
            for _ in 0..3 {
                match syn::parse_file(&printed).map(|f| prettyplease::unparse(&f)) {
                    Ok(again) if again != printed => printed = again,
                    _ => break,
                }
            }
            let lines: Vec<&str> = printed.lines().collect();
            for line in lines.iter().skip(1).take(lines.len().saturating_sub(2)) {
                out.push_str(line);
                out.push('\n');
            }
        }
        Err(_) => {
            let _ = writeln!(out, "    {statement}");
        }
    }
}

/// `let built = graph_client::Graph.a().by_id("value")...update(&body);`, the request
/// built through the builders, and the checks that it is the function's request.
fn write_built(
    out: &mut String,
    krate: &str,
    chain: &[Call],
    values: &[String],
    body: Option<&str>,
    calls: &str,
) {
    let mut expr = format!("{krate}::Graph");
    let mut values = values.iter();
    for call in chain {
        let mut args: Vec<String> = values
            .by_ref()
            .take(call.args)
            .map(|v| string_literal(v))
            .collect();
        if call.last {
            args.extend(body.map(str::to_string));
        }
        let _ = write!(expr, ".{}({})", ident(&call.method), args.join(", "));
    }
    write_statement(out, &format!("let built = {expr}{calls};"));
    out.push_str(
        "    assert_eq!(built.method().as_str(), request.method().as_str());\n    \
         assert_eq!(built.path_and_query(), request.path_and_query());\n    \
         assert_eq!(built.body(), request.body());\n",
    );
}

/// What an operation's body parameter accepts.
#[derive(Clone, Copy, PartialEq)]
enum BodyKind {
    None,
    /// A view: a JSON object.
    Object,
    /// `serde_json::Value`.
    Any,
}

fn body_kind(model: &Model, names: &TypeNames, op: &Operation) -> BodyKind {
    match &op.request_body {
        None => BodyKind::None,
        // The same choice as `operations::function` makes.
        Some(RequestBody::Typed { types }) => {
            if model
                .common_base(types)
                .is_some_and(|t| names.get(&t).is_some())
            {
                BodyKind::Object
            } else {
                BodyKind::Any
            }
        }
        Some(RequestBody::Parameters { .. }) => BodyKind::Object,
    }
}

/// The body argument of a request test: the example's JSON as the body type.
const BODY_FROM_EXAMPLE: &str = "&serde_json::from_value(expected.clone())
            .expect(\"the example body deserializes into the body type\")";

/// The lines of a test that compare the built request's method and path.
fn write_request_checks(out: &mut String, method: &str, path: &str) {
    let method = string_literal(method);
    let path = string_literal(path);
    write_macro(
        out,
        INDENT,
        "assert_eq",
        &["request.method().as_str()", &method],
        ";",
    );
    write_macro(out, INDENT, "assert_eq", &["request.path()", &path], ";");
    out.push_str("    assert_eq!(request.invalid_reason(), None);\n");
}

/// `let text = r#"..."#;` and the example's JSON parsed as `expected`.
fn write_example_text(out: &mut String, json: &serde_json::Value) {
    let _ = writeln!(out, "    let text = {};", raw_string(&pretty(json)));
}

const EXPECTED_FROM_TEXT: &str =
    "    let expected: serde_json::Value = serde_json::from_str(text).unwrap();\n";

/// The typed `chain`, then the example's other query parameters (`startDateTime=...`)
/// that the function does not take (`taken`): as the text form users write them in.
fn with_parameters(
    chain: &str,
    parameters: &[(String, String)],
    taken: &[QueryParameter],
) -> String {
    let mut out = chain.to_string();
    for (name, value) in parameters {
        if taken.iter().any(|q| q.name.eq_ignore_ascii_case(name)) {
            continue;
        }
        let _ = write!(
            out,
            ".query_pair({}, {})",
            string_literal(name),
            string_literal(value)
        );
    }
    out
}

/// The typed call chain that rebuilds an example's query options, and whether the
/// example sends `ConsistencyLevel: eventual`.
struct QueryChain {
    calls: String,
    carried: bool,
}

fn request_test(
    krate: &str,
    body_kind: BodyKind,
    function: &str,
    ex: &Example,
    found: &Found,
    chain: &[Call],
    query: Option<&QueryChain>,
) -> Result<String, String> {
    if let Some((example, documented)) = &found.case_differs {
        return Err(format!(
            "the example writes `{example}` where the request line has `{documented}`"
        ));
    }
    if let (Some(segment), None) = (&found.cast, query) {
        return Err(format!(
            "the path ends in the cast `{segment}`, and no typed query chain casts the request"
        ));
    }
    let method = ex.request.method.as_str();
    let path = &found.expected_path;
    let mut out = String::new();
    match (body_kind, &ex.request.body) {
        (BodyKind::None, None) => {
            let calls = query.map_or("", |q| q.calls.as_str());
            if let Some(query) = query {
                write_query_imports(&mut out, krate, &query.calls);
            }
            write_request(&mut out, krate, function, &found.values, None, calls);
            write_request_checks(&mut out, method, path);
            out.push_str("    assert_eq!(request.body(), None);\n");
            if let Some(query) = query {
                write_query_checks(&mut out, krate, &ex.request.target, query.carried);
            }
            write_built(&mut out, krate, chain, &found.values, None, calls);
            Ok(out)
        }
        (BodyKind::None, Some(_)) => {
            Err("the example sends a JSON body, but the page documents no request body".to_string())
        }
        (_, None) => {
            Err("the operation takes a body, but the example request has no JSON body".to_string())
        }
        (BodyKind::Object, Some(body)) if !body.is_object() => Err(format!(
            "the example body is {}, but the operation takes a JSON object",
            crate::json::kind_name(body)
        )),
        (_, Some(body)) => {
            write_example_text(&mut out, body);
            out.push_str(EXPECTED_FROM_TEXT);
            write_request(
                &mut out,
                krate,
                function,
                &found.values,
                Some(BODY_FROM_EXAMPLE),
                "",
            );
            write_request_checks(&mut out, method, path);
            write_built(
                &mut out,
                krate,
                chain,
                &found.values,
                Some(BODY_FROM_EXAMPLE),
                "",
            );
            out.push_str("    assert_eq!(request.body_json(), Some(expected));\n");
            Ok(out)
        }
    }
}

/// `Ok(None)` when the example has no JSON response to test.
fn response_test(
    krate: &str,
    body_kind: BodyKind,
    check: ResultCheck,
    function: &str,
    op: &Operation,
    ex: &Example,
    found: &Found,
) -> Result<Option<String>, String> {
    let Some((status, body)) = ex
        .response
        .as_ref()
        .and_then(|r| Some((r.status, r.body.as_ref()?)))
    else {
        return Ok(None);
    };
    if !(200..300).contains(&status) {
        return Err(format!("the example response has status {status}"));
    }
    if op.response.body.is_none() {
        return Err(if op.response.status == 204 {
            "the example response has a JSON body, but the page says 204 No Content".to_string()
        } else {
            "the example response has a JSON body, but the page names no response type (the function returns NoContent)".to_string()
        });
    }
    if matches!(op.response.body, Some(TypeRef::Collection(_)))
        && !body.get("value").is_some_and(|v| v.is_array())
    {
        return Err(
            "the example response has no `value` array, but the operation answers a collection"
                .to_string(),
        );
    }
    if check != ResultCheck::WholeBody
        && matches!(
            op.response.body,
            Some(TypeRef::Primitive(_) | TypeRef::Named(_))
        )
        && body.get("value").is_none()
    {
        return Err(
            "the example response has no `value` member, but the operation answers a primitive value"
                .to_string(),
        );
    }
    let mut out = String::new();
    write_example_text(&mut out, body);
    // Any body will do: only the parser of the request is used.
    let body_arg = (body_kind != BodyKind::None).then_some("&Default::default()");
    write_request(&mut out, krate, function, &found.values, body_arg, "");
    let _ = writeln!(
        out,
        "    let parsed = request
        .parse_response({status}, text.as_bytes())
        .expect(\"the example response parses into the result type\");"
    );
    match check {
        ResultCheck::WholeBody => {
            out.push_str("    let actual = serde_json::to_value(parsed).unwrap();\n");
            out.push_str(EXPECTED_FROM_TEXT);
            out.push_str("    assert_eq!(actual, expected);\n");
        }
        ResultCheck::ValueMember => {
            out.push_str("    let actual = serde_json::to_value(parsed).unwrap();\n");
            out.push_str(EXPECTED_FROM_TEXT);
            out.push_str("    assert_eq!(actual, expected[\"value\"]);\n");
        }
        // Parsing (`expect` above) is the check.
        ResultCheck::Parses => out.push_str("    let _ = parsed;\n"),
    }
    Ok(Some(out))
}

/// Pretty JSON, so that a changed example reads as a small diff.
fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string())
}

/// A raw string literal that holds `text` (enough `#`s for any `"#` inside).
fn raw_string(text: &str) -> String {
    // A raw string cannot hold a carriage return (pretty JSON never has one).
    if text.contains('\r') {
        return format!("{text:?}");
    }
    let mut longest = 0;
    let mut run: Option<usize> = None;
    for c in text.chars() {
        run = match (c, run) {
            ('"', _) => Some(0),
            ('#', Some(n)) => Some(n + 1),
            _ => None,
        };
        if let Some(n) = run {
            longest = longest.max(n);
        }
    }
    let hashes = "#".repeat(longest + 1);
    format!("r{hashes}\"{text}\"{hashes}")
}

/// Comment text on one line.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::method::HttpMethod;
    use crate::model::PathTemplate;

    fn pieces(template: &str, path: &str, exact: bool) -> Option<Vec<String>> {
        let t = PathTemplate::parse(template).ok()?;
        t.match_path(path, exact)
            .map(|v| v.into_iter().map(str::to_string).collect())
    }

    #[test]
    fn paths_match_literals_and_capture_values() {
        let t = "/deviceManagement/deviceConfigurations/{id}/deviceStatusOverview";
        assert_eq!(
            pieces(
                t,
                "/deviceManagement/deviceConfigurations/9a1b/deviceStatusOverview",
                true
            ),
            Some(vec![
                "/deviceManagement/deviceConfigurations/".to_string(),
                "9a1b".to_string(),
                "/deviceStatusOverview".to_string()
            ])
        );
        let lower = "/devicemanagement/deviceConfigurations/9a1b/deviceStatusOverview";
        assert_eq!(pieces(t, lower, true), None);
        assert!(pieces(t, lower, false).is_some());
        // A segment value cannot span `/`; a path-based one can.
        assert_eq!(pieces("/users/{id}", "/users/a/b", true), None);
        let drive = pieces(
            "/me/drive/root:/{item-path}:/content",
            "/me/drive/root:/a/b c.txt:/content",
            true,
        );
        assert_eq!(drive.map(|p| p[1].clone()), Some("a/b c.txt".to_string()));
        assert_eq!(
            pieces("/users/{id}/messages", "/users//messages", true),
            None
        );
        assert_eq!(
            pieces(
                "/me/drive/root:/{item-path}",
                "/me/drive/root:/a:/children",
                true
            ),
            None
        );
    }

    #[test]
    fn expected_paths_encode_values_as_the_runtime_does() {
        let t = PathTemplate::parse("/sites('{site-id}')/items/{id}").unwrap();
        let op = Operation {
            id: "get_sites_items_item".into(),
            method: HttpMethod::Get,
            path: t,
            area: crate::model::Area::general(),
            summary: String::new(),
            description: String::new(),
            source: crate::model::Source {
                file: "api/x.md".into(),
                line: 1,
            },
            permissions: Default::default(),
            query_options: false,
            headers: Vec::new(),
            request_body: None,
            body_optional: false,
            body_from_example: None,
            response: crate::model::ResponseDef {
                status: 200,
                body: None,
                prose_collection: None,
            },
            examples: Vec::new(),
            queried_as_collection: None,
            query_parameters: Vec::new(),
            documented_path: String::new(),
        };
        let path = "/sites('it''s')/items/{id}";
        let p = op.path.match_path(path, true).unwrap();
        let f = found(0, &op, &p);
        assert_eq!(f.values, ["it's", "{id}"]);
        assert_eq!(f.expected_path, "/sites('it%27%27s')/items/%7Bid%7D");
        let p = op
            .path
            .match_path("/sites('a')/items/john%40contoso.com", true)
            .unwrap();
        assert_eq!(found(0, &op, &p).values[1], "john@contoso.com");
    }

    #[test]
    fn targets_lose_query_and_trailing_slash() {
        assert_eq!(
            crate::model::request_path("/me/messages/?$top=5"),
            "/me/messages"
        );
        assert_eq!(crate::model::request_path("/?x"), "/");
    }

    #[test]
    fn percent_decoding_keeps_what_does_not_decode() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%ZZ"), "%ZZ");
        assert_eq!(percent_decode("%FF"), "%FF");
        assert_eq!(encode("{id}é"), "%7Bid%7D%C3%A9");
    }

    #[test]
    fn raw_strings_have_enough_hashes() {
        assert_eq!(raw_string("{}").to_string(), "r#\"{}\"#");
        assert_eq!(
            raw_string(r###"{"a":"#b"}"###).to_string(),
            "r##\"{\"a\":\"#b\"}\"##"
        );
        assert_eq!(raw_string(r####"x"##"####).to_string(), "r###\"x\"##\"###");
    }
}

//! Line layout for code written as text rather than printed by prettyplease: the same
//! width and the same breaking rules, so that the crate reads the same throughout
//! (`generator/tests/formatting.rs` compares the two on whole crates).

/// prettyplease's line width: a line longer than this is broken where it can be.
pub const WIDTH: usize = 89;
pub const INDENT: &str = "    ";

/// `text` as a Rust string literal, escaped as prettyplease prints one.
pub fn string_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// `indent head(args)end` as one line; when that is too wide, or an argument spans
/// lines, one argument a line (each with a comma), as prettyplease breaks a call.
pub fn write_call(out: &mut String, indent: &str, head: &str, args: &[&str], end: &str) {
    let joined = args.join(", ");
    if args.is_empty()
        || (!joined.contains('\n')
            && indent.len() + head.len() + joined.len() + 2 + end.len() <= WIDTH)
    {
        push_line(out, &[indent, head, "(", &joined, ")", end]);
        return;
    }
    push_line(out, &[indent, head, "("]);
    for a in args {
        push_line(out, &[indent, INDENT, a, ","]);
    }
    push_line(out, &[indent, ")", end]);
}

/// `indent head(params) -> ret {` (`head` is `pub fn name`): one line; when too wide,
/// one parameter a line, and generic arguments of the return type on a line of their
/// own if that line is still too wide.
pub fn write_signature(out: &mut String, indent: &str, head: &str, params: &[&str], ret: &str) {
    let joined = params.join(", ");
    if indent.len() + head.len() + joined.len() + ret.len() + 8 <= WIDTH {
        push_line(out, &[indent, head, "(", &joined, ") -> ", ret, " {"]);
        return;
    }
    if params.is_empty() {
        // Empty parentheses do not break.
        write_generic(out, indent, &format!("{head}() -> {ret}"), " {", 2);
        return;
    }
    push_line(out, &[indent, head, "("]);
    let inner = format!("{indent}{INDENT}");
    for p in params {
        // A trailing comma may pass the width.
        write_generic(out, &inner, p, ",", 0);
    }
    write_generic(out, indent, &format!(") -> {ret}"), " {", 2);
}

/// `indent text end` as a line; when that is wider than allowed (`end` counting for
/// `counted` characters) and `text` ends in generic arguments, the arguments go on a
/// line of their own.
pub fn write_generic(out: &mut String, indent: &str, text: &str, end: &str, counted: usize) {
    match text.find('<') {
        Some(open) if indent.len() + text.len() + counted > WIDTH && text.ends_with('>') => {
            let (head, args) = (&text[..open], &text[open + 1..text.len() - 1]);
            push_line(out, &[indent, head, "<"]);
            push_line(out, &[indent, INDENT, args, ","]);
            push_line(out, &[indent, ">", end]);
        }
        _ => push_line(out, &[indent, text, end]),
    }
}

/// `indent head.call().call()end` (a method chain): one line, or each call on a line
/// of its own when too wide.
pub fn write_chain(out: &mut String, indent: &str, head: &str, calls: &[&str], end: &str) {
    let joined = calls.concat();
    if indent.len() + head.len() + joined.len() + end.len() <= WIDTH || calls.is_empty() {
        push_line(out, &[indent, head, &joined, end]);
        return;
    }
    push_line(out, &[indent, head]);
    for (i, call) in calls.iter().enumerate() {
        let last = if i + 1 == calls.len() { end } else { "" };
        push_line(out, &[indent, INDENT, call, last]);
    }
}

/// A match arm whose body is a call, `indent pat => head(args),`: one line, else the
/// body in braces on lines of its own (the call broken in turn if still too wide).
pub fn write_call_arm(out: &mut String, indent: &str, pat: &str, head: &str, args: &[&str]) {
    let joined = args.join(", ");
    // The comma after the body does not count.
    if indent.len() + pat.len() + head.len() + joined.len() + 6 <= WIDTH {
        push_line(out, &[indent, pat, " => ", head, "(", &joined, "),"]);
        return;
    }
    push_line(out, &[indent, pat, " => {"]);
    write_call(out, &format!("{indent}{INDENT}"), head, args, "");
    push_line(out, &[indent, "}"]);
}

/// `indent name!(args)end` for a macro of comma-separated arguments (`assert_eq!`) that
/// prettyplease prints token by token: on one line when it fits, else the arguments on
/// lines of their own, as many to a line as fit.
pub fn write_macro(out: &mut String, indent: &str, name: &str, args: &[&str], end: &str) {
    let joined = args.join(", ");
    if indent.len() + name.len() + joined.len() + 3 + end.len() <= WIDTH {
        push_line(out, &[indent, name, "!(", &joined, ")", end]);
        return;
    }
    push_line(out, &[indent, name, "!("]);
    let mut line = String::new();
    for (i, a) in args.iter().enumerate() {
        let last = i + 1 == args.len();
        let comma = if last { "" } else { "," };
        if !line.is_empty() {
            if line.len() + 1 + a.len() + comma.len() <= WIDTH {
                line.push(' ');
            } else {
                out.push_str(&line);
                out.push('\n');
                line.clear();
            }
        }
        if line.is_empty() {
            line.push_str(indent);
            line.push_str(INDENT);
        }
        line.push_str(a);
        line.push_str(comma);
    }
    out.push_str(&line);
    out.push('\n');
    push_line(out, &[indent, ")", end]);
}

/// Whether every line of `text`, doc comments aside, is within the width. Text written
/// by the rules above then reads as prettyplease prints it (each rule is tested so); a
/// wider line may need a break they do not make.
pub fn fits(text: &str) -> bool {
    text.lines()
        .all(|l| l.len() <= WIDTH || l.trim_start().starts_with("///"))
}

fn push_line(out: &mut String, parts: &[&str]) {
    for p in parts {
        out.push_str(p);
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// prettyplease's printing of `text` (items), which must parse.
    fn reprinted(text: &str) -> String {
        prettyplease::unparse(&syn::parse_file(text).expect("parses"))
    }

    /// Asserts that `statements`, in a function, read as prettyplease prints them.
    fn assert_printed(statements: &str, context: &str) {
        let text = format!("fn f() {{\n{statements}}}\n");
        assert_eq!(text, reprinted(&text), "{context}");
    }

    /// [`assert_printed`] for text whose lines fit, the only text the generator keeps
    /// as written (see `fits`); whether it was compared.
    fn assert_printed_if_fits(statements: &str, context: &str) -> bool {
        let fit = fits(statements);
        if fit {
            assert_printed(statements, context);
        }
        fit
    }

    /// Every length around the width, so that each rule is checked on both sides of
    /// its boundary. Calls and macros are written without a reprint (accessors, doc
    /// tests): lines too wide must read as printed too.
    #[test]
    fn calls_break_as_prettyplease_breaks_them() {
        for n in 0..100 {
            let mut written = String::new();
            let arg = format!("{:?}", "x".repeat(n));
            let head = "let request = krate::ops::f";
            write_call(&mut written, INDENT, head, &[&arg, "\"id\""], ";");
            assert_printed(&written, &format!("length {n}"));
        }
    }

    #[test]
    fn signatures_break_as_prettyplease_breaks_them() {
        for n in 1..60 {
            let name = format!("f{}", "x".repeat(n));
            for params in [
                &[][..],
                &["id: &str"][..],
                &["id: &str", "body: &crate::models::Body"][..],
            ] {
                for model in ["TeamsApp", "AModelNameLongEnoughToBreakTheReturnTypeToo"] {
                    let mut written = String::new();
                    let ret = format!("Request<runtime::Collection<crate::models::{model}>>");
                    write_signature(&mut written, "", &format!("pub fn {name}"), params, &ret);
                    written.push_str("    body()\n}\n");
                    assert_eq!(written, reprinted(&written), "{name} {params:?}");
                }
            }
        }
    }

    /// A head too long for its line is broken inside by prettyplease: such text is
    /// reprinted (see `fits`).
    #[test]
    fn chains_break_as_prettyplease_breaks_them() {
        let mut compared = 0;
        for n in 0..80 {
            let literal = format!("{:?}", "x".repeat(n));
            for calls in [
                &[][..],
                &[".segment(id)"][..],
                &[".segment(id)", ".literal(\"/b\")"][..],
            ] {
                let mut written = String::new();
                let head = format!("let path = PathBuilder::new({literal})");
                write_chain(&mut written, INDENT, &head, calls, ";");
                let context = format!("{n} {calls:?}");
                compared += usize::from(assert_printed_if_fits(&written, &context));
            }
        }
        assert!(compared > 150, "{compared}");
    }

    #[test]
    fn call_arms_break_as_prettyplease_breaks_them() {
        let mut compared = 0;
        for n in 1..70 {
            let mut written = String::from("    match x {\n");
            let head = format!("Kind::{}", "V".repeat(n));
            let arm = "        ";
            write_call_arm(&mut written, arm, "Some(\"a.b\")", &head, &["cast(self)"]);
            written.push_str("        _ => other(),\n    }\n");
            compared += usize::from(assert_printed_if_fits(&written, &format!("{n}")));
        }
        assert!(compared > 60, "{compared}");
    }

    #[test]
    fn macros_fill_lines_as_prettyplease_fills_them() {
        for n in 0..100 {
            let mut written = String::new();
            let args = ["request.path()", &format!("{:?}", "x".repeat(n))];
            write_macro(&mut written, INDENT, "assert_eq", &args, ";");
            assert_printed(&written, &format!("length {n}"));
        }
    }
}

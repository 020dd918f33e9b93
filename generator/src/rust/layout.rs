//! Line layout for code written as text rather than printed by prettyplease: the same
//! width and the same breaking rules, so that the crate reads the same throughout
//! (`generator/tests/formatting.rs` compares the two on whole crates).

/// prettyplease's line width: a line longer than this is broken where it can be.
pub const WIDTH: usize = 89;
pub const INDENT: &str = "    ";

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

/// Whether every line of `text` but doc comments is within the width: then
/// prettyplease would break none of them, and text written one item a line reads as
/// it would print it.
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
    use quote::quote;

    fn prettyplease_body(statement: proc_macro2::TokenStream) -> String {
        let file: syn::File = syn::parse2(quote! { fn f() { #statement } }).expect("parses");
        let printed = prettyplease::unparse(&file);
        let body = printed
            .strip_prefix("fn f() {\n")
            .and_then(|b| b.strip_suffix("}\n"))
            .expect("a function");
        body.to_string()
    }

    /// Every length around the width, so that each rule is checked on both sides of
    /// its boundary.
    #[test]
    fn calls_break_as_prettyplease_breaks_them() {
        for n in 0..100 {
            let value = "x".repeat(n);
            let literal = proc_macro2::Literal::string(&value);
            let expected =
                prettyplease_body(quote! { let request = krate::ops::f(#literal, "id"); });
            let mut written = String::new();
            let arg = literal.to_string();
            write_call(
                &mut written,
                INDENT,
                "let request = krate::ops::f",
                &[&arg, "\"id\""],
                ";",
            );
            assert_eq!(written, expected, "length {n}");
        }
    }

    #[test]
    fn macros_fill_lines_as_prettyplease_fills_them() {
        for n in 0..100 {
            let value = "x".repeat(n);
            let literal = proc_macro2::Literal::string(&value);
            let expected = prettyplease_body(quote! { assert_eq!(request.path(), #literal); });
            let mut written = String::new();
            let arg = literal.to_string();
            write_macro(
                &mut written,
                INDENT,
                "assert_eq",
                &["request.path()", &arg],
                ";",
            );
            assert_eq!(written, expected, "length {n}");
        }
    }
}

//! Doc comment text from the docs' prose, made safe for rustdoc.

/// Escapes what rustdoc would read as links or HTML, and wraps bare URLs, so that docs
/// prose never produces rustdoc warnings.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Code spans stay as written; an odd backtick count means no spans at all.
    let balanced = text.matches('`').count().is_multiple_of(2);
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if balanced && i % 2 == 1 {
            out.push_str(part);
        } else {
            escape_prose(part, &mut out);
        }
    }
    out
}

/// Wraps URLs in `<>` and escapes what rustdoc would read as links or HTML.
fn escape_prose(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(at) = find_url(rest) {
        escape_chars(&rest[..at], out);
        let url_len = rest[at..]
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')' | '[' | ']')
            })
            .unwrap_or(rest.len() - at);
        let url = rest[at..at + url_len].trim_end_matches(['.', ',', ';', ':']);
        out.push('<');
        out.push_str(url);
        out.push('>');
        rest = &rest[at + url.len()..];
    }
    escape_chars(rest, out);
}

fn find_url(text: &str) -> Option<usize> {
    [text.find("https://"), text.find("http://")]
        .into_iter()
        .flatten()
        .min()
}

fn escape_chars(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '[' | ']' | '\\' | '*' | '_' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
}

/// `; published at <url>` for a page of the docs tree with a published address, else
/// nothing: what follows "documented in `api/x.md`" in an item's docs.
pub fn published_at(version: crate::site::ApiVersion, file: &str) -> String {
    version
        .page_url(file)
        .map_or(String::new(), |url| format!("; published at <{url}>"))
}

/// `///` lines for `text` at `indent`, as prettyplease prints one `#[doc]` per line.
pub fn write_outer(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        out.push_str(indent);
        out.push_str("///");
        let line = line.trim_end_matches(' ');
        if !line.is_empty() {
            out.push(' ');
            // A carriage return inside a line comment does not compile.
            out.extend(line.chars().map(|c| if c == '\r' { ' ' } else { c }));
        }
        out.push('\n');
    }
}

/// `//!` lines for `text`.
pub fn inner(text: &str) -> proc_macro2::TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote::quote! { #(#![doc = #lines])* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_are_left_alone() {
        assert_eq!(escape("use `a_b[0]` or a_b"), "use `a_b[0]` or a\\_b");
    }

    #[test]
    fn links_html_and_urls_are_defused() {
        assert_eq!(escape("see [x](y.md) <b>"), "see \\[x\\](y.md) &lt;b&gt;");
        assert_eq!(
            escape("go to https://aka.ms/x."),
            "go to <https://aka.ms/x>."
        );
    }
}

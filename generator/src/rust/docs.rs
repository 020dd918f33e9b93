//! Doc comment text from the docs' prose, made safe for rustdoc.

/// Escapes what rustdoc would read as links or HTML, and wraps bare URLs, so that docs
/// prose never produces rustdoc warnings.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let is_url = word.starts_with("http://") || word.starts_with("https://");
        if is_url {
            let url = word.trim_end_matches(['.', ',', ';', ')']);
            out.push('<');
            out.push_str(&url.replace(['<', '>'], ""));
            out.push('>');
            out.push_str(&word[url.len()..]);
            continue;
        }
        for c in word.chars() {
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
    out
}

/// `///` lines for `text` (prettyplease prints a multi-line `#[doc]` as a block comment).
pub fn outer(text: &str) -> proc_macro2::TokenStream {
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote::quote! { #(#[doc = #lines])* }
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
    fn links_html_and_urls_are_defused() {
        assert_eq!(escape("see [x](y.md) <b>"), "see \\[x\\](y.md) &lt;b&gt;");
        assert_eq!(
            escape("go to https://aka.ms/x."),
            "go to <https://aka.ms/x>."
        );
    }
}

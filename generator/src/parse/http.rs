//! HTTP code blocks: request lines, example requests and example responses.

use crate::method::HttpMethod;
use serde::Serialize;

const HOST_PREFIXES: [&str; 2] = ["https://graph.microsoft.com", "http://graph.microsoft.com"];
const VERSION_PREFIXES: [&str; 2] = ["/v1.0", "/beta"];

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestLine {
    pub method: HttpMethod,
    /// Path and query as written, without host and version prefix.
    pub target: String,
    pub line: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HttpRequest {
    pub request_line: RequestLine,
    pub headers: Vec<(String, String)>,
    /// Body text and the line it starts on.
    pub body: Option<(String, usize)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HttpResponse {
    pub status: u16,
    pub line: usize,
    pub headers: Vec<(String, String)>,
    pub body: Option<(String, usize)>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HttpBlock {
    Request(HttpRequest),
    Response(HttpResponse),
    /// A block that is neither (prose, a bare URL, a bad first line).
    Other {
        first_line: String,
    },
}

/// Reads an `http` block whose first text line is `first_line` in the page.
pub fn parse_http_block(text: &str, first_line: usize) -> HttpBlock {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return HttpBlock::Other {
            first_line: String::new(),
        };
    };
    let head = lines[start].trim();
    let line_no = first_line + start;
    let (headers, body) = headers_and_body(&lines[start + 1..], line_no + 1);
    if let Some(status) = status_line(head) {
        return HttpBlock::Response(HttpResponse {
            status,
            line: line_no,
            headers,
            body,
        });
    }
    match request_line(head, line_no) {
        Some(request_line) => HttpBlock::Request(HttpRequest {
            request_line,
            headers,
            body,
        }),
        None => HttpBlock::Other {
            first_line: head.to_string(),
        },
    }
}

/// Every request line in a block (the `## HTTP request` section lists aliases this way).
pub fn scan_request_lines(text: &str, first_line: usize) -> Vec<RequestLine> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| request_line(l.trim(), first_line + i))
        .collect()
}

/// `HTTP/1.1 200 OK` → 200.
fn status_line(line: &str) -> Option<u16> {
    let rest = line.strip_prefix("HTTP/")?;
    let mut parts = rest.split_whitespace();
    parts.next()?;
    parts.next()?.parse().ok()
}

/// `GET https://graph.microsoft.com/v1.0/me?$select=id` → (GET, `/me?$select=id`).
pub fn request_line(line: &str, line_no: usize) -> Option<RequestLine> {
    let (method, rest) = line.split_once(char::is_whitespace)?;
    let method = HttpMethod::parse(method)?;
    let target = request_target(rest);
    let mut path = target.as_str();
    for host in HOST_PREFIXES {
        if let Some(p) = strip_prefix_ignore_case(path, host) {
            path = p;
        }
    }
    for version in VERSION_PREFIXES {
        if let Some(p) = strip_prefix_ignore_case(path, version)
            && (p.is_empty() || p.starts_with('/') || p.starts_with('?'))
        {
            path = p;
        }
    }
    if !path.starts_with('/') {
        return None;
    }
    Some(RequestLine {
        method,
        target: path.to_string(),
        line: line_no,
    })
}

/// The request target: up to the first blank outside braces, so `{id | upn}` stays whole;
/// a query runs on to the end of the line (`$filter=a eq 'b'` has blanks), less a
/// trailing protocol version (`HTTP/1.1`).
pub fn request_target(rest: &str) -> String {
    let rest = rest.trim();
    let mut depth = 0usize;
    for (i, ch) in rest.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            c if c.is_whitespace() && depth == 0 => {
                let head = &rest[..i];
                if !head.contains('?') {
                    return head.to_string();
                }
                let whole = match rest.rsplit_once(char::is_whitespace) {
                    Some((before, last)) if last.starts_with("HTTP/") => before.trim_end(),
                    _ => rest,
                };
                return whole.to_string();
            }
            _ => {}
        }
    }
    rest.to_string()
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

type HeadersAndBody = (Vec<(String, String)>, Option<(String, usize)>);

/// Header lines up to the first blank line, then the body.
fn headers_and_body(lines: &[&str], first_line: usize) -> HeadersAndBody {
    let mut headers = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim();
        if l.is_empty() {
            break;
        }
        match l.split_once(':') {
            Some((name, value))
                if !name.is_empty()
                    && !name.contains(char::is_whitespace)
                    && !l.starts_with('{') =>
            {
                headers.push((name.to_string(), value.trim().to_string()));
            }
            // Not a header: the body starts without a blank line.
            _ => break,
        }
        i += 1;
    }
    while i < lines.len() && lines[i].trim().is_empty() {
        i += 1;
    }
    let body = lines[i..].join("\n");
    let body = body.trim_end();
    let body = (!body.is_empty()).then(|| (body.to_string(), first_line + i));
    (headers, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_with_headers_and_body() {
        let text = "PATCH https://graph.microsoft.com/v1.0/deviceManagement/deviceConfigurations/{deviceConfigurationId}/deviceStatusOverview\nContent-type: application/json\nContent-length: 284\n\n{\n  \"pendingCount\": 12\n}\n";
        let HttpBlock::Request(r) = parse_http_block(text, 10) else {
            panic!("not a request");
        };
        assert_eq!(r.request_line.method, HttpMethod::Patch);
        assert_eq!(
            r.request_line.target,
            "/deviceManagement/deviceConfigurations/{deviceConfigurationId}/deviceStatusOverview"
        );
        assert_eq!(r.request_line.line, 10);
        assert_eq!(r.headers.len(), 2);
        assert_eq!(
            r.headers[0],
            ("Content-type".into(), "application/json".into())
        );
        let (body, line) = r.body.unwrap();
        assert_eq!(line, 14);
        assert!(body.starts_with('{'));
    }

    #[test]
    fn response_status_line() {
        let text = "HTTP/1.1 204 No Content\n";
        let HttpBlock::Response(r) = parse_http_block(text, 3) else {
            panic!("not a response");
        };
        assert_eq!(r.status, 204);
        assert!(r.body.is_none());
    }

    #[test]
    fn several_request_lines_with_key_alternatives() {
        let text = "GET /me/messages\nGET /users/{id | userPrincipalName}/messages?$top=1\n";
        let lines = scan_request_lines(text, 5);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[1].target,
            "/users/{id | userPrincipalName}/messages?$top=1"
        );
        assert_eq!(lines[1].line, 6);
    }

    #[test]
    fn a_query_keeps_its_blanks() {
        let line = |text: &str| request_line(text, 1).map(|r| r.target);
        assert_eq!(
            line(
                "GET https://graph.microsoft.com/v1.0/groups?$filter=startswith(displayName, 'a') "
            ),
            Some("/groups?$filter=startswith(displayName, 'a')".to_string())
        );
        assert_eq!(
            line("GET /users?$filter=a eq 'b' HTTP/1.1"),
            Some("/users?$filter=a eq 'b'".to_string())
        );
        assert_eq!(line("GET /users HTTP/1.1"), Some("/users".to_string()));
        assert_eq!(line("GET /me/x (preview)"), Some("/me/x".to_string()));
    }

    #[test]
    fn unknown_method_is_not_a_request_line() {
        assert!(request_line("FETCH /me", 1).is_none());
        assert!(request_line("GET", 1).is_none());
        assert!(request_line("GET me", 1).is_none());
    }

    #[test]
    fn version_prefix_only_at_segment_boundary() {
        let r = request_line("GET /v1.0/me", 1).unwrap();
        assert_eq!(r.target, "/me");
        let r = request_line("GET /betaFeatures", 1).unwrap();
        assert_eq!(r.target, "/betaFeatures");
    }
}

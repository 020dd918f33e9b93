//! Lenient JSON for doc examples and annotations, which often carry trailing commas or
//! comments.

use serde_json::Value;

/// Parses `text` strictly, then as JSON5 (trailing commas, comments, unquoted keys).
/// Returns the value and whether the strict parse succeeded.
pub fn parse_lenient(text: &str) -> Result<(Value, bool), String> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok((v, true)),
        Err(strict) => match json5::from_str::<Value>(text) {
            Ok(v) => Ok((v, false)),
            Err(_) => Err(format!("{strict} (line {} of the block)", strict.line())),
        },
    }
}

/// The JSON kind of a value, for messages: "a string", "an object", ...
pub fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_json_is_strict() {
        let (v, strict) = parse_lenient(r#"{"a": 1}"#).unwrap();
        assert!(strict);
        assert_eq!(v["a"], 1);
    }

    #[test]
    fn trailing_commas_and_comments_are_tolerated() {
        let (v, strict) =
            parse_lenient("{\n  \"a\": [1, 2,],\n  // note\n  \"b\": true,\n}").unwrap();
        assert!(!strict);
        assert_eq!(v["a"][1], 2);
        assert_eq!(v["b"], true);
    }

    #[test]
    fn placeholders_are_errors_with_a_line() {
        let err = parse_lenient("{\n  \"a\": <value>\n}").unwrap_err();
        assert!(err.contains("line 2"), "{err}");
    }
}

//! JSON text, printed and parsed as serde_json does it (`serde_json::to_string`,
//! `serde_json::from_str::<Value>`), without linking serde_json's generic serializer and
//! deserializer: they were 7.6 KB of the participants' download (brotli). Used for server bodies
//! (`sync::protocol`), revision hashes (`store::revtree`, whose input text must stay byte for byte
//! what serde_json printed, or the same edit made on two devices would no longer be the same
//! revision) and the store's lists and batches (`store::indexed_db`).
//!
//! The same code runs natively and in the browser; only a fraction or exponent is read by the
//! platform (`str::parse` natively, `parseFloat` in the browser: Rust's float parser is large).
//! `tests/json_in_browser.rs` and the tests below compare both directions with serde_json.

use serde_json::{Map, Number, Value};
use std::fmt::Write;

/// `serde_json::to_string(value)`: compact, object keys in the map's order.
pub fn print(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value);
    out
}

/// `serde_json::to_string(map)`.
pub fn print_object(map: &Map<String, Value>) -> String {
    let mut out = String::new();
    write_object(&mut out, map);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // `Number`'s Display is serde_json's number printing (itoa, and zmij for a float, which is
        // always finite in a `Number`).
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map),
    }
}

fn write_object(out: &mut String, map: &Map<String, Value>) {
    out.push('{');
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value);
    }
    out.push('}');
}

/// serde_json's escaping: `"` and `\`, and the control characters U+0000–U+001F (`\b`, `\t`, `\n`,
/// `\f`, `\r`, else `\u00xx` in lower-case hex). Everything else, non-ASCII included, as it is.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            0x0c => "\\f",
            b'\r' => "\\r",
            0..=0x1f => "",
            _ => continue,
        };
        // `i` is an ASCII byte, so both slices end on character boundaries.
        out.push_str(s.get(start..i).unwrap_or_default());
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(s.get(start..).unwrap_or_default());
    out.push('"');
}

/// `serde_json::from_str::<Value>(text)`: the same values for the same text, and an error for the
/// same texts (with our own words: what was expected and at which byte). Like serde_json: at
/// most 127 arrays or objects nested, integers kept exact when they fit `u64` (or `i64` when
/// negative), `-0` and everything with a fraction or exponent as a float, a number too large for a
/// float refused, `\u` escapes of surrogates only in pairs. A float is the nearest one to the text
/// (serde_json's default parser can be one unit in the last place away for long fractions).
pub fn parse(text: &str) -> Result<Value, String> {
    let mut parser = Parser { text, at: 0 };
    let value = parser.value(MAX_DEPTH)?;
    parser.skip_space();
    if parser.at < text.len() {
        return Err(parser.error("more text after the value"));
    }
    Ok(value)
}

/// serde_json's recursion limit.
const MAX_DEPTH: u8 = 128;

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        if b.is_some() {
            self.at += 1;
        }
        b
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn error(&self, what: &str) -> String {
        if self.at >= self.text.len() {
            format!("{what}: the text ends too soon")
        } else {
            format!("{what} at byte {}", self.at)
        }
    }

    fn value(&mut self, depth: u8) -> Result<Value, String> {
        self.skip_space();
        match self.peek() {
            Some(b'n') => self.word("null", Value::Null),
            Some(b't') => self.word("true", Value::Bool(true)),
            Some(b'f') => self.word("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                let depth = self.nest(depth)?;
                let mut items = Vec::new();
                self.skip_space();
                if self.peek() == Some(b']') {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                loop {
                    items.push(self.value(depth)?);
                    self.skip_space();
                    match self.next() {
                        Some(b',') => {}
                        Some(b']') => return Ok(Value::Array(items)),
                        _ => return Err(self.error("expected `,` or `]`")),
                    }
                }
            }
            Some(b'{') => {
                let depth = self.nest(depth)?;
                let mut map = Map::new();
                self.skip_space();
                if self.peek() == Some(b'}') {
                    self.at += 1;
                    return Ok(Value::Object(map));
                }
                loop {
                    self.skip_space();
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a key in quotes"));
                    }
                    let key = self.string()?;
                    self.skip_space();
                    if self.next() != Some(b':') {
                        return Err(self.error("expected `:`"));
                    }
                    // A repeated key keeps its last value, as in serde_json.
                    map.insert(key, self.value(depth)?);
                    self.skip_space();
                    match self.next() {
                        Some(b',') => {}
                        Some(b'}') => return Ok(Value::Object(map)),
                        _ => return Err(self.error("expected `,` or `}`")),
                    }
                }
            }
            _ => Err(self.error("expected a value")),
        }
    }

    /// Steps into an array or object (at its opening bracket), one level deeper.
    fn nest(&mut self, depth: u8) -> Result<u8, String> {
        let depth = depth.saturating_sub(1);
        if depth == 0 {
            return Err(self.error("nested too deeply"));
        }
        self.at += 1;
        Ok(depth)
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, String> {
        if self.text.as_bytes().get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    /// A string, at its opening quote.
    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        let bytes = self.text.as_bytes();
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(&b) = bytes.get(self.at) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // Both ends are at an ASCII byte or the end of the text: character boundaries.
            out.push_str(self.text.get(start..self.at).unwrap_or_default());
            match self.next() {
                Some(b'"') => return Ok(out),
                Some(b'\\') => out.push(self.escape()?),
                Some(_) => {
                    self.at -= 1;
                    return Err(self.error("a control character in a string"));
                }
                None => return Err(self.error("a string without its closing quote")),
            }
        }
    }

    /// The character an escape stands for, after its backslash.
    fn escape(&mut self) -> Result<char, String> {
        let c = match self.next() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let first = self.hex4()?;
                let code = match first {
                    0xd800..=0xdbff => {
                        if self.next() != Some(b'\\') || self.next() != Some(b'u') {
                            return Err(self.error("a lone surrogate in a \\u escape"));
                        }
                        let second = self.hex4()?;
                        if !(0xdc00..=0xdfff).contains(&second) {
                            return Err(self.error("a lone surrogate in a \\u escape"));
                        }
                        0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00)
                    }
                    0xdc00..=0xdfff => return Err(self.error("a lone surrogate in a \\u escape")),
                    other => other,
                };
                char::from_u32(code).ok_or_else(|| self.error("a \\u escape that is no character"))?
            }
            _ => return Err(self.error("an unknown escape in a string")),
        };
        Ok(c)
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut n = 0;
        for _ in 0..4 {
            let digit = self.next().and_then(|b| char::from(b).to_digit(16)).ok_or_else(|| self.error("a \\u escape without four hex digits"))?;
            n = n * 16 + digit;
        }
        Ok(n)
    }

    /// A number: an integer exact when it fits, else (or with a fraction or exponent) a float.
    fn number(&mut self) -> Result<Value, String> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        match self.next() {
            Some(b'0') if matches!(self.peek(), Some(b'0'..=b'9')) => return Err(self.error("a number with a leading zero")),
            Some(b'0'..=b'9') => {}
            _ => return Err(self.error("expected a digit")),
        }
        self.digits();
        let integer_end = self.at;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("expected a digit after `.`"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("expected a digit in the exponent"));
            }
        }
        let text = self.text.get(start..self.at).unwrap_or_default();
        if self.at == integer_end {
            let digits = text.trim_start_matches('-');
            let exact = if negative { digits.parse::<u64>().ok().filter(|n| *n != 0 && *n <= 1 << 63).map(|n| Value::from(0i64.wrapping_sub_unsigned(n))) } else { digits.parse::<u64>().ok().map(Value::from) };
            if let Some(exact) = exact {
                return Ok(exact);
            }
        }
        Number::from_f64(parse_float(text)).map(Value::Number).ok_or_else(|| {
            self.at = start;
            self.error("a number too large")
        })
    }

    /// Skips ASCII digits; how many.
    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }
}

/// The nearest float to a JSON number's text (infinite when too large).
#[cfg(not(target_arch = "wasm32"))]
fn parse_float(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// The nearest float to a JSON number's text (infinite when too large): the browser's
/// `parseFloat`, which reads every JSON number whole.
#[cfg(target_arch = "wasm32")]
fn parse_float(text: &str) -> f64 {
    js_sys::parse_float(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Values whose text must be serde_json's, byte for byte (revision hashes are computed over it).
    fn printed_samples() -> Vec<Value> {
        let every_ascii: String = (0u8..0x80).map(char::from).collect();
        vec![
            json!(null),
            json!(true),
            json!(false),
            json!(0),
            json!(-1),
            json!(u64::MAX),
            json!(i64::MIN),
            json!(0.5),
            json!(-0.0),
            json!(1e21),
            json!(1.5e-7),
            json!(123456789.125),
            json!(f64::MAX),
            json!(f64::MIN_POSITIVE),
            json!(""),
            json!(every_ascii),
            json!("é ü ß — “quoted” 💙 \u{2028}\u{2029}\u{7f}\u{80}\u{ffff}\u{10ffff} 中文"),
            json!([]),
            json!({}),
            json!([1, [2, [3, {"a": []}]], "x"]),
            json!({"b": 1, "a": {"z": null, "10": 2, "9": 3, "": 4}, "é": [true], "\n\"k\u{1}": "v"}),
        ]
    }

    #[test]
    fn prints_as_serde_json_does() {
        for value in printed_samples() {
            assert_eq!(print(&value), serde_json::to_string(&value).unwrap());
            if let Value::Object(map) = &value {
                assert_eq!(print_object(map), serde_json::to_string(map).unwrap());
            }
        }
        let every_char = Value::String((0..=0x10ffff).filter_map(char::from_u32).collect());
        assert!(print(&every_char) == serde_json::to_string(&every_char).unwrap(), "every character, as serde_json escapes it");
    }

    #[test]
    fn reads_what_it_prints() {
        for value in printed_samples() {
            assert_eq!(parse(&print(&value)), Ok(value));
        }
    }

    /// Texts that must give serde_json's value, or fail where serde_json fails.
    const PARSED_SAMPLES: &[&str] = &[
        "null", " true ", "false", "0", "-0", "-0.0", "1", "-1", "18446744073709551615", "18446744073709551616", "-9223372036854775808",
        "-9223372036854775809", "123456789012345678901234567890", "1.5", "1e2", "1E+2", "1e-2", "-1.25e-3", "0.1", "1e400", "-1e400", "1e-400",
        "\"\"", r#""a\"b\\c\/d\b\f\n\r\t""#, r#""\u00e9\u2028\ud83d\udc99""#, r#""\ud83d""#, r#""\udc99""#, r#""\ud83d\u0041""#, r#""\ud83dx""#,
        r#""\u00G0""#, r#""\x""#, "\"a\u{1}b\"", "\"a\u{7f}b\"", "\"é 💙\"", "[]", "[ ]", "[1,2]", "[1,]", "[,1]", "[1 2]", "{}", r#"{"a":1,"a":2}"#,
        r#"{"b":[{"c":null}],"a":"x"}"#, r#"{"a" 1}"#, r#"{a:1}"#, r#"{"a":1,}"#, "", " ", "nul", "nulll", "truex", "01", "1.", ".5", "+1", "-",
        "1e", "1e+", "--1", "\"abc", "[", "{", "{\"a\"", "[1]]", "1 2", "\u{feff}1", "[\u{c}]", "\t\r\n[\t1\r\n]\n", "NaN", "Infinity",
    ];

    #[test]
    fn parses_as_serde_json_does() {
        for text in PARSED_SAMPLES {
            let ours = parse(text);
            match serde_json::from_str::<Value>(text) {
                Ok(theirs) => assert_eq!(ours, Ok(theirs), "{text:?}"),
                Err(theirs) => assert!(ours.is_err(), "{text:?}: serde_json refuses it ({theirs}), we read {ours:?}"),
            }
        }
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        for n in [1, 126, 127, 128, 129, 100_000] {
            assert_eq!(parse(&deep(n)).is_ok(), serde_json::from_str::<Value>(&deep(n)).is_ok(), "{n} levels");
        }
    }

    #[test]
    fn says_what_is_wrong_and_where() {
        assert_eq!(parse("{\"a\": tru}"), Err("expected a value at byte 6".into()));
        assert_eq!(parse("[1, 2"), Err("expected `,` or `]`: the text ends too soon".into()));
        assert_eq!(parse("<html>"), Err("expected a value at byte 0".into()));
    }
}

//! The browser tier for `json_text`: JSON text printed and parsed as serde_json does it, in the
//! build the app runs (a float's text is read by the browser's `parseFloat` there).
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test json_in_browser`
#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use tandem::json_text;
use tandem::store::revtree::RevTree;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The same edit must make the same revision as before `json_text` (and on every device): the
/// hash is over the body's text. Pinned in `store::revtree`'s tests too, natively.
#[wasm_bindgen_test]
fn revision_hashes_are_unchanged() {
    let body = json!({"type": "goal", "title": "Call my sister \u{2014} “soon” 💙", "why": "family\n\t\"quoted\" \\ \u{1}\u{1f}\u{7f}",
        "steps": ["one", "twö", ""], "10": 1, "9": -2, "n": 18446744073709551615u64, "f": 0.5, "nested": {"b": null, "a": [true, false, {}]}});
    let body = body.as_object().cloned().unwrap_or_default();
    assert_eq!(RevTree::default().add_edit(None, body, false), "1-11e46cfeb0fb74b4efb2504ecd0398f5");
}

#[wasm_bindgen_test]
fn prints_as_serde_json_does() {
    let every_char: String = (0..=0x10ffff).filter_map(char::from_u32).collect();
    for value in [
        json!(null), json!(true), json!(0), json!(-1), json!(u64::MAX), json!(i64::MIN), json!(0.5), json!(-0.0), json!(1e21), json!(1.5e-7),
        json!(123456789.125), json!(f64::MAX), json!(f64::MIN_POSITIVE), json!(""), json!(every_char), json!([]), json!({}),
        json!({"b": 1, "a": {"z": null, "10": 2, "9": 3, "": 4}, "é": [true, [[]]], "\n\"k\u{1}": "v"}),
    ] {
        assert!(json_text::print(&value) == serde_json::to_string(&value).unwrap(), "{value:?}");
    }
}

#[wasm_bindgen_test]
fn parses_as_serde_json_does() {
    for text in [
        "null", "-0", "-0.0", "18446744073709551615", "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
        "123456789012345678901234567890", "1.5", "1e2", "1E+2", "-1.25e-3", "0.1", "2.2250738585072014e-308", "1.7976931348623157e308",
        "1e400", "1e-400", "0.30000000000000004", r#""a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\udc99""#, r#""\ud83d""#, "\"a\u{1}b\"",
        r#"{"b":[{"c":null}],"a":"x","a":2}"#, "[1,]", "{\"a\" 1}", "", "01", "1.", "-", "[1]]", "NaN", "Infinity",
    ] {
        let ours = json_text::parse(text);
        match serde_json::from_str::<Value>(text) {
            Ok(theirs) => assert_eq!(ours, Ok(theirs), "{text:?}"),
            Err(_) => assert!(ours.is_err(), "{text:?}: serde_json refuses it, we read {ours:?}"),
        }
    }
}

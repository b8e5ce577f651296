//! The browser tier for `ui::platform`: what the app takes from the browser instead of compiling it in.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test platform_in_browser`
#![cfg(target_arch = "wasm32")]

use tandem::ui::platform;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// Tags are lowercased by the browser's `toLowerCase`; it must agree with Rust's `to_lowercase`.
#[wasm_bindgen_test]
fn browser_lowercase_matches_rust() {
    for text in [
        "Long Walk", "ÜBER", "ΌΣΟΣ", "ΣΑΣ σας", "İstanbul", "ẞ", "ǅ", "Ꭰꭰ", "ＡＢＣ", "𐐀𐐨", "ÅNGSTRÖM",
        "Ⅻ", "Ⓐ", "ﬀ", "already lower", "",
    ] {
        assert_eq!(platform::lowercase(text), text.to_lowercase(), "{text}");
    }
}

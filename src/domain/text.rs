//! Rules for free text people type: limits are counted in characters (not bytes) so every
//! script gets the same room, and a too-long text is refused with a clear message — never cut.

/// Lowercases text by Unicode's default case mapping. Passed in, like the clock: natively (in tests)
/// it is `str::to_lowercase`; the browser passes its own `toLowerCase` (`ui::platform::lowercase`),
/// the same mapping, so the app does not carry Rust's copy of the case table (11.7 KB of wasm,
/// 5 KB brotli'd).
pub type Lowercase = fn(&str) -> String;

/// What was wrong with a piece of text, in plain words for the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextTooLong {
    pub field: &'static str,
    pub max_chars: usize,
    pub found_chars: usize,
}

impl TextTooLong {
    pub fn message(&self) -> String {
        format!(
            "{} is {} characters long; the most it can hold is {}. Nothing was removed — shorten it, then save again.",
            self.field, self.found_chars, self.max_chars
        )
    }
}

/// Trims the ends and checks the length; the inside is kept exactly as typed.
pub fn checked(field: &'static str, text: &str, max_chars: usize) -> Result<String, TextTooLong> {
    let trimmed = text.trim();
    let found_chars = trimmed.chars().count();
    if found_chars > max_chars {
        Err(TextTooLong { field, max_chars, found_chars })
    } else {
        Ok(trimmed.to_owned())
    }
}

/// The first `max_chars` characters, with an ellipsis if anything was left out (for previews only).
pub fn preview(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(max_chars).collect();
    if chars.next().is_some() {
        format!("{}…", head.trim_end())
    } else {
        head
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_characters_not_bytes() {
        let arabic = "س".repeat(10);
        assert!(checked("Note", &arabic, 10).is_ok());
        let err = checked("Note", &"é".repeat(11), 10).unwrap_err();
        assert_eq!(err.found_chars, 11);
        assert!(err.message().contains("Note is 11 characters long"));
    }

    #[test]
    fn trims_ends_only() {
        assert_eq!(checked("Note", "  a  b \n", 10).unwrap(), "a  b");
    }

    #[test]
    fn preview_cuts_on_characters() {
        assert_eq!(preview("héllo wörld", 5), "héllo…");
        assert_eq!(preview("short", 10), "short");
    }
}

//! Document ids made on the device.
//!
//! `<type>:<utc time, compact>:<16 random base32 chars>`, e.g. `mood:20261122T205400123Z:k3j4…`.
//! The time prefix makes ids sort by creation time (handy for `_all_docs` ranges); the 80 random
//! bits make two devices' ids collide with negligible probability. Randomness is passed in so the
//! domain stays pure; the browser supplies it from `crypto.getRandomValues`.

use super::time::Timestamp;

/// Crockford's base32 alphabet, lowercase: no i, l, o or u, so ids read aloud unambiguously.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Random bytes an id needs.
pub const RANDOM_BYTES: usize = 10;

pub fn new_id(doc_type: &str, at: Timestamp, random: [u8; RANDOM_BYTES]) -> String {
    let compact: String = at.to_rfc3339().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("{doc_type}:{compact}:{}", base32(&random))
}

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_carry_type_time_and_randomness() {
        let at = Timestamp::parse_rfc3339("2026-11-22T20:54:00.123Z").unwrap();
        let id = new_id("mood", at, [0xff; RANDOM_BYTES]);
        assert_eq!(id, "mood:20261122T205400123Z:zzzzzzzzzzzzzzzz");
        let other = new_id("mood", at, [0; RANDOM_BYTES]);
        assert_ne!(id, other);
        assert_eq!(other.rsplit(':').next().unwrap().len(), 16);
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = new_id("mood", Timestamp(1_000), [9; RANDOM_BYTES]);
        let b = new_id("mood", Timestamp(2_000), [0; RANDOM_BYTES]);
        assert!(a < b);
    }
}

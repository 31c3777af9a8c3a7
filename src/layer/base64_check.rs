//! [`is_decodable`]: whether tonic's base64 decoder accepts a value, without
//! decoding it.
//!
//! The client guard checks every `grpc-status-details-bin` before tonic
//! parses it (tonic 0.14 panics on one it cannot decode). Decoding it to
//! check it was a quarter of the client layer's instructions under
//! callgrind, and an allocation; the rules are few, so they are checked
//! here, one table lookup a byte. A property test holds them equal to the
//! decoder's on valid, mutated and arbitrary input, and the guard still
//! asks the decoder itself before it removes a value.

/// Whether `value` decodes with tonic's engine: the standard alphabet, no
/// length that leaves a lone symbol, no bits set past the end of the last
/// byte, and padding (optional: the engine's padding mode is
/// `Indifferent`) only after a partial quad and never past its end: a
/// 2-symbol tail takes up to two `=`, a 3-symbol tail one.
pub(crate) fn is_decodable(value: &[u8]) -> bool {
    let (body, padding) = match value {
        [body @ .., b'=', b'='] => (body, 2),
        [body @ .., b'='] => (body, 1),
        _ => (value, 0),
    };
    let tail = body.len() % 4;
    let well_framed = match tail {
        0 => padding == 0,
        1 => false,
        2 => true,
        _ => padding <= 1,
    };
    if !well_framed || !all_symbols(body) {
        return false;
    }
    // The last symbol of a 2- or 3-symbol tail carries 4 or 2 bits past
    // the decoded bytes, which must be zero.
    match (tail, body.last()) {
        (2, Some(&last)) => SYMBOL_BITS[usize::from(last)] & 0x0f == 0,
        (3, Some(&last)) => SYMBOL_BITS[usize::from(last)] & 0x03 == 0,
        _ => true,
    }
}

/// Whether every byte is a symbol of the standard alphabet. Written as
/// comparisons folded without branches, in blocks, so that the compiler
/// checks a block of bytes at a time.
fn all_symbols(bytes: &[u8]) -> bool {
    bytes.chunks(32).all(|block| {
        block.iter().fold(true, |ok, &b| {
            ok & (b.is_ascii_uppercase()
                | b.is_ascii_lowercase()
                | b.is_ascii_digit()
                | (b == b'+')
                | (b == b'/'))
        })
    })
}

const NOT_A_SYMBOL: u8 = 0xff;

/// The 6 bits each byte stands for in the standard alphabet, or
/// [`NOT_A_SYMBOL`].
static SYMBOL_BITS: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [NOT_A_SYMBOL; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;
    use proptest::prelude::*;

    fn decoder_accepts(value: &[u8]) -> bool {
        super::super::headers::DETAILS_BASE64.decode(value).is_ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

        #[test]
        fn agrees_with_the_decoder_on_encodings(bytes in prop::collection::vec(any::<u8>(), 0..64), pad in any::<bool>()) {
            let engine = if pad {
                &base64::engine::general_purpose::STANDARD
            } else {
                &base64::engine::general_purpose::STANDARD_NO_PAD
            };
            let value = engine.encode(&bytes);
            prop_assert!(is_decodable(value.as_bytes()));
            prop_assert!(decoder_accepts(value.as_bytes()));
        }

        #[test]
        fn agrees_with_the_decoder_on_base64_like_text(value in "[A-Za-z0-9+/=]{0,24}") {
            prop_assert_eq!(is_decodable(value.as_bytes()), decoder_accepts(value.as_bytes()), "{:?}", value);
        }

        #[test]
        fn agrees_with_the_decoder_on_arbitrary_bytes(value in prop::collection::vec(any::<u8>(), 0..24)) {
            prop_assert_eq!(is_decodable(&value), decoder_accepts(&value), "{:?}", value);
        }

        #[test]
        fn agrees_with_the_decoder_on_mutated_encodings(
            bytes in prop::collection::vec(any::<u8>(), 1..48),
            at in any::<prop::sample::Index>(),
            with in prop::sample::select(b"A/+=_-\\n =0z".to_vec()),
            cut in 0..4usize,
        ) {
            let mut value = base64::engine::general_purpose::STANDARD.encode(&bytes).into_bytes();
            let i = at.index(value.len());
            value[i] = with;
            value.truncate(value.len().saturating_sub(cut));
            prop_assert_eq!(is_decodable(&value), decoder_accepts(&value), "{:?}", String::from_utf8_lossy(&value));
        }
    }

    #[test]
    fn edge_cases_agree_with_the_decoder() {
        for value in [
            "", "=", "==", "===", "====", "A", "AA", "AAA", "AAAA", "AA=", "AA==", "AAA=", "AAA==",
            "AB==", "AB", "ABC", "ABD", "ABD=", "AAAA====", "AA==AA==", "A===",
        ] {
            assert_eq!(
                is_decodable(value.as_bytes()),
                decoder_accepts(value.as_bytes()),
                "{value:?}"
            );
        }
    }
}

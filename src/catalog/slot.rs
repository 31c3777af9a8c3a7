//! The hash of a catalog's perfect-hash lookup tables, as
//! `csghub-errorx-build` computed it when it found their seeds.
//!
//! Written twice, here and in the build crate (`src/slot.rs` there): the
//! build crate cannot depend on this library, which would build tonic for
//! every build script. `tests/it/generated.rs` compares the two on every
//! key of the catalog and on random bytes.

/// The slot of `key` under `seed` in a table of `1 << bits` slots: the top
/// `bits` of a seeded multiply-xorshift hash that reads eight bytes a step
/// (a name or reason takes two to four steps).
pub(crate) fn slot(seed: u64, bits: u32, key: &[u8]) -> usize {
    let mut hash = seed ^ key.len() as u64;
    for chunk in key.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        hash ^= hash >> 29;
    }
    (hash.wrapping_mul(0xbf58_476d_1ce4_e5b9) >> (64 - bits)) as usize
}

/// The slot function, for the test that holds it against the build crate's.
#[doc(hidden)]
pub fn __slot(seed: u64, bits: u32, key: &[u8]) -> usize {
    slot(seed, bits, key)
}

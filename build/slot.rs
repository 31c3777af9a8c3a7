//! The hash of the catalog's perfect-hash lookup tables, shared by
//! `build.rs`, which finds a seed that gives every name (or reason) a slot
//! of its own, and `src/catalog/error_code.rs`, which looks them up: the
//! two must compute the same, so there is one copy.

/// How many bits a slot index has: tables of 4096 slots.
pub(crate) const SLOT_BITS: u32 = 12;

/// The slot of `key` under `seed`: the top [`SLOT_BITS`] of a seeded
/// multiply-xorshift hash that reads eight bytes a step (a name or reason
/// takes two to four steps).
pub(crate) fn slot(seed: u64, key: &[u8]) -> usize {
    let mut hash = seed ^ key.len() as u64;
    for chunk in key.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        hash ^= hash >> 29;
    }
    (hash.wrapping_mul(0xbf58_476d_1ce4_e5b9) >> (64 - SLOT_BITS)) as usize
}

//! The hash of a catalog's perfect-hash lookup tables: the build finds a
//! seed under which every name, reason and code string has a slot of its
//! own, and the library looks them up with the same function.
//!
//! Written twice, here and in csghub-errorx (`src/catalog/slot.rs`): the
//! build crate cannot depend on the library, which would build tonic for
//! every build script. A test of the library compares the two on every
//! catalog key and on random bytes, and any difference fails every lookup.

/// The slot of `key` under `seed` in a table of `1 << bits` slots: the top
/// `bits` of a seeded multiply-xorshift hash that reads eight bytes a step
/// (a name or reason takes two to four steps).
pub fn slot(seed: u64, bits: u32, key: &[u8]) -> usize {
    let mut hash = seed ^ key.len() as u64;
    for chunk in key.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        hash = (hash ^ u64::from_le_bytes(word)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        hash ^= hash >> 29;
    }
    (hash.wrapping_mul(0xbf58_476d_1ce4_e5b9) >> (64 - bits)) as usize
}

/// A lookup table: a seed, its size in bits, and the slots, each the
/// index + 1 of the key that has it, or 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The seed under which every key has a slot of its own.
    pub seed: u64,
    /// The table has `1 << bits` slots.
    pub bits: u32,
    /// Index + 1 by slot; 0 for an empty slot.
    pub slots: Vec<u16>,
}

/// A table in which every key of `keys` has a slot of its own. With at
/// least 40 slots a key, a seed without collisions is found in a few
/// tries.
pub fn perfect_hash(keys: &[&str]) -> Table {
    let mut bits = 12;
    while (1usize << bits) < keys.len().saturating_mul(40) {
        bits += 1;
    }
    for seed in 0.. {
        let mut slots = vec![0u16; 1 << bits];
        let collision_free = keys.iter().enumerate().all(|(i, key)| {
            let slot = &mut slots[slot(seed, bits, key.as_bytes())];
            let free = *slot == 0;
            *slot = i as u16 + 1;
            free
        });
        if collision_free {
            return Table { seed, bits, slots };
        }
    }
    unreachable!("some seed separates the keys")
}

/// 64-bit FNV-1a: the key that tells codes apart fast, stable across
/// versions and platforms.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |hash: u64, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
}

//! Deterministic random streams: one per replication, derived from (seed, replication).
//!
//! Replication `i` of a run with seed `s` always draws from the same stream, whichever
//! thread or shard runs it, so results do not depend on `--threads` or `--shard`. A stream
//! is a Xoshiro256++ generator (rand's portable, reproducible `Xoshiro256PlusPlus`) whose
//! 256-bit state comes from a SplitMix64 hash of (seed, replication, lane). Lanes give a
//! model independent streams per component (lane 0 is the replication's main stream), so
//! that adding a component does not shift the random numbers of the others: two designs
//! compared with the same seed see the same failures where they share components.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The random number generator every model draws from.
pub type SimRng = Xoshiro256PlusPlus;

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

/// The SplitMix64 finaliser: a bijective mix of 64 bits.
const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The stream of replication `replication` in a run with seed `seed` (lane 0).
pub fn stream(seed: u64, replication: u64) -> SimRng {
    lane_stream(seed, replication, 0)
}

/// Stream `lane` of replication `replication` in a run with seed `seed`.
pub fn lane_stream(seed: u64, replication: u64, lane: u64) -> SimRng {
    // Each mix absorbs one input; distinct inputs give unrelated starting points.
    let mut state = mix64(seed.wrapping_add(GOLDEN_GAMMA));
    state = mix64(state ^ replication.wrapping_mul(GOLDEN_GAMMA).wrapping_add(1));
    state = mix64(state ^ lane.wrapping_mul(0xd1b5_4a32_d192_ed03).wrapping_add(2));
    // Expand to 256 bits with SplitMix64 from there.
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_exact_mut(8) {
        state = state.wrapping_add(GOLDEN_GAMMA);
        chunk.copy_from_slice(&mix64(state).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    fn first(mut rng: SimRng) -> [u64; 4] {
        std::array::from_fn(|_| rng.next_u64())
    }

    #[test]
    fn same_key_same_stream() {
        assert_eq!(first(stream(7, 3)), first(stream(7, 3)));
        assert_eq!(first(stream(7, 3)), first(lane_stream(7, 3, 0)));
    }

    #[test]
    fn neighbouring_keys_differ() {
        let a = first(stream(7, 3));
        assert_ne!(a, first(stream(7, 4)));
        assert_ne!(a, first(stream(8, 3)));
        assert_ne!(a, first(stream(3, 7)));
        assert_ne!(a, first(lane_stream(7, 3, 1)));
    }

    #[test]
    fn streams_are_stable_across_versions() {
        // Pinned so that a change of derivation (which would change every published
        // result for a seed) is a deliberate decision.
        let value = stream(42, 1).next_u64();
        assert_eq!(value, PINNED_42_1);
    }

    const PINNED_42_1: u64 = 394_815_510_033_637_860;
}

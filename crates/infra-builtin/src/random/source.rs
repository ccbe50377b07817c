//! Where the random provider's randomness comes from: the operating system (`OsRng`) for every
//! generated value, or, for `random_integer` and `random_shuffle` given a `seed`, a small
//! deterministic generator so that the same seed gives the same result.
//!
//! The Terraform provider seeds Go's `math/rand` with a CRC-64 of the seed; its results are
//! not reproduced here (the provider itself promises stability across versions for neither).
//! Ours derive a SplitMix64 state from the SHA-256 of the seed, and stay stable.

use infra_core::ProviderError;
use rand::TryRngCore;
use sha2::{Digest, Sha256};

/// A stream of uniformly distributed 64-bit words.
pub trait RandomSource {
    fn next_word(&mut self) -> Result<u64, ProviderError>;

    /// A uniform number in `0..bound` (`bound` > 0), by rejection so that no value is favoured.
    fn below(&mut self, bound: u64) -> Result<u64, ProviderError> {
        if bound == 0 {
            return Err(ProviderError::new("cannot choose from an empty range of random values"));
        }
        // 2^64 mod bound: the words under it would make the low residues more likely.
        let threshold = bound.wrapping_neg() % bound;
        loop {
            let word = self.next_word()?;
            if word >= threshold {
                return Ok(word % bound);
            }
        }
    }

    /// A uniform index into a collection of `length` items.
    fn index(&mut self, length: usize) -> Result<usize, ProviderError> {
        self.below(length as u64).map(|i| i as usize)
    }

    /// Shuffles `items` in place (Fisher–Yates): every permutation equally likely.
    fn shuffle<T>(&mut self, items: &mut [T]) -> Result<(), ProviderError> {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1)?;
            items.swap(i, j);
        }
        Ok(())
    }
}

/// The operating system's cryptographic randomness.
pub struct OsRandom;

impl RandomSource for OsRandom {
    fn next_word(&mut self) -> Result<u64, ProviderError> {
        rand::rngs::OsRng.try_next_u64().map_err(os_error)
    }
}

/// `count` bytes from the operating system's cryptographic randomness.
pub fn os_bytes(count: usize) -> Result<Vec<u8>, ProviderError> {
    let mut bytes = vec![0u8; count];
    rand::rngs::OsRng.try_fill_bytes(&mut bytes).map_err(os_error)?;
    Ok(bytes)
}

fn os_error(error: impl std::fmt::Display) -> ProviderError {
    ProviderError::new(format!("reading randomness from the operating system failed: {error}"))
}

/// SplitMix64 seeded from a string: the same seed always gives the same stream.
pub struct SeededRandom {
    state: u64,
}

impl SeededRandom {
    pub fn new(seed: &str) -> SeededRandom {
        let digest = Sha256::digest(seed.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        SeededRandom { state: u64::from_be_bytes(first) }
    }
}

impl RandomSource for SeededRandom {
    fn next_word(&mut self) -> Result<u64, ProviderError> {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Ok(z ^ (z >> 31))
    }
}

/// The source of a type with an optional `seed`: seeded when the seed is set and not empty
/// (the provider treats `""` as no seed), else the operating system.
pub enum SeedableSource {
    Os(OsRandom),
    Seeded(SeededRandom),
}

impl SeedableSource {
    pub fn for_seed(seed: Option<&str>) -> SeedableSource {
        match seed.filter(|s| !s.is_empty()) {
            Some(seed) => SeedableSource::Seeded(SeededRandom::new(seed)),
            None => SeedableSource::Os(OsRandom),
        }
    }
}

impl RandomSource for SeedableSource {
    fn next_word(&mut self) -> Result<u64, ProviderError> {
        match self {
            SeedableSource::Os(source) => source.next_word(),
            SeedableSource::Seeded(source) => source.next_word(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_streams_repeat_and_differ_by_seed() {
        let take = |seed: &str| -> Vec<u64> {
            let mut source = SeededRandom::new(seed);
            (0..4).map(|_| source.below(1000).unwrap_or(0)).collect()
        };
        assert_eq!(take("alpha"), take("alpha"));
        assert_ne!(take("alpha"), take("beta"));
    }

    #[test]
    fn below_stays_in_range_and_shuffle_keeps_items() {
        let mut source = OsRandom;
        for bound in [1u64, 2, 3, 7, 1 << 40, u64::MAX] {
            for _ in 0..20 {
                let n = source.below(bound).expect("os randomness");
                assert!(n < bound, "{n} >= {bound}");
            }
        }
        assert!(source.below(0).is_err());
        let mut items: Vec<u32> = (0..50).collect();
        source.shuffle(&mut items).expect("os randomness");
        let mut sorted = items.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        // 50! orders: the chance the shuffle left them all in place is nil.
        assert_ne!(items, sorted);
        assert_eq!(os_bytes(16).expect("os randomness").len(), 16);
    }
}

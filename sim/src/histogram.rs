//! `Histogram`: counts of durations in log-linear bins, mergeable exactly.
//!
//! Values below 128 ms have a bin each; above, every power of two is split into 128 equal
//! bins, so a bin is at most 1/128 (0.8%) of its values wide. Counts are integers, so
//! adding histograms in any order gives the same histogram: that is what lets sharded
//! runs merge into exactly the unsharded result. Stored sparsely (only non-empty bins),
//! and serialised compactly as the text `"bin:count bin:count …"`.

use crate::time::SimTime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

const SUB_BITS: u32 = 7;
const SUB_BINS: u64 = 1 << SUB_BITS;

/// Counts of durations; see the module documentation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Histogram {
    bins: BTreeMap<u32, u64>,
}

fn bin_of(ms: u64) -> u32 {
    if ms < SUB_BINS {
        return ms as u32;
    }
    let exponent = 63 - ms.leading_zeros(); // ≥ SUB_BITS
    let shift = exponent - SUB_BITS;
    let sub = (ms >> shift) - SUB_BINS; // 0..SUB_BINS
    (SUB_BINS as u32) * (shift + 1) + sub as u32
}

/// The lowest value of bin `bin` and the bin's width.
fn bounds_of(bin: u32) -> (u64, u64) {
    let bin = u64::from(bin);
    if bin < SUB_BINS {
        return (bin, 1);
    }
    let shift = bin / SUB_BINS - 1;
    let sub = bin % SUB_BINS;
    ((SUB_BINS + sub) << shift, 1 << shift)
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one duration.
    pub fn record(&mut self, value: SimTime) {
        *self.bins.entry(bin_of(value.as_millis())).or_insert(0) += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        for (&bin, &count) in &other.bins {
            *self.bins.entry(bin).or_insert(0) += count;
        }
    }

    /// The number of values counted.
    pub fn count(&self) -> u64 {
        self.bins.values().sum()
    }

    /// The `q` quantile (0 < q ≤ 1) by nearest rank: the middle of the bin that holds the
    /// ⌈q·n⌉-th smallest value (exact below 128 ms, within 0.4% above). `None` if empty.
    pub fn quantile(&self, q: f64) -> Option<SimTime> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        let rank = ((q * n as f64).ceil() as u64).clamp(1, n);
        let mut seen = 0;
        for (&bin, &count) in &self.bins {
            seen += count;
            if seen >= rank {
                let (low, width) = bounds_of(bin);
                return Some(SimTime::from_millis(low + (width - 1) / 2));
            }
        }
        None
    }
}

impl TryFrom<String> for Histogram {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        let mut h = Histogram::new();
        for pair in text.split_whitespace() {
            let parsed = pair.split_once(':').and_then(|(bin, count)| {
                Some((bin.parse::<u32>().ok()?, count.parse::<u64>().ok()?))
            });
            let (bin, count) = parsed.ok_or_else(|| format!("`{pair}` is not bin:count"))?;
            *h.bins.entry(bin).or_insert(0) += count;
        }
        Ok(h)
    }
}

impl From<Histogram> for String {
    fn from(h: Histogram) -> Self {
        let pairs: Vec<String> = h
            .bins
            .iter()
            .map(|(bin, count)| format!("{bin}:{count}"))
            .collect();
        pairs.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_are_contiguous_and_narrow() {
        let mut previous = 0;
        for ms in (0..5_000).chain([u64::MAX / 3, u64::MAX - 1, u64::MAX]) {
            let bin = bin_of(ms);
            let (low, width) = bounds_of(bin);
            assert!(
                low <= ms && ms - low < width,
                "{ms} in bin {bin} = {low}+{width}"
            );
            assert!(ms < SUB_BINS || width * SUB_BINS <= low);
            if ms < 5_000 {
                assert!(bin == previous || bin == previous + 1);
                previous = bin;
            }
        }
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let mut h = Histogram::new();
        for ms in 1..=100 {
            h.record(SimTime::from_millis(ms));
        }
        assert_eq!(h.quantile(0.95), Some(SimTime::from_millis(95)));
        assert_eq!(h.quantile(1.0), Some(SimTime::from_millis(100)));
        assert_eq!(Histogram::new().quantile(0.5), None);
        let mut big = Histogram::new();
        big.record(SimTime::from_hours(5));
        let p = big.quantile(0.95).unwrap().as_hours_f64();
        assert!((p - 5.0).abs() / 5.0 < 0.008);
    }

    #[test]
    fn merge_is_order_free_and_serde_round_trips() {
        let (mut a, mut b) = (Histogram::new(), Histogram::new());
        a.record(SimTime::from_secs(3));
        b.record(SimTime::from_secs(3));
        b.record(SimTime::from_millis(7));
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab.count(), 3);
        let json = serde_json::to_string(&ab).unwrap();
        assert_eq!(json, r#""7:1 699:2""#);
        assert_eq!(serde_json::from_str::<Histogram>(&json).unwrap(), ab);
        assert!(serde_json::from_str::<Histogram>(r#""7-1""#).is_err());
    }
}

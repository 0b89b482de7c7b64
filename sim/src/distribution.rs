//! Lifetime and repair-time distributions, each given by its mean.
//!
//! Failure models state a mean (mtbf, mttr) and a shape; the parameters that give that
//! mean are worked out once, so a model only samples:
//! - exponential: memoryless;
//! - Weibull with shape k: scale = mean / Γ(1 + 1/k) (k < 1 infant mortality, k > 1 wear);
//! - lognormal with σ: μ = ln(mean) − σ²/2 (long-tailed repairs);
//! - fixed: always the mean.
//!
//! Samples are [`SimTime`]s, rounded to the nearest millisecond.

use crate::math::gamma;
use crate::time::SimTime;
use rand::Rng;
use rand_distr::{Distribution as _, Exp1, StandardNormal};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A parameter a distribution cannot take.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DistributionError {
    /// The mean must be a positive time.
    #[error("the mean of a distribution must be greater than zero")]
    ZeroMean,
    /// The Weibull shape must be positive and finite.
    #[error("weibull shape must be a positive finite number, not {0}")]
    Shape(f64),
    /// The lognormal σ must be non-negative and finite.
    #[error("lognormal sigma must be a finite number of at least zero, not {0}")]
    Sigma(f64),
}

/// The family and shape of a distribution, without its mean (as a scenario states it).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Shape {
    /// Exponential.
    Exponential,
    /// Weibull with this shape parameter k.
    Weibull {
        /// k: below 1 failures come early, above 1 they come with wear.
        shape: f64,
    },
    /// Lognormal with this σ (standard deviation of the logarithm).
    Lognormal {
        /// σ of ln(X).
        sigma: f64,
    },
    /// Always the mean.
    Fixed,
}

/// A distribution of durations with a given mean; see the module documentation.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Distribution {
    mean: SimTime,
    shape: Shape,
    sampler: Sampler,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Sampler {
    /// mean · E, E ~ Exp(1).
    Exponential {
        mean: f64,
    },
    /// scale · E^(1/k).
    Weibull {
        scale: f64,
        inverse_shape: f64,
    },
    /// exp(μ + σ Z), Z ~ N(0, 1).
    Lognormal {
        mu: f64,
        sigma: f64,
    },
    Fixed,
}

impl Distribution {
    /// The distribution of family `shape` whose mean is `mean`.
    pub fn new(shape: Shape, mean: SimTime) -> Result<Self, DistributionError> {
        if mean == SimTime::ZERO {
            return Err(DistributionError::ZeroMean);
        }
        let m = mean.as_millis() as f64;
        let sampler = match shape {
            Shape::Exponential => Sampler::Exponential { mean: m },
            Shape::Weibull { shape: k } => {
                if !(k.is_finite() && k > 0.0) {
                    return Err(DistributionError::Shape(k));
                }
                let scale = m / gamma(1.0 + 1.0 / k);
                if !scale.is_finite() {
                    return Err(DistributionError::Shape(k));
                }
                Sampler::Weibull {
                    scale,
                    inverse_shape: 1.0 / k,
                }
            }
            Shape::Lognormal { sigma } => {
                if !(sigma.is_finite() && sigma >= 0.0) {
                    return Err(DistributionError::Sigma(sigma));
                }
                Sampler::Lognormal {
                    mu: m.ln() - sigma * sigma / 2.0,
                    sigma,
                }
            }
            Shape::Fixed => Sampler::Fixed,
        };
        Ok(Distribution {
            mean,
            shape,
            sampler,
        })
    }

    /// Exponential with mean `mean`.
    pub fn exponential(mean: SimTime) -> Result<Self, DistributionError> {
        Self::new(Shape::Exponential, mean)
    }

    /// Weibull with shape `shape` and mean `mean`.
    pub fn weibull(mean: SimTime, shape: f64) -> Result<Self, DistributionError> {
        Self::new(Shape::Weibull { shape }, mean)
    }

    /// Lognormal with σ `sigma` and mean `mean`.
    pub fn lognormal(mean: SimTime, sigma: f64) -> Result<Self, DistributionError> {
        Self::new(Shape::Lognormal { sigma }, mean)
    }

    /// Always `value` (which must be positive).
    pub fn fixed(value: SimTime) -> Result<Self, DistributionError> {
        Self::new(Shape::Fixed, value)
    }

    /// The mean.
    pub fn mean(&self) -> SimTime {
        self.mean
    }

    /// The family and shape.
    pub fn shape(&self) -> Shape {
        self.shape
    }

    /// One sample, rounded to the nearest millisecond.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimTime {
        let ms = match self.sampler {
            Sampler::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                mean * e
            }
            Sampler::Weibull {
                scale,
                inverse_shape,
            } => {
                let e: f64 = Exp1.sample(rng);
                scale * e.powf(inverse_shape)
            }
            Sampler::Lognormal { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
            Sampler::Fixed => return self.mean,
        };
        // Samples are never negative: adding one half and truncating rounds them, faster
        // than `f64::round` (a library call on baseline x86-64); `as` saturates.
        SimTime::from_millis((ms + 0.5) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::stream;

    fn sample_mean(d: &Distribution, n: u32) -> f64 {
        let mut rng = stream(1, 0);
        let total: f64 = (0..n).map(|_| d.sample(&mut rng).as_hours_f64()).sum();
        total / f64::from(n)
    }

    #[test]
    fn every_family_has_the_requested_mean() {
        let mean = SimTime::from_hours(10);
        let cases = [
            Distribution::exponential(mean),
            Distribution::weibull(mean, 0.7),
            Distribution::weibull(mean, 3.0),
            Distribution::lognormal(mean, 1.0),
            Distribution::fixed(mean),
        ];
        for d in cases {
            let d = d.unwrap();
            let m = sample_mean(&d, 200_000);
            assert!((m - 10.0).abs() < 0.15, "{:?}: sample mean {m}", d.shape());
        }
    }

    #[test]
    fn bad_parameters_are_errors() {
        let h = SimTime::from_hours(1);
        assert_eq!(
            Distribution::exponential(SimTime::ZERO),
            Err(DistributionError::ZeroMean)
        );
        assert!(Distribution::weibull(h, 0.0).is_err());
        assert!(Distribution::weibull(h, f64::NAN).is_err());
        assert!(Distribution::lognormal(h, -1.0).is_err());
        assert!(Distribution::lognormal(h, f64::INFINITY).is_err());
    }

    #[test]
    fn fixed_is_fixed() {
        let d = Distribution::fixed(SimTime::from_secs(120)).unwrap();
        let mut rng = stream(0, 0);
        assert_eq!(d.sample(&mut rng), SimTime::from_secs(120));
    }
}

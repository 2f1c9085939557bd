//! The simulator's random numbers: one fixed generator (PCG-64 MCG, `rand_pcg::Pcg64Mcg`) and
//! hand-written variate transforms over `libm`, so the same seed gives the same bits on every
//! platform and every version of the dependencies' higher-level distribution code.

use rand_core::RngCore;
use rand_pcg::Pcg64Mcg;

/// 2⁻⁵³: the spacing of the doubles produced by [`Rng::uniform`].
const TWO_POW_MINUS_53: f64 = 1.0 / 9_007_199_254_740_992.0;

/// SplitMix64's finaliser: a bijective mix of 64 bits, used to derive independent seeds.
pub(crate) fn splitmix64(mut value: u64) -> u64 {
    value = value.wrapping_add(0x9e37_79b9_7f4a_7c15);
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// The seed of replication `replication` of a run seeded with `seed`: SplitMix64 of the pair, so
/// replications are independent streams and any subset of them (a shard) can be run alone.
pub fn replication_seed(seed: u64, replication: u64) -> u64 {
    splitmix64(splitmix64(seed) ^ replication.wrapping_mul(0xd1b5_4a32_d192_ed03))
}

/// A seeded random stream. PCG-64 MCG (128-bit multiplicative congruential state, XSL-RR
/// output); the 128-bit state is built from the seed by two SplitMix64 steps.
#[derive(Clone, Debug)]
pub struct Rng {
    inner: Pcg64Mcg,
}

impl Rng {
    /// A stream for `seed`.
    pub fn new(seed: u64) -> Self {
        let high = splitmix64(seed);
        let low = splitmix64(high ^ seed);
        Self { inner: Pcg64Mcg::new((u128::from(high) << 64) | u128::from(low) | 1) }
    }

    /// 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }

    /// A uniform double in (0, 1]: the top 53 bits plus one, times 2⁻⁵³. Never zero, so its
    /// logarithm is finite.
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 * TWO_POW_MINUS_53
    }

    /// An exponential variate with the given mean (inversion: −mean · ln U).
    pub fn exponential(&mut self, mean: f64) -> f64 {
        -mean * libm::log(self.uniform())
    }

    /// A standard normal variate (Box–Muller, cosine branch only, so one variate per two
    /// uniforms and no hidden state).
    pub fn normal(&mut self) -> f64 {
        let radius = libm::sqrt(-2.0 * libm::log(self.uniform()));
        radius * libm::cos(std::f64::consts::TAU * self.uniform())
    }

    /// A draw from `distribution`.
    pub fn sample(&mut self, distribution: Distribution) -> f64 {
        match distribution {
            Distribution::Constant(value) => value,
            Distribution::Exponential { mean } => self.exponential(mean),
            Distribution::LogNormal { mu, sigma } => libm::exp(mu + sigma * self.normal()),
            Distribution::Weibull { scale, shape } => {
                scale * libm::pow(-libm::log(self.uniform()), 1.0 / shape)
            }
        }
    }
}

/// A non-negative continuous distribution, for service, failure and repair times.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Distribution {
    /// Always this value.
    Constant(f64),
    /// Exponential with this mean.
    Exponential {
        /// The mean.
        mean: f64,
    },
    /// e^(mu + sigma·Z) for a standard normal Z.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
    },
    /// Weibull: scale · (−ln U)^(1/shape).
    Weibull {
        /// Scale (characteristic life).
        scale: f64,
        /// Shape; 1 is exponential, above 1 wear-out.
        shape: f64,
    },
}

impl Distribution {
    /// A log-normal distribution with this mean and log-standard-deviation `sigma`.
    pub fn lognormal_with_mean(mean: f64, sigma: f64) -> Self {
        Self::LogNormal { mu: libm::log(mean) - sigma * sigma / 2.0, sigma }
    }

    /// A Weibull distribution with this mean and shape.
    pub fn weibull_with_mean(mean: f64, shape: f64) -> Self {
        Self::Weibull { scale: mean / libm::tgamma(1.0 + 1.0 / shape), shape }
    }

    /// The mean.
    pub fn mean(self) -> f64 {
        match self {
            Self::Constant(value) => value,
            Self::Exponential { mean } => mean,
            Self::LogNormal { mu, sigma } => libm::exp(mu + sigma * sigma / 2.0),
            Self::Weibull { scale, shape } => scale * libm::tgamma(1.0 + 1.0 / shape),
        }
    }

    /// The same distribution scaled by `factor` (the mean times `factor`).
    pub fn scaled(self, factor: f64) -> Self {
        match self {
            Self::Constant(value) => Self::Constant(value * factor),
            Self::Exponential { mean } => Self::Exponential { mean: mean * factor },
            Self::LogNormal { mu, sigma } => Self::LogNormal { mu: mu + libm::log(factor), sigma },
            Self::Weibull { scale, shape } => Self::Weibull { scale: scale * factor, shape },
        }
    }
}

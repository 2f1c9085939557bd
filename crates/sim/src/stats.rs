//! Summaries of replicated measurements: mean, standard error, a normal-approximation 95%
//! confidence interval and percentiles, computed in a fixed order so they are reproducible.

/// Mean and spread of one measurement over independent replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    /// Number of replications.
    pub n: usize,
    /// Sample mean.
    pub mean: f64,
    /// Standard error of the mean (sample standard deviation over √n); 0 for one replication.
    pub standard_error: f64,
    /// Lower end of the 95% confidence interval of the mean (mean − 1.96 standard errors).
    pub ci_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: f64,
}

/// Summarises `values` (one per replication, in replication order); linear in their number.
pub fn summarize(values: &[f64]) -> Summary {
    let n = values.len();
    let mean = if n == 0 { 0.0 } else { values.iter().sum::<f64>() / n as f64 };
    let standard_error = if n < 2 {
        0.0
    } else {
        let squares: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
        libm::sqrt(squares / (n - 1) as f64 / n as f64)
    };
    Summary {
        n,
        mean,
        standard_error,
        ci_low: mean - 1.96 * standard_error,
        ci_high: mean + 1.96 * standard_error,
    }
}

/// The `q`-quantile (0 ≤ q ≤ 1) of `sorted` by the nearest-rank method: the smallest value with
/// at least q·n values at or below it; 0 for an empty slice.
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

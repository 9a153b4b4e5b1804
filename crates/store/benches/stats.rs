//! The benches' one percentile (nearest rank), shared by every bench file.

use std::time::Duration;

/// The `p`-th percentile of `sorted` samples, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index].as_secs_f64() * 1000.0
}

//! Summary statistics of repeated timings.

use serde::Serialize;

/// Median and spread of a set of repeated timings, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Number of timed runs (after the warm-up).
    pub samples: usize,
    /// Median.
    pub median_s: f64,
    /// Fastest run.
    pub min_s: f64,
    /// Slowest run.
    pub max_s: f64,
    /// `(max - min) / median`: the relative spread of the runs.
    pub spread: f64,
}

impl Summary {
    /// Summarises `times` (seconds); `None` if empty.
    pub fn of(times: &[f64]) -> Option<Summary> {
        if times.is_empty() {
            return None;
        }
        let mut t = times.to_vec();
        t.sort_by(f64::total_cmp);
        let n = t.len();
        let median = if n % 2 == 1 {
            t[n / 2]
        } else {
            0.5 * (t[n / 2 - 1] + t[n / 2])
        };
        let (min, max) = (t[0], t[n - 1]);
        Some(Summary {
            samples: n,
            median_s: median,
            min_s: min,
            max_s: max,
            spread: if median > 0.0 {
                (max - min) / median
            } else {
                0.0
            },
        })
    }
}

/// Formats seconds with a unit that keeps 3–4 significant digits (`"12.3 ms"`).
pub fn format_seconds(s: f64) -> String {
    if !s.is_finite() {
        return "-".into();
    }
    let (v, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    if v >= 100.0 {
        format!("{v:.0} {unit}")
    } else if v >= 10.0 {
        format!("{v:.1} {unit}")
    } else {
        format!("{v:.2} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_spread() {
        let s = Summary::of(&[3.0, 1.0, 2.0]).unwrap();
        assert_eq!(
            (s.median_s, s.min_s, s.max_s, s.samples),
            (2.0, 1.0, 3.0, 3)
        );
        assert!((s.spread - 1.0).abs() < 1e-12);
        let s = Summary::of(&[4.0, 1.0, 2.0, 3.0]).unwrap();
        assert_eq!(s.median_s, 2.5);
        assert!(Summary::of(&[]).is_none());
    }

    #[test]
    fn seconds_format() {
        assert_eq!(format_seconds(1.5), "1.50 s");
        assert_eq!(format_seconds(0.0123), "12.3 ms");
        assert_eq!(format_seconds(2.5e-5), "25.0 µs");
        assert_eq!(format_seconds(f64::NAN), "-");
    }
}

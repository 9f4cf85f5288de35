//! # ferroq-bench
//!
//! How ferroq proves its speed: the same deterministic circuits on every backend,
//! timed side by side and set against the machine's own memory bandwidth.
//!
//! - [`families`] — the canonical benchmark circuits (GHZ, QFT, random layered,
//!   single-gate passes, a parameter-sweep batch), shared with
//!   `python/benchmarks/peers.py`, which runs them through ferroq's Python API and
//!   through the peer simulators;
//! - [`runner`] — what is timed and how (warm-up, median and spread, unfused-bandwidth
//!   accounting);
//! - [`machine`] — the report header (CPU model, cores, GPU adapters) and a STREAM-like
//!   host copy bandwidth; [`gpu`] (feature `wgpu`) the device copy bandwidth;
//! - [`report`] and [`plot`] — table, JSON, CSV and SVG output.
//!
//! The `ferroq-bench` binary drives all of it (`cargo run --release -p ferroq-bench --
//! --quick`); the criterion benches in `benches/benches/` time the kernels and families
//! at small sizes (`cargo bench -p ferroq-bench`).

pub mod families;
#[cfg(feature = "wgpu")]
pub mod gpu;
pub mod machine;
pub mod plot;
pub mod report;
pub mod runner;
pub mod stats;

/// Parses a qubit list: comma-separated counts or inclusive ranges `A-B` (also `A..B`
/// or `A..=B`), each range optionally with a step `A-B:S`; e.g. `"20,22,24"`,
/// `"16-24:2"`. The result is sorted and free of duplicates.
pub fn parse_qubits(spec: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || format!("bad qubit spec `{part}`: expected N, A-B or A-B:STEP");
        let (range, step) = match part.split_once(':') {
            Some((r, s)) => (r, s.trim().parse::<u32>().map_err(|_| bad())?),
            None => (part, 1),
        };
        if step == 0 {
            return Err(bad());
        }
        let bounds = range
            .split_once("..=")
            .or_else(|| range.split_once(".."))
            .or_else(|| range.split_once('-'));
        let (lo, hi) = match bounds {
            Some((a, b)) => (
                a.trim().parse::<u32>().map_err(|_| bad())?,
                b.trim().parse::<u32>().map_err(|_| bad())?,
            ),
            None => {
                let n = range.trim().parse::<u32>().map_err(|_| bad())?;
                (n, n)
            }
        };
        if lo > hi || hi > 64 {
            return Err(bad());
        }
        out.extend((lo..=hi).step_by(step as usize));
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err("no qubit counts given".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qubit_specs() {
        assert_eq!(parse_qubits("20,22,24").unwrap(), vec![20, 22, 24]);
        assert_eq!(parse_qubits("16-24:4").unwrap(), vec![16, 20, 24]);
        assert_eq!(parse_qubits("3..=5, 4").unwrap(), vec![3, 4, 5]);
        assert_eq!(parse_qubits("3..5").unwrap(), vec![3, 4, 5]);
        assert!(parse_qubits("5-3").is_err());
        assert!(parse_qubits("x").is_err());
        assert!(parse_qubits("1-4:0").is_err());
        assert!(parse_qubits("").is_err());
    }
}

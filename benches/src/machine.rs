//! The machine under test: CPU model, cores, memory, GPU adapters, and its measured
//! memory bandwidth (a STREAM-like copy).

use serde::Serialize;
use std::time::Instant;

/// What the report's header says about the machine.
#[derive(Debug, Clone, Serialize)]
pub struct MachineInfo {
    /// CPU model (`model name` in /proc/cpuinfo, or the architecture).
    pub cpu_model: String,
    /// Logical cores available to this process.
    pub cores: usize,
    /// The CPU's vector extensions that matter to the kernels (x86-64: AVX2, FMA,
    /// AVX-512 F/BW/VL/FP16), as detected at run time.
    pub vector_extensions: Vec<String>,
    /// Total memory in bytes, when known.
    pub memory_bytes: Option<u64>,
    /// Operating system and architecture.
    pub os: String,
    /// 1-minute load average when the run started (a loaded machine gives slower,
    /// noisier numbers).
    pub load_average: Option<f64>,
    /// The backends compiled in, with their devices (GPU adapters included).
    pub backends: Vec<String>,
    /// ferroq version.
    pub ferroq_version: String,
}

impl MachineInfo {
    /// Reads what the platform tells.
    pub fn detect() -> Self {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name") || l.starts_with("Model"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| std::env::consts::ARCH.to_string());
        let memory_bytes = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| {
                let line = t.lines().find(|l| l.starts_with("MemTotal:"))?.to_string();
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .map(|kib| kib * 1024);
        let load_average = std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|t| t.split_whitespace().next()?.parse().ok());
        let backends = ferroq::available_backends()
            .into_iter()
            .map(|b| match (&b.reason, b.available) {
                (Some(r), false) => format!("{}: unavailable ({r})", b.name),
                _ => format!(
                    "{}: {} [{}]",
                    b.name,
                    b.device,
                    b.precisions
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect();
        MachineInfo {
            cpu_model,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            vector_extensions: vector_extensions(),
            memory_bytes,
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            load_average,
            backends,
            ferroq_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// The vector extensions the CPU kernels can use, detected at run time.
fn vector_extensions() -> Vec<String> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut found = Vec::new();
        macro_rules! probe {
            ($($f:tt),*) => {
                $(if std::is_x86_feature_detected!($f) {
                    found.push($f.to_string());
                })*
            };
        }
        probe!(
            "avx2",
            "fma",
            "avx512f",
            "avx512bw",
            "avx512vl",
            "avx512dq",
            "avx512fp16"
        );
        found
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Vec::new()
    }
}

/// A measured bandwidth.
#[derive(Debug, Clone, Serialize)]
pub struct Bandwidth {
    /// What was measured (`"host copy"`, `"device copy"`).
    pub what: String,
    /// Where (`"8 threads"`, the GPU adapter).
    pub device: String,
    /// Bytes of each of the two buffers.
    pub buffer_bytes: u64,
    /// Best of the repeats, in bytes per second, counting the read and the write
    /// (2 × buffer bytes per copy, as STREAM's Copy counts).
    pub bytes_per_s: f64,
}

impl Bandwidth {
    /// Gigabytes (10^9 bytes) per second.
    pub fn gb_per_s(&self) -> f64 {
        self.bytes_per_s / 1e9
    }
}

/// STREAM-like host copy bandwidth: `threads` threads each copy their own slice of a
/// `buffer_bytes` source into a destination of the same size (pages first touched by
/// the thread that later copies them); the best of `repeats` copies, counted as
/// 2 × `buffer_bytes` moved (read + write; write-allocate traffic is not counted, as in
/// STREAM).
pub fn host_copy_bandwidth(buffer_bytes: usize, threads: usize, repeats: usize) -> Bandwidth {
    let threads = threads.max(1);
    let words = (buffer_bytes / 8).max(threads);
    let chunk = words.div_ceil(threads);
    // `vec![0; n]` maps zero pages lazily, so the parallel fill below is the first
    // touch: each thread's pages sit near it (NUMA) and no page fault is timed.
    let mut src = vec![0u64; words];
    let mut dst = vec![0u64; words];
    std::thread::scope(|s| {
        for (i, (a, b)) in src.chunks_mut(chunk).zip(dst.chunks_mut(chunk)).enumerate() {
            s.spawn(move || {
                for (j, (x, y)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
                    *x = (i * chunk + j) as u64;
                    *y = 1;
                }
            });
        }
    });
    let mut best = f64::INFINITY;
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        std::thread::scope(|s| {
            for (a, b) in src.chunks(chunk).zip(dst.chunks_mut(chunk)) {
                s.spawn(move || b.copy_from_slice(a));
            }
        });
        best = best.min(t.elapsed().as_secs_f64());
    }
    std::hint::black_box(&dst);
    let bytes = (words * 8) as u64;
    Bandwidth {
        what: "host copy".into(),
        device: format!("{threads} threads"),
        buffer_bytes: bytes,
        bytes_per_s: 2.0 * bytes as f64 / best,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_something() {
        let m = MachineInfo::detect();
        assert!(m.cores >= 1);
        assert!(!m.cpu_model.is_empty());
        assert!(m.backends.iter().any(|b| b.starts_with("cpu")));
    }

    #[test]
    fn copy_bandwidth_is_positive() {
        let b = host_copy_bandwidth(1 << 20, 2, 2);
        assert!(b.bytes_per_s > 0.0 && b.bytes_per_s.is_finite());
        assert_eq!(b.buffer_bytes, 1 << 20);
    }
}

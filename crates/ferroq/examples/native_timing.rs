//! Native side of the Python founding benchmark (`python/benchmarks/founding.py`):
//! builds the same circuit the Python script builds, times `Simulator::run` on it, and
//! prints one JSON object. The Python script runs this and the binding side by side.
//!
//! Run: `cargo run --release -p ferroq --example native_timing -- --circuit ghz
//! --qubits 20 [--layers 10] [--seed 1] [--reps 10] [--threads N] [--precision double]
//! [--tiny-calls 20000]`
//!
//! Circuits: `ghz` (H then a CX chain), `qft` (textbook QFT with the final swaps) and
//! `random` (`layers` of rx/ry/rz with SplitMix64 angles, then CZ on alternating
//! neighbour pairs; the Python script draws the same numbers). `--tiny-calls K` also
//! times K runs of a one-qubit H circuit: the per-call floor.

use ferroq::{
    BackendConfig, BackendKind, Circuit, ParamBinding, Precision, Simulator, SimulatorOptions,
};
use std::f64::consts::PI;
use std::time::Instant;

/// SplitMix64, spelled the same way in the Python script.
struct SplitMix(u64);

impl SplitMix {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn build(kind: &str, n: u32, layers: u32, seed: u64) -> Circuit {
    let mut c = Circuit::new(n);
    match kind {
        "ghz" => {
            c.h(0);
            for q in 1..n {
                c.cx(q - 1, q);
            }
        }
        "qft" => {
            for t in (0..n).rev() {
                c.h(t);
                for k in (0..t).rev() {
                    c.cp(PI / (1u64 << (t - k)) as f64, k, t);
                }
            }
            for q in 0..n / 2 {
                c.swap(q, n - 1 - q);
            }
        }
        "random" => {
            let mut rng = SplitMix(seed);
            for layer in 0..layers {
                for q in 0..n {
                    let which = rng.next_u64() % 3;
                    let angle = rng.next_f64() * 2.0 * PI;
                    match which {
                        0 => c.rx(angle, q),
                        1 => c.ry(angle, q),
                        _ => c.rz(angle, q),
                    };
                }
                for q in ((layer % 2)..n.saturating_sub(1)).step_by(2) {
                    c.cz(q, q + 1);
                }
            }
        }
        other => panic!("unknown circuit `{other}` (ghz, qft, random)"),
    }
    c
}

/// User + system CPU seconds of this process (all threads), from /proc (Linux).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit(')').next()?;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0) // USER_HZ is 100 on Linux
}

fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::args()
        .skip_while(|a| a != name)
        .nth(1)
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("bad value `{v}` for {name}"))
        })
        .unwrap_or(default)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() -> ferroq::Result<()> {
    let kind: String = arg("--circuit", "ghz".to_string());
    let n: u32 = arg("--qubits", 20);
    let layers: u32 = arg("--layers", 10);
    let seed: u64 = arg("--seed", 1);
    let reps: usize = arg("--reps", 10);
    let threads: usize = arg("--threads", 0);
    let precision: Precision = arg("--precision", Precision::Double);
    let tiny_calls: usize = arg("--tiny-calls", 0);

    let sim = Simulator::with_options(SimulatorOptions {
        backend: BackendConfig::of_kind(BackendKind::Cpu)
            .with_precision(precision)
            .with_threads((threads > 0).then_some(threads)),
        ..Default::default()
    })?;
    let circuit = build(&kind, n, layers, seed);
    let binding = ParamBinding::new();
    sim.run(&circuit, &binding)?; // warm-up: page faults, thread pool start
    let cpu0 = cpu_seconds();
    let wall0 = Instant::now();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        // Dropped inside the timed region, as the Python side drops its result.
        drop(sim.run(&circuit, &binding)?);
        times.push(t.elapsed().as_secs_f64());
    }
    let wall = wall0.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu0).map(|(b, a)| b - a);

    let tiny = if tiny_calls > 0 {
        let mut c = Circuit::new(1);
        c.h(0);
        for _ in 0..tiny_calls / 10 + 1 {
            sim.run(&c, &binding)?;
        }
        let t = Instant::now();
        for _ in 0..tiny_calls {
            sim.run(&c, &binding)?;
        }
        Some(t.elapsed().as_secs_f64() / tiny_calls as f64)
    } else {
        None
    };

    let json_opt = |v: Option<f64>| v.map_or("null".to_string(), |x| format!("{x:.9}"));
    let list: Vec<String> = times.iter().map(|t| format!("{t:.9}")).collect();
    println!(
        "{{\"circuit\": \"{kind}\", \"qubits\": {n}, \"gates\": {}, \"threads\": {}, \
         \"median_s\": {:.9}, \"times_s\": [{}], \"wall_s\": {wall:.9}, \"cpu_s\": {}, \
         \"tiny_call_s\": {}}}",
        circuit.len(),
        match sim.backend() {
            ferroq::AnyBackend::Cpu(b) => b.threads(),
            #[allow(unreachable_patterns)]
            _ => 0,
        },
        median(times),
        list.join(", "),
        json_opt(cpu),
        json_opt(tiny),
    );
    Ok(())
}

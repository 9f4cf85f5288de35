//! The README's Rust quick start: 20-qubit GHZ, QFT and random circuits on the CPU
//! backend, each checked against an analytic result, with timings.
//!
//! Run: `cargo run --release -p ferroq --example quickstart [-- --threads N] [--fusion K]`
//! (`--fusion 0` turns gate fusion off; K is the largest fused block in qubits).

use ferroq::library::{ghz, qft, random_layers};
use ferroq::{
    BackendConfig, BackendKind, Circuit, Observable, ParamBinding, Simulator, SimulatorOptions,
};
use std::time::Instant;

fn main() -> ferroq::Result<()> {
    let threads = std::env::args()
        .skip_while(|a| a != "--threads")
        .nth(1)
        .map(|t| t.parse().expect("--threads takes a number"));
    let fusion: Option<u32> = std::env::args()
        .skip_while(|a| a != "--fusion")
        .nth(1)
        .map(|t| t.parse().expect("--fusion takes a block size (0 = off)"));
    let sim = Simulator::with_options(SimulatorOptions {
        backend: BackendConfig::of_kind(BackendKind::Cpu).with_threads(threads),
        compile: fusion.map(|k| ferroq::CompileOptions {
            fusion: k > 0,
            max_fused_qubits: k.max(1),
            ..Default::default()
        }),
        ..Default::default()
    })?;
    let n = 20;
    let none = ParamBinding::new();

    let t = Instant::now();
    let p = sim.run(&ghz(n), &none)?.probabilities()?;
    let dt = t.elapsed();
    assert!((p[0] - 0.5).abs() < 1e-12 && (p[(1 << n) - 1] - 0.5).abs() < 1e-12);
    println!(
        "GHZ-{n}:    {:>8.2} ms  P(0…0) = P(1…1) = {:.6}",
        dt.as_secs_f64() * 1e3,
        p[0]
    );

    // QFT of |x>: every amplitude has modulus 2^{-n/2}.
    let mut c = Circuit::new(n);
    c.x(0).x(3).x(7);
    c.compose(&qft(n), None)?;
    let t = Instant::now();
    let p = sim.run(&c, &none)?.probabilities()?;
    let dt = t.elapsed();
    let flat = 1.0 / (1u64 << n) as f64;
    let worst = p.iter().map(|x| (x - flat).abs()).fold(0.0, f64::max);
    assert!(worst < 1e-12, "QFT output is not uniform: {worst}");
    println!(
        "QFT-{n}:    {:>8.2} ms  max |p - 2^-n| = {worst:.1e}",
        dt.as_secs_f64() * 1e3
    );

    // Random circuit followed by its inverse returns to |0…0>.
    let r = random_layers(n, 10, 42);
    let t = Instant::now();
    let result = sim.run(&r, &none)?;
    let dt = t.elapsed();
    let z0: Observable = "Z0".parse()?;
    let ez = result.expectations(std::slice::from_ref(&z0))?[0];
    let mut round_trip = r.clone();
    round_trip.compose(&r.inverse()?, None)?;
    let p0 = sim.run(&round_trip, &none)?.probabilities()?[0];
    assert!((p0 - 1.0).abs() < 1e-10, "U†U|0> != |0>: {p0}");
    println!(
        "random-{n}: {:>8.2} ms  ({} gates, 10 layers)  <Z0> = {ez:+.6}; U†U|0> check: P(0) = {p0:.12}",
        dt.as_secs_f64() * 1e3,
        r.len()
    );
    Ok(())
}

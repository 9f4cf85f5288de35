//! Diagnoses where GPU run time goes and checks the work was done at scale: allocation,
//! a GHZ circuit's first run and a rerun on the same state (each checked through the
//! marginal of the first, middle and last qubit: 0.5 on 000 and on 111), and the
//! per-gate time of a 20-gate program. `cargo run --release -p ferroq-wgpu --example
//! gpu_probe -- 26`

use ferroq_core::{compile, Backend, Circuit, CompileOptions, Machine, Precision, Readout};
use ferroq_wgpu::{WgpuBackend, WgpuOptions, WgpuState};
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn check_ghz(
    b: &WgpuBackend,
    s: &Machine<WgpuState>,
    n: u32,
) -> Result<String, Box<dyn std::error::Error>> {
    let p = b
        .read(s, &Readout::Marginal(vec![0, n / 2, n - 1]))?
        .into_probabilities()?;
    let ok = (p[0] - 0.5).abs() < 1e-4 && (p[7] - 0.5).abs() < 1e-4;
    Ok(format!(
        "P(000)={:.5} P(111)={:.5} {}",
        p[0],
        p[7],
        if ok { "ok" } else { "WRONG" }
    ))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = std::env::args().nth(1).map_or(Ok(26), |s| s.parse())?;
    let b = WgpuBackend::new(WgpuOptions::with_precision(Precision::Single))?;
    println!(
        "n={n}: {}, page qubits {}",
        b.adapter_info().name,
        b.page_qubits()
    );
    let opts = CompileOptions::unfused();
    let mut ghz = Circuit::new(n);
    ghz.h(0);
    for q in 1..n {
        ghz.cx(q - 1, q);
    }
    let ghz = compile(&ghz, &opts)?.bind(&[])?;
    let mut many = Circuit::new(n);
    for i in 0..20 {
        many.h(i % n);
    }
    let many = compile(&many, &opts)?.bind(&[])?;
    let pass_bytes = 2.0 * (8u64 << n) as f64;
    let t = Instant::now();
    let mut s = b.alloc(n, 0)?;
    println!("alloc: {:.2} ms", ms(t));
    for label in [
        "GHZ first run",
        "GHZ rerun (after reset)",
        "GHZ rerun (after reset)",
    ] {
        let t = Instant::now();
        b.run(&mut s, &ghz)?;
        let dt = ms(t);
        println!(
            "{label}: {dt:.2} ms ({} gates, {:.2} ms per gate, {:.0} GB/s if each gate were a full pass); {}",
            n,
            dt / n as f64,
            pass_bytes * n as f64 / dt / 1e6,
            check_ghz(&b, &s, n)?
        );
        s.reset(0)?;
    }
    for _ in 0..2 {
        let t = Instant::now();
        b.run(&mut s, &many)?;
        let dt = ms(t) / 20.0;
        println!(
            "20 H gates: {dt:.3} ms per gate = {:.0} GB/s",
            pass_bytes / dt / 1e6
        );
    }
    // As the benchmark does it: a fresh state per run, fused as the backend prefers.
    let fused = b.compile_options();
    let mut c = Circuit::new(n);
    c.h(0);
    for q in 1..n {
        c.cx(q - 1, q);
    }
    let ghz_fused = compile(&c, &fused)?.bind(&[])?;
    println!("fused GHZ: {} ops", ghz_fused.ops().len());
    drop(s);
    for _ in 0..3 {
        let t = Instant::now();
        let mut s = b.alloc(n, 0)?;
        let ta = ms(t);
        let t = Instant::now();
        b.run(&mut s, &ghz_fused)?;
        println!(
            "fresh state: alloc {ta:.2} ms, fused GHZ {:.2} ms; {}",
            ms(t),
            check_ghz(&b, &s, n)?
        );
    }
    // A random layered circuit followed by its inverse must return to |0...0>.
    let mut u = Circuit::new(n);
    let mut x = 12345u64;
    for layer in 0..6u32 {
        for q in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let a = (x >> 40) as f64 / (1u64 << 24) as f64 * 6.0;
            u.ry(a, q).rz(a * 0.7, q);
        }
        for q in (layer % 2..n - 1).step_by(2) {
            u.cx(q, q + 1);
        }
    }
    let mut uu = u.clone();
    uu.compose(&u.inverse()?, None)?;
    let uu = compile(&uu, &fused)?.bind(&[])?;
    let mut s = b.alloc(n, 0)?;
    for _ in 0..2 {
        let t = Instant::now();
        b.run(&mut s, &uu)?;
        let dt = ms(t);
        let p = b
            .read(&s, &Readout::Marginal(vec![0, n / 2, n - 1]))?
            .into_probabilities()?;
        println!(
            "random U then U^-1, fused ({} ops): {dt:.2} ms; P(000)={:.5} {}",
            uu.ops().len(),
            p[0],
            if (p[0] - 1.0).abs() < 1e-3 {
                "ok"
            } else {
                "WRONG"
            }
        );
        s.reset(0)?;
    }
    Ok(())
}

//! What one dense k-qubit pass costs on this machine, per amplitude, for k = 1..=6 and a
//! few state sizes: the data behind the CPU backend's fusion width (a wider block
//! replaces several narrower passes; it pays where its pass costs less than theirs).
//!
//! `cargo run --release -p ferroq-bench --example width_costs -- [single|double] [THREADS]`
//! (`FERROQ_KERNELS` picks the kernel family).

use ferroq::{
    compile, Backend, Circuit, CompileOptions, Complex64, CpuBackend, CpuOptions, Matrix, Precision,
};
use std::time::Instant;

/// A dense unitary on `k` qubits: the tensor product of one-qubit rotations.
fn dense_unitary(k: u32, seed: f64) -> Matrix {
    let mut m = vec![Complex64::new(1.0, 0.0)];
    for q in 0..k {
        let (t, p) = (0.3 + seed + q as f64, 0.7 * seed + 0.1 * q as f64);
        let (c, s) = ((t / 2.0).cos(), (t / 2.0).sin());
        let e = Complex64::from_polar(1.0, p);
        let u = [Complex64::new(c, 0.0), -e * s, e * s, e * e * c];
        let d = 1usize << q;
        let mut out = vec![Complex64::new(0.0, 0.0); 4 * d * d];
        for (r1, c1) in (0..2).flat_map(|r| (0..2).map(move |c| (r, c))) {
            for (r0, c0) in (0..d).flat_map(|r| (0..d).map(move |c| (r, c))) {
                out[(r1 * d + r0) * 2 * d + c1 * d + c0] = u[r1 * 2 + c1] * m[r0 * d + c0];
            }
        }
        m = out;
    }
    Matrix::new(1 << k, m).expect("square")
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let precision = match args.next().as_deref() {
        Some("single") => Precision::Single,
        _ => Precision::Double,
    };
    let threads: usize = args.next().map_or(Ok(1), |s| s.parse())?;
    let backend = CpuBackend::new(CpuOptions {
        precision,
        threads: Some(threads),
        ..CpuOptions::default()
    })?;
    println!(
        "{precision}, {threads} thread(s), {} kernels",
        backend.kernels()
    );
    for n in [16u32, 20, 22] {
        let mut line = format!("n={n:2}:");
        for k in 1..=6u32 {
            let mut c = Circuit::new(n);
            let gates = 16;
            for g in 0..gates {
                // Targets spread over low and high qubits, as random circuits place them.
                let first = (g * 5) % (n - k + 1);
                let targets: Vec<u32> = (0..k).map(|j| (first + j * 3) % n).collect();
                let mut t = targets.clone();
                t.sort_unstable();
                t.dedup();
                if t.len() < k as usize {
                    continue;
                }
                c.unitary(dense_unitary(k, g as f64 * 0.37), &targets);
            }
            let program = compile(&c, &CompileOptions::unfused())?.bind(&[])?;
            let ops = program.ops().len();
            let mut state = backend.alloc(n, 0)?;
            backend.run(&mut state, &program)?;
            let mut best = f64::INFINITY;
            for _ in 0..5 {
                let t = Instant::now();
                backend.run(&mut state, &program)?;
                best = best.min(t.elapsed().as_secs_f64());
            }
            let per_amp_ns = best / ops as f64 / (1u64 << n) as f64 * 1e9;
            line += &format!("  k={k} {per_amp_ns:.3}");
        }
        println!("{line}  (ns per amplitude per pass)");
    }
    Ok(())
}

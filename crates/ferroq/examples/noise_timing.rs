//! Native timing of noisy trajectory sampling on the CPU, the circuit of
//! `python/benchmarks/noise.py` (`layers` of `ry`, `rz` on every qubit with
//! depolarizing `p1` after each, a `cx` brickwork with two-qubit depolarizing `p2`;
//! angles from SplitMix64, not numpy's): the shared-prefix walk over trajectory groups
//! (at most 8 states) against every group simulated from `|0…0>` (at most 1 state),
//! interleaved, best of `reps`; checks that both give the same shots.
//!
//! Run: `cargo run --release -p ferroq --example noise_timing -- [--qubits 20]
//! [--layers 10] [--shots 1000] [--reps 3] [--precision single] [--threads N]`

use ferroq::noisy::{group_trajectories, sample_trajectories_with};
use ferroq::{compile, Backend, Circuit, CpuBackend, CpuOptions, Interrupt, Precision};
use std::time::Instant;

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() -> ferroq::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = arg(&args, "--qubits", "20").parse().expect("--qubits");
    let layers: u32 = arg(&args, "--layers", "10").parse().expect("--layers");
    let shots: usize = arg(&args, "--shots", "1000").parse().expect("--shots");
    let reps: usize = arg(&args, "--reps", "3").parse().expect("--reps");
    let threads: Option<usize> = arg(&args, "--threads", "0").parse().ok().filter(|&t| t > 0);
    let precision = match arg(&args, "--precision", "single").as_str() {
        "double" => Precision::Double,
        _ => Precision::Single,
    };
    let (p1, p2) = (1e-3, 1e-2);
    let mut x = 2026u64;
    let mut angle = || {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = x;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64 * std::f64::consts::TAU
    };
    let mut c = Circuit::new(n);
    for layer in 0..layers {
        for q in 0..n {
            c.ry(angle(), q).depolarizing(p1, &[q])?;
            c.rz(angle(), q).depolarizing(p1, &[q])?;
        }
        for q in (layer % 2..n - 1).step_by(2) {
            c.cx(q, q + 1).depolarizing(p2, &[q, q + 1])?;
        }
    }
    let backend = CpuBackend::new(CpuOptions {
        precision,
        threads,
        ..Default::default()
    })?;
    let plan = compile(&c, &backend.compile_options())?;
    let groups = group_trajectories(&plan, shots, 7);
    println!(
        "{n} qubits, {layers} layers, {shots} shots, {precision:?}: {} gates, {} noise slots, \
         {} ops a trajectory, {} distinct trajectories",
        plan.gate_count(),
        plan.noise_slots(),
        plan.op_count(),
        groups.len()
    );
    // Steps each way runs: alone, every group all steps; shared, the spine once and
    // every group from its first deviation on.
    let (likely, at) = (plan.likely_noise_draws(), plan.noise_slot_steps());
    let steps = plan.op_count();
    let shared_steps: usize = steps
        + groups
            .iter()
            .map(|g| {
                g.choices
                    .iter()
                    .zip(&likely)
                    .enumerate()
                    .filter(|(_, (c, l))| c != l)
                    .map(|(s, _)| steps - at[s])
                    .max()
                    .unwrap_or(0)
            })
            .sum::<usize>();
    println!(
        "steps: alone {}, shared about {shared_steps}",
        steps * groups.len()
    );
    let mut best = [f64::INFINITY; 2];
    let mut shots_of = [Vec::new(), Vec::new()];
    for _ in 0..reps {
        for (k, max_states) in [8, 1].into_iter().enumerate() {
            let t = Instant::now();
            shots_of[k] = sample_trajectories_with(
                &backend,
                &plan,
                &[],
                shots,
                7,
                max_states,
                &Interrupt::none(),
            )?;
            best[k] = best[k].min(t.elapsed().as_secs_f64());
        }
    }
    let same = shots_of[0]
        .iter()
        .zip(&shots_of[1])
        .filter(|(a, b)| a == b)
        .count();
    println!(
        "shared prefixes {:.3} s, groups alone {:.3} s (ratio {:.3}); {same} of {shots} shots equal",
        best[0],
        best[1],
        best[0] / best[1]
    );
    Ok(())
}

//! The gradient family's adjoint gradient against one forward run and expectation of
//! the same circuit (the issue asks for at most 4x), best of several runs, for `perf
//! record` and A/B runs: `cargo run --release -p ferroq-bench --example
//! gradient_profile -- [N] [RUNS]` (defaults 16 and 20). Prints the best wall
//! times and the CPU time per run summed over all runs (steadier on a loaded machine).
//! `THREADS=k` sets the CPU backend's threads; `BLOCK=bytes` its
//! `cache_block_min_state_bytes` (`BLOCK=0`: every state cache-blocked).

use ferroq::{Backend, CompileOptions, CpuBackend, CpuOptions, DiffPlan, Interrupt, Readout};
use ferroq_bench::families::{gradient_ansatz, gradient_observable, GRADIENT_LAYERS};
use std::time::Instant;

fn main() -> ferroq::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u32 = args
        .first()
        .map_or(16, |a| a.parse().expect("N: a qubit count"));
    let runs: usize = args
        .get(1)
        .map_or(20, |a| a.parse().expect("RUNS: a count"));
    let block = std::env::var("BLOCK").ok().map(|b| b.parse().unwrap());
    let threads = std::env::var("THREADS").ok().map(|b| b.parse().unwrap());
    let backend = CpuBackend::new(CpuOptions {
        cache_block_min_state_bytes: block,
        threads,
        ..CpuOptions::default()
    })?;
    let circuit = gradient_ansatz(n, GRADIENT_LAYERS);
    let options: CompileOptions = backend.compile_options();
    let plan = DiffPlan::new(&circuit, &options)?;
    let forward = backend.compile(&circuit, None)?;
    let mut rng = ferroq::Rng::new(42);
    let values: Vec<f64> = plan
        .parameters()
        .iter()
        .map(|_| rng.next_f64() * std::f64::consts::TAU)
        .collect();
    let observables = [gradient_observable(n)];
    let program = forward.bind(&values)?;
    let request = Readout::Expectation(observables.to_vec());
    let (mut grad, mut fwd) = (f64::INFINITY, f64::INFINITY);
    let (mut grad_cpu, mut fwd_cpu) = (0.0, 0.0);
    for _ in 0..runs {
        let c = cpu_seconds();
        let t = Instant::now();
        std::hint::black_box(ferroq::gradient::gradient(
            &backend,
            &plan,
            &values,
            &observables,
            &Interrupt::none(),
        )?);
        grad = grad.min(t.elapsed().as_secs_f64());
        let c2 = cpu_seconds();
        grad_cpu += c2 - c;
        let t = Instant::now();
        let mut machine = backend.alloc(n, 0)?;
        backend.run(&mut machine, &program)?;
        std::hint::black_box(backend.read(&machine, &request)?);
        fwd = fwd.min(t.elapsed().as_secs_f64());
        fwd_cpu += cpu_seconds() - c2;
    }
    println!(
        "n={n}: gradient {:.2} ms, forward + expectation {:.2} ms, ratio {:.2}",
        grad * 1e3,
        fwd * 1e3,
        grad / fwd
    );
    let r = runs as f64;
    println!(
        "n={n}: CPU time per run (all threads): gradient {:.2} ms, forward {:.2} ms, ratio {:.2}",
        grad_cpu / r * 1e3,
        fwd_cpu / r * 1e3,
        grad_cpu / fwd_cpu
    );
    Ok(())
}

/// User plus system CPU time of the process so far (all threads), from
/// `/proc/self/stat` (clock ticks of 10 ms: sum many runs).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("Linux /proc/self/stat");
    // Fields after the command name (which ends with ')'): utime and stime are the
    // 12th and 13th.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let ticks: f64 = f[11].parse::<f64>().expect("utime") + f[12].parse::<f64>().expect("stime");
    ticks / 100.0
}

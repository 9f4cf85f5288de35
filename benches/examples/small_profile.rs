//! Profiling aid for small circuits: compiles and runs the 10-qubit random layered
//! circuit many times, printing the per-call compile and run times.
//! `cargo run --release -p ferroq-bench --example small_profile [-- N LAYERS [run]]`
//! (`run`: time only the runs, for a profile of the run path alone)

use ferroq::{compile, Backend, CpuBackend, CpuOptions};
use ferroq_bench::families::random_layers;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: u32 = args.next().map_or(Ok(10), |s| s.parse())?;
    let layers: u32 = args.next().map_or(Ok(7), |s| s.parse())?;
    let backend = CpuBackend::new(CpuOptions::default())?;
    let circuit = random_layers(n, layers, 42);
    let options = backend.compile_options();
    let only_run = args.next().as_deref() == Some("run");
    let reps = 20_000;
    let t = Instant::now();
    for _ in 0..if only_run { 1 } else { reps } {
        std::hint::black_box(compile(&circuit, &options)?);
    }
    let compile_us = t.elapsed().as_secs_f64() / reps as f64 * 1e6;
    let unfused = ferroq::CompileOptions::unfused();
    let t = Instant::now();
    for _ in 0..if only_run { 1 } else { reps } {
        std::hint::black_box(compile(&circuit, &unfused)?);
    }
    let unfused_us = t.elapsed().as_secs_f64() / reps as f64 * 1e6;
    let t = Instant::now();
    for _ in 0..if only_run { 1 } else { reps } {
        std::hint::black_box(circuit.clone());
    }
    let clone_us = t.elapsed().as_secs_f64() / reps as f64 * 1e6;
    let program = compile(&circuit, &options)?.bind(&[])?;
    let mut state = backend.alloc(n, 0)?;
    let t = Instant::now();
    for _ in 0..reps {
        backend.run(&mut state, &program)?;
    }
    let run_us = t.elapsed().as_secs_f64() / reps as f64 * 1e6;
    println!(
        "{n} qubits, {} gates, {} ops: compile {compile_us:.1} us (unfused {unfused_us:.1} us, \
         circuit clone {clone_us:.1} us), run {run_us:.1} us",
        circuit.len(),
        program.ops().len()
    );
    Ok(())
}

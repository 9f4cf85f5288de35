//! Where a parameter set of the sweep spends its time: binding, running, reading the
//! expectation value (one thread, best of several passes).
//!
//! `cargo run --release -p ferroq-bench --example sweep_profile`

use ferroq::{
    compile, Backend, CpuBackend, CpuOptions, Interrupt, Machine, ParamSets, Readout,
    StatePrimitives,
};
use ferroq_bench::families::{sweep_bindings, sweep_observable, Family, SWEEP_LAYERS};
use std::time::Instant;

fn main() -> ferroq::Result<()> {
    let n = 10;
    let sets = 2000;
    let backend = CpuBackend::new(CpuOptions {
        threads: Some(1),
        ..CpuOptions::default()
    })?;
    let circuit = Family::Sweep.circuit(n, 0, 0);
    let plan = compile(&circuit, &backend.compile_options())?;
    let table = ParamSets::from_bindings(&sweep_bindings(n, SWEEP_LAYERS, sets, 1))?;
    let binder = plan.binder(&table)?;
    // small.py's Hamiltonian: sum Z_q Z_{q+1} + 0.5 sum X_q.
    let mut h = String::new();
    for q in 0..n - 1 {
        h.push_str(&format!(" + Z{} Z{}", q, q + 1));
    }
    for q in 0..n {
        h.push_str(&format!(" + 0.5*X{q}"));
    }
    let obs = vec![h.parse::<ferroq::Observable>()?, sweep_observable(n)];
    let mut best = [f64::INFINITY; 3];
    for _ in 0..5 {
        let mut t = [0.0f64; 3];
        let mut m = Machine::new(backend.new_state(n)?, 0);
        for i in 0..sets {
            let s = Instant::now();
            let p = binder.bind(i)?;
            t[0] += s.elapsed().as_secs_f64();
            let s = Instant::now();
            m.reset(0)?;
            m.run(&p, &Interrupt::none())?;
            t[1] += s.elapsed().as_secs_f64();
            let s = Instant::now();
            std::hint::black_box(m.state().expectations(&obs)?);
            t[2] += s.elapsed().as_secs_f64();
        }
        for k in 0..3 {
            best[k] = best[k].min(t[k] / sets as f64 * 1e6);
        }
    }
    let all = CpuBackend::new(CpuOptions::default())?;
    let request = Readout::Expectation(obs.clone());
    let mut batch = f64::INFINITY;
    for _ in 0..5 {
        let s = Instant::now();
        std::hint::black_box(all.run_batch(&plan, &table, &request, &Default::default())?);
        batch = batch.min(s.elapsed().as_secs_f64() / sets as f64 * 1e6);
    }
    println!(
        "run_batch on {} threads: {batch:.1} us per set",
        all.threads()
    );
    println!(
        "{n} qubits, {} ops per set: bind {:.1} us, run {:.1} us, expectation {:.1} us",
        plan.op_count(),
        best[0],
        best[1],
        best[2]
    );
    Ok(())
}

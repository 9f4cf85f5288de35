//! Running the sweep: one backend at a time, every family and size, timed.
//!
//! **What is timed.** A run from `|0…0>` to the final state, on a state allocated
//! *before* the clock starts: `Backend::run(&mut state, &program)` on a freshly
//! allocated state. Allocation (and its first touch of the pages) and compilation are
//! excluded; compilation is timed separately and reported as its own column. Every
//! backend's `run` returns only when the result is ready — the wgpu backend waits for
//! its queue to drain before returning — so GPU timings are synchronised. The sweep
//! family is the exception: it times one whole `run_batch` call (binding, allocation,
//! run and expectation value of every item), the API a user calls; so is the gradient
//! family: one whole adjoint gradient (allocation of its states, forward run, backward
//! sweep).

use crate::families::{
    gate_count, gradient_observable, sweep_batch_size, sweep_bindings, sweep_observable, Family,
    SWEEP_LAYERS,
};
use crate::stats::Summary;
use ferroq::{
    compile, AnyBackend, Backend, BackendConfig, BackendKind, BatchOptions, BoundProgram,
    CompileOptions, DiffPlan, ParamSets, Precision, Readout,
};
use serde::Serialize;
use std::time::Instant;

/// Runs shorter than this are repeated more often (up to 20× the asked repeats).
const SHORT_RUN_S: f64 = 2e-3;

/// What to run.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// Families, in order.
    pub families: Vec<Family>,
    /// Qubit counts, ascending.
    pub qubits: Vec<u32>,
    /// Timed runs per point (more for runs under 2 ms).
    pub repeats: usize,
    /// Untimed runs before timing.
    pub warmup: usize,
    /// Layers of the random circuit.
    pub layers: u32,
    /// Seed of the random circuit and the sweep's parameters.
    pub seed: u64,
    /// Override of the backend's fusion: `Some(0)` turns it off, `Some(k)` fuses up to
    /// k qubits, `None` uses the backend's preferred options.
    pub fusion: Option<u32>,
    /// The sweep runs `2^(sweep_work_qubits - n)` parameter sets (at most 10,000).
    pub sweep_work_qubits: u32,
    /// A series (backend, precision, family) stops growing n once one point's timed
    /// runs took longer than this many seconds in all.
    pub max_point_seconds: f64,
}

/// One measured (or skipped) point.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// Backend name (`cpu`, `wgpu`).
    pub backend: String,
    /// Device (thread count or GPU adapter).
    pub device: String,
    /// `single` or `double`.
    pub precision: String,
    /// Family name.
    pub family: String,
    /// Qubit count.
    pub qubits: u32,
    /// Source gates per circuit (before fusion).
    pub gates: usize,
    /// Kernel ops per circuit after fusion (what the backend executes).
    pub ops: usize,
    /// Circuits per timed call (the sweep's batch size; 1 otherwise).
    pub batch: usize,
    /// Bytes of one state vector.
    pub state_bytes: u64,
    /// Compilation (validation, lowering, fusion) of one circuit, in seconds.
    pub compile_s: f64,
    /// The timed runs; `None` when skipped.
    pub time: Option<Summary>,
    /// Unfused accounting: `gates × batch × 2 × state_bytes` (each gate reads and
    /// writes the whole state once).
    pub unfused_bytes: f64,
    /// `unfused_bytes / median`, GB/s (10^9). Above the copy bandwidth means the run
    /// beat the unfused memory floor.
    pub effective_gbs: Option<f64>,
    /// `ops × batch × 2 × state_bytes / median`, GB/s: the bandwidth the executed
    /// passes reached, if each op is one full sweep of the state.
    pub pass_gbs: Option<f64>,
    /// Unfused memory floor: `unfused_bytes / copy bandwidth`, seconds.
    pub floor_s: Option<f64>,
    /// `median / floor_s`: below 1 means fusion paid.
    pub floor_ratio: Option<f64>,
    /// Why the point was skipped, if it was.
    pub note: Option<String>,
}

/// Builds the backend of `kind` in `precision`.
pub fn make_backend(
    kind: BackendKind,
    precision: Precision,
    threads: Option<usize>,
    adapter: Option<String>,
) -> ferroq::Result<AnyBackend> {
    AnyBackend::new(
        &BackendConfig::of_kind(kind)
            .with_precision(precision)
            .with_threads(threads)
            .with_adapter(adapter),
    )
}

/// A human description of the backend's device.
pub fn device_of(backend: &AnyBackend) -> String {
    backend.capabilities().device_name
}

/// Compile options for `family` on `backend` under `config`.
fn options_for(family: Family, backend: &AnyBackend, config: &RunConfig) -> CompileOptions {
    if family.is_pass() {
        return CompileOptions::unfused();
    }
    match config.fusion {
        None => backend.compile_options(),
        Some(0) => CompileOptions::unfused(),
        Some(k) => CompileOptions {
            fusion: true,
            max_fused_qubits: k,
            ..backend.compile_options()
        },
    }
}

fn time_run(backend: &AnyBackend, program: &BoundProgram) -> ferroq::Result<f64> {
    let mut state = backend.alloc(program.num_qubits(), 0)?;
    let t = Instant::now();
    backend.run(&mut state, program)?;
    let dt = t.elapsed().as_secs_f64();
    drop(state);
    Ok(dt)
}

/// The record of `family` on `n` qubits before anything is timed.
fn blank_record(backend: &AnyBackend, family: Family, n: u32, config: &RunConfig) -> Record {
    let precision = backend.precision();
    let state_bytes = precision.state_bytes(n).unwrap_or(u128::MAX) as u64;
    let gates = gate_count(&family.circuit(n, config.layers, config.seed));
    let batch = if family == Family::Sweep {
        sweep_batch_size(n, config.sweep_work_qubits)
    } else {
        1
    };
    Record {
        backend: backend.name().to_string(),
        device: device_of(backend),
        precision: precision.to_string(),
        family: family.name().to_string(),
        qubits: n,
        gates,
        ops: 0,
        batch,
        state_bytes,
        compile_s: 0.0,
        time: None,
        unfused_bytes: gates as f64 * batch as f64 * 2.0 * state_bytes as f64,
        effective_gbs: None,
        pass_gbs: None,
        floor_s: None,
        floor_ratio: None,
        note: None,
    }
}

/// A record of a point that was not run, saying why.
pub fn skipped(
    backend: &AnyBackend,
    family: Family,
    n: u32,
    config: &RunConfig,
    why: String,
) -> Record {
    Record {
        note: Some(why),
        ..blank_record(backend, family, n, config)
    }
}

/// Measures `family` on `n` qubits; `copy_bw` (bytes/s) gives the memory floor.
pub fn measure(
    backend: &AnyBackend,
    family: Family,
    n: u32,
    config: &RunConfig,
    copy_bw: Option<f64>,
) -> Record {
    let mut record = blank_record(backend, family, n, config);
    let circuit = family.circuit(n, config.layers, config.seed);
    let batch = record.batch;
    if n < family.min_qubits() {
        record.note = Some(format!("needs at least {} qubits", family.min_qubits()));
        return record;
    }
    if n > backend.max_qubits() {
        record.note = Some(format!(
            "{n} qubits exceed the backend's {} (memory)",
            backend.max_qubits()
        ));
        return record;
    }
    let sent_before = mpi_bytes_sent(backend);
    match run_point(backend, family, n, &circuit, batch, config) {
        Ok((compile_s, ops, times)) => {
            record.compile_s = compile_s;
            record.ops = ops;
            record.time = Summary::of(&times);
            if let AnyBackend::Mpi(m) = backend {
                let runs = (times.len() + config.warmup.max(1)) as f64;
                let per_run = (mpi_bytes_sent(backend) - sent_before) as f64 / runs;
                let min = mpi_min_bytes(m, family, n, &circuit, backend, config);
                record.note = Some(format!(
                    "exchanged {:.1} MiB per run per rank, at least {:.1} MiB needed",
                    per_run / (1 << 20) as f64,
                    min / (1 << 20) as f64
                ));
            }
        }
        Err(e) => record.note = Some(e.to_string()),
    }
    if let Some(t) = record.time {
        let pass_bytes = ops_bytes(&record);
        record.effective_gbs = Some(record.unfused_bytes / t.median_s / 1e9);
        record.pass_gbs = Some(pass_bytes / t.median_s / 1e9);
        if let Some(bw) = copy_bw {
            let floor = record.unfused_bytes / bw;
            record.floor_s = Some(floor);
            record.floor_ratio = Some(t.median_s / floor);
        }
    }
    record
}

/// Bytes this rank has sent in MPI exchanges so far (0 for other backends).
fn mpi_bytes_sent(backend: &AnyBackend) -> u64 {
    match backend {
        AnyBackend::Mpi(m) => m.bytes_sent(),
        _ => 0,
    }
}

/// The fewest bytes a rank must send for `circuit`: each global qubit that is the
/// target of a dense op must leave the rank numbers once; trading `j` of them at once
/// moves `1 - 2^-j` of a slice.
fn mpi_min_bytes(
    m: &ferroq::MpiBackend,
    family: Family,
    n: u32,
    circuit: &ferroq::Circuit,
    backend: &AnyBackend,
    config: &RunConfig,
) -> f64 {
    let global = m.global_qubits(n);
    let local = n - global;
    let Ok(program) = compile(circuit, &options_for(family, backend, config)) else {
        return 0.0;
    };
    let mut dense_global = std::collections::BTreeSet::new();
    for op in program
        .bind(&[])
        .map(|p| p.ops().to_vec())
        .unwrap_or_default()
    {
        if let ferroq::Op::Dense { targets, .. } = op {
            dense_global.extend(targets.into_iter().filter(|&t| t >= local));
        }
    }
    let slice = backend.precision().state_bytes(local).unwrap_or(0) as f64;
    slice * (1.0 - 0.5f64.powi(dense_global.len() as i32))
}

fn ops_bytes(r: &Record) -> f64 {
    r.ops as f64 * r.batch as f64 * 2.0 * r.state_bytes as f64
}

/// Compiles and times one point: `(compile seconds, ops, timed runs)`.
fn run_point(
    backend: &AnyBackend,
    family: Family,
    n: u32,
    circuit: &ferroq::Circuit,
    batch: usize,
    config: &RunConfig,
) -> ferroq::Result<(f64, usize, Vec<f64>)> {
    let options = options_for(family, backend, config);
    if family == Family::Gradient {
        return gradient_point(backend, n, circuit, &options, config);
    }
    let t = Instant::now();
    let program = compile(circuit, &options)?;
    let compile_s = t.elapsed().as_secs_f64();
    let (ops, once): (usize, Box<dyn FnMut() -> ferroq::Result<f64> + '_>) = if family
        == Family::Sweep
    {
        let sets = ParamSets::from_bindings(&sweep_bindings(n, SWEEP_LAYERS, batch, config.seed))?;
        let request = Readout::Expectation(vec![sweep_observable(n)]);
        let ops = program.op_count();
        let f = move || {
            let t = Instant::now();
            let out = backend.run_batch(&program, &sets, &request, &BatchOptions::default())?;
            let dt = t.elapsed().as_secs_f64();
            std::hint::black_box(out);
            Ok(dt)
        };
        (ops, Box::new(f))
    } else {
        let program = program.bind(&[])?;
        let ops = program.ops().len();
        (ops, Box::new(move || time_run(backend, &program)))
    };
    finish(backend, compile_s, ops, once, config)
}

/// The gradient family's point: the plan for differentiation, then value and full
/// Jacobian by the adjoint method per timed run. `ops` counts the source gates.
fn gradient_point(
    backend: &AnyBackend,
    n: u32,
    circuit: &ferroq::Circuit,
    options: &CompileOptions,
    config: &RunConfig,
) -> ferroq::Result<(f64, usize, Vec<f64>)> {
    let t = Instant::now();
    let plan = DiffPlan::new(circuit, options)?;
    let compile_s = t.elapsed().as_secs_f64();
    let mut rng = ferroq::Rng::new(config.seed);
    let values: Vec<f64> = plan
        .parameters()
        .iter()
        .map(|_| rng.next_f64() * std::f64::consts::TAU)
        .collect();
    let observables = [gradient_observable(n)];
    let once = move || {
        let t = Instant::now();
        let g = ferroq::gradient::gradient(
            backend,
            &plan,
            &values,
            &observables,
            &ferroq::Interrupt::none(),
        )?;
        let dt = t.elapsed().as_secs_f64();
        std::hint::black_box(g);
        Ok(dt)
    };
    finish(
        backend,
        compile_s,
        gate_count(circuit),
        Box::new(once),
        config,
    )
}

fn finish<'a>(
    backend: &'a AnyBackend,
    compile_s: f64,
    ops: usize,
    mut once: Box<dyn FnMut() -> ferroq::Result<f64> + 'a>,
    config: &RunConfig,
) -> ferroq::Result<(f64, usize, Vec<f64>)> {
    // Under MPI every rank must take the same decisions (sample counts, skips): the
    // times are the slowest rank's.
    if let AnyBackend::Mpi(m) = backend {
        let mut inner = once;
        once = Box::new(move || Ok(m.max_over_ranks(inner()?)));
    }
    let mut warm = f64::INFINITY;
    for _ in 0..config.warmup.max(1) {
        warm = warm.min(once()?);
    }
    let mut samples = config.repeats.max(1);
    if warm < SHORT_RUN_S {
        let wanted = (SHORT_RUN_S * samples as f64 / warm.max(1e-7)).ceil() as usize;
        samples = wanted.clamp(samples, samples * 20);
    }
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        times.push(once()?);
    }
    Ok((compile_s, ops, times))
}

/// `true` when a series should stop growing after `record`.
pub fn too_slow(record: &Record, config: &RunConfig) -> bool {
    record
        .time
        .is_some_and(|t| t.median_s * t.samples as f64 > config.max_point_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_config(families: Vec<Family>) -> RunConfig {
        RunConfig {
            families,
            qubits: vec![6],
            repeats: 2,
            warmup: 1,
            layers: 2,
            seed: 1,
            fusion: None,
            sweep_work_qubits: 8,
            max_point_seconds: 10.0,
        }
    }

    #[test]
    fn measures_every_family_on_the_cpu() {
        let backend = make_backend(BackendKind::Cpu, Precision::Double, Some(1), None).unwrap();
        let config = tiny_config(Family::ALL.to_vec());
        for f in Family::ALL {
            let r = measure(&backend, f, 6, &config, Some(1e10));
            assert!(r.note.is_none(), "{f}: {:?}", r.note);
            let t = r.time.unwrap();
            assert!(t.samples >= 2 && t.median_s > 0.0);
            assert!(r.ops >= 1 && r.effective_gbs.unwrap() > 0.0);
            assert!(r.floor_ratio.unwrap() > 0.0);
            if f.is_pass() {
                assert_eq!((r.gates, r.ops), (1, 1), "{f}");
            }
        }
    }

    #[test]
    fn accounting_is_unfused() {
        let backend = make_backend(BackendKind::Cpu, Precision::Single, Some(1), None).unwrap();
        let r = measure(&backend, Family::Ghz, 5, &tiny_config(vec![]), None);
        assert_eq!(r.state_bytes, 32 * 8);
        assert_eq!(r.unfused_bytes, 5.0 * 2.0 * 256.0);
        assert!(r.floor_s.is_none());
    }

    #[test]
    fn too_small_is_a_note() {
        let backend = make_backend(BackendKind::Cpu, Precision::Double, Some(1), None).unwrap();
        let r = measure(&backend, Family::Pass2q, 1, &tiny_config(vec![]), None);
        assert!(r.note.is_some() && r.time.is_none());
    }
}

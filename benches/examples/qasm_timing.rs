//! Times one OpenQASM file on the CPU backend and prints what the compiled program is
//! made of (ops by kind and width), for profiling circuits as others write them.
//!
//! `cargo run --release -p ferroq-bench --example qasm_timing -- FILE [REPS] [FUSION]
//! [single|double]` (FUSION: largest fused block in qubits, default the backend's
//! choice; `FERROQ_KERNELS` picks the kernel family, `CACHE_BLOCK_BYTES` the cache
//! block, 0 for none, `CACHE_BLOCK_MIN_STATE_BYTES` the smallest state blocked).

use ferroq::{compile, Backend, CompileOptions, CpuBackend, CpuOptions, Op, Precision};
use std::collections::BTreeMap;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: qasm_timing FILE [REPS] [FUSION] [single|double]")?;
    let reps: usize = args.next().map_or(Ok(10), |s| s.parse())?;
    let fusion: Option<u32> = args.next().map(|s| s.parse()).transpose()?;
    let precision = match args.next().as_deref() {
        Some("single") => Precision::Single,
        _ => Precision::Double,
    };
    let defaults = CpuOptions::default();
    let cache_block_bytes = match std::env::var("CACHE_BLOCK_BYTES") {
        Ok(v) => v.parse()?,
        Err(_) => defaults.cache_block_bytes,
    };
    let cache_block_min_state_bytes = match std::env::var("CACHE_BLOCK_MIN_STATE_BYTES") {
        Ok(v) => Some(v.parse()?),
        Err(_) => defaults.cache_block_min_state_bytes,
    };
    let backend = CpuBackend::new(CpuOptions {
        precision,
        cache_block_bytes,
        cache_block_min_state_bytes,
        ..defaults
    })?;
    let circuit = ferroq::qasm::parse_file(&path)?;
    let mut options = backend.compile_options();
    if let Some(k) = fusion {
        options = if k == 0 {
            CompileOptions::unfused()
        } else {
            CompileOptions {
                max_fused_qubits: k,
                ..options
            }
        };
    }
    let program = compile(&circuit, &options)?.bind(&[])?;
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for op in program.ops() {
        let key = match op {
            Op::Dense {
                targets, controls, ..
            } => format!("dense {}t{}c", targets.len(), controls.len()),
            Op::Diagonal {
                targets, controls, ..
            } => format!("diagonal {}t{}c", targets.len(), controls.len()),
            other => format!("{other:?}")
                .split([' ', '{', '('])
                .next()
                .unwrap_or("?")
                .into(),
        };
        *kinds.entry(key).or_default() += 1;
    }
    println!(
        "{path}: {} qubits, {} gates -> {} ops ({}; {} kernels)",
        circuit.num_qubits(),
        circuit.len(),
        program.ops().len(),
        backend.precision(),
        backend.kernels()
    );
    for (k, n) in &kinds {
        println!("  {n:5} {k}");
    }
    let mut state = backend.alloc(circuit.num_qubits(), circuit.num_clbits() as u64)?;
    backend.run(&mut state, &program)?;
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        backend.run(&mut state, &program)?;
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("run: min of {reps} {:.2} ms", best * 1e3);
    Ok(())
}

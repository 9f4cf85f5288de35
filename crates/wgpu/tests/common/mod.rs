//! Helpers of the GPU tests: backends that skip (with the reason printed) when no
//! adapter exists, random circuits, and comparisons against the CPU backend.

#![allow(dead_code)]

use ferroq_core::{
    compile, Backend, BoundProgram, Circuit, CompileOptions, Complex64, Error, Matrix, Plan,
    Precision, Readout, Rng,
};
use ferroq_cpu::{CpuBackend, CpuOptions};
use ferroq_wgpu::{WgpuBackend, WgpuOptions};

/// A GPU backend, or `None` (test skipped, reason printed) when none can be opened.
pub fn gpu(precision: Precision, page_qubits: Option<u32>) -> Option<WgpuBackend> {
    match WgpuBackend::new(WgpuOptions {
        precision,
        page_qubits,
        ..WgpuOptions::default()
    }) {
        Ok(b) => Some(b),
        Err(Error::BackendUnavailable { reason }) => {
            eprintln!("SKIPPED: no usable wgpu adapter ({precision}): {reason}");
            None
        }
        Err(e) => panic!("unexpected error opening the GPU backend: {e}"),
    }
}

pub fn cpu(precision: Precision) -> CpuBackend {
    CpuBackend::new(CpuOptions {
        precision,
        threads: Some(1),
        ..CpuOptions::default()
    })
    .expect("cpu backend")
}

pub fn tol(precision: Precision) -> f64 {
    precision.tolerance()
}

fn rand_angle(rng: &mut Rng) -> f64 {
    (rng.next_f64() - 0.5) * 7.0
}

fn pick(rng: &mut Rng, n: u32) -> u32 {
    (rng.next_u64() % n as u64) as u32
}

fn distinct(rng: &mut Rng, n: u32, k: usize) -> Vec<u32> {
    let mut v = Vec::new();
    while v.len() < k {
        let q = pick(rng, n);
        if !v.contains(&q) {
            v.push(q);
        }
    }
    v
}

/// A random unitary-ish 2-qubit block: a product of random 1- and 2-qubit gates.
fn random_2q_matrix(rng: &mut Rng) -> Matrix {
    let mut c = Circuit::new(2);
    c.u(rand_angle(rng), rand_angle(rng), rand_angle(rng), 0)
        .u(rand_angle(rng), rand_angle(rng), rand_angle(rng), 1)
        .cx(0, 1)
        .ry(rand_angle(rng), 1)
        .cx(1, 0);
    let p = compile(&c, &CompileOptions::default())
        .expect("compiles")
        .bind(&[])
        .expect("binds");
    match p.ops() {
        [ferroq_core::Op::Dense {
            matrix, targets, ..
        }] if targets == &[0, 1] => matrix.clone(),
        other => panic!("expected one fused block, got {other:?}"),
    }
}

/// A random circuit of `len` gates on `n` qubits (`n >= 3`) mixing every gate shape:
/// 1-qubit dense and diagonal, controlled, multi-controlled, 2-qubit, custom unitaries.
pub fn random_circuit(n: u32, len: usize, seed: u64) -> Circuit {
    let mut rng = Rng::new(seed);
    let mut c = Circuit::new(n);
    for q in 0..n {
        c.h(q);
    }
    for _ in 0..len {
        match pick(&mut rng, 16) {
            0 => c.h(pick(&mut rng, n)),
            1 => c.rx(rand_angle(&mut rng), pick(&mut rng, n)),
            2 => c.ry(rand_angle(&mut rng), pick(&mut rng, n)),
            3 => c.rz(rand_angle(&mut rng), pick(&mut rng, n)),
            4 => c.u(
                rand_angle(&mut rng),
                rand_angle(&mut rng),
                rand_angle(&mut rng),
                pick(&mut rng, n),
            ),
            5 => {
                let q = distinct(&mut rng, n, 2);
                c.cx(q[0], q[1])
            }
            6 => {
                let q = distinct(&mut rng, n, 2);
                c.cz(q[0], q[1])
            }
            7 => {
                let q = distinct(&mut rng, n, 2);
                c.cp(rand_angle(&mut rng), q[0], q[1])
            }
            8 => {
                let q = distinct(&mut rng, n, 2);
                c.swap(q[0], q[1])
            }
            9 => {
                let q = distinct(&mut rng, n, 3);
                c.ccx(q[0], q[1], q[2])
            }
            10 => {
                let q = distinct(&mut rng, n, 2);
                c.rzz(rand_angle(&mut rng), q[0], q[1])
            }
            11 => {
                let q = distinct(&mut rng, n, 2);
                c.rxx(rand_angle(&mut rng), q[0], q[1])
            }
            12 => {
                let q = distinct(&mut rng, n, 2);
                c.unitary(random_2q_matrix(&mut rng), &q)
            }
            13 => {
                let q = distinct(&mut rng, n, 3);
                c.mcx(&q[..2], q[2])
            }
            14 => {
                let q = distinct(&mut rng, n, 2);
                c.cry(rand_angle(&mut rng), q[0], q[1])
            }
            _ => c.t(pick(&mut rng, n)),
        };
    }
    c
}

pub fn fused() -> CompileOptions {
    CompileOptions::default()
}

/// Fusion into blocks of up to 6 qubits (the largest dense kernel).
pub fn fused6() -> CompileOptions {
    CompileOptions {
        max_fused_qubits: 6,
        ..CompileOptions::default()
    }
}

/// The plan of `c` (parameters left as slots).
pub fn plan(c: &Circuit, options: &CompileOptions) -> Plan {
    compile(c, options).expect("compiles")
}

/// The runnable program of a circuit without parameters.
pub fn program(c: &Circuit, options: &CompileOptions) -> BoundProgram {
    plan(c, options).bind(&[]).expect("binds")
}

pub fn run_state<B: Backend>(b: &B, p: &BoundProgram, seed: u64) -> Vec<Complex64> {
    let mut s = b.alloc(p.num_qubits(), seed).expect("alloc");
    b.run(&mut s, p).expect("run");
    b.read(&s, &Readout::StateVector)
        .expect("read")
        .into_state_vector()
        .expect("state vector")
        .to_c64()
}

pub fn assert_close(got: &[Complex64], want: &[Complex64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).norm() <= tol,
            "{what}: amplitude {i}: got {g}, want {w}"
        );
    }
}

pub fn assert_close_f(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{what}: entry {i}: got {g}, want {w}");
    }
}

//! The CPU backend's parallel, chunked and cache-blocked code paths, with every
//! kernel family the CPU supports, agree with its plain serial path with the portable
//! kernels. (Correctness against an independent reference is the conformance
//! suite's job in `tests/`; this checks that tuning knobs never change results.)

use ferroq_core::{compile, Backend, Circuit, CompileOptions, Precision, Readout, Rng};
use ferroq_cpu::{CpuBackend, CpuOptions, Kernels};

fn random_circuit(n: u32, gates: usize, seed: u64) -> Circuit {
    let mut rng = Rng::new(seed);
    let mut c = Circuit::new(n);
    let q = |rng: &mut Rng| (rng.next_u64() % n as u64) as u32;
    for _ in 0..gates {
        let a = q(&mut rng);
        let mut b = q(&mut rng);
        while b == a {
            b = q(&mut rng);
        }
        let angle = rng.next_f64() * 6.0;
        match rng.next_u64() % 10 {
            0 => c.h(a),
            1 => c.rx(angle, a),
            2 => c.rz(angle, a),
            3 => c.cx(a, b),
            4 => c.cz(a, b),
            5 => c.cp(angle, a, b),
            6 => c.rxx(angle, a, b),
            7 => c.u(angle, 0.3, -angle, a),
            8 if n >= 3 => {
                let mut d = q(&mut rng);
                while d == a || d == b {
                    d = q(&mut rng);
                }
                c.ccx(a, b, d)
            }
            _ => c.swap(a, b),
        };
    }
    c
}

fn state(b: &CpuBackend, c: &Circuit, opts: &CompileOptions) -> Vec<num_complex::Complex64> {
    let p = compile(c, opts).unwrap().bind(&[]).unwrap();
    let mut s = b.alloc(c.num_qubits(), 0).unwrap();
    b.run(&mut s, &p).unwrap();
    b.read(&s, &Readout::StateVector)
        .unwrap()
        .into_state_vector()
        .unwrap()
        .to_c64()
}

#[test]
fn tuned_paths_match_the_serial_path() {
    for precision in [Precision::Double, Precision::Single] {
        let plain = CpuBackend::new(CpuOptions {
            precision,
            threads: Some(1),
            cache_block_bytes: 0,
            kernels: Kernels::Portable,
            ..Default::default()
        })
        .unwrap();
        for kernels in Kernels::ALL.into_iter().filter(|k| k.supported()) {
            let busy = CpuBackend::new(CpuOptions {
                precision,
                threads: Some(3),
                parallel_threshold: 1,
                parallel_chunk: 8,
                cache_block_bytes: 8 * std::mem::size_of::<f64>() * 2,
                cache_block_min_state_bytes: Some(0),
                kernels,
                ..Default::default()
            })
            .unwrap();
            agree(&plain, &busy, precision);
        }
    }
}

/// `busy` (with fusion up to 5 qubits) gives `plain`'s unfused states on random circuits.
fn agree(plain: &CpuBackend, busy: &CpuBackend, precision: Precision) {
    let tol = precision.tolerance();
    {
        for n in [2, 5, 9, 11] {
            for seed in 0..4 {
                let c = random_circuit(n, 60, seed * 31 + n as u64);
                for k in [1, 2, 3, 4, 5] {
                    let opts = CompileOptions {
                        max_fused_qubits: k,
                        ..Default::default()
                    };
                    let a = state(plain, &c, &CompileOptions::unfused());
                    let b = state(busy, &c, &opts);
                    let err = a
                        .iter()
                        .zip(&b)
                        .map(|(x, y)| (x - y).norm())
                        .fold(0.0, f64::max);
                    let kernels = busy.kernels();
                    assert!(
                        err < tol,
                        "n={n} seed={seed} k={k} {precision} {kernels}: {err}"
                    );
                }
            }
        }
    }
}

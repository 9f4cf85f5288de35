//! Gate kernels against the CPU backend: every op shape, both precisions, single-page
//! and paged states (pages forced down to 2^4 amplitudes), the swap path for ops with
//! many page targets, and the 2-D dispatch grid.

mod common;

use common::*;
use ferroq_core::{Backend, Circuit, CompileOptions, Complex64, Matrix, Precision, Readout};

const PRECISIONS: [Precision; 2] = [Precision::Single, Precision::Double];

#[test]
fn random_circuits_match_cpu_single_page_and_paged() {
    for precision in PRECISIONS {
        let cpu = cpu(precision);
        for page in [None, Some(4), Some(5)] {
            let Some(gpu) = gpu(precision, page) else {
                return;
            };
            for (n, seed) in [(3, 1), (6, 2), (9, 3), (11, 4)] {
                let c = random_circuit(n, 60, seed);
                for opts in [CompileOptions::unfused(), fused(), fused6()] {
                    let p = program(&c, &opts);
                    let want = run_state(&cpu, &p, 0);
                    let got = run_state(&gpu, &p, 0);
                    let what = format!(
                        "{precision} page {page:?} n {n} seed {seed} fusion {}",
                        opts.max_fused_qubits
                    );
                    assert_close(&got, &want, tol(precision), &what);
                }
            }
        }
    }
}

#[test]
fn gates_on_page_qubits_and_swap_path() {
    // 10 qubits in pages of 2^4: qubits 4..9 select the page.
    for precision in PRECISIONS {
        let Some(gpu) = gpu(precision, Some(4)) else {
            return;
        };
        let cpu = cpu(precision);
        let mut c = random_circuit(10, 10, 9);
        c.h(9)
            .cx(9, 8)
            .cx(0, 9)
            .ccx(7, 8, 2)
            .ccx(1, 2, 9)
            .cp(0.3, 9, 5)
            .rzz(0.7, 6, 9);
        c.mcx(&[4, 5, 6, 7], 8).swap(0, 9).swap(8, 9);
        c.unitary(Matrix::identity(2), &[3, 9]);
        let mut rng = ferroq_core::Rng::new(5);
        let blocks: [&[u32]; 5] = [
            &[4, 5, 6, 7, 8, 9],
            &[9, 8, 7, 6],
            &[0, 9, 1, 8, 2, 7],
            &[5, 4],
            &[9, 0, 8],
        ];
        for qs in blocks {
            let mut b = Circuit::new(qs.len() as u32);
            for q in 0..qs.len() as u32 {
                b.u(rng.next_f64() * 3.0, rng.next_f64(), rng.next_f64(), q);
                if q > 0 {
                    b.cx(q - 1, q);
                }
            }
            if qs.len() >= 3 {
                b.ccz(0, 1, qs.len() as u32 - 1);
            }
            c.compose(&b, Some(qs)).expect("compose");
            // A diagonal across page qubits, controlled by a page and a local qubit.
            let t2 = (0..10).rev().find(|q| *q != qs[0] && *q != qs[1]).unwrap();
            let c3 = (0..4).find(|q| ![qs[0], qs[1], t2].contains(q)).unwrap();
            c.controlled(
                ferroq_core::Gate::RZZ(0.9.into()),
                &[qs[0], c3],
                &[qs[1], t2],
            );
        }
        for opts in [CompileOptions::unfused(), fused(), fused6()] {
            let p = program(&c, &opts);
            assert_close(
                &run_state(&gpu, &p, 0),
                &run_state(&cpu, &p, 0),
                tol(precision),
                "page gates",
            );
        }
    }
}

#[test]
fn diagonal_blocks_across_many_pages() {
    let precision = Precision::Double;
    let Some(gpu) = gpu(precision, Some(4)) else {
        return;
    };
    let cpu = cpu(precision);
    let mut c = Circuit::new(11);
    for q in 0..11 {
        c.h(q).rz(0.1 * q as f64 + 0.2, q);
    }
    for q in (0..10).filter(|&q| q != 5) {
        c.rzz(0.3 + q as f64, q, 10 - q).cz(q, q + 1);
    }
    c.ccz(8, 9, 10).ccz(0, 9, 4);
    let opts = CompileOptions {
        max_fused_diagonal_qubits: 11,
        ..CompileOptions::default()
    };
    let p = program(&c, &opts);
    assert!(
        p.ops()
            .iter()
            .any(|op| matches!(op, ferroq_core::Op::Diagonal { targets, .. } if targets.len() > 6)),
        "expected a wide fused diagonal"
    );
    assert_close(
        &run_state(&gpu, &p, 0),
        &run_state(&cpu, &p, 0),
        tol(precision),
        "wide diagonal",
    );
}

#[test]
fn two_d_dispatch_grid() {
    for precision in PRECISIONS {
        let Some(gpu) = gpu(precision, Some(6)) else {
            return;
        };
        let gpu = gpu.with_max_workgroups_per_dim(3);
        let cpu = cpu(precision);
        let c = random_circuit(12, 40, 21);
        let p = program(&c, &fused());
        assert_close(
            &run_state(&gpu, &p, 0),
            &run_state(&cpu, &p, 0),
            tol(precision),
            "2-D grid",
        );
        for r in [
            Readout::Probabilities,
            Readout::Marginal(vec![11, 2, 7]),
            Readout::Samples {
                shots: 300,
                seed: 4,
            },
        ] {
            let g = gpu
                .read(
                    &{
                        let mut s = gpu.alloc(12, 0).unwrap();
                        gpu.run(&mut s, &p).unwrap();
                        s
                    },
                    &r,
                )
                .unwrap();
            let mut cs = cpu.alloc(12, 0).unwrap();
            cpu.run(&mut cs, &p).unwrap();
            let w = cpu.read(&cs, &r).unwrap();
            match (g.data, w.data) {
                (
                    ferroq_core::OutputData::Probabilities(a),
                    ferroq_core::OutputData::Probabilities(b),
                ) => assert_close_f(&a, &b, tol(precision), "2-D probabilities"),
                (ferroq_core::OutputData::Samples(a), ferroq_core::OutputData::Samples(b)) => {
                    let same = a.iter().zip(&b).filter(|(x, y)| x == y).count();
                    assert!(
                        same * 100 >= a.len() * 99,
                        "2-D samples: {same} of {} agree",
                        a.len()
                    );
                }
                other => panic!("unexpected outputs {other:?}"),
            }
        }
    }
}

#[test]
fn one_submit_per_program_and_buffer_reuse() {
    let Some(gpu) = gpu(Precision::Single, Some(4)) else {
        return;
    };
    let c = random_circuit(8, 80, 7);
    let p = program(&c, &CompileOptions::unfused());
    let mut s = gpu.alloc(8, 0).unwrap();
    let before = gpu.stats();
    gpu.run(&mut s, &p).unwrap();
    let after_first = gpu.stats();
    assert_eq!(
        after_first.submits - before.submits,
        1,
        "a program without measurements is one submit"
    );
    gpu.run(&mut s, &p).unwrap();
    let after_second = gpu.stats();
    assert_eq!(after_second.submits - after_first.submits, 1);
    assert_eq!(
        after_second.buffers_created, after_first.buffers_created,
        "second run creates no buffer"
    );
    // A batch reuses one state and its scratch buffers.
    let mut pc = Circuit::new(8);
    pc.ry(ferroq_core::Param::symbol("a"), 3)
        .cx(3, 7)
        .rz(ferroq_core::Param::symbol("a"), 7);
    let pp = plan(&pc, &fused());
    let values: Vec<f64> = (0..6).map(|i| 0.3 * i as f64).collect();
    let bindings = ferroq_core::ParamSets::new(vec!["a".into()], values.clone()).unwrap();
    let first = ferroq_core::ParamSets::new(vec!["a".into()], values[..1].to_vec()).unwrap();
    let request = Readout::Expectation(vec!["Z7".parse().unwrap()]);
    gpu.run_batch(&pp, &first, &request, &Default::default())
        .unwrap();
    let b0 = gpu.stats().buffers_created;
    let out = gpu
        .run_batch(&pp, &bindings, &request, &Default::default())
        .unwrap();
    // One state: 16 pages of 2^4 amplitudes plus at most six scratch buffers.
    let made = gpu.stats().buffers_created - b0;
    assert!(
        made <= 16 + 6,
        "a batch allocates one state's buffers, made {made}"
    );
    let cpu = cpu(Precision::Single);
    let want = cpu
        .run_batch(&pp, &bindings, &request, &Default::default())
        .unwrap();
    for (g, w) in out.into_iter().zip(want) {
        assert_close_f(
            &g.into_expectations().unwrap(),
            &w.into_expectations().unwrap(),
            1e-4,
            "batch",
        );
    }
}

#[test]
fn errors_not_panics() {
    let Some(gpu) = gpu(Precision::Single, None) else {
        return;
    };
    let max = gpu.max_qubits();
    let over = gpu.alloc(max + 1, 0);
    assert!(
        matches!(
            over,
            Err(ferroq_core::Error::TooManyQubits { .. } | ferroq_core::Error::OutOfMemory { .. })
        ),
        "{over:?}"
    );
    assert!(matches!(
        gpu.alloc(60, 0),
        Err(ferroq_core::Error::TooManyQubits { .. })
    ));
    let bad = ferroq_wgpu::WgpuBackend::new(ferroq_wgpu::WgpuOptions {
        page_qubits: Some(2),
        ..Default::default()
    });
    assert!(
        matches!(bad, Err(ferroq_core::Error::InvalidArgument { .. })),
        "{bad:?}"
    );
    let missing = ferroq_wgpu::WgpuBackend::new(ferroq_wgpu::WgpuOptions {
        adapter: Some("no such adapter anywhere".into()),
        ..Default::default()
    });
    if std::env::var(ferroq_wgpu::ADAPTER_ENV).is_err() {
        assert!(matches!(
            missing,
            Err(ferroq_core::Error::BackendUnavailable { .. })
        ));
    }
    // A plan with parameters cannot run unbound (the types say so); binding it
    // without values is the error.
    let mut sym = Circuit::new(3);
    sym.rx("theta", 1);
    let unbound = plan(&sym, &fused());
    assert!(matches!(
        unbound.bind_named(&ferroq_core::ParamBinding::new()),
        Err(ferroq_core::Error::UnboundParameter { .. })
    ));
    assert!(unbound.bind(&[]).is_err());
    // Program and state sizes must agree.
    let p = program(&random_circuit(4, 3, 1), &fused());
    let mut s = gpu.alloc(5, 0).unwrap();
    assert!(matches!(
        gpu.run(&mut s, &p),
        Err(ferroq_core::Error::InvalidArgument { .. })
    ));
    // Dense blocks beyond 6 qubits are refused with a reason.
    let m = Matrix::identity(7);
    let mut data = m.data().to_vec();
    data.swap(0, 1);
    data.swap(128, 129);
    let mut c = Circuit::new(7);
    c.unitary(Matrix::new(128, data).unwrap(), &[0, 1, 2, 3, 4, 5, 6]);
    let p = program(&c, &CompileOptions::unfused());
    let mut s = gpu.alloc(7, 0).unwrap();
    assert!(gpu.run(&mut s, &p).is_err());
    // Readout checks come from core.
    assert!(gpu.read(&s, &Readout::Marginal(vec![9])).is_err());
}

#[test]
fn adapters_are_listed() {
    let list = ferroq_wgpu::adapters();
    for a in &list {
        eprintln!("adapter: {a:?}");
        assert!(!a.name.is_empty());
    }
    if let Some(gpu) = gpu(Precision::Single, None) {
        let info = gpu.adapter_info();
        assert!(list.iter().any(|a| a.name == info.name));
        assert!(info.max_storage_binding_bytes > 0);
        let want_page = (info.max_storage_binding_bytes.min(info.max_buffer_bytes) / 8)
            .ilog2()
            .min(30);
        assert_eq!(gpu.page_qubits(), want_page);
    }
}

#[test]
fn double_precision_is_exact_enough() {
    let Some(gpu) = gpu(Precision::Double, Some(4)) else {
        return;
    };
    let n = 9;
    let mut c = Circuit::new(n);
    c.h(0);
    for q in 1..n {
        c.cx(q - 1, q);
    }
    let p = program(&c, &fused());
    let got = run_state(&gpu, &p, 0);
    let h = std::f64::consts::FRAC_1_SQRT_2;
    let mut want = vec![Complex64::new(0.0, 0.0); 1 << n];
    want[0] = Complex64::new(h, 0.0);
    want[(1 << n) - 1] = Complex64::new(h, 0.0);
    assert_close(&got, &want, 1e-14, "GHZ in complex128");
}

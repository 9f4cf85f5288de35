//! `compile` and `Plan::bind` checked against products of the unfused ops: fusion at any
//! width gives the same operator for every parameter set, the structure never depends
//! on values, names and tables bind by slot.

use ferroq_core::{
    compile, BoundProgram, Circuit, CompileOptions, Error, Matrix, Op, ParamBinding, ParamSets,
};

fn dense_of(op: &Op, n: u32) -> Matrix {
    // The full 2^n matrix of a single op, by applying it to basis states.
    let dim = 1usize << n;
    let mut m = vec![num_complex::Complex64::new(0.0, 0.0); dim * dim];
    for col in 0..dim {
        let mut v = vec![num_complex::Complex64::new(0.0, 0.0); dim];
        v[col] = num_complex::Complex64::new(1.0, 0.0);
        let (targets, controls, full): (&[u32], &[u32], Matrix) = match op {
            Op::Dense {
                targets,
                controls,
                matrix,
            } => (targets, controls, matrix.clone()),
            Op::Diagonal {
                targets,
                controls,
                diag,
            } => (targets, controls, Matrix::diagonal(diag)),
            _ => panic!("gate ops only"),
        };
        let mut out = vec![num_complex::Complex64::new(0.0, 0.0); dim];
        for (i, a) in v.iter().enumerate() {
            if controls.iter().any(|&c| (i >> c) & 1 == 0) {
                out[i] += a;
                continue;
            }
            let sub: usize = targets
                .iter()
                .enumerate()
                .map(|(j, &t)| ((i >> t) & 1) << j)
                .sum();
            for r in 0..full.dim() {
                let mut j = i;
                for (b, &t) in targets.iter().enumerate() {
                    j = (j & !(1 << t)) | (((r >> b) & 1) << t);
                }
                out[j] += full.get(r, sub) * a;
            }
        }
        for r in 0..dim {
            m[r * dim + col] = out[r];
        }
    }
    Matrix::new(dim, m).expect("a square matrix")
}

fn product(program: &BoundProgram) -> Matrix {
    let n = program.num_qubits();
    program
        .ops()
        .iter()
        .fold(Matrix::identity(n), |acc, op| dense_of(op, n).mul(&acc))
}

fn close(a: &Matrix, b: &Matrix) -> bool {
    a.data()
        .iter()
        .zip(b.data())
        .all(|(x, y)| (x - y).norm() < 1e-12)
}

fn ansatz() -> Circuit {
    let mut c = Circuit::new(3);
    c.h(0)
        .ry("a", 0)
        .cx(0, 1)
        .rz("2*b + 0.1", 1)
        .crx("a", 1, 2)
        .t(2)
        .rzz("b", 0, 2)
        .u("a", "b", 0.3, 1);
    c
}

#[test]
fn fused_binding_equals_unfused_binding() {
    let c = ansatz();
    let unfused = compile(&c, &CompileOptions::unfused()).unwrap();
    for k in 1..=3 {
        let fused = compile(
            &c,
            &CompileOptions {
                max_fused_qubits: k,
                ..CompileOptions::default()
            },
        )
        .unwrap();
        for values in [[0.3, -1.2], [0.0, 0.0], [2.5, 0.7]] {
            let a = product(&fused.bind(&values).unwrap());
            let b = product(&unfused.bind(&values).unwrap());
            assert!(close(&a, &b), "k={k} values={values:?}");
        }
    }
}

#[test]
fn structure_does_not_depend_on_values() {
    let plan = compile(&ansatz(), &CompileOptions::default()).unwrap();
    let a = plan.bind(&[0.0, 0.0]).unwrap();
    let b = plan.bind(&[1.0, 2.0]).unwrap();
    assert_eq!(a.ops().len(), b.ops().len());
    assert_eq!(a.ops().len(), plan.op_count());
    for (x, y) in a.ops().iter().zip(b.ops()) {
        assert_eq!(x.qubits(), y.qubits());
    }
}

#[test]
fn named_binding_checks_names() {
    let plan = compile(&ansatz(), &CompileOptions::default()).unwrap();
    let ok = plan
        .bind_named(&ParamBinding::from_pairs([("a", 0.3), ("b", -1.2)]))
        .unwrap();
    assert!(close(
        &product(&ok),
        &product(&plan.bind(&[0.3, -1.2]).unwrap())
    ));
    assert!(matches!(
        plan.bind_named(&ParamBinding::from_pairs([("a", 0.3)])),
        Err(Error::UnboundParameter { name }) if name == "b"
    ));
    assert!(matches!(
        plan.bind_named(&ParamBinding::from_pairs([("a", 0.3), ("b", 1.0), ("c", 1.0)])),
        Err(Error::UnknownParameter { name, .. }) if name == "c"
    ));
    assert!(matches!(
        plan.bind_named(&ParamBinding::from_pairs([("0", 0.3), ("a", 1.0), ("b", 1.0)])),
        Err(Error::UnknownParameter { name, .. }) if name == "0"
    ));
    assert!(plan.bind(&[1.0]).is_err());
    assert!(matches!(
        plan.bind(&[f64::NAN, 1.0]),
        Err(Error::NonFiniteParameter { .. })
    ));
}

#[test]
fn binder_reorders_columns() {
    let plan = compile(&ansatz(), &CompileOptions::default()).unwrap();
    let sets = ParamSets::new(vec!["b".into(), "a".into()], vec![-1.2, 0.3]).unwrap();
    let binder = plan.binder(&sets).unwrap();
    assert!(close(
        &product(&binder.bind(0).unwrap()),
        &product(&plan.bind(&[0.3, -1.2]).unwrap())
    ));
    let missing = ParamSets::new(vec!["a".into()], vec![0.3]).unwrap();
    assert!(matches!(
        plan.binder(&missing),
        Err(Error::UnboundParameter { .. })
    ));
}

#[test]
fn circuits_without_parameters_share_their_ops() {
    let mut c = Circuit::new(2);
    c.h(0).cx(0, 1).id(1);
    let plan = compile(&c, &CompileOptions::unfused()).unwrap();
    let a = plan.bind(&[]).unwrap();
    let b = plan.bind(&[]).unwrap();
    assert_eq!(a.ops().len(), 2, "identities are dropped");
    assert!(std::ptr::eq(a.ops().as_ptr(), b.ops().as_ptr()));
}

/// ZZ interactions written `CX · RZ · CX` on non-neighbouring pairs, and a CNOT ladder
/// around one `RZ`, compile to a single diagonal op (the sandwiches open into
/// diagonals that fuse with the diagonal limit) — the same operator as the native
/// `RZZ` / unfused circuit, for several values.
#[test]
fn permutation_sandwiches_fuse_into_one_diagonal() {
    let mut written = Circuit::new(6);
    written
        .cx(0, 5)
        .rz("g", 5)
        .cx(0, 5)
        .cx(1, 3)
        .rz("2*g", 3)
        .cx(1, 3)
        .cx(2, 3)
        .cx(3, 4)
        .rz("g + 0.5", 4)
        .cx(3, 4)
        .cx(2, 3);
    let plan = compile(&written, &CompileOptions::default()).unwrap();
    let unfused = compile(&written, &CompileOptions::unfused()).unwrap();
    assert_eq!(plan.op_count(), 1);
    for g in [0.3, -1.1, 2.0] {
        let program = plan.bind(&[g]).unwrap();
        assert!(matches!(program.ops()[0], Op::Diagonal { .. }));
        let want = product(&unfused.bind(&[g]).unwrap());
        assert!(close(&product(&program), &want), "g={g}");
    }
    // The native form is the same operator (the ladder is a ZZZ term, not an RZZ:
    // compare the first two terms).
    let mut written_two = Circuit::new(6);
    written_two
        .cx(0, 5)
        .rz("g", 5)
        .cx(0, 5)
        .cx(1, 3)
        .rz("2*g", 3)
        .cx(1, 3);
    let mut native_two = Circuit::new(6);
    native_two.rzz("g", 0, 5).rzz("2*g", 1, 3);
    let written_two = compile(&written_two, &CompileOptions::default()).unwrap();
    let native_two = compile(&native_two, &CompileOptions::unfused()).unwrap();
    let a = product(&written_two.bind(&[0.7]).unwrap());
    let b = product(&native_two.bind(&[0.7]).unwrap());
    assert!(close(&a, &b));
}

/// A sandwich broken by a dense gate on its qubits stays dense (and still correct).
#[test]
fn a_broken_sandwich_is_left_alone() {
    let mut c = Circuit::new(3);
    c.cx(0, 2).rz("g", 2).h(2).cx(0, 2);
    let plan = compile(&c, &CompileOptions::default()).unwrap();
    let unfused = compile(&c, &CompileOptions::unfused()).unwrap();
    let program = plan.bind(&[0.4]).unwrap();
    assert!(program
        .ops()
        .iter()
        .all(|op| !matches!(op, Op::Diagonal { .. })));
    assert!(close(
        &product(&program),
        &product(&unfused.bind(&[0.4]).unwrap())
    ));
}

/// The QAOA benchmark circuit written `CX · RZ · CX` is the same operator as its native
/// `RZZ` form (`library::qaoa_random_graph`), and compiles to the same number of ops.
#[test]
fn qaoa_forms_are_the_same_operator() {
    use ferroq_core::library::qaoa_random_graph;
    let (cx, rzz) = (
        qaoa_random_graph(5, 2, 11, false),
        qaoa_random_graph(5, 2, 11, true),
    );
    let fused = compile(&cx, &CompileOptions::default()).unwrap();
    let native = compile(&rzz, &CompileOptions::unfused()).unwrap();
    assert!(close(
        &product(&fused.bind(&[]).unwrap()),
        &product(&native.bind(&[]).unwrap())
    ));
    let native_fused = compile(&rzz, &CompileOptions::default()).unwrap();
    assert_eq!(fused.op_count(), native_fused.op_count());
}

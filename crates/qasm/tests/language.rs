//! Each OpenQASM 2.0 language feature, checked through the parsed circuit and the
//! state ferroq's CPU backend computes from it.

mod common;

use common::{assert_states_match, qasm_state, run, state};
use ferroq_core::{Circuit, Condition, Gate, Operation, Param};
use ferroq_qasm::parse;

const HEAD: &str = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

fn p(body: &str) -> Circuit {
    parse(&format!("{HEAD}{body}")).unwrap_or_else(|e| panic!("{e}\n{body}"))
}

/// Index of the one basis state with amplitude of modulus 1.
fn basis_index(s: &[ferroq_core::Complex64]) -> usize {
    let i = s.iter().position(|z| z.norm() > 0.5).expect("nonzero");
    assert!((s[i].norm() - 1.0).abs() < 1e-12, "not a basis state");
    i
}

#[test]
fn registers_are_numbered_in_declaration_order_little_endian() {
    let c = p("qreg a[2];\nqreg b[3];\ncreg c[1];\ncreg d[2];\nx b[1];\nmeasure b[1] -> d[1];");
    assert_eq!((c.num_qubits(), c.num_clbits()), (5, 3));
    let (s, bits) = run(&c, 0);
    assert_eq!(basis_index(&s), 1 << 3);
    assert_eq!(bits, vec![false, false, true]);
}

#[test]
fn version_header_may_be_written_as_2() {
    for text in [
        "OPENQASM 2.0;\nqreg q[1];\nU(pi,0,pi) q[0];",
        "OPENQASM 2;\nqreg q[1];\nU(pi,0,pi) q[0];",
        "// a comment first\n\u{feff}OPENQASM 2.0; qreg q[1]; U(pi,0,pi) q[0];",
    ] {
        assert_eq!(basis_index(&state(&parse(text).unwrap())), 1);
    }
}

#[test]
fn gates_qiskit_adds_to_qelib1_may_be_defined_by_the_program() {
    // Regression (issue 19, item 12): valid against the standard qelib1.inc, accepted
    // by Qiskit, once rejected here as "`swap` is already defined".
    let defined = p("gate swap a,b { cx a,b; cx b,a; cx a,b; }\n\
                     qreg q[2];\nx q[0];\nswap q[0],q[1];");
    // The file's definition is the one used: three CNOTs, not one swap gate.
    assert_eq!(defined.len(), 4);
    assert_eq!(basis_index(&state(&defined)), 2);
    // Defined before the include, and with a different signature: the file's wins.
    let before = parse(
        "OPENQASM 2.0;\ngate rzz(t) a,b { CX a,b; U(0,0,t) b; CX a,b; }\n\
         include \"qelib1.inc\";\nqreg q[2];\nh q;\nrzz(0.3) q[0],q[1];",
    )
    .unwrap();
    assert_eq!(before.len(), 5);
    let odd = p("gate cp(a, b) c,t { rz(a+b) t; }\nqreg q[2];\ncp(1,2) q[0],q[1];");
    assert_eq!(odd.len(), 1);
    // `opaque` with the built-in signature keeps the built-in gate usable.
    let op = p("opaque cswap a,b,c;\nqreg q[3];\nx q[0];\nx q[1];\ncswap q[0],q[1],q[2];");
    assert_eq!(basis_index(&state(&op)), 0b101);
    // Agrees with the built-in gates on the state (reference: qelib1's own cswap).
    assert_states_match(
        &state(&p("gate cswap a,b,c { cx c,b; ccx a,b,c; cx c,b; }\n\
                   qreg q[3];\nh q;\nt q[1];\ncswap q[0],q[1],q[2];")),
        &state(&p("qreg q[3];\nh q;\nt q[1];\ncswap q[0],q[1],q[2];")),
        1e-12,
        "cswap defined by the file vs built in",
    );
}

#[test]
fn the_standard_qelib1_gates_cannot_be_defined_again() {
    for text in [
        format!("{HEAD}gate h a {{ U(pi/2,0,pi) a; }}"),
        format!("{HEAD}gate swap a,b {{ cx a,b; }}\ngate swap a,b {{ cx a,b; }}"),
        "OPENQASM 2.0;\ngate cx a,b { CX a,b; }\ninclude \"qelib1.inc\";".to_string(),
    ] {
        let (_, _, m) = common::qasm_err(parse(&text));
        assert!(m.contains("already"), "{m}");
    }
}

#[test]
fn a_program_without_the_header_is_rejected_with_its_position() {
    // Regression (issue 19, item 12): an empty file was a 0-qubit program.
    for (text, line, column, found) in [
        ("", 1, 1, "the end of the input"),
        ("// only a comment\n", 2, 1, "the end of the input"),
        ("qreg q[1];\nU(pi,0,pi) q[0];", 1, 1, "`qreg`"),
        ("\n\n  include \"qelib1.inc\";", 3, 3, "`include`"),
    ] {
        let (l, c, m) = common::qasm_err(parse(text));
        assert_eq!((l, c), (line, column), "{m}");
        assert!(m.contains("expected the header `OPENQASM 2.0;`"), "{m}");
        assert!(m.contains(found), "{m}");
    }
}

#[test]
fn builtin_u_and_cx_need_no_include() {
    let c = parse("OPENQASM 2.0;\nqreg q[2];\nU(pi,0,pi) q[0];\nCX q[0],q[1];").unwrap();
    assert_eq!(basis_index(&state(&c)), 3);
}

#[test]
fn including_qelib1_twice_is_harmless() {
    let c = parse(&format!(
        "{HEAD}include \"qelib1.inc\";\nqreg q[1];\nx q[0];"
    ))
    .unwrap();
    assert_eq!(c.len(), 1);
}

#[test]
fn broadcasting_over_registers() {
    // One gate on a whole register.
    let c = p("qreg q[3];\nh q;");
    assert_eq!(c.len(), 3);
    // Register with register: pairwise.
    let c = p("qreg q[2];\nqreg r[2];\nx q;\ncx q, r;");
    assert_eq!(basis_index(&state(&c)), 0b1111);
    // A single qubit with a register: repeated.
    let c = p("qreg q[1];\nqreg r[3];\nx q[0];\ncx q[0], r;");
    assert_eq!(basis_index(&state(&c)), 0b1111);
    assert_eq!(c.len(), 4);
    // measure and reset of whole registers.
    let c = p("qreg q[3];\ncreg c[3];\nx q[0];\nx q[2];\nmeasure q -> c;\nreset q;");
    let (s, bits) = run(&c, 1);
    assert_eq!(bits, vec![true, false, true]);
    assert_eq!(basis_index(&s), 0);
    // User gates broadcast too.
    let c = p("gate flip a, b { x a; x b; }\nqreg q[2];\nqreg r[2];\nflip q, r[1];");
    assert_eq!(c.len(), 4);
    // x q[0]; x r[1]; x q[1]; x r[1]: r[1] flips twice.
    assert_eq!(basis_index(&state(&c)), 0b0011);
}

#[test]
fn barrier_is_one_instruction_over_all_its_qubits() {
    let c = p("qreg q[2];\nqreg r[2];\nbarrier q, r[1], q[0];");
    assert_eq!(c.len(), 1);
    assert_eq!(
        c.instructions()[0].op,
        Operation::Barrier {
            qubits: vec![0, 1, 3]
        }
    );
}

#[test]
fn gate_definitions_expand_with_parameters_and_nesting() {
    let c = p("gate rot(a, b) x { rz(a) x; ry(b / 2) x; }\n\
               gate two(t) x, y { rot(t, 2*t) x; cx x, y; rot(-t, t^2) y; barrier x, y; }\n\
               gate none() x { }\n\
               qreg q[2];\n\
               h q;\n\
               two(0.3) q[1], q[0];\n\
               none() q[0];\n\
               none q[1];");
    let mut want = Circuit::new(2);
    want.h(0).h(1);
    want.rz(0.3, 1)
        .ry(0.3, 1)
        .cx(1, 0)
        .rz(-0.3, 0)
        .ry(0.3f64.powi(2) / 2.0, 0);
    assert_states_match(&state(&c), &state(&want), 1e-12, "nested gates");
    // The barrier inside the definition survives the expansion.
    assert!(c
        .instructions()
        .iter()
        .any(|i| i.op == Operation::Barrier { qubits: vec![1, 0] }));
}

#[test]
fn deep_chains_of_gate_definitions_expand_without_recursion() {
    let mut text = String::from("gate g0 a { x a; }\n");
    for i in 1..3000 {
        text += &format!("gate g{i} a {{ g{} a; }}\n", i - 1);
    }
    text += "qreg q[1];\ng2999 q[0];";
    let c = p(&text);
    assert_eq!(c.len(), 1);
}

#[test]
fn opaque_declarations_are_accepted_until_applied() {
    let c = p("opaque magic(a) x, y;\nqreg q[2];\nh q[0];");
    assert_eq!(c.len(), 1);
}

#[test]
fn measurement_and_reset_mid_circuit() {
    let c =
        p("qreg q[2];\ncreg c[2];\nx q[0];\nmeasure q[0] -> c[1];\nreset q[0];\nh q[1];\nh q[1];");
    let (s, bits) = run(&c, 3);
    assert_eq!(bits, vec![false, true]);
    assert_eq!(basis_index(&s), 0);
}

#[test]
fn if_conditions_read_the_whole_register_and_run_mid_circuit() {
    let c = p("qreg q[3];\ncreg a[1];\ncreg b[2];\n\
               x q[0];\nmeasure q[0] -> b[1];\n\
               if (b == 2) x q[1];\n\
               if (b == 1) x q[2];\n\
               if (a == 0) measure q[1] -> b[0];");
    let conds: Vec<Option<Condition>> = c
        .instructions()
        .iter()
        .map(|i| i.condition.clone())
        .collect();
    assert_eq!(
        conds[2],
        Some(Condition {
            clbits: vec![1, 2],
            value: 2
        })
    );
    assert_eq!(conds[4].as_ref().map(|c| c.clbits.clone()), Some(vec![0]));
    let (s, bits) = run(&c, 7);
    assert_eq!(basis_index(&s), 0b011);
    assert_eq!(bits, vec![false, true, true]);
}

#[test]
fn conditioned_user_gates_condition_every_expanded_instruction() {
    let c = p("gate pair a, b { x a; x b; }\nqreg q[2];\ncreg c[1];\nif (c == 0) pair q[0], q[1];");
    assert_eq!(c.len(), 2);
    assert!(c.instructions().iter().all(|i| i.condition.is_some()));
    assert_eq!(basis_index(&state(&c)), 3);
}

fn first_param(c: &Circuit) -> f64 {
    match &c.instructions()[0].op {
        Operation::Gate {
            gate: Gate::U(Param::Value(v), ..),
            ..
        } => *v,
        other => panic!("{other:?}"),
    }
}

#[test]
fn parameter_expressions_evaluate_in_f64() {
    let pi = std::f64::consts::PI;
    let cases: Vec<(&str, f64)> = vec![
        ("pi/2", pi / 2.0),
        ("-pi", -pi),
        ("1+2*3", 7.0),
        ("(1+2)*3", 9.0),
        ("1-2-3", -4.0),
        ("8/2/2", 2.0),
        ("2^3", 8.0),
        ("2^3^2", 512.0),
        ("-2^2", -4.0),
        ("2^-1", 0.5),
        ("--1", 1.0),
        ("+3", 3.0),
        ("sin(pi/2)", 1.0),
        ("cos(0)", 1.0),
        ("tan(pi/4)", (pi / 4.0).tan()),
        ("exp(1)", std::f64::consts::E),
        ("ln(exp(2))", 2.0),
        ("sqrt(16)", 4.0),
        ("1e-3", 1e-3),
        (".5", 0.5),
        ("5.", 5.0),
        ("1.5E2", 150.0),
        ("2*-3", -6.0),
        ("sin(cos(ln(sqrt(exp(pi)))))", (pi / 2.0).cos().sin()),
    ];
    for (expr, want) in cases {
        let c = parse(&format!("OPENQASM 2.0;\nqreg q[1];\nU({expr}, 0, 0) q[0];")).unwrap();
        let got = first_param(&c);
        assert!(
            (got - want).abs() <= 1e-15 * want.abs().max(1.0),
            "{expr}: {got} != {want}"
        );
    }
}

#[test]
fn moderately_deep_expressions_are_fine() {
    let e = format!("{}1{}", "(".repeat(150), ")".repeat(150));
    assert_eq!(
        first_param(&parse(&format!("OPENQASM 2.0;\nqreg q[1];\nU({e},0,0) q[0];")).unwrap()),
        1.0
    );
    let long_sum = vec!["1"; 5000].join("+");
    assert_eq!(
        first_param(
            &parse(&format!(
                "OPENQASM 2.0;\nqreg q[1];\nU({long_sum},0,0) q[0];"
            ))
            .unwrap()
        ),
        5000.0
    );
}

#[test]
fn layout_comments_crlf_bom_and_missing_final_newline() {
    let text = "\u{feff}// Grüße, ψ ⟩ — a comment in UTF-8\r\nOPENQASM 2.0;\r\n\
                include \"qelib1.inc\"; /* block\r\n comment ∑ */ qreg q[2];\r\n\
                x\tq[0] ;cx q[0] ,\r\n q[1]\r\n;// trailing comment without a newline";
    let c = parse(text).unwrap();
    assert_eq!(basis_index(&state(&c)), 3);
    // Positions after CRLF lines are still right.
    let err = common::qasm_err(parse("OPENQASM 2.0;\r\nqreg q[1];\r\n\r\n  foo q[0];"));
    assert_eq!((err.0, err.1), (4, 3));
}

#[test]
fn non_utf8_bytes_in_comments_are_accepted_from_files() {
    let dir = std::env::temp_dir().join(format!("ferroq-qasm-latin1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("latin1.qasm");
    let mut bytes = b"OPENQASM 2.0;\n// caf\xe9 in Latin-1\nqreg q[1];\nU(pi,0,pi) q[0];".to_vec();
    bytes.push(b'\n');
    std::fs::write(&path, bytes).unwrap();
    let c = ferroq_qasm::parse_file(&path).unwrap();
    assert_eq!(basis_index(&state(&c)), 1);
    std::fs::remove_dir_all(&dir).unwrap();
    let e = ferroq_qasm::parse_file(dir.join("missing.qasm")).unwrap_err();
    assert!(e.to_string().contains("cannot read"), "{e}");
}

#[test]
fn user_definitions_may_replace_qelib1_when_it_is_not_included() {
    // As in hqs_gate_defs.qasm: qelib1 names defined by the program itself.
    let s = qasm_state(
        "OPENQASM 2.0;\ngate h a { U(pi/2,0,pi) a; }\ngate cx c,t { CX c,t; }\nqreg q[2];\nh q[0];\ncx q[0],q[1];",
    );
    let r = std::f64::consts::FRAC_1_SQRT_2;
    assert!((s[0].re - r).abs() < 1e-12 && (s[3].re - r).abs() < 1e-12);
}

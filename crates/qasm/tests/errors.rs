//! Every class of reader error: the message and the line/column it names.

mod common;

use common::qasm_err;
use ferroq_qasm::{parse, parse_with, ParseOptions};

const HEAD: &str = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

/// Parses `HEAD + body`, expects an error at (`line`, `column`) of the whole text
/// whose message contains `needle`.
#[track_caller]
fn check(body: &str, line: usize, column: usize, needle: &str) {
    let (l, c, m) = qasm_err(parse(&format!("{HEAD}{body}")));
    assert!(m.contains(needle), "message {m:?} lacks {needle:?}");
    assert_eq!((l, c), (line, column), "position of {m:?}");
}

#[test]
fn syntax_errors_say_what_was_expected() {
    check(
        "qreg q[2]\nh q[0];",
        4,
        1,
        "expected `;` after the register declaration, found `h`",
    );
    check(
        "qreg q[2];\nh q[0]",
        4,
        7,
        "expected `,` or `;` after the qubit arguments, found the end of the input",
    );
    check("qreg q[2];\ncx q[0] q[1];", 4, 9, "expected `,` or `;`");
    check("qreg q[];", 3, 8, "expected the register size");
    check(
        "qreg q[2];\nrx(0.5 q[0];",
        4,
        8,
        "expected `,` or `)` in the parameter list, found `q`",
    );
    check(
        "qreg q[2];\nrx() q[0];",
        4,
        1,
        "gate `rx` takes 1 parameter, got 0",
    );
    check("qreg q[2];\nrx(,) q[0];", 4, 4, "expected an expression");
    check("qreg q[1];\n) ;", 4, 1, "expected a statement");
    check("qreg q[1];\nmeasure q[0] c[0];", 4, 14, "expected `->`");
    check("gate g a { x a; ", 3, 17, "expected `}` to close gate `g`");
    check("qreg q[1]; U(1 2, 3) q[0];", 3, 16, "`,` or `)`");
    check("qreg q[1];\nq[0];", 4, 1, "`q` is a register, not a gate");
    check("qreg 3[1];", 3, 6, "expected a register name after `qreg`");
    check(
        "qreg q[1.5];",
        3,
        8,
        "expected the register size (a non-negative integer), found the number `1.5`",
    );
}

#[test]
fn lexical_errors() {
    check("qreg q[1];\nU(1 = 2,0,0) q[0];", 4, 5, "expected `==`");
    check(
        "qreg q[1];\n/* never closed\n",
        4,
        1,
        "unterminated block comment",
    );
    check("qreg q[1];\nx q[0]; @", 4, 9, "unexpected character '@'");
    check("qreg qé[1];", 3, 7, "unexpected character 'é'");
    check("include \"qelib1.inc;", 3, 9, "unterminated string");
    check(
        "qreg q[1];\nU(1e,0,0) q[0];",
        4,
        5,
        "expected digits after the exponent",
    );
}

#[test]
fn undefined_names() {
    check("qreg q[1];\nfoo q[0];", 4, 1, "undefined gate `foo`");
    check("qreg q[1];\nx r[0];", 4, 3, "undefined register `r`");
    check(
        "qreg q[1];\ncreg c[1];\nmeasure q[0] -> d[0];",
        5,
        17,
        "undefined register `d`",
    );
    check(
        "qreg q[1];\ncreg c[1];\nx c[0];",
        5,
        3,
        "`c` is a classical register; a quantum register is expected here",
    );
    check(
        "qreg q[1];\nmeasure q[0] -> q[0];",
        4,
        17,
        "`q` is a quantum register; a classical register is expected here",
    );
    check(
        "gate g a { U(theta,0,0) a; }",
        3,
        14,
        "unknown identifier `theta`",
    );
    check(
        "qreg q[1];\nU(x,0,0) q[0];",
        4,
        3,
        "unknown identifier `x` in an expression (only numbers",
    );
    check("gate g a { x b; }", 3, 14, "unknown qubit `b` in gate `g`");
    check(
        "gate g a { later a; }\ngate later a { x a; }",
        3,
        12,
        "undefined gate `later`",
    );
    // Without the include, qelib1 names are undefined, with a hint.
    let (l, c, m) = qasm_err(parse("OPENQASM 2.0;\nqreg q[1];\nh q[0];"));
    assert_eq!((l, c), (3, 1));
    assert!(
        m.contains("defined in qelib1.inc, add `include \"qelib1.inc\";`"),
        "{m}"
    );
}

#[test]
fn index_out_of_range() {
    check(
        "qreg q[2];\nx q[2];",
        4,
        5,
        "index 2 is out of range for register `q` of size 2",
    );
    check(
        "qreg q[2];\ncreg c[1];\nmeasure q[0] -> c[7];",
        5,
        19,
        "index 7 is out of range for register `c` of size 1",
    );
    check(
        "qreg q[2];\nx q[99999999999999999999999];",
        4,
        5,
        "integer `99999999999999999999999` is too large",
    );
}

#[test]
fn wrong_parameter_or_qubit_counts() {
    check(
        "qreg q[2];\nrx(1, 2) q[0];",
        4,
        1,
        "gate `rx` takes 1 parameter, got 2",
    );
    check(
        "qreg q[2];\nh(1) q[0];",
        4,
        1,
        "gate `h` takes 0 parameters, got 1",
    );
    check(
        "qreg q[2];\ncx q[0];",
        4,
        1,
        "gate `cx` acts on 2 qubits, got 1",
    );
    check(
        "qreg q[3];\nx q[0], q[1];",
        4,
        1,
        "gate `x` acts on 1 qubit, got 2",
    );
    check(
        "gate g(a) x { U(a,0,0) x; }\nqreg q[1];\ng q[0];",
        5,
        1,
        "gate `g` takes 1 parameter, got 0",
    );
    check(
        "gate g a { cx a; }",
        3,
        12,
        "gate `cx` acts on 2 qubits, got 1",
    );
    check(
        "gate g a { }\nqreg q[1];\nreset q[0], q[0];",
        5,
        13,
        "`reset` takes one qubit",
    );
}

#[test]
fn repeated_qubit_arguments() {
    check(
        "qreg q[2];\ncx q[1], q[1];",
        4,
        10,
        "gate `cx` uses qubit `q[1]` twice (as arguments 1 and 2)",
    );
    check("qreg q[2];\ncx q, q[0];", 4, 7, "uses qubit `q[0]` twice");
    check(
        "qreg q[3];\nccx q[0], q[1], q;",
        4,
        17,
        "uses qubit `q[0]` twice",
    );
    check(
        "gate g a, b { cx a, a; }",
        3,
        21,
        "qubit `a` is used twice in `cx`",
    );
    check(
        "gate g a, a { }",
        3,
        11,
        "`a` is declared twice in the signature of gate `g`",
    );
    check(
        "gate g(t, t) a { }",
        3,
        11,
        "parameter `t` of gate `g` is declared twice",
    );
}

#[test]
fn broadcast_size_mismatch() {
    check(
        "qreg q[2];\nqreg r[3];\ncx q, r;",
        5,
        7,
        "cannot broadcast `cx` over registers of different sizes: `q` has 2 and `r` has 3",
    );
    check(
        "qreg q[2];\ncreg c[3];\nmeasure q -> c;",
        5,
        14,
        "cannot measure `q` into `c`",
    );
    check(
        "qreg q[2];\ncreg c[2];\nmeasure q[0] -> c;",
        5,
        17,
        "cannot measure `q[0]` into `c`",
    );
}

#[test]
fn recursive_gate_definitions() {
    check(
        "gate g a { h a; g a; }",
        3,
        17,
        "gate `g` calls itself: recursive gate definitions are not allowed",
    );
}

#[test]
fn redefinitions() {
    check(
        "qreg q[1];\nqreg q[2];",
        4,
        6,
        "`q` is already defined (already declared at line 3, column 6)",
    );
    check("qreg q[1];\ncreg q[2];", 4, 6, "`q` is already defined");
    check(
        "gate h a { }",
        3,
        6,
        "`h` is already defined (defined by qelib1.inc)",
    );
    check("gate CX a, b { }", 3, 6, "`CX` is a reserved word");
    check("gate g a { }\ngate g a { }", 4, 6, "`g` is already defined");
    let (l, c, m) = qasm_err(parse(
        "OPENQASM 2.0;\ngate h a { }\ninclude \"qelib1.inc\";",
    ));
    assert_eq!((l, c), (3, 9));
    assert!(
        m.contains("qelib1.inc defines `h`, which is already declared at line 2"),
        "{m}"
    );
}

#[test]
fn reserved_words_cannot_name_things() {
    check("qreg pi[1];", 3, 6, "`pi` is a reserved word");
    check("gate g(sin) a { }", 3, 8, "`sin` is a reserved word");
    check("creg measure[1];", 3, 6, "`measure` is a reserved word");
}

#[test]
fn unsupported_includes_and_versions() {
    check(
        "include \"stdgates.inc\";",
        3,
        9,
        "unsupported include \"stdgates.inc\": only \"qelib1.inc\" is built in",
    );
    let (l, c, m) = qasm_err(parse("OPENQASM 3.0;\nqreg q[1];"));
    assert_eq!((l, c), (1, 10));
    assert!(
        m.contains("unsupported OpenQASM version 3.0: only version 2.0 is supported"),
        "{m}"
    );
    let (l, c, m) = qasm_err(parse("OPENQASM 2.1;"));
    assert_eq!((l, c), (1, 10));
    assert!(m.contains("only version 2.0 is supported"), "{m}");
    check(
        "OPENQASM 2.0;",
        3,
        1,
        "may only appear as the first statement",
    );
}

#[test]
fn registers_too_large_for_any_state_are_rejected_before_allocating() {
    check("qreg q[65];", 3, 8, "register `q[65]` brings the program to 65 qubits, more than the 64 a ferroq state can hold");
    check(
        "qreg a[40];\nqreg b[30];",
        4,
        8,
        "brings the program to 70 qubits",
    );
    check(
        "qreg q[18446744073709551615];",
        3,
        8,
        "18446744073709551615 qubits",
    );
    check(
        "creg c[4294967296];",
        3,
        8,
        "classical bits, more than the 1048576",
    );
    let mut opts = ParseOptions::default();
    opts.max_qubits = 30;
    let (l, c, m) = qasm_err(parse_with("OPENQASM 2.0; qreg q[31];", &opts));
    assert_eq!((l, c), (1, 22));
    assert!(m.contains("more than the 30"), "{m}");
}

#[test]
fn opaque_gates_cannot_be_applied() {
    check(
        "opaque o(a) x;\nqreg q[1];\no(1) q[0];",
        5,
        1,
        "gate `o` is declared `opaque`: it has no definition, so it cannot be simulated",
    );
    check(
        "opaque o x;\ngate g a { o a; }\nqreg q[1];\ng q[0];",
        6,
        1,
        "while expanding gate `g`: gate `o` is declared `opaque`",
    );
}

#[test]
fn expression_evaluation_errors() {
    check("qreg q[1];\nU(1/0,0,0) q[0];", 4, 4, "division by zero");
    check(
        "qreg q[1];\nU(ln(0),0,0) q[0];",
        4,
        3,
        "ln of a non-positive number",
    );
    check(
        "qreg q[1];\nU(sqrt(-1),0,0) q[0];",
        4,
        3,
        "sqrt of a negative number",
    );
    check(
        "qreg q[1];\nU(exp(1000),0,0) q[0];",
        4,
        3,
        "non-finite value",
    );
    check("qreg q[1];\nU(10^400,0,0) q[0];", 4, 5, "non-finite value");
    check(
        "qreg q[1];\nU(1e999,0,0) q[0];",
        4,
        3,
        "number `1e999` is out of range",
    );
    // Inside a definition the error is found when expanding; it names both places.
    check(
        "gate g(x) a { U(1/x,0,0) a; }\nqreg q[1];\ng(0) q[0];",
        5,
        1,
        "while expanding gate `g`: division by zero (at line 3, column 18, in the definition of `g`)",
    );
}

#[test]
fn deeply_nested_input_is_an_error_not_a_stack_overflow() {
    for depth in [250, 100_000] {
        let e = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
        let (_, _, m) = qasm_err(parse(&format!(
            "OPENQASM 2.0;\nqreg q[1];\nU({e},0,0) q[0];"
        )));
        assert!(m.contains("too deeply nested"), "{m}");
        let e = format!("{}1", "-".repeat(depth));
        let (_, _, m) = qasm_err(parse(&format!(
            "OPENQASM 2.0;\nqreg q[1];\nU({e},0,0) q[0];"
        )));
        assert!(m.contains("too deeply nested"), "{m}");
        let e = format!("{}x{}", "sin(".repeat(depth), ")".repeat(depth));
        let (_, _, m) = qasm_err(parse(&format!(
            "OPENQASM 2.0; gate g(x) a {{ U({e},0,0) a; }}"
        )));
        assert!(m.contains("too deeply nested"), "{m}");
    }
    // A long operator chain on a parameter builds a deep tree: bounded too.
    let chain = vec!["x"; 1000].join("+");
    let (l, c, m) = qasm_err(parse(&format!(
        "OPENQASM 2.0; gate g(x) a {{ U({chain},0,0) a; }}"
    )));
    assert!(m.contains("too deeply nested"), "{m}");
    assert_eq!(l, 1);
    assert!(c > 300, "column {c}");
}

#[test]
fn exponential_gate_expansion_hits_the_limit() {
    let mut text = String::from("OPENQASM 2.0;\ngate g0 a { }\n");
    for i in 1..=40 {
        text += &format!("gate g{i} a {{ g{} a; g{} a; }}\n", i - 1, i - 1);
    }
    text += "qreg q[1];\ng40 q[0];";
    let mut opts = ParseOptions::default();
    opts.max_instructions = 100_000;
    let (l, c, m) = qasm_err(parse_with(&text, &opts));
    assert_eq!((l, c), (44, 1));
    assert!(
        m.contains("expanding gate `g40` takes more than 100000 steps"),
        "{m}"
    );
    // Instructions themselves are capped too.
    let (l, _, m) = qasm_err(parse_with(
        &format!("{HEAD}qreg q[1];\n{}", "x q[0];\n".repeat(11)),
        &{
            let mut o = ParseOptions::default();
            o.max_instructions = 10;
            o
        },
    ));
    assert_eq!(l, 14);
    assert!(m.contains("grows past 10 instructions"), "{m}");
}

#[test]
fn misplaced_statements() {
    check(
        "gate g a { measure a -> c[0]; }",
        3,
        12,
        "only gate applications and `barrier` are allowed inside a gate body, found `measure`",
    );
    check("gate g a { reset a; }", 3, 12, "found `reset`");
    check("gate g a { x a[0]; }", 3, 15, "indexing is not allowed");
    check(
        "gate g { }",
        3,
        8,
        "expected the qubit arguments of gate `g`",
    );
    check(
        "qreg q[1];\ncreg c[1];\nif (c == 1) barrier q;",
        5,
        13,
        "expected a gate application, `measure` or `reset` after `if (...)`, found `barrier`",
    );
    check(
        "qreg q[1];\nif (q == 1) x q[0];",
        4,
        5,
        "`q` is a quantum register; a classical register is expected here",
    );
    check(
        "qreg q[1];\ncreg c[2];\nif (c[0] == 1) x q[0];",
        5,
        5,
        "conditions compare a whole classical register",
    );
    check(
        "qreg q[1];\ncreg c[65];\nif (c == 1) x q[0];",
        5,
        5,
        "register `c` has 65 bits; a condition supports at most 64",
    );
    check(
        "qreg q[1];\ncreg c[2];\nif (c = 1) x q[0];",
        5,
        7,
        "expected `==`",
    );
    check(
        "qreg q[1];\ncreg c[2];\nif (c == 1) qreg r[1];",
        5,
        13,
        "`qreg` cannot be used here",
    );
}

#[test]
fn exponential_expansion_is_bounded_by_output_memory() {
    // Regression (issue 19): a 1 KB file whose definitions double 22 times grew to
    // ~1.3 GB before the step limit stopped it; the output's size is bounded too.
    let mut text = String::from("OPENQASM 2.0;\ninclude \"qelib1.inc\";\ngate g0 a { x a; }\n");
    for i in 1..=22 {
        text += &format!("gate g{i} a {{ g{} a; g{} a; }}\n", i - 1, i - 1);
    }
    text += "qreg q[1];\ng22 q[0];";
    assert!(text.len() < 1024);
    let mut opts = ParseOptions::default();
    opts.max_output_bytes = 4 << 20;
    let (l, _, m) = qasm_err(parse_with(&text, &opts));
    assert_eq!(l, 27);
    assert!(m.contains("grows past 4 MiB of instructions"), "{m}");
    assert!(m.contains("max_output_bytes"), "{m}");
    // The default bound stops it too, well before the 10M-step limit would.
    let (_, _, m) = qasm_err(parse(&text.replace("g22 q[0]", "g22 q[0];\ng22 q[0]")));
    assert!(m.contains("grows past 1024 MiB of instructions"), "{m}");
}

#[test]
fn file_input_is_read_up_to_a_bound() {
    // Regression (issue 19): `/dev/zero` was read until memory ran out.
    let err = ferroq_qasm::read_bounded(std::io::repeat(b'x'), "endless").unwrap_err();
    let m = err.to_string();
    assert!(m.contains("`endless` is larger than 64 MiB"), "{m}");
    let small = ferroq_qasm::read_bounded(&b"OPENQASM 2.0;"[..], "small").unwrap();
    assert_eq!(small.len(), 13);
    if std::path::Path::new("/dev/zero").exists() {
        let m = ferroq_qasm::parse_file("/dev/zero")
            .unwrap_err()
            .to_string();
        assert!(m.contains("larger than 64 MiB"), "{m}");
    }
}

//! Fuzz-style property tests: random text, random token soup and mutated corpus files
//! never make the reader panic or hang; every random circuit the builder can make is
//! written and read back. Bounded to a few hundred cases (a few seconds in debug).

mod common;

use ferroq_core::{Circuit, Error};
use ferroq_qasm::{parse_with, to_qasm, ParseOptions};
use proptest::prelude::*;
use std::sync::mpsc;
use std::sync::OnceLock;
use std::time::Duration;

/// Small corpus files (the big ones would only slow the debug build down).
fn corpus_texts() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut texts = vec![
            "OPENQASM 2.0;\ninclude \"qelib1.inc\";\ngate g(a,b) x,y { rz(a*pi/2) x; cx x,y; u3(b,-a,sin(b)^2) y; }\n\
             qreg q[3];\ncreg c[3];\nh q;\ng(0.5,2) q[0],q[2];\nmeasure q -> c;\nif (c == 5) x q[1];\nreset q[0];\nbarrier q;\n"
                .to_string(),
        ];
        if let Some(dir) = common::corpus("qasm") {
            for f in common::qasm_files(&dir) {
                if let Ok(t) = std::fs::read_to_string(&f) {
                    if t.len() < 12_000 {
                        texts.push(t);
                    }
                }
            }
        }
        texts
    })
}

/// Parses `text` on a helper thread with small limits; fails the test on a panic,
/// an error that is not `Error::Qasm`, or no answer within 10 seconds.
fn parse_bounded(text: String) -> Result<(), TestCaseError> {
    let (tx, rx) = mpsc::channel();
    let shown: String = text.chars().take(400).collect();
    let worker = std::thread::spawn(move || {
        let mut opts = ParseOptions::default();
        opts.max_instructions = 20_000;
        let r = parse_with(&text, &opts);
        let _ = tx.send(r);
    });
    match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(c)) => {
            // Whatever parses is a valid circuit.
            prop_assert!(
                c.validate().is_ok(),
                "parsed an invalid circuit from {shown:?}"
            );
            Ok(())
        }
        Ok(Err(Error::Qasm { line, column, .. })) => {
            prop_assert!(line >= 1 && column >= 1);
            Ok(())
        }
        Ok(Err(e)) => Err(TestCaseError::fail(format!(
            "non-QASM error {e:?} for {shown:?}"
        ))),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            let _ = worker.join();
            Err(TestCaseError::fail(format!(
                "the parser panicked on {shown:?}"
            )))
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            Err(TestCaseError::fail(format!("the parser hung on {shown:?}")))
        }
    }
}

const TOKENS: &[&str] = &[
    "OPENQASM 2.0;",
    "include \"qelib1.inc\";",
    "qreg",
    "creg",
    "gate",
    "opaque",
    "barrier",
    "measure",
    "reset",
    "if",
    "U",
    "CX",
    "cx",
    "h",
    "u3",
    "rccx",
    "c4x",
    "swap",
    "gate swap a,b { cx a,b; cx b,a; cx a,b; }",
    "gate rzz(t) a,b { CX a,b; U(0,0,t) b; CX a,b; }",
    "opaque cswap a,b,c;",
    "g",
    "q",
    "c",
    "r",
    "pi",
    "sin",
    "ln",
    "sqrt",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ";",
    ",",
    "->",
    "==",
    "+",
    "-",
    "*",
    "/",
    "^",
    "0",
    "1",
    "2",
    "64",
    "65",
    "1e309",
    "0.5",
    ".",
    "//",
    "/*",
    "*/",
    "\"",
    "\n",
    "\r\n",
    " ",
    "é",
    "\u{0}",
    "99999999999999999999",
];

/// Edits applied to a corpus file.
#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
    Swap(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), 1usize..200).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
    ]
}

/// Applies `m` at char boundaries.
fn apply(text: &mut String, m: &Mutation) {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let at = |x: usize| bounds[x % bounds.len()];
    match *m {
        Mutation::Delete(a, n) => {
            let s = at(a);
            let e = bounds
                .iter()
                .copied()
                .find(|&b| b >= s + n)
                .unwrap_or(text.len());
            text.replace_range(s..e, "");
        }
        Mutation::Insert(a, t) => text.insert_str(at(a), TOKENS[t]),
        Mutation::Duplicate(a, n) => {
            let s = at(a);
            let e = bounds
                .iter()
                .copied()
                .find(|&b| b >= s + n)
                .unwrap_or(text.len());
            let piece = text[s..e].to_string();
            text.insert_str(e, &piece);
        }
        Mutation::Truncate(a) => text.truncate(at(a)),
        Mutation::Swap(a, b) => {
            let (x, y) = (at(a).min(at(b)), at(a).max(at(b)));
            let (cx, cy) = (text[x..].chars().next(), text[y..].chars().next());
            if let (Some(cx), Some(cy)) = (cx, cy) {
                if x != y {
                    let mut s = String::with_capacity(text.len());
                    s.push_str(&text[..x]);
                    s.push(cy);
                    s.push_str(&text[x + cx.len_utf8()..y]);
                    s.push(cx);
                    s.push_str(&text[y + cy.len_utf8()..]);
                    *text = s;
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 250, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_files_never_panic(pick in any::<usize>(), edits in prop::collection::vec(mutation(), 1..8)) {
        let texts = corpus_texts();
        let mut text = texts[pick % texts.len()].clone();
        for m in &edits {
            apply(&mut text, m);
        }
        parse_bounded(text)?;
    }

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(0..TOKENS.len(), 0..120)) {
        let text: String = tokens.iter().map(|&t| TOKENS[t]).collect::<Vec<_>>().join(" ");
        parse_bounded(text)?;
    }

    #[test]
    fn random_text_never_panics(text in "\\PC{0,300}") {
        parse_bounded(text)?;
    }
}

/// A random circuit from a list of (operation kind, qubits, angle) choices.
fn build(n: u32, ops: &[(u8, u32, u32, u32, f64)]) -> Circuit {
    let mut c = Circuit::with_clbits(n, 2);
    for &(k, a, b, d, t) in ops {
        let (a, b, d) = (a % n, b % n, d % n);
        let distinct = a != b && b != d && a != d;
        match k % 12 {
            0 => c.h(a),
            1 => c.rx(t, a),
            2 => c.u(t, -t, 2.0 * t, a),
            3 if a != b => c.cx(a, b),
            4 if a != b => c.crz(t, a, b),
            5 if a != b => c.controlled(ferroq_core::Gate::SXdg, &[a], &[b]),
            6 if distinct => c.ccx(a, b, d),
            7 if distinct => c.controlled(ferroq_core::Gate::RYY(t.into()), &[d], &[a, b]),
            8 if a != b => c.iswap(a, b),
            9 => c.measure(a, b % 2),
            10 => c.z(a).c_if(&[0, 1], u64::from(b % 4)),
            11 => c.barrier(&[a]),
            _ => c.t(a),
        };
    }
    c
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_circuits_round_trip(n in 3u32..6, ops in prop::collection::vec((any::<u8>(), any::<u32>(), any::<u32>(), any::<u32>(), -7.0f64..7.0), 0..30)) {
        let c = build(n, &ops);
        let text = to_qasm(&c).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back = ferroq_qasm::parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back.num_qubits(), c.num_qubits());
        for seed in 0..2 {
            let (s1, b1) = common::run(&c, seed);
            let (s2, b2) = common::run(&back, seed);
            prop_assert_eq!(b1, b2);
            prop_assert!(common::distance_up_to_phase(&s2, &s1) < 1e-9, "{}", text);
        }
    }
}

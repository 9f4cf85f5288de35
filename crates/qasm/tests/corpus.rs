//! The shared corpus of real-world files (`../../../shared/corpus`, next to the
//! repository): every file parses and compiles; the invalid file is rejected at the
//! right line; final states match Qiskit's (when Python with Qiskit is available,
//! through `tests/qiskit_reference.py`), and survive a write/read round trip.

mod common;

use common::{qiskit_states, read_reference};
use ferroq_core::{compile, CompileOptions};

#[test]
fn every_corpus_file_parses_and_compiles() {
    let Some(dir) = common::corpus("qasm") else {
        return;
    };
    let files = common::qasm_files(&dir);
    assert!(
        files.len() >= 30,
        "corpus looks incomplete: {} files",
        files.len()
    );
    for f in files {
        let c = ferroq_qasm::parse_file(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert!(
            c.num_qubits() >= 2 && c.num_qubits() <= 20,
            "{}",
            f.display()
        );
        compile(&c, &CompileOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}

#[test]
fn invalid_corpus_file_is_rejected_at_its_line() {
    let Some(dir) = common::corpus("invalid") else {
        return;
    };
    let (line, column, message) = common::qasm_err(ferroq_qasm::parse_file(
        dir.join("wild_qb_vqe_uccsd_n6.qasm"),
    ));
    // Line 2286 is `measure q[0] -> c[0];`; the file declares only `qreg reg[6];`.
    assert_eq!((line, column), (2286, 9), "{message}");
    assert_eq!(message, "undefined register `q`");
}

#[test]
fn corpus_states_survive_a_write_read_round_trip() {
    let Some(dir) = common::corpus("qasm_nomeasure") else {
        return;
    };
    for f in common::qasm_files(&dir) {
        let c = ferroq_qasm::parse_file(&f).unwrap();
        let text = ferroq_qasm::to_qasm(&c).unwrap();
        let back = ferroq_qasm::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        // The writer spells every gate the reader produced exactly.
        assert_eq!(back, c, "{}", f.display());
    }
}

#[test]
fn corpus_states_match_qiskit() {
    let Some(dir) = common::corpus("qasm_nomeasure") else {
        return;
    };
    let Some(refs) = qiskit_states(&[&dir], "corpus") else {
        return;
    };
    let mut compared = 0;
    for f in common::qasm_files(&dir) {
        let stem = f.file_stem().unwrap().to_str().unwrap();
        let want = match read_reference(&refs, stem) {
            Ok(v) => v,
            Err(why) => {
                println!("{stem}: no Qiskit reference ({why})");
                continue;
            }
        };
        let c = ferroq_qasm::parse_file(&f).unwrap();
        let got = common::state(&c);
        common::assert_states_match(&got, &want, 1e-8, stem);
        compared += 1;
    }
    let _ = std::fs::remove_dir_all(&refs);
    assert!(
        compared >= 30,
        "only {compared} corpus files had a Qiskit reference"
    );
}

//! Shared helpers of the integration tests: running circuits on ferroq's CPU backend,
//! comparing states, finding the shared corpus.
#![allow(dead_code)]

use ferroq_core::{compile, Backend, Circuit, CompileOptions, Complex64, Error, Readout};
use ferroq_cpu::{CpuBackend, CpuOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The final state vector of `c` on ferroq's CPU backend (complex128), seeded.
pub fn state_seeded(c: &Circuit, seed: u64) -> Vec<Complex64> {
    run(c, seed).0
}

/// The final state vector of `c` (seed 0).
pub fn state(c: &Circuit) -> Vec<Complex64> {
    state_seeded(c, 0)
}

/// The final state vector and classical bits of `c` run once with `seed`.
pub fn run(c: &Circuit, seed: u64) -> (Vec<Complex64>, Vec<bool>) {
    let backend = CpuBackend::new(CpuOptions {
        threads: Some(1),
        ..CpuOptions::default()
    })
    .expect("cpu backend");
    let program = compile(c, &CompileOptions::default())
        .and_then(|p| p.bind(&[]))
        .expect("compile");
    let mut s = backend.alloc(c.num_qubits(), seed).expect("alloc");
    backend.run(&mut s, &program).expect("run");
    let sv = backend
        .read(&s, &Readout::StateVector)
        .and_then(|o| o.into_state_vector())
        .expect("read state")
        .to_c64();
    let bits = backend
        .read(&s, &Readout::ClassicalBits)
        .and_then(|o| o.into_classical_bits())
        .expect("read bits");
    (sv, bits)
}

/// Parses QASM text and returns its final state.
pub fn qasm_state(text: &str) -> Vec<Complex64> {
    state(&ferroq_qasm::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}")))
}

/// Largest `|a_i - e^{iφ} b_i|` after aligning the global phase on the largest entry.
pub fn distance_up_to_phase(a: &[Complex64], b: &[Complex64]) -> f64 {
    assert_eq!(a.len(), b.len(), "state sizes differ");
    let k = (0..b.len())
        .max_by(|&i, &j| b[i].norm().total_cmp(&b[j].norm()))
        .unwrap_or(0);
    let phase = if a[k].norm() > 1e-12 && b[k].norm() > 1e-12 {
        let r = a[k] / b[k];
        r / r.norm()
    } else {
        Complex64::new(1.0, 0.0)
    };
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y * phase).norm())
        .fold(0.0, f64::max)
}

/// Asserts `a == e^{iφ} b` within `tol`.
pub fn assert_states_match(a: &[Complex64], b: &[Complex64], tol: f64, what: &str) {
    let d = distance_up_to_phase(a, b);
    assert!(
        d < tol,
        "{what}: states differ by {d:e} (tolerance {tol:e})"
    );
}

/// `../../../shared/corpus/<sub>` (next to the repository), if present.
pub fn corpus(sub: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus")
        .join(sub);
    if p.is_dir() {
        Some(p)
    } else {
        println!("skipping: corpus folder {} is absent", p.display());
        None
    }
}

/// The `.qasm` files in `dir`, sorted.
pub fn qasm_files(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read corpus dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "qasm"))
        .collect();
    v.sort();
    v
}

/// The line, column and message of an `Error::Qasm`; panics on anything else.
pub fn qasm_err(r: ferroq_core::Result<Circuit>) -> (usize, usize, String) {
    match r {
        Err(Error::Qasm {
            line,
            column,
            message,
        }) => (line, column, message),
        Err(e) => panic!("expected a QASM error, got {e:?}"),
        Ok(c) => panic!("expected a QASM error, parsed {c}"),
    }
}

fn qiskit_available() -> Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import qiskit, numpy"])
        .output()
    {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!(
            "python3 cannot import qiskit and numpy ({})",
            String::from_utf8_lossy(&o.stderr)
                .lines()
                .last()
                .unwrap_or("")
        )),
        Err(e) => Err(format!("cannot run python3: {e}")),
    }
}

/// Runs `tests/qiskit_reference.py` on `inputs`; `None` (with a printed reason) when
/// Python or Qiskit is missing.
pub fn qiskit_states(inputs: &[&Path], tag: &str) -> Option<PathBuf> {
    if let Err(why) = qiskit_available() {
        println!("skipping the Qiskit comparison: {why} (pip install qiskit numpy)");
        return None;
    }
    let out = std::env::temp_dir().join(format!("ferroq-qasm-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/qiskit_reference.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(&out)
        .args(inputs)
        .status()
        .expect("run qiskit_reference.py");
    assert!(status.success(), "qiskit_reference.py failed");
    Some(out)
}

/// The state in `<dir>/<stem>.bin`, or the error Qiskit reported.
pub fn read_reference(dir: &Path, stem: &str) -> Result<Vec<Complex64>, String> {
    if let Ok(why) = std::fs::read_to_string(dir.join(format!("{stem}.err"))) {
        return Err(why);
    }
    let bytes = std::fs::read(dir.join(format!("{stem}.bin"))).map_err(|e| e.to_string())?;
    let f = |b: &[u8]| f64::from_le_bytes(b.try_into().expect("8 bytes"));
    Ok(bytes
        .chunks_exact(16)
        .map(|z| Complex64::new(f(&z[..8]), f(&z[8..])))
        .collect())
}

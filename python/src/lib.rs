//! # ferroq-python
//!
//! The Python binding of the ferroq quantum state-vector simulator: the extension
//! module `ferroq._ferroq` (PyO3 + rust-numpy, abi3 for CPython 3.10+, built by
//! maturin), re-exported by the pure-Python package `ferroq`.
//!
//! Its reason to exist is speed from Python: Python only *describes* a circuit; each
//! simulating call hands the whole circuit (or a whole batch of parameter sets) to
//! Rust at once and releases the GIL for the entire execution, so a Python user gets
//! native speed on all cores and other Python threads keep running.
//!
//! Structure, one concern per module:
//! - [`circuit`] / [`instruction`] — `Circuit` (chainable builder) and `Instruction`;
//! - [`observable`] — `Observable` (weighted Pauli sums);
//! - [`noise`] — `Channel` and `NoiseModel`;
//! - [`simulator`] / [`result`] — `Simulator`, `RunResult`, `BackendInfo`, `backends()`;
//! - [`convert`] — checked Python → Rust conversions and Rust → numpy arrays;
//! - [`detach`] — the one helper that releases the GIL (with Ctrl-C polling for batches);
//! - [`errors`] — the one place that maps `ferroq::Error` to the `ferroq.FerroqError`
//!   exception hierarchy.

pub mod circuit;
pub mod convert;
pub mod detach;
pub mod errors;
pub mod instruction;
pub mod noise;
pub mod observable;
pub mod result;
pub mod simulator;

use pyo3::prelude::*;

/// mimalloc for every Rust allocation of the extension: compiling and binding a
/// circuit allocates many small buffers per gate, and a batch does so per item on
/// every core, where glibc's allocator was about a sixth of the run time.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Fast quantum state-vector simulation: circuits built in Python run in Rust, on all
/// cores or a GPU, with the GIL released.
#[pymodule]
fn _ferroq(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    // Import NumPy's C API now, while the module loads: rust-numpy imports it on first
    // use and panics if that import fails, and a Ctrl-C arriving during the first call
    // that returns an array made it fail ("Failed to access NumPy array API capsule").
    // A failure here fails the import of ferroq instead, as an ordinary exception.
    let py = m.py();
    py.import("numpy")?;
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        numpy::PyArray1::<f64>::zeros(py, 0, false);
    }))
    .map_err(|_| pyo3::exceptions::PyImportError::new_err("ferroq could not load NumPy's C API"))?;
    m.add_class::<circuit::PyCircuit>()?;
    m.add_class::<instruction::PyInstruction>()?;
    m.add_class::<observable::PyObservable>()?;
    m.add_class::<noise::PyChannel>()?;
    m.add_class::<noise::PyNoiseModel>()?;
    m.add_class::<simulator::PySimulator>()?;
    m.add_class::<result::PyRunResult>()?;
    m.add_class::<result::PyBackendInfo>()?;
    m.add_function(wrap_pyfunction!(result::backends, m)?)?;
    errors::register(m)?;
    Ok(())
}

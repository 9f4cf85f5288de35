//! The conformance suite on the wgpu backend: complex64 and complex128, each with the
//! largest page a storage binding holds and with pages forced down to 2^4 amplitudes
//! (so most gates cross pages). Without a usable adapter every test prints why it is
//! skipped and passes; complex128 is skipped on adapters without `SHADER_F64`.
//!
//! One backend per configuration is shared by the tests (the device and its compiled
//! pipelines are the expensive part; `WgpuBackend` is a cheap `Arc` clone).

use ferroq_conformance::conformance_suite;
use ferroq_core::{Error, Precision};
use ferroq_wgpu::{WgpuBackend, WgpuOptions};
use std::sync::OnceLock;

fn open(precision: Precision, page_qubits: Option<u32>) -> Option<WgpuBackend> {
    match WgpuBackend::new(WgpuOptions {
        precision,
        page_qubits,
        ..WgpuOptions::default()
    }) {
        Ok(b) => Some(b),
        Err(Error::BackendUnavailable { reason }) => {
            eprintln!("skipping the wgpu conformance suite ({precision}): {reason}");
            None
        }
        Err(e) => panic!("opening the wgpu backend failed: {e}"),
    }
}

macro_rules! shared {
    ($name:ident, $precision:expr, $pages:expr) => {
        fn $name() -> Option<WgpuBackend> {
            static BACKEND: OnceLock<Option<WgpuBackend>> = OnceLock::new();
            BACKEND.get_or_init(|| open($precision, $pages)).clone()
        }
    };
}

shared!(single, Precision::Single, None);
shared!(double, Precision::Double, None);
shared!(single_paged, Precision::Single, Some(4));
shared!(double_paged, Precision::Double, Some(4));

conformance_suite!(wgpu_single, Precision::Single, optional single);
conformance_suite!(wgpu_double, Precision::Double, optional double);
conformance_suite!(wgpu_single_paged, Precision::Single, optional single_paged);
conformance_suite!(wgpu_double_paged, Precision::Double, optional double_paged);

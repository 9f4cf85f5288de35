//! The conformance suite run on the reference simulator itself (through the `Backend`
//! trait). This checks the suite, and checks `ferroq-core`'s compiler and fusion against
//! the textbook reference, independently of any real backend.

use ferroq_conformance::{conformance_suite, ReferenceBackend};
use ferroq_core::Precision;

conformance_suite!(reference_double, Precision::Double, ReferenceBackend::new);

//! # ferroq-conformance
//!
//! The conformance suite that every ferroq backend must pass, and the independent
//! machinery it checks against:
//!
//! - [`reference`](mod@reference) — a dense reference simulator written from textbook definitions,
//!   independent of the backends and of `Gate::matrix_of`;
//! - [`random`] — seeded random circuits (every gate kind), unitaries and observables;
//! - [`circuits`] — GHZ, QFT and teleportation with their analytic results;
//! - [`suite`] — the generic checks, `pub fn check<B: Backend>(backend: &B)`, and the
//!   [`conformance_suite!`] macro that turns them into `#[test]`s for one backend;
//! - [`ReferenceBackend`] — the reference simulator behind the `Backend` trait, which
//!   runs the suite on itself (checking the suite and `ferroq-core`'s compiler).
//!
//! The suite is instantiated per backend in `tests/tests/`: `cpu.rs` (complex128 and
//! complex64, default and forced-parallel options) and `reference.rs`. A new backend
//! adds one file with one [`conformance_suite!`] line per configuration; see [`suite`].

pub mod circuits;
pub mod random;
pub mod reference;
pub mod reference_backend;
pub mod suite;

pub use reference_backend::ReferenceBackend;

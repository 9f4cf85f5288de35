//! # ferroq-core
//!
//! The backend-neutral heart of the ferroq quantum state-vector simulator:
//!
//! - [`Circuit`] — the circuit IR with a chainable builder for the standard gate set,
//!   symbolic parameters ([`Param`]) bound at run time ([`ParamBinding`]);
//! - [`Observable`] — weighted Pauli sums, parsed from text (`"0.5*ZZI - XIX"`);
//! - [`compile`] — validation, lowering to kernel [`Op`]s and gate fusion into a [`Program`];
//! - the [`Backend`] trait that the CPU and GPU backends implement, with its
//!   [`Readout`] requests and [`Output`]s;
//! - [`Error`] — every bad input becomes one structured error, never a panic;
//! - [`library`] — standard circuits (GHZ, QFT, random layers) for examples and benchmarks.
//!
//! **Conventions.** Qubit order is little-endian: qubit 0 is the least significant bit
//! of a basis-state index. Pauli strings are written with qubit 0 rightmost.
//!
//! ```
//! use ferroq_core::{compile, Circuit, CompileOptions, Op};
//! let mut c = Circuit::new(2);
//! c.h(0).cx(0, 1);
//! let program = compile(&c, &CompileOptions::unfused()).unwrap();
//! assert_eq!(program.ops().unwrap().len(), 2);
//! assert!(matches!(program.ops().unwrap()[1], Op::Dense { .. }));
//! ```

pub mod backend;
pub mod circuit;
pub mod error;
mod fusion;
pub mod gate;
pub mod library;
pub mod matrix;
pub mod observable;
pub mod param;
pub mod program;
pub mod rng;

pub use backend::{
    check_readout, Backend, BatchOptions, Output, OutputData, Precision, Readout, StateVector,
};
pub use circuit::{Circuit, Condition, Instruction, Operation, UNITARY_TOLERANCE};
pub use error::{Error, Result};
pub use gate::Gate;
pub use matrix::Matrix;
pub use num_complex::{Complex32, Complex64};
pub use observable::{Observable, Pauli, PauliTerm, XGroup, ZTerm};
pub use param::{Param, ParamBinding};
pub use program::{compile, CompileOptions, Op, Program};
pub use rng::Rng;

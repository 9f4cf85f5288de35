//! # ferroq-core
//!
//! The backend-neutral heart of the ferroq quantum state-vector simulator:
//!
//! - [`Circuit`] — the circuit IR with a chainable builder for the standard gate set,
//!   symbolic parameters ([`Param`]) bound at run time ([`ParamBinding`], or many sets
//!   at once as a [`ParamSets`] table);
//! - [`Observable`] — weighted Pauli sums, parsed from text (`"0.5*ZZI - XIX"`);
//! - [`compile`] — validation, lowering to kernel [`Op`]s and gate fusion into a
//!   [`Plan`], whose fusion structure is fixed once; [`Plan::bind`] evaluates it for one
//!   set of values into a runnable [`BoundProgram`];
//! - the [`Backend`] trait and the [`StatePrimitives`] each backend's state offers, with
//!   its [`Capabilities`]; the execution loop, sampling and batches written once over
//!   them ([`machine`]);
//! - [`gradient`] — expectation values and their Jacobian by the adjoint method, over
//!   a [`DiffPlan`] (the circuit lowered for differentiation);
//! - [`Readout`] requests and their [`Output`]s;
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
//! let program = compile(&c, &CompileOptions::unfused()).unwrap().bind(&[]).unwrap();
//! assert_eq!(program.ops().len(), 2);
//! assert!(matches!(program.ops()[1], Op::Dense { .. }));
//! ```

pub mod backend;
pub mod binder;
pub mod channel;
pub mod circuit;
mod circuit_check;
mod circuit_edit;
mod circuit_noise;
pub mod density;
pub mod diff_plan;
pub mod error;
mod fusion;
mod fusion_body;
pub mod gate;
pub mod gradient;
mod instruction;
pub mod interrupt;
pub mod library;
mod lowered;
pub mod machine;
pub mod matrix;
pub mod memory;
pub mod noise_model;
pub mod noisy;
pub mod observable;
pub mod op;
pub mod options;
pub mod param;
pub mod param_sets;
pub mod plan;
mod plan_step;
pub mod precision;
pub mod primitives;
pub mod readout;
pub mod rng;
mod sandwich;
mod slots;
pub mod trajectory;
pub mod trajectory_tree;

pub use backend::{Backend, BatchOptions, Capabilities, DeviceKind};
pub use binder::Binder;
pub use channel::{Channel, ReadoutError};
pub use circuit::{Circuit, Condition, Instruction, Operation, UNITARY_TOLERANCE};
pub use density::DensityMatrix;
pub use diff_plan::DiffPlan;
pub use error::{Error, Result};
pub use gate::Gate;
pub use gradient::{Gradient, Vjp};
pub use interrupt::Interrupt;
pub use machine::{Classical, Machine};
pub use matrix::Matrix;
pub use noise_model::NoiseModel;
pub use noisy::Estimate;
pub use num_complex::{Complex32, Complex64};
pub use observable::{Observable, Pauli, PauliTerm, XGroup, ZTerm};
pub use op::Op;
pub use options::CompileOptions;
pub use param::{Param, ParamBinding};
pub use param_sets::ParamSets;
pub use plan::{compile, BoundProgram, Plan};
pub use precision::Precision;
pub use primitives::StatePrimitives;
pub use readout::{check_readout, Output, OutputData, Readout, StateVector};
pub use rng::Rng;

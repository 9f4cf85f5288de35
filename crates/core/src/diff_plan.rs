//! [`DiffPlan`]: a circuit lowered for differentiation (for the adjoint method of
//! the `gradient` module).
//!
//! Every gate with a symbolic parameter stays its own step, with its targets and
//! controls, so its derivative can be applied between the forward and the backward
//! state. The fixed gates between two parametric ones form a *run*, compiled and fused
//! like any circuit ([`compile`]); on the way back a run is applied as its inverse: its
//! ops in reverse order, each replaced by its adjoint.
//!
//! A parametric gate's derivative with respect to one of its parameters is
//! `|1..1><1..1|` on the controls tensored with [`Gate::derivative_of`] on the targets:
//! it is applied as one *uncontrolled* op on `targets ++ controls` whose matrix is zero
//! wherever a control is 0 (a controlled op would leave that subspace unchanged, which
//! is wrong for a derivative).

use crate::backend::Capabilities;
use crate::circuit::{Circuit, Instruction, Operation};
use crate::error::{Error, Result};
use crate::gate::Gate;
use crate::matrix::Matrix;
use crate::op::Op;
use crate::options::CompileOptions;
use crate::param::ParamBinding;
use crate::param_sets::ParamSets;
use crate::plan::{compile, SlotExpr};
use num_complex::Complex64;

/// A parametric gate of a [`DiffPlan`].
#[derive(Debug, Clone)]
pub(crate) struct DiffGate {
    gate: Gate,
    targets: Vec<u32>,
    controls: Vec<u32>,
    params: Vec<SlotExpr>,
}

/// One step of a [`DiffPlan`].
#[derive(Debug, Clone)]
pub(crate) enum DiffStep {
    /// A run of fixed gates: its fused ops, and the ops of its inverse.
    Fixed {
        /// The run, in application order.
        forward: Vec<Op>,
        /// Its inverse: the adjoints of `forward`, in reverse order.
        inverse: Vec<Op>,
    },
    /// A gate with at least one symbolic parameter.
    Gate(DiffGate),
}

/// A circuit lowered for the adjoint method: parametric gates as their own steps,
/// fixed runs fused. Its parameters are the circuit's, sorted
/// ([`Circuit::parameters`]); the gradient's columns follow that order.
///
/// ```
/// use ferroq_core::{Circuit, CompileOptions, DiffPlan};
/// let mut c = Circuit::new(2);
/// c.h(0).cx(0, 1).ry("b", 0).crz("2*a + 0.1", 0, 1);
/// let plan = DiffPlan::new(&c, &CompileOptions::default()).unwrap();
/// assert_eq!(plan.parameters(), ["a".to_string(), "b".to_string()]);
/// assert_eq!(plan.num_gates(), 2);
/// ```
#[derive(Debug, Clone)]
pub struct DiffPlan {
    num_qubits: u32,
    parameters: Vec<String>,
    steps: Vec<DiffStep>,
    /// Widest dense op any step applies (forward, inverse or derivative).
    widest_dense: u32,
    gates: usize,
}

impl DiffPlan {
    /// Validates and lowers `circuit`; fixed runs are fused with `options`. A circuit
    /// with a measurement, reset or classical condition cannot be differentiated
    /// ([`Error::InvalidArgument`] naming the instruction).
    pub fn new(circuit: &Circuit, options: &CompileOptions) -> Result<DiffPlan> {
        circuit.validate()?;
        options.validate()?;
        let n = circuit.num_qubits();
        let parameters = circuit.parameters();
        let mut steps = Vec::new();
        let mut run = Circuit::new(n);
        let mut widest_dense = 0u32;
        let mut gates = 0;
        let close_run = |run: &mut Circuit, steps: &mut Vec<DiffStep>| -> Result<u32> {
            if run.is_empty() {
                return Ok(0);
            }
            let plan = compile(run, options)?;
            let forward = plan.bind(&[])?.ops().to_vec();
            *run = Circuit::new(n);
            if forward.is_empty() {
                return Ok(0);
            }
            let inverse = forward.iter().rev().map(adjoint).collect();
            steps.push(DiffStep::Fixed { forward, inverse });
            Ok(plan.widest_dense_op())
        };
        for (index, ins) in circuit.instructions().iter().enumerate() {
            if ins.condition.is_some() {
                return Err(not_differentiable(index, ins));
            }
            match &ins.op {
                Operation::Measure { .. }
                | Operation::Reset { .. }
                | Operation::Channel { .. }
                | Operation::ReadoutError { .. } => {
                    return Err(not_differentiable(index, ins));
                }
                Operation::Gate {
                    gate,
                    targets,
                    controls,
                } if !gate.is_numeric() => {
                    widest_dense = widest_dense.max(close_run(&mut run, &mut steps)?);
                    if !gate.is_diagonal() {
                        // The derivative is dense on targets and controls.
                        widest_dense = widest_dense.max((targets.len() + controls.len()) as u32);
                    }
                    gates += 1;
                    steps.push(DiffStep::Gate(DiffGate {
                        gate: gate.clone(),
                        targets: targets.clone(),
                        controls: controls.clone(),
                        params: SlotExpr::of_gate(gate, &parameters),
                    }));
                }
                _ => {
                    run.push(ins.clone());
                }
            }
        }
        widest_dense = widest_dense.max(close_run(&mut run, &mut steps)?);
        Ok(DiffPlan {
            num_qubits: n,
            parameters,
            steps,
            widest_dense,
            gates,
        })
    }

    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }
    /// Names of the parameters, sorted: the order of values and gradient columns.
    pub fn parameters(&self) -> &[String] {
        &self.parameters
    }
    /// Number of parametric gates (each its own step).
    pub fn num_gates(&self) -> usize {
        self.gates
    }
    /// Target qubits of the widest dense op it applies, derivatives included (a
    /// controlled parametric gate's derivative is dense on targets and controls).
    pub fn widest_dense_op(&self) -> u32 {
        self.widest_dense
    }
    pub(crate) fn steps(&self) -> &[DiffStep] {
        &self.steps
    }

    /// Checks that a backend with `caps` can apply every op of the plan.
    pub fn check(&self, caps: &Capabilities) -> Result<()> {
        if self.widest_dense > caps.max_dense_qubits {
            return Err(Error::Unsupported {
                backend: caps.name.to_string(),
                reason: format!(
                    "differentiating this circuit needs a {}-qubit dense op (a wide gate, \
                     or a controlled parametric gate's derivative on targets and controls) \
                     but its widest dense op is {} qubits",
                    self.widest_dense, caps.max_dense_qubits
                ),
            });
        }
        Ok(())
    }

    /// The values of the parameters, in [`DiffPlan::parameters`] order, from a binding
    /// by name ([`Error::UnboundParameter`], [`Error::UnknownParameter`] as
    /// [`Plan::bind_named`](crate::Plan::bind_named)).
    pub fn values(&self, binding: &ParamBinding) -> Result<Vec<f64>> {
        if let Some((name, _)) = binding.iter().find(|(g, _)| {
            self.parameters
                .binary_search_by(|p| p.as_str().cmp(g))
                .is_err()
        }) {
            return Err(Error::UnknownParameter {
                name: name.to_string(),
                known: self.parameters.join(", "),
            });
        }
        self.parameters
            .iter()
            .map(|name| {
                binding
                    .get(name)
                    .ok_or_else(|| Error::UnboundParameter { name: name.clone() })
            })
            .collect()
    }

    /// For each parameter (in [`DiffPlan::parameters`] order), the column of `sets`
    /// that holds its values ([`Error::UnboundParameter`] for a missing one,
    /// [`Error::UnknownParameter`] for a column the circuit does not use).
    pub fn columns(&self, sets: &ParamSets) -> Result<Vec<usize>> {
        let mut column_of = vec![usize::MAX; self.parameters.len()];
        for (col, name) in sets.names().iter().enumerate() {
            match self.parameters.binary_search(name) {
                Ok(slot) => column_of[slot] = col,
                Err(_) => {
                    return Err(Error::UnknownParameter {
                        name: name.clone(),
                        known: self.parameters.join(", "),
                    })
                }
            }
        }
        if let Some(slot) = column_of.iter().position(|&c| c == usize::MAX) {
            return Err(Error::UnboundParameter {
                name: self.parameters[slot].clone(),
            });
        }
        Ok(column_of)
    }

    /// Checks the number of values (one per parameter).
    pub(crate) fn check_values(&self, values: &[f64]) -> Result<()> {
        if values.len() != self.parameters.len() {
            return Err(Error::invalid(format!(
                "the circuit has {} parameters but {} values were given",
                self.parameters.len(),
                values.len()
            )));
        }
        Ok(())
    }
}

fn not_differentiable(index: usize, ins: &Instruction) -> Error {
    let what = if ins.condition.is_some() {
        "a classically conditioned gate"
    } else {
        match ins.op {
            Operation::Measure { .. } => "a measurement",
            Operation::Channel { .. } | Operation::ReadoutError { .. } => "noise",
            _ => "a reset",
        }
    };
    Error::invalid(format!(
        "cannot differentiate a circuit with {what} (instruction {index}, `{}`): \
         gradients need a circuit of gates only",
        ins.name()
    ))
}

/// The adjoint of a unitary kernel op (a controlled op's adjoint is the controlled
/// adjoint).
pub(crate) fn adjoint(op: &Op) -> Op {
    match op {
        Op::Dense {
            targets,
            controls,
            matrix,
        } => Op::Dense {
            targets: targets.clone(),
            controls: controls.clone(),
            matrix: matrix.adjoint(),
        },
        Op::Diagonal {
            targets,
            controls,
            diag,
        } => Op::Diagonal {
            targets: targets.clone(),
            controls: controls.clone(),
            diag: diag.iter().map(|d| d.conj()).collect(),
        },
        other => unreachable!("fixed runs hold gates only, got {other:?}"),
    }
}

impl DiffGate {
    /// The gate's evaluated parameters (non-finite ones are errors).
    pub(crate) fn eval(&self, values: &[f64]) -> Result<Vec<f64>> {
        self.params
            .iter()
            .map(|e| {
                let x = e.eval(values);
                if x.is_finite() {
                    Ok(x)
                } else {
                    Err(Error::NonFiniteParameter {
                        gate: self.gate.name().to_string(),
                        value: x,
                    })
                }
            })
            .collect()
    }

    /// The gate's op (`adjoint`: its inverse) at evaluated parameters `p`.
    pub(crate) fn op(&self, p: &[f64], adjoint: bool) -> Op {
        let m = self.gate.matrix_of(p);
        let m = if adjoint { m.adjoint() } else { m };
        if self.gate.is_diagonal() {
            Op::Diagonal {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                diag: m.diag(),
            }
        } else {
            Op::Dense {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                matrix: m,
            }
        }
    }

    /// The parameters that depend on a symbol: `(j, slot terms)` for parameter `j`.
    pub(crate) fn symbolic_params(&self) -> impl Iterator<Item = (usize, &[(usize, f64)])> {
        self.params
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.terms.is_empty())
            .map(|(j, e)| (j, e.terms.as_slice()))
    }

    /// `dU/dθ_j` at `p` as one uncontrolled op on `targets ++ controls`, zero wherever
    /// a control is 0.
    pub(crate) fn derivative_op(&self, p: &[f64], j: usize) -> Op {
        let d = self.gate.derivative_of(p, j);
        let qubits: Vec<u32> = self.targets.iter().chain(&self.controls).copied().collect();
        let k = self.targets.len();
        let c = self.controls.len();
        let full = ((1usize << c) - 1) << k;
        let zero = Complex64::new(0.0, 0.0);
        if self.gate.is_diagonal() {
            let diag = d.diag();
            let mask = (1usize << k) - 1;
            let diag = (0..1usize << (k + c))
                .map(|i| {
                    if i & full == full {
                        diag[i & mask]
                    } else {
                        zero
                    }
                })
                .collect();
            Op::Diagonal {
                targets: qubits,
                controls: Vec::new(),
                diag,
            }
        } else {
            let dim = 1usize << (k + c);
            let mut data = vec![zero; dim * dim];
            let base = full;
            for r in 0..d.dim() {
                for col in 0..d.dim() {
                    data[(base + r) * dim + base + col] = d.get(r, col);
                }
            }
            Op::Dense {
                targets: qubits,
                controls: Vec::new(),
                matrix: Matrix::raw(dim, data),
            }
        }
    }
}

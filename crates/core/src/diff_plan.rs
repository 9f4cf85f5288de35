//! [`DiffPlan`]: a circuit lowered for differentiation (for the adjoint method of
//! the `gradient` module).
//!
//! Every gate with a symbolic parameter stays its own step, with its targets and
//! controls, so its derivative can be applied between the forward and the backward
//! state. The fixed gates between two parametric ones form a *run*, compiled and fused
//! like any circuit ([`compile`]); on the way back a run is applied as its inverse: its
//! ops in reverse order, each replaced by its adjoint.
//!
//! Parametric gates with no fixed gate between them are scheduled into *layer* steps of
//! gates on pairwise disjoint qubits, each gate as early as the gates before it on its
//! qubits allow (so `ry(0) rz(0) ry(1) rz(1) …` is two layers). Members commute, so
//! at the layer's end the derivative of member `k` is `<λ| D_k |φ>` with the local
//! operator `D_k = dU_k/dθ · U_k^†` (see [`DiffGate::local_derivative_op`]) and both
//! states taken *after* the whole layer; the
//! layer's inverse is then applied as fused blocks ([`layer_inverse`]) — a few passes
//! over each state instead of one per gate.
//!
//! The forward run is the whole circuit compiled and fused as usual ([`compile`]).
//!
//! A parametric gate's derivative with respect to one of its parameters is
//! `|1..1><1..1|` on the controls tensored with [`Gate::derivative_of`] on the targets:
//! it is applied as one *uncontrolled* op on `targets ++ controls` whose matrix is zero
//! wherever a control is 0 (a controlled op would leave that subspace unchanged, which
//! is wrong for a derivative).

use crate::backend::Capabilities;
use crate::circuit::{Circuit, Instruction, Operation};
use crate::error::{Error, Result};
use crate::fusion_body::{block_body, Body};
use crate::gate::Gate;
use crate::matrix::Matrix;
use crate::op::Op;
use crate::options::CompileOptions;
use crate::param::ParamBinding;
use crate::param_sets::ParamSets;
use crate::plan::{compile, Plan, SlotExpr};
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
    /// A run of fixed gates, as the ops of its inverse (the adjoints of its fused ops,
    /// in reverse order).
    Fixed {
        /// The run's inverse.
        inverse: Vec<Op>,
    },
    /// Gates with at least one symbolic parameter, on pairwise disjoint qubits (they
    /// commute, so their order inside the layer does not matter).
    Layer(Vec<DiffGate>),
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
    /// The whole circuit, compiled and fused: the forward run.
    forward: Plan,
    options: CompileOptions,
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
            steps.push(DiffStep::Fixed { inverse });
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
                    let g = DiffGate {
                        gate: gate.clone(),
                        targets: targets.clone(),
                        controls: controls.clone(),
                        params: SlotExpr::of_gate(gate, &parameters),
                    };
                    place_in_layer(&mut steps, g, options.fusion);
                }
                _ => {
                    run.push(ins.clone());
                }
            }
        }
        widest_dense = widest_dense.max(close_run(&mut run, &mut steps)?);
        let forward = compile(circuit, options)?;
        if steps
            .iter()
            .any(|s| matches!(s, DiffStep::Layer(l) if l.len() > 1))
        {
            // A layer's inverse is applied in fused blocks of up to this many qubits.
            widest_dense = widest_dense.max(options.max_fused_qubits.min(LAYER_DENSE_QUBITS));
        }
        widest_dense = widest_dense.max(forward.widest_dense_op());
        Ok(DiffPlan {
            num_qubits: n,
            parameters,
            steps,
            forward,
            options: options.clone(),
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
    /// The whole circuit compiled and fused: what the forward run applies.
    pub(crate) fn forward(&self) -> &Plan {
        &self.forward
    }
    /// The options the plan was compiled with (the fused layer inverses follow them).
    pub(crate) fn options(&self) -> &CompileOptions {
        &self.options
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

/// Places parametric gate `g` in the trailing layers of `steps` (those after the last
/// fixed run) as early as it can go: right after the last layer with a member on one of
/// its qubits (a new layer when that is the last one). It commutes with every member of
/// the layers it moves past (disjoint qubits), so the product is unchanged; a circuit
/// written gate by gate (`ry(q) rz(q)` for each `q` in turn) becomes two layers of all
/// qubits instead of a chain of two-member layers. Without fusion, every gate is its
/// own layer.
fn place_in_layer(steps: &mut Vec<DiffStep>, g: DiffGate, fusion: bool) {
    let trailing = steps
        .iter()
        .rev()
        .take_while(|s| matches!(s, DiffStep::Layer(_)))
        .count();
    let start = steps.len() - trailing;
    let conflict = steps[start..].iter().rposition(|s| {
        matches!(s, DiffStep::Layer(layer)
            if layer.iter().any(|m| m.qubits().any(|q| g.touches(q))))
    });
    let level = match conflict {
        Some(c) => start + c + 1,
        None => start,
    };
    if fusion && level < steps.len() {
        if let DiffStep::Layer(layer) = &mut steps[level] {
            layer.push(g);
            return;
        }
    }
    steps.push(DiffStep::Layer(vec![g]));
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

/// Widest dense block of a layer's inverse. Members are on disjoint qubits, so a block
/// is their tensor product: two one-qubit gates make a 4x4 block at the arithmetic of
/// the two gates in one pass; wider products cost more arithmetic than the passes they
/// save (measured on the gradient benchmark, 16 and 20 qubits).
const LAYER_DENSE_QUBITS: u32 = 2;

/// One member of a layer as the backward sweep undoes it: the inverse of a gate, or of
/// a product of gates on the same qubits (see [`DiffGate::undo`], [`DiffGate::full`]).
pub(crate) struct Undo {
    targets: Vec<u32>,
    controls: Vec<u32>,
    /// The inverse on the targets (applied where every control is 1).
    inverse: Matrix,
    /// Diagonal by kind (fused with the other diagonal members).
    diagonal: bool,
}

impl Undo {
    /// The inverse of `full` (a product of gates on `qubits`, uncontrolled), diagonal
    /// when every gate of the product is diagonal by kind.
    pub(crate) fn of_product(qubits: Vec<u32>, full: &Matrix, diagonal: bool) -> Undo {
        Undo {
            targets: qubits,
            controls: Vec::new(),
            inverse: full.adjoint(),
            diagonal,
        }
    }

    fn op(&self) -> Op {
        if self.diagonal {
            Op::Diagonal {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                diag: self.inverse.diag(),
            }
        } else {
            Op::Dense {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                matrix: self.inverse.clone(),
            }
        }
    }
}

/// The inverse of a layer (members on disjoint qubits) as few ops: the diagonal
/// members in blocks of up to `max_fused_diagonal_qubits` qubits, the others in blocks
/// of up to `max_fused_qubits` but at most [`LAYER_DENSE_QUBITS`] (a block of one
/// keeps its controlled form). Members commute, so the order of the blocks does not
/// matter.
pub(crate) fn layer_inverse(members: &[Undo], options: &CompileOptions) -> Vec<Op> {
    let mut ops = Vec::new();
    for diagonal in [true, false] {
        let limit = if diagonal {
            options
                .max_fused_diagonal_qubits
                .max(options.max_fused_qubits)
        } else {
            options.max_fused_qubits.min(LAYER_DENSE_QUBITS)
        } as usize;
        let mut chunk: Vec<(Vec<u32>, Body, Op)> = Vec::new();
        let mut width = 0;
        let flush = |chunk: &mut Vec<(Vec<u32>, Body, Op)>, ops: &mut Vec<Op>| match chunk.len() {
            0 => {}
            1 => ops.push(chunk.pop().expect("one").2),
            _ => {
                let qubits: Vec<u32> = chunk.iter().flat_map(|m| m.0.iter().copied()).collect();
                ops.push(block_body(
                    &qubits,
                    diagonal,
                    chunk.iter().map(|m| (m.0.as_slice(), &m.1)),
                ));
                chunk.clear();
            }
        };
        for m in members.iter().filter(|m| m.diagonal == diagonal) {
            let qubits: Vec<u32> = m.targets.iter().chain(&m.controls).copied().collect();
            if width + qubits.len() > limit {
                flush(&mut chunk, &mut ops);
                width = 0;
            }
            let body = Body::of_gate(m.inverse.clone(), m.targets.len(), m.controls.len());
            width += qubits.len();
            chunk.push((qubits, body, m.op()));
        }
        flush(&mut chunk, &mut ops);
    }
    ops
}

impl DiffGate {
    /// Targets then controls.
    pub(crate) fn qubits(&self) -> impl Iterator<Item = u32> + '_ {
        self.targets.iter().chain(&self.controls).copied()
    }
    fn touches(&self, q: u32) -> bool {
        self.targets.contains(&q) || self.controls.contains(&q)
    }

    /// `dU/dθ_j · U^†` at `p`: the local operator whose expectation between the
    /// states *after* the gate gives the derivative. One uncontrolled op on
    /// `targets ++ controls` (zero wherever a control is 0).
    pub(crate) fn local_derivative_op(&self, p: &[f64], j: usize) -> Op {
        let full = self.full(p).adjoint();
        match self.derivative_op(p, j) {
            Op::Diagonal {
                targets,
                controls,
                diag,
            } => Op::Diagonal {
                targets,
                controls,
                diag: diag
                    .iter()
                    .enumerate()
                    .map(|(i, d)| d * full.get(i, i))
                    .collect(),
            },
            Op::Dense {
                targets,
                controls,
                matrix,
            } => Op::Dense {
                targets,
                controls,
                matrix: matrix.mul(&full),
            },
            other => unreachable!("derivatives are gate ops, got {other:?}"),
        }
    }

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

    /// The gate's inverse at `p`, as a layer member ([`layer_inverse`]).
    pub(crate) fn undo(&self, p: &[f64]) -> Undo {
        Undo {
            targets: self.targets.clone(),
            controls: self.controls.clone(),
            inverse: self.gate.matrix_of(p).adjoint(),
            diagonal: self.gate.is_diagonal(),
        }
    }

    /// The gate's matrix at `p` on `targets ++ controls` (controls expanded).
    pub(crate) fn full(&self, p: &[f64]) -> Matrix {
        self.gate
            .matrix_of(p)
            .controlled(self.controls.len() as u32)
    }

    /// Diagonal by kind.
    pub(crate) fn is_diagonal(&self) -> bool {
        self.gate.is_diagonal()
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

#[cfg(test)]
mod tests {
    use super::*;

    fn layer_sizes(plan: &DiffPlan) -> Vec<usize> {
        plan.steps()
            .iter()
            .filter_map(|s| match s {
                DiffStep::Layer(l) => Some(l.len()),
                DiffStep::Fixed { .. } => None,
            })
            .collect()
    }

    /// Gates written qubit by qubit are scheduled as early as their qubits allow; a
    /// fixed gate ends the scheduling window; unfused plans keep one gate per layer.
    #[test]
    fn parametric_gates_are_scheduled_into_layers() {
        let mut c = Circuit::new(4);
        for q in 0..4 {
            c.ry(format!("a{q}").as_str(), q)
                .rz(format!("b{q}").as_str(), q);
        }
        c.crz("c", 0, 1).rx("d", 3);
        c.cx(0, 1);
        c.ry("e", 0).ry("f", 1);
        let plan = DiffPlan::new(&c, &CompileOptions::default()).unwrap();
        // ry on every qubit; rz on every qubit; crz(0, 1) and rx(3) after them; then,
        // past the cx, ry(0) and ry(1).
        assert_eq!(layer_sizes(&plan), vec![4, 4, 2, 2]);
        let unfused = DiffPlan::new(&c, &CompileOptions::unfused()).unwrap();
        assert_eq!(layer_sizes(&unfused), vec![1; 12]);
    }
}

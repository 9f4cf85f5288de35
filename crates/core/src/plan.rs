//! [`compile`] turns a [`Circuit`] into a [`Plan`]: validated, lowered, its fusion
//! structure decided once from the gate structure, its parameters numbered slots.
//! [`Plan::bind`] evaluates a plan for one set of values into a [`BoundProgram`] — the
//! runnable list of kernel [`Op`]s — recomputing only the matrices of the blocks that
//! hold a parameter: no re-lowering, no re-fusing, no name lookups per set.

use crate::circuit::{Circuit, Condition, Operation};
use crate::error::{Error, Result};
use crate::fusion::{
    as_permutation, block_body, controlled_permutation, plan_blocks, Body, Item, Step,
};
use crate::gate::Gate;
use crate::op::Op;
use crate::options::CompileOptions;
use crate::param::{Param, ParamBinding};
use crate::param_sets::ParamSets;
use crate::sandwich::{find_sandwiches, is_involution};
use std::sync::Arc;

/// A parameter compiled against the plan's slots: `constant + Σ coefficient·value[slot]`.
/// Also used by the lowering for differentiation, for the chain rule (`d/dvalue[slot] = coefficient`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SlotExpr {
    pub(crate) constant: f64,
    /// `(slot, coefficient)` pairs.
    pub(crate) terms: Vec<(usize, f64)>,
}

impl SlotExpr {
    /// Compiles `p` against the sorted slot names `slots` (which hold every symbol of `p`).
    pub(crate) fn new(p: &Param, slots: &[String]) -> SlotExpr {
        let (terms, constant) = p.affine_parts();
        SlotExpr {
            constant,
            terms: terms
                .into_iter()
                .map(|(name, c)| {
                    let slot = slots
                        .binary_search(&name)
                        .expect("every symbol of the circuit has a slot");
                    (slot, c)
                })
                .collect(),
        }
    }
    /// Every parameter of `gate`, compiled against `slots`, in the gate's order.
    pub(crate) fn of_gate(gate: &Gate, slots: &[String]) -> Vec<SlotExpr> {
        gate.params()
            .into_iter()
            .map(|p| SlotExpr::new(p, slots))
            .collect()
    }
    /// The value for slot values `values`.
    pub(crate) fn eval(&self, values: &[f64]) -> f64 {
        self.terms
            .iter()
            .fold(self.constant, |acc, &(s, c)| acc + c * values[s])
    }
}

/// A gate whose matrix depends on parameters: evaluated at bind time.
#[derive(Debug, Clone)]
struct ParamGate {
    gate: Gate,
    targets: Vec<u32>,
    controls: Vec<u32>,
    params: Vec<SlotExpr>,
    /// Targets then controls: the qubits of its fusion body.
    qubits: Vec<u32>,
}

impl ParamGate {
    /// The gate's matrix for slot values `values` (gates have at most three
    /// parameters: evaluated on the stack).
    fn matrix(&self, values: &[f64]) -> Result<crate::matrix::Matrix> {
        let mut v = [0.0f64; 3];
        for (slot, e) in v.iter_mut().zip(&self.params) {
            let x = e.eval(values);
            if !x.is_finite() {
                return Err(Error::NonFiniteParameter {
                    gate: self.gate.name().to_string(),
                    value: x,
                });
            }
            *slot = x;
        }
        Ok(self.gate.matrix_of(&v[..self.params.len()]))
    }

    /// The gate alone, in its controlled form.
    fn op(&self, values: &[f64]) -> Result<Op> {
        let matrix = self.matrix(values)?;
        Ok(if self.gate.is_diagonal() {
            Op::Diagonal {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                diag: matrix.diag(),
            }
        } else {
            Op::Dense {
                targets: self.targets.clone(),
                controls: self.controls.clone(),
                matrix,
            }
        })
    }

    fn body(&self, values: &[f64]) -> Result<Body> {
        let matrix = self.matrix(values)?;
        Ok(Body::of_gate(
            matrix,
            self.targets.len(),
            self.controls.len(),
        ))
    }
}

/// A member of a block that holds a parameter.
#[derive(Debug, Clone)]
enum Member {
    Fixed { qubits: Vec<u32>, body: Body },
    Param(ParamGate),
}

/// One step of a plan.
#[derive(Debug, Clone)]
enum PlanStep {
    /// An op that no parameter changes.
    Fixed(Op),
    /// A parametric gate on its own (keeps its controls).
    Gate(ParamGate),
    /// A fused block with at least one parametric member.
    Block {
        qubits: Vec<u32>,
        diagonal: bool,
        members: Vec<Member>,
    },
    /// A classically conditioned parametric gate.
    Conditional {
        condition: Condition,
        gate: ParamGate,
    },
}

impl PlanStep {
    /// Target qubits of the step if it is dense, else 0.
    fn dense_width(&self) -> u32 {
        fn of_op(op: &Op) -> u32 {
            match op {
                Op::Dense { targets, .. } => targets.len() as u32,
                Op::Conditional { ops, .. } => ops.iter().map(of_op).max().unwrap_or(0),
                _ => 0,
            }
        }
        match self {
            PlanStep::Fixed(op) => of_op(op),
            PlanStep::Gate(g) | PlanStep::Conditional { gate: g, .. } => {
                if g.gate.is_diagonal() {
                    0
                } else {
                    g.targets.len() as u32
                }
            }
            PlanStep::Block {
                qubits, diagonal, ..
            } => {
                if *diagonal {
                    0
                } else {
                    qubits.len() as u32
                }
            }
        }
    }
}

/// A lowered instruction, before fusion.
enum Lowered {
    Fixed(Op),
    Param(ParamGate),
    ParamConditional(Condition, ParamGate),
    /// A diagonal gate conjugated by permutations (see [`crate::sandwich`]): the
    /// product of `members`, diagonal on `qubits`.
    Conjugated {
        qubits: Vec<u32>,
        members: Vec<Member>,
    },
    Barrier,
}

impl Lowered {
    /// The members this instruction contributes to a fused block.
    fn into_members(self) -> Vec<Member> {
        match self {
            Lowered::Fixed(op) => vec![fixed_member(&op)],
            Lowered::Param(g) => vec![Member::Param(g)],
            Lowered::Conjugated { members, .. } => members,
            _ => unreachable!("only unconditioned gates are fused"),
        }
    }
}

/// Rewrites permutation sandwiches `P · G1 ⋯ Gk · P` into `∏ P·Gi·P` (diagonal gates),
/// pass after pass while new ones appear (a CNOT ladder opens from the inside out).
fn open_sandwiches(lowered: &mut [Lowered], items: &mut [Item], max_width: usize) {
    let mut involution: Vec<Option<Vec<u32>>> = lowered
        .iter()
        .zip(items.iter())
        .map(|(low, item)| match (low, item) {
            // Only gates narrow enough to sandwich anything within the width limit (the
            // permutation vector has 2^width entries).
            (Lowered::Fixed(op), Item::Gate { qubits, .. }) if qubits.len() <= max_width => {
                permutation_of(op).filter(|p| is_involution(p))
            }
            _ => None,
        })
        .collect();
    for _pass in 0..8 {
        let sandwiches = find_sandwiches(items, &involution, max_width);
        if sandwiches.is_empty() {
            return;
        }
        for s in sandwiches {
            let Lowered::Fixed(p_op) = std::mem::replace(&mut lowered[s.first], Lowered::Barrier)
            else {
                unreachable!("a sandwich opens with a fixed gate")
            };
            lowered[s.last] = Lowered::Barrier;
            let p = fixed_member(&p_op);
            let p_qubits = p_op.qubits();
            for i in [s.first, s.last] {
                items[i] = Item::Barrier(Vec::new());
                involution[i] = None;
            }
            for i in s.inner {
                let Item::Gate { qubits, .. } = &items[i] else {
                    unreachable!("sandwich fillings are gates")
                };
                let extra: Vec<u32> = p_qubits
                    .iter()
                    .filter(|q| !qubits.contains(q))
                    .copied()
                    .collect();
                let mut qubits = qubits.clone();
                qubits.extend(extra);
                let mut members = vec![p.clone()];
                members.extend(std::mem::replace(&mut lowered[i], Lowered::Barrier).into_members());
                members.push(p.clone());
                items[i] = Item::Gate {
                    qubits: qubits.clone(),
                    diagonal: true,
                };
                lowered[i] = Lowered::Conjugated { qubits, members };
            }
        }
    }
}

/// The step of a block (all of whose members are fixed: computed now).
fn block_step(qubits: Vec<u32>, diagonal: bool, members: Vec<Member>) -> PlanStep {
    if members.iter().all(|m| matches!(m, Member::Fixed { .. })) {
        PlanStep::Fixed(block_body(
            &qubits,
            diagonal,
            members.iter().map(|m| match m {
                Member::Fixed { qubits, body } => (qubits.as_slice(), body),
                Member::Param(_) => unreachable!("all fixed"),
            }),
        ))
    } else {
        PlanStep::Block {
            qubits,
            diagonal,
            members,
        }
    }
}

#[derive(Debug)]
struct PlanInner {
    num_qubits: u32,
    num_clbits: u32,
    parameters: Vec<String>,
    options: CompileOptions,
    gate_count: usize,
    steps: Vec<PlanStep>,
    /// The whole program when nothing depends on a parameter.
    fixed: Option<Arc<[Op]>>,
    non_unitary: bool,
    widest_dense: u32,
}

/// A compiled circuit: validated, lowered to kernel ops, its fusion structure fixed.
/// Cheap to clone (shared). Bind it with [`Plan::bind`] (values by slot) or
/// [`Plan::bind_named`] to get a runnable [`BoundProgram`].
///
/// ```
/// use ferroq_core::{compile, Circuit, CompileOptions};
/// let mut c = Circuit::new(1);
/// c.h(0).rz("theta", 0);
/// let plan = compile(&c, &CompileOptions::default()).unwrap();
/// assert_eq!(plan.parameters(), ["theta".to_string()]);
/// let program = plan.bind(&[0.5]).unwrap();
/// assert_eq!(program.ops().len(), 1); // h and rz fused into one block
/// ```
#[derive(Debug, Clone)]
pub struct Plan {
    inner: Arc<PlanInner>,
}

/// A plan bound to one set of parameter values: the kernel ops a backend runs.
/// Cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct BoundProgram {
    num_qubits: u32,
    num_clbits: u32,
    ops: Arc<[Op]>,
    non_unitary: bool,
}

/// Validates, lowers and fuses `circuit`. The fusion structure depends only on which
/// gates act on which qubits and which are diagonal by kind, never on parameter
/// values, so it is decided here once for every later [`Plan::bind`].
pub fn compile(circuit: &Circuit, options: &CompileOptions) -> Result<Plan> {
    circuit.validate()?;
    options.validate()?;
    let parameters = circuit.parameters();
    let mut lowered = Vec::with_capacity(circuit.len());
    let mut items = Vec::with_capacity(circuit.len());
    let mut gate_count = 0;
    for ins in circuit.instructions() {
        let (low, item) = match &ins.op {
            Operation::Gate {
                gate,
                targets,
                controls,
            } => {
                gate_count += 1;
                let qubits: Vec<u32> = targets.iter().chain(controls).copied().collect();
                if gate.is_numeric() {
                    let matrix = gate.matrix_of(&gate.eval_params(&ParamBinding::new())?);
                    if matrix.is_identity() {
                        continue;
                    }
                    let diagonal = matrix.is_diagonal();
                    let op = if diagonal {
                        Op::Diagonal {
                            targets: targets.clone(),
                            controls: controls.clone(),
                            diag: matrix.diag(),
                        }
                    } else {
                        Op::Dense {
                            targets: targets.clone(),
                            controls: controls.clone(),
                            matrix,
                        }
                    };
                    match &ins.condition {
                        Some(c) => (
                            Lowered::Fixed(Op::Conditional {
                                condition: c.clone(),
                                ops: vec![op],
                            }),
                            Item::Fence(qubits),
                        ),
                        None => (Lowered::Fixed(op), Item::Gate { qubits, diagonal }),
                    }
                } else {
                    let pg = ParamGate {
                        gate: gate.clone(),
                        targets: targets.clone(),
                        controls: controls.clone(),
                        params: SlotExpr::of_gate(gate, &parameters),
                        qubits: qubits.clone(),
                    };
                    match &ins.condition {
                        Some(c) => (
                            Lowered::ParamConditional(c.clone(), pg),
                            Item::Fence(qubits),
                        ),
                        None => (
                            Lowered::Param(pg),
                            Item::Gate {
                                qubits,
                                diagonal: gate.is_diagonal(),
                            },
                        ),
                    }
                }
            }
            Operation::Measure { qubit, clbit } => {
                let op = Op::Measure {
                    qubit: *qubit,
                    clbit: *clbit,
                };
                (conditioned(op, &ins.condition), Item::Fence(vec![*qubit]))
            }
            Operation::Reset { qubit } => (
                conditioned(Op::Reset { qubit: *qubit }, &ins.condition),
                Item::Fence(vec![*qubit]),
            ),
            Operation::Barrier { qubits } => (Lowered::Barrier, Item::Barrier(qubits.clone())),
        };
        lowered.push(low);
        items.push(item);
    }
    if options.fusion {
        open_sandwiches(
            &mut lowered,
            &mut items,
            options.max_fused_diagonal_qubits as usize,
        );
    }
    let structure = plan_blocks(
        &items,
        options.fusion,
        options.max_fused_qubits as usize,
        options.max_fused_diagonal_qubits as usize,
    );
    let mut steps = Vec::with_capacity(structure.len());
    for step in structure {
        steps.push(match step {
            Step::Single(i) => match std::mem::replace(&mut lowered[i], Lowered::Barrier) {
                Lowered::Fixed(op) => PlanStep::Fixed(op),
                Lowered::Param(g) => PlanStep::Gate(g),
                Lowered::ParamConditional(condition, gate) => {
                    PlanStep::Conditional { condition, gate }
                }
                Lowered::Conjugated { qubits, members } => block_step(qubits, true, members),
                Lowered::Barrier => unreachable!("barriers are not steps"),
            },
            Step::Block {
                qubits,
                diagonal,
                members,
            } => {
                let members: Vec<Member> = members
                    .into_iter()
                    .flat_map(|i| {
                        std::mem::replace(&mut lowered[i], Lowered::Barrier).into_members()
                    })
                    .collect();
                block_step(qubits, diagonal, members)
            }
        });
    }
    let fixed = parameters.is_empty().then(|| {
        steps
            .iter()
            .map(|s| match s {
                PlanStep::Fixed(op) => op.clone(),
                _ => unreachable!("no parameters, so every step is fixed"),
            })
            .collect::<Arc<[Op]>>()
    });
    let non_unitary = circuit.instructions().iter().any(|i| {
        i.condition.is_some() || !matches!(i.op, Operation::Gate { .. } | Operation::Barrier { .. })
    });
    let widest_dense = steps.iter().map(PlanStep::dense_width).max().unwrap_or(0);
    Ok(Plan {
        inner: Arc::new(PlanInner {
            widest_dense,
            num_qubits: circuit.num_qubits(),
            num_clbits: circuit.num_clbits(),
            parameters,
            options: options.clone(),
            gate_count,
            steps,
            fixed,
            non_unitary,
        }),
    })
}

fn conditioned(op: Op, condition: &Option<Condition>) -> Lowered {
    Lowered::Fixed(match condition {
        Some(c) => Op::Conditional {
            condition: c.clone(),
            ops: vec![op],
        },
        None => op,
    })
}

/// The basis permutation a fixed dense op is (over targets then controls), if its
/// target matrix is one.
fn permutation_of(op: &Op) -> Option<Vec<u32>> {
    let Op::Dense {
        targets,
        controls,
        matrix,
    } = op
    else {
        return None;
    };
    let target_perm = as_permutation(matrix.data(), matrix.dim())?;
    Some(controlled_permutation(
        &target_perm,
        targets.len(),
        controls.len(),
    ))
}

fn fixed_member(op: &Op) -> Member {
    match op {
        Op::Dense {
            targets,
            controls,
            matrix,
        } => Member::Fixed {
            qubits: targets.iter().chain(controls).copied().collect(),
            body: match permutation_of(op) {
                Some(perm) => Body::Perm(perm),
                None => Body::Dense(matrix.controlled(controls.len() as u32).into_data()),
            },
        },
        Op::Diagonal {
            targets,
            controls,
            diag,
        } => Member::Fixed {
            qubits: targets.iter().chain(controls).copied().collect(),
            body: Body::of_gate(
                crate::matrix::Matrix::diagonal(diag),
                targets.len(),
                controls.len(),
            ),
        },
        _ => unreachable!("only gates are fused"),
    }
}

impl Plan {
    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.inner.num_qubits
    }
    /// Classical bit count.
    pub fn num_clbits(&self) -> u32 {
        self.inner.num_clbits
    }
    /// Names of the parameters, sorted; slot `i` of [`Plan::bind`]'s values is
    /// `parameters()[i]`.
    pub fn parameters(&self) -> &[String] {
        &self.inner.parameters
    }
    /// The options it was compiled with.
    pub fn options(&self) -> &CompileOptions {
        &self.inner.options
    }
    /// Number of gates in the source circuit (before fusion).
    pub fn gate_count(&self) -> usize {
        self.inner.gate_count
    }
    /// Number of ops a bound program of this plan has.
    pub fn op_count(&self) -> usize {
        self.inner.steps.len()
    }
    /// `true` if the program measures, resets or branches on classical bits.
    pub fn has_non_unitary(&self) -> bool {
        self.inner.non_unitary
    }
    /// Target qubits of the widest dense op any binding produces.
    pub fn widest_dense_op(&self) -> u32 {
        self.inner.widest_dense
    }

    /// Binds the plan to `values`, one per parameter slot (in the order of
    /// [`Plan::parameters`]). Only blocks that hold a parameter are recomputed.
    pub fn bind(&self, values: &[f64]) -> Result<BoundProgram> {
        let p = &self.inner;
        if values.len() != p.parameters.len() {
            return Err(Error::invalid(format!(
                "the circuit has {} parameters but {} values were given",
                p.parameters.len(),
                values.len()
            )));
        }
        let ops: Arc<[Op]> = match &p.fixed {
            Some(ops) => ops.clone(),
            None => {
                let mut ops = Vec::with_capacity(p.steps.len());
                for step in &p.steps {
                    ops.push(match step {
                        PlanStep::Fixed(op) => op.clone(),
                        PlanStep::Gate(g) => g.op(values)?,
                        PlanStep::Conditional { condition, gate } => Op::Conditional {
                            condition: condition.clone(),
                            ops: vec![gate.op(values)?],
                        },
                        PlanStep::Block {
                            qubits,
                            diagonal,
                            members,
                        } => {
                            let mut bodies = Vec::with_capacity(members.len());
                            for m in members {
                                bodies.push(match m {
                                    Member::Fixed { .. } => None,
                                    Member::Param(g) => Some(g.body(values)?),
                                });
                            }
                            block_body(
                                qubits,
                                *diagonal,
                                members.iter().zip(&bodies).map(|(m, b)| match (m, b) {
                                    (Member::Fixed { qubits, body }, _) => {
                                        (qubits.as_slice(), body)
                                    }
                                    (Member::Param(g), Some(b)) => (g.qubits.as_slice(), b),
                                    (Member::Param(_), None) => unreachable!("evaluated above"),
                                }),
                            )
                        }
                    });
                }
                ops.into()
            }
        };
        Ok(BoundProgram {
            num_qubits: p.num_qubits,
            num_clbits: p.num_clbits,
            ops,
            non_unitary: p.non_unitary,
        })
    }

    /// Binds by name. A name the circuit does not have is [`Error::UnknownParameter`];
    /// a parameter without a value is [`Error::UnboundParameter`].
    pub fn bind_named(&self, binding: &ParamBinding) -> Result<BoundProgram> {
        let params = &self.inner.parameters;
        // Both lists are sorted: one merge walk checks every name.
        let mut values = Vec::with_capacity(params.len());
        let mut given = binding.iter().peekable();
        for name in params.iter() {
            if let Some((g, _)) = given.next_if(|(g, _)| *g < name.as_str()) {
                return Err(self.unknown(g));
            }
            match given.next_if(|(g, _)| *g == name.as_str()) {
                Some((_, v)) => values.push(v),
                None => {
                    return Err(Error::UnboundParameter { name: name.clone() });
                }
            }
        }
        if let Some((g, _)) = given.next() {
            return Err(self.unknown(g));
        }
        self.bind(&values)
    }

    fn unknown(&self, name: &str) -> Error {
        Error::UnknownParameter {
            name: name.to_string(),
            known: self.inner.parameters.join(", "),
        }
    }

    /// Prepares binding every row of `sets`: its columns are matched to slots once.
    pub fn binder<'a>(&'a self, sets: &'a ParamSets) -> Result<Binder<'a>> {
        let params = &self.inner.parameters;
        let mut column_of = vec![usize::MAX; params.len()];
        for (col, name) in sets.names().iter().enumerate() {
            match params.binary_search(name) {
                Ok(slot) => column_of[slot] = col,
                Err(_) => return Err(self.unknown(name)),
            }
        }
        if let Some(slot) = column_of.iter().position(|&c| c == usize::MAX) {
            return Err(Error::UnboundParameter {
                name: params[slot].clone(),
            });
        }
        let identity = column_of.iter().enumerate().all(|(s, &c)| s == c);
        Ok(Binder {
            plan: self,
            sets,
            column_of: if identity { None } else { Some(column_of) },
        })
    }
}

/// Binds the rows of a [`ParamSets`] to a [`Plan`] (see [`Plan::binder`]).
#[derive(Debug)]
pub struct Binder<'a> {
    plan: &'a Plan,
    sets: &'a ParamSets,
    column_of: Option<Vec<usize>>,
}

impl Binder<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.sets.len()
    }
    /// `true` if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }
    /// The program for row `i`.
    pub fn bind(&self, i: usize) -> Result<BoundProgram> {
        let row = self.sets.row(i);
        match &self.column_of {
            None => self.plan.bind(row),
            Some(cols) => {
                let values: Vec<f64> = cols.iter().map(|&c| row[c]).collect();
                self.plan.bind(&values)
            }
        }
    }
}

impl BoundProgram {
    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }
    /// Classical bit count.
    pub fn num_clbits(&self) -> u32 {
        self.num_clbits
    }
    /// The kernel ops, in order.
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }
    /// `true` if the program measures, resets or branches on classical bits.
    pub fn has_non_unitary(&self) -> bool {
        self.non_unitary
    }
}

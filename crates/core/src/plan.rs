//! [`compile`] turns a [`Circuit`] into a [`Plan`]: validated, lowered, its fusion
//! structure decided once from the gate structure, its parameters numbered slots.
//! [`Plan::bind`] evaluates a plan for one set of values into a [`BoundProgram`] — the
//! runnable list of kernel [`Op`]s — recomputing only the matrices of the blocks that
//! hold a parameter: no re-lowering, no re-fusing, no name lookups per set.

use crate::channel::Channel;
use crate::circuit::{Circuit, Operation};
use crate::error::{Error, Result};
use crate::fusion::{plan_blocks, Item, Limits, Step};
use crate::lowered::{conditioned, open_sandwiches, permutation_of, Lowered, Member};
use crate::op::Op;
use crate::options::CompileOptions;
use crate::param::ParamBinding;
use crate::plan_step::{block_step, PlanStep};
use crate::rng::Rng;
pub(crate) use crate::slots::SlotExpr;
use crate::slots::{NoiseSlot, ParamGate};
use std::sync::Arc;

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
    /// The mixed-unitary channels a trajectory draws at bind time, by slot.
    noise: Vec<Arc<Channel>>,
    /// Channels the execution loop applies (general Kraus, or conditioned).
    state_noise: bool,
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
    let mut noise: Vec<Arc<Channel>> = Vec::new();
    let mut state_noise = false;
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
                        None => {
                            let permutation = permutation_of(&op).is_some();
                            let item = Item::Gate {
                                qubits,
                                diagonal,
                                permutation,
                            };
                            (Lowered::Fixed(op), item)
                        }
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
                                permutation: false,
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
            Operation::Channel { channel, qubits } => {
                if ins.condition.is_none() && channel.mixture().is_some() {
                    let item = Item::Gate {
                        qubits: qubits.clone(),
                        diagonal: channel.is_diagonal_mixture(),
                        permutation: false,
                    };
                    noise.push(channel.clone());
                    let slot = NoiseSlot {
                        slot: noise.len() - 1,
                        qubits: qubits.clone(),
                        channel: channel.clone(),
                    };
                    (Lowered::Noise(slot), item)
                } else {
                    state_noise = true;
                    let op = Op::Channel {
                        qubits: qubits.clone(),
                        channel: channel.clone(),
                    };
                    (conditioned(op, &ins.condition), Item::Fence(qubits.clone()))
                }
            }
            Operation::ReadoutError { error, clbit } => {
                let op = Op::ReadoutError {
                    clbit: *clbit,
                    error: *error,
                };
                (conditioned(op, &ins.condition), Item::Fence(Vec::new()))
            }
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
        Limits {
            dense: options.max_fused_qubits as usize,
            diagonal: options.max_fused_diagonal_qubits as usize,
            permutation: options.max_fused_permutation_qubits as usize,
        },
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
                Lowered::Noise(n) => PlanStep::Noise(n),
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
    let fixed = (parameters.is_empty() && noise.is_empty()).then(|| {
        steps
            .iter()
            .map(|s| match s {
                PlanStep::Fixed(op) => op.clone(),
                _ => unreachable!("no parameters or noise, so every step is fixed"),
            })
            .collect::<Arc<[Op]>>()
    });
    let non_unitary = state_noise
        || circuit.instructions().iter().any(|i| {
            i.condition.is_some()
                || !matches!(
                    i.op,
                    Operation::Gate { .. } | Operation::Barrier { .. } | Operation::Channel { .. }
                )
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
            noise,
            state_noise,
        }),
    })
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
        if !self.inner.noise.is_empty() {
            return Err(Error::invalid(format!(
                "the circuit has {} mixed-unitary noise channels: bind one trajectory with \
                 Plan::bind_trajectory, or run it through a trajectory method",
                self.inner.noise.len()
            )));
        }
        self.bind_trajectory(values, &[])
    }

    /// Mixed-unitary noise channels a trajectory draws at bind time (their slots).
    pub fn noise_slots(&self) -> usize {
        self.inner.noise.len()
    }
    /// `true` if the plan holds any noise channel (drawn at bind time or applied by the
    /// execution loop).
    pub fn has_noise(&self) -> bool {
        !self.inner.noise.is_empty() || self.inner.state_noise
    }
    /// `true` if some channel must be applied by the execution loop (general Kraus
    /// channels, whose branch depends on the state, and conditioned channels).
    pub fn has_state_noise(&self) -> bool {
        self.inner.state_noise
    }
    /// One trajectory's draw for every mixed-unitary channel: the index of the unitary
    /// of each slot's mixture, drawn in slot order, one uniform each, from `rng`.
    pub fn draw_noise(&self, rng: &mut Rng) -> Vec<u32> {
        self.inner
            .noise
            .iter()
            .map(|ch| ch.draw(rng.next_f64()).unwrap_or(0) as u32)
            .collect()
    }

    /// Binds the plan to `values` with the mixed-unitary channels replaced by the
    /// unitaries `choices` selects (one per slot, from [`Plan::draw_noise`]): fused
    /// blocks stay fused through the channels, and a drawn identity costs nothing.
    pub fn bind_trajectory(&self, values: &[f64], choices: &[u32]) -> Result<BoundProgram> {
        self.check_draws(values, choices)?;
        let p = &self.inner;
        let ops: Arc<[Op]> = match &p.fixed {
            Some(ops) => ops.clone(),
            None => {
                let mut ops = Vec::with_capacity(p.steps.len());
                for step in &p.steps {
                    if let Some(op) = step.bind(values, &|s| choices[s])? {
                        ops.push(op);
                    }
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

    /// The most probable term of every noise slot's mixture (the first of equals): the
    /// draw trajectories share most often.
    pub fn likely_noise_draws(&self) -> Vec<u32> {
        self.inner
            .noise
            .iter()
            .map(|ch| {
                let m = ch.mixture().unwrap_or(&[]);
                let mut best = 0;
                for (i, (p, _)) in m.iter().enumerate() {
                    if *p > m[best].0 {
                        best = i;
                    }
                }
                best as u32
            })
            .collect()
    }

    /// The step (in `0..op_count()`) that applies each noise slot's draw, by slot.
    pub fn noise_slot_steps(&self) -> Vec<usize> {
        let mut at = vec![0; self.inner.noise.len()];
        for (i, step) in self.inner.steps.iter().enumerate() {
            for s in step.noise_slots() {
                at[s] = i;
            }
        }
        at
    }

    /// Step `step` alone (in `0..op_count()`), bound to `values` with the noise slots
    /// drawing `choices` (as [`Plan::bind_trajectory`]); `None` when the step is a drawn
    /// identity. The ops of every step in order are `bind_trajectory`'s program.
    pub fn bind_step(&self, values: &[f64], step: usize, choices: &[u32]) -> Result<Option<Op>> {
        self.check_draws(values, choices)?;
        match self.inner.steps.get(step) {
            Some(s) => s.bind(values, &|slot| choices[slot]),
            None => Err(Error::invalid(format!(
                "step {step} of a plan with {} steps",
                self.inner.steps.len()
            ))),
        }
    }

    /// Checks one value per parameter and one term of its mixture per noise slot.
    fn check_draws(&self, values: &[f64], choices: &[u32]) -> Result<()> {
        let p = &self.inner;
        if choices.len() != p.noise.len() {
            return Err(Error::invalid(format!(
                "the plan has {} noise slots but {} choices were given",
                p.noise.len(),
                choices.len()
            )));
        }
        if let Some((slot, &c)) = choices
            .iter()
            .enumerate()
            .find(|(s, &c)| p.noise[*s].mixture().map_or(0, <[_]>::len) <= c as usize)
        {
            return Err(Error::invalid(format!(
                "noise slot {slot}: choice {c} is not a term of its mixture"
            )));
        }
        if values.len() != p.parameters.len() {
            return Err(Error::invalid(format!(
                "the circuit has {} parameters but {} values were given",
                p.parameters.len(),
                values.len()
            )));
        }
        Ok(())
    }

    /// Binds by name. A name the circuit does not have is [`Error::UnknownParameter`];
    /// a parameter without a value is [`Error::UnboundParameter`].
    pub fn bind_named(&self, binding: &ParamBinding) -> Result<BoundProgram> {
        self.bind(&self.values_of(binding)?)
    }

    /// The slot values of `binding` (errors as [`Plan::bind_named`]).
    pub fn values_of(&self, binding: &ParamBinding) -> Result<Vec<f64>> {
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
        Ok(values)
    }

    pub(crate) fn unknown(&self, name: &str) -> Error {
        Error::UnknownParameter {
            name: name.to_string(),
            known: self.inner.parameters.join(", "),
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

//! `Circuit`: the backend-neutral description of a quantum circuit, with a chainable builder.

use crate::channel::{Channel, ReadoutError};
use crate::error::{Error, Result};
use crate::gate::Gate;
use crate::matrix::Matrix;
use crate::param::Param;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

/// Widest user unitary accepted (its matrix has `4^k` entries).
pub const MAX_UNITARY_QUBITS: u32 = 12;

/// Default tolerance for unitarity checks of user matrices.
pub const UNITARY_TOLERANCE: f64 = 1e-8;

/// Classical condition: the instruction runs only if the classical bits `clbits`
/// (little-endian: `clbits[0]` is the least significant) read as the integer `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The bits forming the register, least significant first.
    pub clbits: Vec<u32>,
    /// The value the register must equal.
    pub value: u64,
}

/// What an instruction does.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    /// A gate on `targets`, active only where every qubit in `controls` is 1.
    Gate {
        /// The gate.
        gate: Gate,
        /// Target qubits, in the gate's matrix order (first = least significant).
        targets: Vec<u32>,
        /// Control qubits (may be empty).
        controls: Vec<u32>,
    },
    /// Projective Z measurement of `qubit` into classical bit `clbit` (collapses the state).
    Measure {
        /// Measured qubit.
        qubit: u32,
        /// Destination bit.
        clbit: u32,
    },
    /// Reset `qubit` to |0> (measure, then flip if 1).
    Reset {
        /// Qubit to reset.
        qubit: u32,
    },
    /// Barrier: no effect on the state, blocks fusion across it.
    Barrier {
        /// Qubits it spans.
        qubits: Vec<u32>,
    },
    /// A noise channel on `qubits` (`qubits[0]` is the least significant bit of its
    /// Kraus matrices).
    Channel {
        /// The channel (shared).
        channel: Arc<Channel>,
        /// The qubits it acts on.
        qubits: Vec<u32>,
    },
    /// A readout error on classical bit `clbit`: the bit a measurement wrote is misread
    /// with the error's probabilities.
    ReadoutError {
        /// The confusion matrix.
        error: ReadoutError,
        /// The classical bit.
        clbit: u32,
    },
}

/// One step of a circuit: an operation and an optional classical condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Instruction {
    /// The operation.
    pub op: Operation,
    /// Classical condition (OpenQASM `if`).
    pub condition: Option<Condition>,
}

impl Instruction {
    /// Every qubit the instruction touches.
    pub fn qubits(&self) -> Vec<u32> {
        match &self.op {
            Operation::Gate {
                targets, controls, ..
            } => controls.iter().chain(targets).copied().collect(),
            Operation::Measure { qubit, .. } | Operation::Reset { qubit } => vec![*qubit],
            Operation::Barrier { qubits } | Operation::Channel { qubits, .. } => qubits.clone(),
            Operation::ReadoutError { .. } => Vec::new(),
        }
    }

    /// A short name, such as `cx` for a singly controlled X.
    pub fn name(&self) -> String {
        match &self.op {
            Operation::Gate { gate, controls, .. } => {
                format!("{}{}", "c".repeat(controls.len()), gate.name())
            }
            Operation::Measure { .. } => "measure".into(),
            Operation::Reset { .. } => "reset".into(),
            Operation::Barrier { .. } => "barrier".into(),
            Operation::Channel { channel, .. } => channel.name().to_string(),
            Operation::ReadoutError { .. } => "readout_error".into(),
        }
    }
}

impl fmt::Display for Instruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(c) = &self.condition {
            write!(f, "if({:?} == {}) ", c.clbits, c.value)?;
        }
        match &self.op {
            Operation::Gate {
                gate,
                targets,
                controls,
            } => {
                write!(f, "{}", self.name())?;
                let ps = gate.params();
                if !ps.is_empty() {
                    let s: Vec<String> = ps.iter().map(|p| p.to_string()).collect();
                    write!(f, "({})", s.join(", "))?;
                }
                let qs: Vec<String> = controls
                    .iter()
                    .chain(targets)
                    .map(|q| format!("q{q}"))
                    .collect();
                write!(f, " {}", qs.join(", "))
            }
            Operation::Measure { qubit, clbit } => write!(f, "measure q{qubit} -> c{clbit}"),
            Operation::Reset { qubit } => write!(f, "reset q{qubit}"),
            Operation::Barrier { qubits } => {
                let qs: Vec<String> = qubits.iter().map(|q| format!("q{q}")).collect();
                write!(f, "barrier {}", qs.join(", "))
            }
            Operation::Channel { channel, qubits } => {
                let qs: Vec<String> = qubits.iter().map(|q| format!("q{q}")).collect();
                write!(f, "{} {}", channel.name(), qs.join(", "))
            }
            Operation::ReadoutError { error, clbit } => {
                write!(f, "readout_error{:?} c{clbit}", error.probabilities())
            }
        }
    }
}

/// A quantum circuit on `num_qubits` qubits and `num_clbits` classical bits.
///
/// Builder methods append and return `&mut Self` so calls chain; everything is
/// validated by [`Circuit::validate`] (which `compile` calls), or immediately with
/// [`Circuit::try_push`].
///
/// ```
/// use ferroq_core::Circuit;
/// let mut c = Circuit::new(3);
/// c.h(0).cx(0, 1).cx(1, 2).rz("theta", 2);
/// assert_eq!(c.len(), 4);
/// assert_eq!(c.parameters(), vec!["theta".to_string()]);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Circuit {
    num_qubits: u32,
    num_clbits: u32,
    instructions: Vec<Instruction>,
    revision: Revision,
}

/// An identity for one content of one circuit: a fresh number at creation and after
/// every edit (a clone keeps it: same content). Caches of compiled plans key on it.
/// Never part of equality.
#[derive(Debug, Clone, Copy)]
struct Revision(u64);

impl Revision {
    fn next() -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Revision(NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
    }
}

impl Default for Revision {
    fn default() -> Self {
        Revision::next()
    }
}

impl PartialEq for Revision {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

macro_rules! fixed_1q {
    ($($name:ident => $gate:expr, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub fn $name(&mut self, q: u32) -> &mut Self {
            self.gate($gate, &[q])
        }
    )*};
}
macro_rules! param_1q {
    ($($name:ident => $gate:path, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub fn $name(&mut self, theta: impl Into<Param>, q: u32) -> &mut Self {
            self.gate($gate(theta.into()), &[q])
        }
    )*};
}
macro_rules! controlled_1q {
    ($($name:ident => $gate:expr, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub fn $name(&mut self, control: u32, target: u32) -> &mut Self {
            self.controlled($gate, &[control], &[target])
        }
    )*};
}
macro_rules! controlled_param_1q {
    ($($name:ident => $gate:path, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub fn $name(&mut self, theta: impl Into<Param>, control: u32, target: u32) -> &mut Self {
            self.controlled($gate(theta.into()), &[control], &[target])
        }
    )*};
}
macro_rules! param_2q {
    ($($name:ident => $gate:path, $doc:literal;)*) => {$(
        #[doc = $doc]
        pub fn $name(&mut self, theta: impl Into<Param>, a: u32, b: u32) -> &mut Self {
            self.gate($gate(theta.into()), &[a, b])
        }
    )*};
}

impl Circuit {
    /// An empty circuit on `num_qubits` qubits and no classical bits.
    pub fn new(num_qubits: u32) -> Self {
        Circuit {
            num_qubits,
            num_clbits: 0,
            instructions: Vec::new(),
            revision: Revision::next(),
        }
    }

    /// An empty circuit with classical bits.
    pub fn with_clbits(num_qubits: u32, num_clbits: u32) -> Self {
        Circuit {
            num_qubits,
            num_clbits,
            instructions: Vec::new(),
            revision: Revision::next(),
        }
    }

    /// Number of qubits.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }
    /// Number of classical bits.
    pub fn num_clbits(&self) -> u32 {
        self.num_clbits
    }
    /// Grows the classical register to at least `n` bits.
    pub fn ensure_clbits(&mut self, n: u32) -> &mut Self {
        if n > self.num_clbits {
            self.num_clbits = n;
            self.revision = Revision::next();
        }
        self
    }
    /// A number that identifies this circuit's current content: it changes with every
    /// edit and is kept by clones. Equal revisions mean equal circuits (not the
    /// converse), so caches of compiled plans can key on it.
    pub fn revision(&self) -> u64 {
        self.revision.0
    }
    /// The instructions, in order.
    pub fn instructions(&self) -> &[Instruction] {
        &self.instructions
    }
    /// Number of instructions.
    pub fn len(&self) -> usize {
        self.instructions.len()
    }
    /// `true` if there are no instructions.
    pub fn is_empty(&self) -> bool {
        self.instructions.is_empty()
    }

    /// Appends an instruction without validating it (see [`Circuit::validate`]).
    pub fn push(&mut self, instruction: Instruction) -> &mut Self {
        if let Operation::Measure { clbit, .. } = instruction.op {
            self.ensure_clbits(clbit.saturating_add(1));
        }
        self.instructions.push(instruction);
        self.revision = Revision::next();
        self
    }

    /// Validates and appends an instruction.
    pub fn try_push(&mut self, instruction: Instruction) -> Result<&mut Self> {
        let probe = &instruction;
        if let Operation::Measure { clbit, .. } = probe.op {
            self.ensure_clbits(clbit.saturating_add(1));
        }
        self.validate_instruction(probe)?;
        self.instructions.push(instruction);
        self.revision = Revision::next();
        Ok(self)
    }

    /// Appends `gate` on `targets`.
    pub fn gate(&mut self, gate: Gate, targets: &[u32]) -> &mut Self {
        self.controlled(gate, &[], targets)
    }

    /// Appends `gate` on `targets`, controlled by every qubit in `controls`.
    pub fn controlled(&mut self, gate: Gate, controls: &[u32], targets: &[u32]) -> &mut Self {
        self.push(Instruction {
            op: Operation::Gate {
                gate,
                targets: targets.to_vec(),
                controls: controls.to_vec(),
            },
            condition: None,
        })
    }

    fixed_1q! {
        id => Gate::I, "Identity on `q`.";
        x => Gate::X, "Pauli X on `q`.";
        y => Gate::Y, "Pauli Y on `q`.";
        z => Gate::Z, "Pauli Z on `q`.";
        h => Gate::H, "Hadamard on `q`.";
        s => Gate::S, "S (phase π/2) on `q`.";
        sdg => Gate::Sdg, "S† on `q`.";
        t => Gate::T, "T (phase π/4) on `q`.";
        tdg => Gate::Tdg, "T† on `q`.";
        sx => Gate::SX, "√X on `q`.";
        sxdg => Gate::SXdg, "√X† on `q`.";
    }
    param_1q! {
        rx => Gate::RX, "X rotation by `theta` on `q`.";
        ry => Gate::RY, "Y rotation by `theta` on `q`.";
        rz => Gate::RZ, "Z rotation by `theta` on `q`.";
        p => Gate::P, "Phase gate `diag(1, e^{iθ})` on `q`.";
    }
    controlled_1q! {
        cx => Gate::X, "Controlled X (CNOT).";
        cy => Gate::Y, "Controlled Y.";
        cz => Gate::Z, "Controlled Z.";
        ch => Gate::H, "Controlled Hadamard.";
    }
    controlled_param_1q! {
        cp => Gate::P, "Controlled phase.";
        crx => Gate::RX, "Controlled X rotation.";
        cry => Gate::RY, "Controlled Y rotation.";
        crz => Gate::RZ, "Controlled Z rotation.";
    }
    param_2q! {
        rxx => Gate::RXX, "`exp(-iθ XX/2)` on `a`, `b`.";
        ryy => Gate::RYY, "`exp(-iθ YY/2)` on `a`, `b`.";
        rzz => Gate::RZZ, "`exp(-iθ ZZ/2)` on `a`, `b`.";
    }

    /// General 1-qubit gate `U(θ, φ, λ)`.
    pub fn u(
        &mut self,
        theta: impl Into<Param>,
        phi: impl Into<Param>,
        lambda: impl Into<Param>,
        q: u32,
    ) -> &mut Self {
        self.gate(Gate::U(theta.into(), phi.into(), lambda.into()), &[q])
    }

    /// Controlled `e^{iγ} U(θ, φ, λ)` (Qiskit's `cu`): a phase `γ` on the control
    /// followed by a controlled `U`.
    pub fn cu(
        &mut self,
        theta: impl Into<Param>,
        phi: impl Into<Param>,
        lambda: impl Into<Param>,
        gamma: impl Into<Param>,
        control: u32,
        target: u32,
    ) -> &mut Self {
        let gamma = gamma.into();
        if gamma != Param::Value(0.0) {
            self.p(gamma, control);
        }
        self.controlled(
            Gate::U(theta.into(), phi.into(), lambda.into()),
            &[control],
            &[target],
        )
    }

    /// Swap two qubits.
    pub fn swap(&mut self, a: u32, b: u32) -> &mut Self {
        self.gate(Gate::Swap, &[a, b])
    }
    /// iSWAP on two qubits.
    pub fn iswap(&mut self, a: u32, b: u32) -> &mut Self {
        self.gate(Gate::ISwap, &[a, b])
    }
    /// Toffoli.
    pub fn ccx(&mut self, c0: u32, c1: u32, target: u32) -> &mut Self {
        self.controlled(Gate::X, &[c0, c1], &[target])
    }
    /// Doubly controlled Z.
    pub fn ccz(&mut self, c0: u32, c1: u32, target: u32) -> &mut Self {
        self.controlled(Gate::Z, &[c0, c1], &[target])
    }
    /// Fredkin (controlled swap).
    pub fn cswap(&mut self, control: u32, a: u32, b: u32) -> &mut Self {
        self.controlled(Gate::Swap, &[control], &[a, b])
    }
    /// Multi-controlled X.
    pub fn mcx(&mut self, controls: &[u32], target: u32) -> &mut Self {
        self.controlled(Gate::X, controls, &[target])
    }
    /// A user unitary on `targets` (`targets[0]` is the matrix's least significant bit).
    /// Unitarity is checked at validation.
    pub fn unitary(&mut self, matrix: Matrix, targets: &[u32]) -> &mut Self {
        self.gate(Gate::Unitary(Arc::new(matrix)), targets)
    }
    /// Measures `qubit` into `clbit` (the classical register grows as needed).
    pub fn measure(&mut self, qubit: u32, clbit: u32) -> &mut Self {
        self.push(Instruction {
            op: Operation::Measure { qubit, clbit },
            condition: None,
        })
    }
    /// Measures every qubit `q` into classical bit `q`.
    pub fn measure_all(&mut self) -> &mut Self {
        for q in 0..self.num_qubits {
            self.measure(q, q);
        }
        self
    }
    /// Resets `qubit` to |0>.
    pub fn reset(&mut self, qubit: u32) -> &mut Self {
        self.push(Instruction {
            op: Operation::Reset { qubit },
            condition: None,
        })
    }
    /// Barrier over `qubits` (all qubits if empty).
    pub fn barrier(&mut self, qubits: &[u32]) -> &mut Self {
        let qubits = if qubits.is_empty() {
            (0..self.num_qubits).collect()
        } else {
            qubits.to_vec()
        };
        self.push(Instruction {
            op: Operation::Barrier { qubits },
            condition: None,
        })
    }
    /// Makes the most recently added instruction conditional on classical bits
    /// `clbits` (least significant first) equalling `value`.
    pub fn c_if(&mut self, clbits: &[u32], value: u64) -> &mut Self {
        if let Some(last) = self.instructions.last_mut() {
            last.condition = Some(Condition {
                clbits: clbits.to_vec(),
                value,
            });
            self.revision = Revision::next();
        }
        self
    }

    /// Names of all symbolic parameters, sorted and without repeats.
    pub fn parameters(&self) -> Vec<String> {
        let mut set = BTreeSet::new();
        for ins in &self.instructions {
            if let Operation::Gate { gate, .. } = &ins.op {
                for p in gate.params() {
                    for s in p.symbols() {
                        set.insert(s.to_string());
                    }
                }
            }
        }
        set.into_iter().collect()
    }

    /// Circuit depth: the longest chain of instructions sharing qubits (barriers excluded).
    pub fn depth(&self) -> usize {
        let mut level = vec![0usize; self.num_qubits as usize];
        let mut clevel = vec![0usize; self.num_clbits as usize];
        let mut depth = 0;
        for ins in &self.instructions {
            if matches!(ins.op, Operation::Barrier { .. }) {
                continue;
            }
            let qs: Vec<usize> = ins
                .qubits()
                .into_iter()
                .map(|q| q as usize)
                .filter(|&q| q < level.len())
                .collect();
            let mut cs: Vec<usize> = ins
                .condition
                .iter()
                .flat_map(|c| c.clbits.iter().map(|&b| b as usize))
                .collect();
            if let Operation::Measure { clbit, .. } = ins.op {
                cs.push(clbit as usize);
            }
            cs.retain(|&b| b < clevel.len());
            let d = 1 + qs
                .iter()
                .map(|&q| level[q])
                .chain(cs.iter().map(|&b| clevel[b]))
                .max()
                .unwrap_or(0);
            for q in qs {
                level[q] = d;
            }
            for b in cs {
                clevel[b] = d;
            }
            depth = depth.max(d);
        }
        depth
    }

    /// Appends every instruction of `other`, with `other`'s qubit `i` mapped to
    /// `qubit_map[i]` (identity if `None`). Classical bits are kept as numbered. The
    /// map must name distinct qubits in range ([`Error::InvalidArgument`] if one is
    /// repeated, checked here rather than when the circuit runs).
    pub fn compose(&mut self, other: &Circuit, qubit_map: Option<&[u32]>) -> Result<&mut Self> {
        let map: Vec<u32> = match qubit_map {
            Some(m) => {
                if m.len() != other.num_qubits as usize {
                    return Err(Error::invalid(format!(
                        "qubit map has {} entries but the appended circuit has {} qubits",
                        m.len(),
                        other.num_qubits
                    )));
                }
                m.to_vec()
            }
            None => {
                if other.num_qubits > self.num_qubits {
                    return Err(Error::invalid(format!(
                        "cannot append a {}-qubit circuit to a {}-qubit circuit",
                        other.num_qubits, self.num_qubits
                    )));
                }
                (0..other.num_qubits).collect()
            }
        };
        if let Some(&q) = map.iter().find(|&&q| q >= self.num_qubits) {
            return Err(Error::QubitOutOfRange {
                qubit: q,
                num_qubits: self.num_qubits,
            });
        }
        let mut sorted = map.clone();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            let q = w[0];
            let mut at = map
                .iter()
                .enumerate()
                .filter(|(_, &x)| x == q)
                .map(|(i, _)| i);
            let (first, second) = (at.next().unwrap_or(0), at.next().unwrap_or(0));
            return Err(Error::invalid(format!(
                "qubit map sends qubits {first} and {second} of the appended circuit both to \
                 qubit {q}: each needs a qubit of its own"
            )));
        }
        let m = |q: u32| map.get(q as usize).copied().unwrap_or(q);
        for ins in &other.instructions {
            let op = match &ins.op {
                Operation::Gate {
                    gate,
                    targets,
                    controls,
                } => Operation::Gate {
                    gate: gate.clone(),
                    targets: targets.iter().map(|&q| m(q)).collect(),
                    controls: controls.iter().map(|&q| m(q)).collect(),
                },
                Operation::Measure { qubit, clbit } => Operation::Measure {
                    qubit: m(*qubit),
                    clbit: *clbit,
                },
                Operation::Reset { qubit } => Operation::Reset { qubit: m(*qubit) },
                Operation::Barrier { qubits } => Operation::Barrier {
                    qubits: qubits.iter().map(|&q| m(q)).collect(),
                },
                Operation::Channel { channel, qubits } => Operation::Channel {
                    channel: channel.clone(),
                    qubits: qubits.iter().map(|&q| m(q)).collect(),
                },
                Operation::ReadoutError { .. } => ins.op.clone(),
            };
            self.push(Instruction {
                op,
                condition: ins.condition.clone(),
            });
        }
        self.ensure_clbits(other.num_clbits);
        Ok(self)
    }

    /// The inverse circuit (gates reversed and inverted). Fails if the circuit
    /// measures, resets or has classical conditions, which have no inverse.
    pub fn inverse(&self) -> Result<Circuit> {
        let mut out = Circuit::with_clbits(self.num_qubits, self.num_clbits);
        for ins in self.instructions.iter().rev() {
            if ins.condition.is_some() {
                return Err(Error::invalid(
                    "a circuit with classically conditioned instructions has no inverse",
                ));
            }
            let op = match &ins.op {
                Operation::Gate {
                    gate,
                    targets,
                    controls,
                } => Operation::Gate {
                    gate: gate.inverse(),
                    targets: targets.clone(),
                    controls: controls.clone(),
                },
                Operation::Barrier { qubits } => Operation::Barrier {
                    qubits: qubits.clone(),
                },
                _ => {
                    return Err(Error::invalid(format!(
                        "`{}` is not reversible, so the circuit has no inverse",
                        ins.name()
                    )))
                }
            };
            out.instructions.push(Instruction {
                op,
                condition: None,
            });
        }
        Ok(out)
    }

    fn check_qubit(&self, q: u32) -> Result<()> {
        if q >= self.num_qubits {
            return Err(Error::QubitOutOfRange {
                qubit: q,
                num_qubits: self.num_qubits,
            });
        }
        Ok(())
    }

    fn check_clbit(&self, b: u32) -> Result<()> {
        if b >= self.num_clbits {
            return Err(Error::ClbitOutOfRange {
                clbit: b,
                num_clbits: self.num_clbits,
            });
        }
        Ok(())
    }

    /// Validates one instruction against this circuit: qubit and bit ranges,
    /// distinct operands, arity, numeric parameters finite, custom matrices unitary.
    pub fn validate_instruction(&self, ins: &Instruction) -> Result<()> {
        if let Some(c) = &ins.condition {
            for &b in &c.clbits {
                self.check_clbit(b)?;
            }
            if c.clbits.len() > 64 {
                return Err(Error::invalid(
                    "a condition register may have at most 64 bits",
                ));
            }
        }
        match &ins.op {
            Operation::Gate {
                gate,
                targets,
                controls,
            } => {
                // The name is built only for an error message.
                let name = || ins.name();
                if targets.len() != gate.num_targets() as usize {
                    return Err(Error::Arity {
                        gate: name(),
                        what: "target qubits",
                        expected: gate.num_targets() as usize,
                        got: targets.len(),
                    });
                }
                for (i, &q) in controls.iter().chain(targets).enumerate() {
                    self.check_qubit(q)?;
                    if controls.iter().chain(targets).take(i).any(|&p| p == q) {
                        return Err(Error::DuplicateQubit {
                            gate: name(),
                            qubit: q,
                        });
                    }
                }
                for p in gate.params() {
                    if let Param::Value(v) = p {
                        if !v.is_finite() {
                            return Err(Error::NonFiniteParameter {
                                gate: name(),
                                value: *v,
                            });
                        }
                    }
                    if let Param::Affine { terms, constant } = p {
                        if !constant.is_finite() || terms.iter().any(|t| !t.1.is_finite()) {
                            return Err(Error::NonFiniteParameter {
                                gate: name(),
                                value: f64::NAN,
                            });
                        }
                    }
                }
                if let Gate::Unitary(m) = gate {
                    if m.num_qubits() > MAX_UNITARY_QUBITS {
                        return Err(Error::InvalidMatrix {
                            reason: format!(
                                "a {}-qubit unitary is wider than the {MAX_UNITARY_QUBITS} qubits supported",
                                m.num_qubits()
                            ),
                        });
                    }
                    m.check_unitary(UNITARY_TOLERANCE)?;
                }
            }
            Operation::Measure { qubit, clbit } => {
                self.check_qubit(*qubit)?;
                self.check_clbit(*clbit)?;
            }
            Operation::Reset { qubit } => self.check_qubit(*qubit)?,
            Operation::Barrier { qubits } => {
                for &q in qubits {
                    self.check_qubit(q)?;
                }
            }
            Operation::Channel { channel, qubits } => {
                if qubits.len() != channel.num_qubits() as usize {
                    return Err(Error::Arity {
                        gate: channel.name().to_string(),
                        what: "qubits",
                        expected: channel.num_qubits() as usize,
                        got: qubits.len(),
                    });
                }
                for (i, &q) in qubits.iter().enumerate() {
                    self.check_qubit(q)?;
                    if qubits[..i].contains(&q) {
                        return Err(Error::DuplicateQubit {
                            gate: channel.name().to_string(),
                            qubit: q,
                        });
                    }
                }
            }
            Operation::ReadoutError { clbit, .. } => self.check_clbit(*clbit)?,
        }
        Ok(())
    }

    /// Validates every instruction (see [`Circuit::validate_instruction`]).
    pub fn validate(&self) -> Result<()> {
        for ins in &self.instructions {
            self.validate_instruction(ins)?;
        }
        Ok(())
    }
}

impl fmt::Display for Circuit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Circuit({} qubits, {} clbits, {} instructions)",
            self.num_qubits,
            self.num_clbits,
            self.instructions.len()
        )?;
        for ins in &self.instructions {
            writeln!(f, "  {ins}")?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Circuit {
    type Item = &'a Instruction;
    type IntoIter = std::slice::Iter<'a, Instruction>;
    fn into_iter(self) -> Self::IntoIter {
        self.instructions.iter()
    }
}

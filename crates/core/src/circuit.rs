//! `Circuit`: the backend-neutral description of a quantum circuit, with a chainable builder.

use crate::error::Result;
use crate::gate::Gate;
pub use crate::instruction::{Condition, Instruction, Operation};
use crate::matrix::Matrix;
use crate::param::Param;
use std::fmt;
use std::sync::Arc;

/// Widest user unitary accepted (its matrix has `4^k` entries).
pub const MAX_UNITARY_QUBITS: u32 = 12;

/// Default tolerance for unitarity checks of user matrices.
pub const UNITARY_TOLERANCE: f64 = 1e-8;

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

//! The dense reference simulator: plain, obviously-correct state evolution that the
//! backends are checked against.
//!
//! It is written independently of every backend and of `Gate::matrix_of`: gate matrices
//! come from [`dense::gate_matrix`] (textbook definitions), and a gate acts either as the
//! full `2^n x 2^n` operator built entry by entry ([`full_operator`], used up to
//! [`FULL_OPERATOR_MAX_QUBITS`] qubits) or, for larger states, through an explicit
//! gather / multiply / scatter over the target bits ([`apply_gate`]). The two agree (a
//! unit test checks it) and both are cross-checked against Kronecker products.
//!
//! Measurement, reset and classical conditions are handled *exactly*: [`simulate`]
//! returns every measurement branch with its probability, its collapsed state and its
//! classical bits, so a backend's seeded outcome can be matched against one branch and
//! outcome frequencies against branch probabilities.

pub mod dense;
pub mod density;

use dense::{c, gate_matrix, kron_all, pauli_x, pauli_y, pauli_z, DenseMatrix};
use ferroq_core::{
    Circuit, Complex64, Condition, Gate, Observable, Operation, Param, ParamBinding, Pauli,
};

/// Up to this many qubits, gates are applied as full `2^n x 2^n` operators.
pub const FULL_OPERATOR_MAX_QUBITS: u32 = 6;

/// Up to this many qubits, Pauli expectation values use the Kronecker-product matrix.
pub const KRON_PAULI_MAX_QUBITS: u32 = 8;

/// Branches below this probability are dropped by [`simulate`].
pub const BRANCH_CUTOFF: f64 = 1e-12;

/// Evaluates a parameter under `binding` (panics on an unbound symbol: the reference is
/// only run on valid input).
pub fn eval_param(p: &Param, binding: &ParamBinding) -> f64 {
    let (terms, constant) = p.affine_parts();
    terms.iter().fold(constant, |acc, (name, k)| {
        let v = binding
            .get(name)
            .unwrap_or_else(|| panic!("reference: parameter `{name}` is unbound"));
        acc + k * v
    })
}

/// The textbook matrix of `gate` with its parameters bound by `binding`.
pub fn bound_gate_matrix(gate: &Gate, binding: &ParamBinding) -> DenseMatrix {
    let params: Vec<f64> = gate
        .params()
        .into_iter()
        .map(|p| eval_param(p, binding))
        .collect();
    gate_matrix(gate, &params)
}

/// Bits of `index` at positions `qubits`, packed little-endian (`qubits[0]` → bit 0).
pub fn gather_bits(index: usize, qubits: &[u32]) -> usize {
    qubits
        .iter()
        .enumerate()
        .map(|(j, &q)| ((index >> q) & 1) << j)
        .sum()
}

/// The full `2^n x 2^n` operator of `m` acting on `targets` (little-endian), active where
/// every qubit of `controls` is 1, built entry by entry:
/// `full[r][col] = m[r|T][col|T]` if `r` and `col` agree off the targets and every control
/// is set, `δ(r, col)` if they agree but a control is clear, and `0` otherwise.
pub fn full_operator(n: u32, m: &DenseMatrix, targets: &[u32], controls: &[u32]) -> DenseMatrix {
    assert_eq!(m.dim(), 1 << targets.len());
    let dim = 1usize << n;
    let tmask: usize = targets.iter().map(|&q| 1usize << q).sum();
    let cmask: usize = controls.iter().map(|&q| 1usize << q).sum();
    let mut full = DenseMatrix::zeros(dim);
    for r in 0..dim {
        for col in 0..dim {
            if r & !tmask != col & !tmask {
                continue;
            }
            let v = if col & cmask == cmask {
                m.get(gather_bits(r, targets), gather_bits(col, targets))
            } else if r == col {
                c(1.0, 0.0)
            } else {
                c(0.0, 0.0)
            };
            full.set(r, col, v);
        }
    }
    full
}

/// Applies `m` on `targets`, controlled by `controls`, to `amps` in place: for every
/// basis index with all target bits clear and all control bits set, gathers the `2^k`
/// amplitudes that differ only on the targets, multiplies by `m`, scatters them back.
pub fn apply_gate(amps: &mut [Complex64], m: &DenseMatrix, targets: &[u32], controls: &[u32]) {
    let k = targets.len();
    assert_eq!(m.dim(), 1 << k);
    let tmask: usize = targets.iter().map(|&q| 1usize << q).sum();
    let cmask: usize = controls.iter().map(|&q| 1usize << q).sum();
    assert_eq!(tmask & cmask, 0, "targets and controls overlap");
    let offsets: Vec<usize> = (0..1usize << k)
        .map(|s| (0..k).map(|j| ((s >> j) & 1) << targets[j]).sum::<usize>())
        .collect();
    let mut buf = vec![c(0.0, 0.0); 1 << k];
    for base in 0..amps.len() {
        if base & tmask != 0 || base & cmask != cmask {
            continue;
        }
        for (s, o) in offsets.iter().enumerate() {
            buf[s] = amps[base | o];
        }
        for (r, o) in offsets.iter().enumerate() {
            amps[base | o] = (0..buf.len()).map(|s| m.get(r, s) * buf[s]).sum();
        }
    }
}

/// The matrix of one Pauli term's string (without its coefficient) on `n` qubits, as a
/// Kronecker product with qubit `n-1` leftmost.
pub fn pauli_string_matrix(n: u32, ops: &[(Pauli, u32)]) -> DenseMatrix {
    let factors: Vec<DenseMatrix> = (0..n)
        .rev()
        .map(
            |q| match ops.iter().find(|(_, oq)| *oq == q).map(|(p, _)| *p) {
                Some(Pauli::X) => pauli_x(),
                Some(Pauli::Y) => pauli_y(),
                Some(Pauli::Z) => pauli_z(),
                Some(Pauli::I) | None => DenseMatrix::identity(2),
            },
        )
        .collect();
    kron_all(&factors)
}

/// A state of the reference simulator: amplitudes and classical bits.
#[derive(Debug, Clone, PartialEq)]
pub struct RefState {
    /// Qubit count.
    pub num_qubits: u32,
    /// `2^n` amplitudes, little-endian.
    pub amps: Vec<Complex64>,
    /// Classical bits.
    pub clbits: Vec<bool>,
}

impl RefState {
    /// `|0…0>` with `num_clbits` cleared classical bits.
    pub fn zero(num_qubits: u32, num_clbits: u32) -> Self {
        let mut amps = vec![c(0.0, 0.0); 1usize << num_qubits];
        amps[0] = c(1.0, 0.0);
        RefState {
            num_qubits,
            amps,
            clbits: vec![false; num_clbits as usize],
        }
    }

    /// Applies a gate matrix on `targets` with `controls`: full operator for small
    /// states, index arithmetic ([`apply_gate`]) for large ones.
    pub fn apply(&mut self, m: &DenseMatrix, targets: &[u32], controls: &[u32]) {
        if self.num_qubits <= FULL_OPERATOR_MAX_QUBITS {
            self.amps = full_operator(self.num_qubits, m, targets, controls).apply(&self.amps);
        } else {
            apply_gate(&mut self.amps, m, targets, controls);
        }
    }

    /// `Σ |a_i|²`.
    pub fn norm_sqr(&self) -> f64 {
        self.amps.iter().map(|a| a.norm_sqr()).sum()
    }

    /// `|a_i|²` for every basis state.
    pub fn probabilities(&self) -> Vec<f64> {
        self.amps.iter().map(|a| a.norm_sqr()).collect()
    }

    /// Marginal distribution over `qubits` (`qubits[0]` is bit 0 of the output index).
    pub fn marginal(&self, qubits: &[u32]) -> Vec<f64> {
        let mut out = vec![0.0; 1 << qubits.len()];
        for (i, a) in self.amps.iter().enumerate() {
            out[gather_bits(i, qubits)] += a.norm_sqr();
        }
        out
    }

    /// Probability that measuring `qubit` gives 1.
    pub fn prob_one(&self, qubit: u32) -> f64 {
        self.marginal(&[qubit])[1]
    }

    /// The state projected on `qubit = outcome` and renormalised, with the probability
    /// of that outcome (`None` if it is below [`BRANCH_CUTOFF`]).
    pub fn collapse(&self, qubit: u32, outcome: bool) -> Option<(f64, RefState)> {
        let p = if outcome {
            self.prob_one(qubit)
        } else {
            1.0 - self.prob_one(qubit)
        };
        if p < BRANCH_CUTOFF {
            return None;
        }
        let scale = 1.0 / p.sqrt();
        let mut next = self.clone();
        for (i, a) in next.amps.iter_mut().enumerate() {
            let bit = (i >> qubit) & 1 == 1;
            *a = if bit == outcome {
                *a * scale
            } else {
                c(0.0, 0.0)
            };
        }
        Some((p, next))
    }

    /// `<ψ|O|ψ>` for a weighted Pauli sum: by Kronecker-product matrices up to
    /// [`KRON_PAULI_MAX_QUBITS`] qubits, by applying each Pauli factor as a 1-qubit gate
    /// above that.
    pub fn expectation(&self, obs: &Observable) -> f64 {
        obs.terms()
            .iter()
            .map(|t| {
                let applied = if self.num_qubits <= KRON_PAULI_MAX_QUBITS {
                    pauli_string_matrix(self.num_qubits, &t.ops).apply(&self.amps)
                } else {
                    self.apply_pauli_factors(&t.ops)
                };
                t.coeff * inner(&self.amps, &applied).re
            })
            .sum()
    }

    /// `P|ψ>` for a Pauli string, factor by factor.
    pub fn apply_pauli_factors(&self, ops: &[(Pauli, u32)]) -> Vec<Complex64> {
        let mut v = self.amps.clone();
        for &(p, q) in ops {
            let m = match p {
                Pauli::X => pauli_x(),
                Pauli::Y => pauli_y(),
                Pauli::Z => pauli_z(),
                Pauli::I => continue,
            };
            apply_gate(&mut v, &m, &[q], &[]);
        }
        v
    }

    /// `true` if the classical bits satisfy `cond`.
    pub fn holds(&self, cond: &Condition) -> bool {
        let value: u64 = cond
            .clbits
            .iter()
            .enumerate()
            .map(|(j, &b)| (self.clbits[b as usize] as u64) << j)
            .sum();
        value == cond.value
    }
}

/// `<a|b>`.
pub fn inner(a: &[Complex64], b: &[Complex64]) -> Complex64 {
    a.iter().zip(b).map(|(x, y)| x.conj() * y).sum()
}

/// One outcome history of a circuit with measurements or resets.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// Probability of this history.
    pub probability: f64,
    /// The state (and classical bits) after it.
    pub state: RefState,
}

/// Runs `circuit` from `|0…0>` exactly: every measurement and reset splits each branch
/// in two (branches under [`BRANCH_CUTOFF`] are dropped). A unitary circuit gives one
/// branch of probability 1.
pub fn simulate(circuit: &Circuit, binding: &ParamBinding) -> Vec<Branch> {
    let mut branches = vec![Branch {
        probability: 1.0,
        state: RefState::zero(circuit.num_qubits(), circuit.num_clbits()),
    }];
    for ins in circuit.instructions() {
        let mut next = Vec::with_capacity(branches.len());
        for br in branches {
            if let Some(cond) = &ins.condition {
                if !br.state.holds(cond) {
                    next.push(br);
                    continue;
                }
            }
            match &ins.op {
                Operation::Gate {
                    gate,
                    targets,
                    controls,
                } => {
                    let mut br = br;
                    br.state
                        .apply(&bound_gate_matrix(gate, binding), targets, controls);
                    next.push(br);
                }
                Operation::Measure { qubit, clbit } => {
                    for outcome in [false, true] {
                        if let Some((p, mut s)) = br.state.collapse(*qubit, outcome) {
                            s.clbits[*clbit as usize] = outcome;
                            next.push(Branch {
                                probability: br.probability * p,
                                state: s,
                            });
                        }
                    }
                }
                Operation::Reset { qubit } => {
                    for outcome in [false, true] {
                        if let Some((p, mut s)) = br.state.collapse(*qubit, outcome) {
                            if outcome {
                                s.apply(&pauli_x(), &[*qubit], &[]);
                            }
                            next.push(Branch {
                                probability: br.probability * p,
                                state: s,
                            });
                        }
                    }
                }
                Operation::Barrier { .. } => next.push(br),
                Operation::Channel { .. } | Operation::ReadoutError { .. } => {
                    panic!("reference: noisy circuits go through reference::density")
                }
            }
        }
        branches = next;
    }
    branches
}

/// The final state of a circuit without measurements or resets (panics otherwise).
pub fn final_state(circuit: &Circuit, binding: &ParamBinding) -> RefState {
    let mut branches = simulate(circuit, binding);
    assert_eq!(
        branches.len(),
        1,
        "final_state needs a circuit without measurement"
    );
    branches.remove(0).state
}

/// Total probability of each classical-bit outcome (bits packed little-endian).
pub fn clbit_distribution(branches: &[Branch]) -> std::collections::BTreeMap<u64, f64> {
    let mut out = std::collections::BTreeMap::new();
    for b in branches {
        *out.entry(pack_bits(&b.state.clbits)).or_insert(0.0) += b.probability;
    }
    out
}

/// Classical bits packed into an integer, bit `j` = `bits[j]`.
pub fn pack_bits(bits: &[bool]) -> u64 {
    bits.iter().enumerate().map(|(j, &b)| (b as u64) << j).sum()
}

#[cfg(test)]
mod tests;

//! `StatePrimitives`: the operations every backend's state offers. The contracts are
//! on [`Backend`](crate::Backend)'s module docs.

use crate::error::Result;
use crate::interrupt::Interrupt;
use crate::observable::{Observable, Pauli};
use crate::op::Op;
use crate::precision::Precision;
use crate::readout::StateVector;
use num_complex::Complex64;

/// The primitives a backend's state offers. Every algorithm of ferroq (the execution
/// loop, sampling, batches, adjoint gradients, and later noise) is written once over these.
pub trait StatePrimitives: Send + Sized {
    /// Qubit count.
    fn num_qubits(&self) -> u32;
    /// Precision of the amplitudes.
    fn precision(&self) -> Precision;

    /// Applies a run of unitary ops ([`Op::Dense`] and [`Op::Diagonal`] only) in order.
    /// Long runs poll `interrupt` between passes.
    fn apply(&mut self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()>;
    /// `(p1, norm)`: the probability weight of `qubit` being 1, and the squared norm of
    /// the state (so callers can draw relative to the norm and ignore rounding drift).
    fn probability_one(&mut self, qubit: u32) -> Result<(f64, f64)>;
    /// Projects `qubit` onto `outcome`, dividing by `sqrt(kept)` (`kept` the weight of
    /// that outcome); with `reset` the kept branch is moved to `|0>`.
    fn collapse(&mut self, qubit: u32, outcome: bool, kept: f64, reset: bool) -> Result<()>;
    /// Waits until all queued work is done (a no-op on synchronous backends).
    fn finish(&mut self) -> Result<()> {
        Ok(())
    }

    /// Back to `|0…0>`, keeping the memory.
    fn set_zero(&mut self) -> Result<()>;
    /// Overwrites the amplitudes (`2^n` of them; not renormalised).
    fn set_amplitudes(&mut self, amps: &[Complex64]) -> Result<()>;
    /// Overwrites this state with `other`'s amplitudes (same qubit count).
    fn copy_from(&mut self, other: &Self) -> Result<()>;
    /// Overwrites this state with `source`'s amplitudes, then applies the run `ops` (as
    /// [`StatePrimitives::copy_from`] then [`StatePrimitives::apply`], the default); a
    /// backend may do both in one pass over memory.
    fn copy_apply(&mut self, source: &Self, ops: &[Op], interrupt: &Interrupt<'_>) -> Result<()> {
        self.copy_from(source)?;
        if ops.is_empty() {
            return Ok(());
        }
        self.apply(ops, interrupt)
    }
    /// Applies the run `ops` to this state and to `other` (same qubit count), as the
    /// adjoint sweep undoes each step on two states. The default applies it to one,
    /// then the other; a backend may work on both at once.
    fn apply_both(
        &mut self,
        other: &mut Self,
        ops: &[Op],
        interrupt: &Interrupt<'_>,
    ) -> Result<()> {
        self.apply(ops, interrupt)?;
        other.apply(ops, interrupt)
    }
    /// Writes `O|self>` into `out` (same qubit count), for an observable `O`.
    fn apply_observable(&self, observable: &Observable, out: &mut Self) -> Result<()>;
    /// `<self|other>`.
    fn inner_product(&self, other: &Self) -> Result<Complex64>;
    /// `<self| op |other>` for one [`Op::Dense`] or [`Op::Diagonal`] of any matrix
    /// (unitary or not), as the adjoint gradient needs. `scratch` (same qubit count,
    /// overwritten) may be used to hold `op|other>`; the default does exactly that
    /// ([`inner_product_op_via`]), a backend may compute it in one pass without it.
    fn inner_product_op(&self, op: &Op, other: &Self, scratch: &mut Self) -> Result<Complex64> {
        inner_product_op_via(self, op, other, scratch)
    }
    /// [`inner_product_op`](Self::inner_product_op) for every op of `ops` (the local
    /// derivative operators of one layer of the adjoint sweep), in op order. The
    /// default calls it op by op; a backend may share passes over the two states
    /// between ops.
    fn inner_products_op(
        &self,
        ops: &[Op],
        other: &Self,
        scratch: &mut Self,
    ) -> Result<Vec<Complex64>> {
        ops.iter()
            .map(|op| self.inner_product_op(op, other, scratch))
            .collect()
    }
    /// `<self|self>`.
    fn norm_sqr(&self) -> Result<f64>;
    /// Multiplies every amplitude by `a`.
    fn scale(&mut self, a: Complex64) -> Result<()>;
    /// `self += a * x`.
    fn add_scaled(&mut self, a: Complex64, x: &Self) -> Result<()>;

    /// The amplitudes.
    fn state_vector(&self) -> Result<StateVector>;
    /// The amplitudes, consuming the state: backends whose state already is a host
    /// vector hand it over without a copy (default: [`StatePrimitives::state_vector`]).
    fn into_state_vector(self) -> Result<StateVector>
    where
        Self: Sized,
    {
        self.state_vector()
    }
    /// `|amplitude|^2` of every basis state.
    fn probabilities(&self) -> Result<Vec<f64>>;
    /// Marginal probabilities over `qubits` (`qubits[0]` the lowest output bit).
    fn marginal(&self, qubits: &[u32]) -> Result<Vec<f64>>;
    /// Expectation values of observables.
    fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>>;
    /// The basis index of each of `uniforms` (sorted, in `[0, 1)`) under the inverse
    /// CDF of the probabilities scaled to their total: `u` maps to the first index whose
    /// running sum exceeds `u * total` (draws lost to rounding go to the last index with
    /// weight). Returned in the order of `uniforms`.
    fn locate_sorted(&self, uniforms: &[f64]) -> Result<Vec<u64>>;

    /// The reduced density matrix of `qubits` (`2^k x 2^k`, row-major, `qubits[0]` the
    /// least significant bit; not normalised: its trace is the squared norm), as
    /// trajectories of general Kraus channels need for their branch weights. The
    /// default is written once over [`StatePrimitives::expectations`]: `ρ = Σ_P <P> P /
    /// 2^k` over the `4^k` Pauli strings on `qubits`; a backend may compute it in one
    /// pass instead.
    fn reduced_density_matrix(&self, qubits: &[u32]) -> Result<Vec<Complex64>> {
        reduced_density_matrix_via_paulis(self, qubits)
    }
}

/// [`StatePrimitives::reduced_density_matrix`] from the expectation values of the
/// `4^k` Pauli strings on `qubits` (the default, usable by every backend).
pub fn reduced_density_matrix_via_paulis<S: StatePrimitives>(
    state: &S,
    qubits: &[u32],
) -> Result<Vec<Complex64>> {
    let k = qubits.len() as u32;
    if k == 0 || k > 6 {
        return Err(crate::error::Error::invalid(format!(
            "reduced density matrix of {k} qubits: 1 to 6 are supported"
        )));
    }
    let count = 1usize << (2 * k);
    let paulis = [Pauli::I, Pauli::X, Pauli::Y, Pauli::Z];
    let observables = (1..count)
        .map(|idx| {
            Observable::new().with_term(
                1.0,
                qubits
                    .iter()
                    .enumerate()
                    .map(|(j, &q)| (paulis[(idx >> (2 * j)) & 3], q)),
            )
        })
        .collect::<Result<Vec<_>>>()?;
    let mut values = Vec::with_capacity(count);
    values.push(state.norm_sqr()?);
    values.extend(state.expectations(&observables)?);
    let dim = 1usize << k;
    let mut rho = vec![Complex64::new(0.0, 0.0); dim * dim];
    for (idx, &v) in values.iter().enumerate() {
        let p = crate::channel::pauli_string_matrix(idx, k);
        for (r, x) in rho.iter_mut().zip(p.data()) {
            *r += x * (v / dim as f64);
        }
    }
    Ok(rho)
}

/// `<bra| op |ket>` through `scratch`: `scratch = ket`, then `op` applied to it, then
/// `<bra|scratch>` (the default [`StatePrimitives::inner_product_op`], and the fallback
/// of backends that compute some ops in one pass).
pub fn inner_product_op_via<S: StatePrimitives>(
    bra: &S,
    op: &Op,
    ket: &S,
    scratch: &mut S,
) -> Result<Complex64> {
    scratch.copy_from(ket)?;
    scratch.apply(std::slice::from_ref(op), &Interrupt::none())?;
    bra.inner_product(scratch)
}

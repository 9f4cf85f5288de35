//! Reads of a distributed state: every rank computes on its slice with the CPU
//! backend's readouts, then the results are reduced (sums) or gathered (state vector,
//! probabilities) so every rank returns the same value.

use crate::comm;
use crate::state::{agree, check_qubit, mutref, rd, MpiState};
use ferroq_core::memory::check_host_bytes;
use ferroq_core::{
    Complex32, Complex64, Error, Interrupt, Matrix, Observable, Op, Pauli, PauliTerm, Result,
    StatePrimitives, StateVector,
};

impl MpiState {
    /// A host buffer of `bytes` for `what` fits on every rank, or the same error on all.
    fn check_buffer(&self, bytes: u128, what: &str) -> Result<()> {
        agree(check_host_bytes(bytes, what, None))
    }

    /// Every rank's equal-length piece, gathered, the copies of small states dropped.
    fn gather<T: mpi::datatype::Equivalence + Copy + Default>(&self, piece: &[T]) -> Vec<T> {
        let (_, size) = comm::world_rank_size().unwrap_or((0, 1));
        let mut all = vec![T::default(); piece.len() * size as usize];
        comm::all_gather(piece, &mut all);
        all.truncate(piece.len() << self.global);
        all
    }

    pub(crate) fn gather_state_vector(&self) -> Result<StateVector> {
        let precision = self.precision();
        let bytes = precision.state_bytes(self.n).unwrap_or(u128::MAX);
        self.check_buffer(bytes, "a copy of the state vector")?;
        self.normalize()?;
        let local = rd(&self.local);
        Ok(match local.amplitudes() {
            StateVector::Single(v) => StateVector::Single(self.gather::<Complex32>(v)),
            StateVector::Double(v) => StateVector::Double(self.gather::<Complex64>(v)),
        })
    }

    pub(crate) fn gather_probabilities(&self) -> Result<Vec<f64>> {
        self.check_buffer(8u128 << self.n, "the probabilities")?;
        self.normalize()?;
        let piece = rd(&self.local).probabilities()?;
        Ok(self.gather(&piece))
    }

    pub(crate) fn marginal_impl(&self, qubits: &[u32]) -> Result<Vec<f64>> {
        for (i, &q) in qubits.iter().enumerate() {
            check_qubit(q, self.n)?;
            if qubits[..i].contains(&q) {
                return Err(Error::invalid(format!("marginal lists qubit {q} twice")));
            }
        }
        if qubits.len() > 40 {
            return Err(Error::invalid(
                "a marginal over more than 40 qubits is too large",
            ));
        }
        self.check_buffer(8u128 << qubits.len(), "the marginal probabilities")?;
        let layout = rd(&self.layout);
        let l = self.local_qubits();
        // Output bits taken from the local marginal, and those fixed by the rank.
        let mut local_positions = Vec::new();
        let mut local_out_bits = Vec::new();
        let mut fixed = 0usize;
        for (j, &q) in qubits.iter().enumerate() {
            let p = layout.phys(q);
            if p < l {
                local_positions.push(p);
                local_out_bits.push(j);
            } else if self.global_bit(p) {
                fixed |= 1 << j;
            }
        }
        drop(layout);
        let piece = rd(&self.local).marginal(&local_positions)?;
        let mut out = vec![0.0; 1usize << qubits.len()];
        if self.leader {
            for (i, &w) in piece.iter().enumerate() {
                let idx = local_out_bits
                    .iter()
                    .enumerate()
                    .fold(fixed, |acc, (b, &j)| acc | ((i >> b) & 1) << j);
                out[idx] += w;
            }
        }
        comm::sum_f64(&mut out);
        Ok(out)
    }

    /// `term` on this rank's slice under the current layout: factors on local qubits
    /// renamed to their positions, Z factors on global qubits folded into the sign;
    /// `None` when an X or Y factor is on a global qubit.
    fn local_term(&self, term: &PauliTerm) -> Result<Option<PauliTerm>> {
        let layout = rd(&self.layout);
        let l = self.local_qubits();
        let mut coeff = term.coeff;
        let mut ops = Vec::with_capacity(term.ops.len());
        for &(pauli, q) in &term.ops {
            let p = layout.phys(q);
            if p < l {
                ops.push((pauli, p));
            } else if pauli == Pauli::Z {
                if self.global_bit(p) {
                    coeff = -coeff;
                }
            } else {
                return Ok(None);
            }
        }
        PauliTerm::new(coeff, ops).map(Some)
    }

    /// The qubits carrying X or Y in `term`.
    fn flipped(term: &PauliTerm) -> Vec<u32> {
        term.ops
            .iter()
            .filter(|(p, _)| matches!(p, Pauli::X | Pauli::Y))
            .map(|&(_, q)| q)
            .collect()
    }

    /// Each observable term by term on the slices: consecutive terms whose X/Y factors
    /// are local go to the CPU's expectation together; a term with an X or Y on a global
    /// qubit first exchanges it in. One reduction for all observables at the end.
    pub(crate) fn expectations_impl(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        for o in observables {
            o.check_fits(self.n)?;
        }
        let mut values = vec![0.0; observables.len()];
        for (value, o) in values.iter_mut().zip(observables) {
            let mut group = Observable::new();
            for term in o.terms() {
                let mapped = match self.local_term(term)? {
                    Some(t) => t,
                    None => {
                        *value += self.local_expectation(&group)?;
                        group = Observable::new();
                        let flipped = Self::flipped(term);
                        if flipped.len() as u32 > self.local_qubits() {
                            *value += self.rotated_expectation(term)?;
                            continue;
                        }
                        self.localize(&flipped, &[])?;
                        self.local_term(term)?
                            .ok_or_else(|| Error::invalid("a term stayed global"))?
                    }
                };
                group.add_term(mapped);
            }
            *value += self.local_expectation(&group)?;
        }
        if !self.leader {
            values.iter_mut().for_each(|v| *v = 0.0);
        }
        comm::sum_f64(&mut values);
        Ok(values)
    }

    /// This slice's part of `<term>` for a term with X or Y on more qubits than a rank
    /// holds locally: the state is rotated so the term becomes a Z string (H for X,
    /// H·S† for Y, exchanging qubits in as gates need), the Z string is read without
    /// communication, and the rotation is undone.
    fn rotated_expectation(&self, term: &PauliTerm) -> Result<f64> {
        let r = std::f64::consts::FRAC_1_SQRT_2;
        let m = |d: [Complex64; 4]| Matrix::new(2, d.map(|z| z * r).to_vec());
        let (one, i) = (Complex64::new(1.0, 0.0), Complex64::new(0.0, 1.0));
        let h = m([one, one, one, -one])?;
        let h_sdg = m([one, -i, one, i])?;
        let s_h = m([one, one, i, -i])?;
        let dense = |q: u32, matrix: &Matrix| Op::Dense {
            targets: vec![q],
            controls: vec![],
            matrix: matrix.clone(),
        };
        let (mut forward, mut back) = (Vec::new(), Vec::new());
        let mut zs = Vec::new();
        for &(pauli, q) in &term.ops {
            match pauli {
                Pauli::X => {
                    forward.push(dense(q, &h));
                    back.push(dense(q, &h));
                }
                Pauli::Y => {
                    forward.push(dense(q, &h_sdg));
                    back.push(dense(q, &s_h));
                }
                _ => {}
            }
            zs.push((Pauli::Z, q));
        }
        self.apply_ref(&forward, &Interrupt::none())?;
        let z = self
            .local_term(&PauliTerm::new(term.coeff, zs)?)?
            .ok_or_else(|| Error::invalid("a Z string stayed global"))?;
        let mut o = Observable::new();
        o.add_term(z);
        let value = self.local_expectation(&o)?;
        back.reverse();
        self.apply_ref(&back, &Interrupt::none())?;
        Ok(value)
    }

    fn local_expectation(&self, o: &Observable) -> Result<f64> {
        if o.terms().is_empty() {
            return Ok(0.0);
        }
        Ok(rd(&self.local).expectations(std::slice::from_ref(o))?[0])
    }

    /// `out = O|self>`: every qubit carrying an X or Y in some term is made local (an
    /// [`Error::Unsupported`] when they outnumber the local qubits), then each slice is
    /// one CPU `apply_observable` with the global Z factors as signs; `out` takes this
    /// state's layout.
    pub(crate) fn apply_observable_impl(&self, o: &Observable, out: &mut Self) -> Result<()> {
        o.check_fits(self.n)?;
        if out.n != self.n || out.global != self.global {
            return Err(Error::invalid(
                "the two states differ in qubit count or distribution",
            ));
        }
        let mut flipped: Vec<u32> = o.terms().iter().flat_map(Self::flipped).collect();
        flipped.sort_unstable();
        flipped.dedup();
        self.localize(&flipped, &[])?;
        let mut local = Observable::new();
        for term in o.terms() {
            local.add_term(
                self.local_term(term)?
                    .ok_or_else(|| Error::invalid("a term stayed global"))?,
            );
        }
        *mutref(&mut out.layout) = rd(&self.layout).clone();
        let result = rd(&self.local).apply_observable(&local, mutref(&mut out.local));
        agree(result)
    }

    /// Inverse-CDF sampling over the slices in rank order (the logical order once the
    /// layout is undone): each uniform goes to the slice whose cumulative weight range
    /// holds it and is resolved there by the CPU's `locate_sorted`, rescaled to that
    /// slice; one reduction assembles the indices on every rank.
    pub(crate) fn locate_sorted_impl(&self, uniforms: &[f64]) -> Result<Vec<u64>> {
        self.check_buffer(
            uniforms.len() as u128 * 16,
            &format!("sampling {} shots", uniforms.len()),
        )?;
        self.normalize()?;
        let (rank, _) = comm::world_rank_size()?;
        let own = if self.leader {
            rd(&self.local).norm_sqr()?
        } else {
            0.0
        };
        let weights = self.gather_all(own);
        let total: f64 = weights.iter().sum();
        let before: f64 = weights[..rank as usize].iter().sum();
        let owner = |t: f64| {
            let mut acc = 0.0;
            let mut found = 0usize;
            for (r, &w) in weights.iter().enumerate() {
                if w > 0.0 && t >= acc {
                    found = r;
                }
                acc += w;
            }
            found
        };
        let mut out = vec![0u64; uniforms.len()];
        if own > 0.0 {
            let mine: Vec<usize> = (0..uniforms.len())
                .filter(|&i| owner(uniforms[i] * total) == rank as usize)
                .collect();
            let below_one = 1.0 - f64::EPSILON / 2.0;
            let scaled: Vec<f64> = mine
                .iter()
                .map(|&i| ((uniforms[i] * total - before) / own).clamp(0.0, below_one))
                .collect();
            let found = rd(&self.local).locate_sorted(&scaled)?;
            let base = self.slice << self.local_qubits();
            for (&i, idx) in mine.iter().zip(found) {
                out[i] = base | idx;
            }
        }
        comm::sum_u64(&mut out);
        Ok(out)
    }

    /// One value from every rank, in rank order.
    fn gather_all(&self, value: f64) -> Vec<f64> {
        let (_, size) = comm::world_rank_size().unwrap_or((0, 1));
        let mut all = vec![0.0; size as usize];
        comm::all_gather(&[value], &mut all);
        all
    }
}

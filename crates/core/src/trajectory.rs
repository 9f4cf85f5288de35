//! One trajectory step of a noise channel, written once over [`StatePrimitives`]:
//! a mixture draws its unitary without looking at the state; a general channel draws
//! Kraus branch `i` with probability `p_i = Tr(K_i ρ K_i†)` (from the reduced density
//! matrix of its qubits), applies `K_i` and renormalises by `1/sqrt(p_i)`.

use crate::binder::Binder;
use crate::channel::Channel;
use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::matrix::Matrix;
use crate::op::Op;
use crate::plan::{BoundProgram, Plan};
use crate::primitives::StatePrimitives;
use crate::rng::Rng;
use num_complex::Complex64;

/// `matrix` on `qubits` as a kernel op (diagonal when it is).
pub fn matrix_op(matrix: &Matrix, qubits: &[u32]) -> Op {
    if matrix.is_diagonal() {
        Op::Diagonal {
            targets: qubits.to_vec(),
            controls: Vec::new(),
            diag: matrix.diag(),
        }
    } else {
        Op::Dense {
            targets: qubits.to_vec(),
            controls: Vec::new(),
            matrix: matrix.clone(),
        }
    }
}

/// The weights `Tr(K_i ρ K_i†)` of every Kraus operator for the (unnormalised)
/// reduced density matrix `rho` of the channel's qubits.
pub fn branch_weights(channel: &Channel, rho: &[Complex64]) -> Vec<f64> {
    channel
        .kraus_operators()
        .iter()
        .map(|k| {
            let m = k.adjoint().mul(k);
            let d = m.dim();
            // Tr(M ρ) = Σ_{r,c} M[c][r] ρ[r][c]
            let mut t = Complex64::new(0.0, 0.0);
            for r in 0..d {
                for c in 0..d {
                    t += m.get(c, r) * rho[r * d + c];
                }
            }
            t.re.max(0.0)
        })
        .collect()
}

/// Applies one draw of `channel` on `qubits` to `state`, drawing from `rng` (one
/// uniform per channel).
pub fn apply_channel<S: StatePrimitives>(
    state: &mut S,
    rng: &mut Rng,
    qubits: &[u32],
    channel: &Channel,
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    let u = rng.next_f64();
    if let Some(mixture) = channel.mixture() {
        let i = channel.draw(u).unwrap_or(0);
        let (_, unitary) = &mixture[i];
        if !unitary.is_identity() {
            state.apply(&[matrix_op(unitary, qubits)], interrupt)?;
        }
        return Ok(());
    }
    let rho = state.reduced_density_matrix(qubits)?;
    let weights = branch_weights(channel, &rho);
    let total: f64 = weights.iter().sum();
    if total.is_nan() || total <= 0.0 || !total.is_finite() {
        return Err(Error::invalid(format!(
            "channel `{}`: the state has no weight left (norm {total})",
            channel.name()
        )));
    }
    let target = u * total;
    let mut acc = 0.0;
    let mut pick = weights.iter().rposition(|&w| w > 0.0).unwrap_or(0);
    for (i, &w) in weights.iter().enumerate() {
        acc += w;
        if target < acc && w > 0.0 {
            pick = i;
            break;
        }
    }
    let k = &channel.kraus_operators()[pick];
    state.apply(&[matrix_op(k, qubits)], interrupt)?;
    // The branch keeps weight w/total of the norm; back to norm 1.
    state.scale(Complex64::new(1.0 / weights[pick].sqrt(), 0.0))?;
    Ok(())
}

/// Stream of a trajectory seed that draws the mixed-unitary channels at bind time (the
/// trajectory seed itself seeds the execution loop's draws).
const NOISE_STREAM: u64 = 0x6E6F_6973_6500_0001;

/// The generator of trajectory `seed`'s bind-time noise draws.
pub fn noise_rng(seed: u64) -> Rng {
    Rng::new(crate::rng::derive_seed(seed, NOISE_STREAM))
}

/// Row `row` of `binder` as trajectory `seed`: the mixed-unitary channels drawn from
/// [`noise_rng`]`(seed)` (a plan without them binds as usual).
pub fn bind_row(binder: &Binder<'_>, plan: &Plan, row: usize, seed: u64) -> Result<BoundProgram> {
    if plan.noise_slots() == 0 {
        return binder.bind(row);
    }
    let choices = plan.draw_noise(&mut noise_rng(seed));
    binder.bind_trajectory(row, Some(&choices))
}

//! Exact rewrites of gates that qelib1 does not name, for the writer: Euler angles of
//! one-qubit unitaries, and multi-controlled one-qubit gates built from `cu` and the
//! `cx`/`ccx`/`c3x`/`c4x` family.

use crate::writer::Writer;
use ferroq_core::{Complex64, Error, Result};
use std::f64::consts::FRAC_PI_2;

/// A 2x2 complex matrix, row-major.
pub(crate) type M2 = [[Complex64; 2]; 2];

const EPS: f64 = 1e-12;

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

/// Pauli X.
pub(crate) const X: M2 = [[c0(), c1()], [c1(), c0()]];

const fn c0() -> Complex64 {
    Complex64::new(0.0, 0.0)
}
const fn c1() -> Complex64 {
    Complex64::new(1.0, 0.0)
}

fn near(a: &M2, b: &M2) -> bool {
    (0..2).all(|i| (0..2).all(|j| (a[i][j] - b[i][j]).norm() < EPS))
}

fn sx() -> M2 {
    [[c(0.5, 0.5), c(0.5, -0.5)], [c(0.5, -0.5), c(0.5, 0.5)]]
}

fn adjoint(m: &M2) -> M2 {
    [
        [m[0][0].conj(), m[1][0].conj()],
        [m[0][1].conj(), m[1][1].conj()],
    ]
}

/// The principal square root of a 2x2 unitary: `(M + sI) / sqrt(tr M + 2s)` with
/// `s = ±sqrt(det M)` (Cayley–Hamilton), the sign chosen to keep the divisor large.
pub(crate) fn sqrt_unitary(m: &M2) -> M2 {
    let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
    let tr = m[0][0] + m[1][1];
    let s0 = det.sqrt();
    let s = if (tr + s0 * 2.0).norm() >= (tr - s0 * 2.0).norm() {
        s0
    } else {
        -s0
    };
    let t = (tr + s * 2.0).sqrt();
    [
        [(m[0][0] + s) / t, m[0][1] / t],
        [m[1][0] / t, (m[1][1] + s) / t],
    ]
}

/// `(θ, φ, λ, γ)` with `m = e^{iγ} U(θ, φ, λ)` (OpenQASM's `U`).
pub(crate) fn euler(m: &M2) -> (f64, f64, f64, f64) {
    let (cos, sin) = (m[0][0].norm(), m[1][0].norm());
    let theta = 2.0 * sin.atan2(cos);
    let (gamma, phi, lambda);
    if cos >= sin {
        gamma = m[0][0].arg();
        phi = if sin > EPS {
            m[1][0].arg() - gamma
        } else {
            0.0
        };
        lambda = m[1][1].arg() - gamma - phi;
    } else {
        // arg m10 = γ+φ, arg(-m01) = γ+λ, arg m11 = γ+φ+λ (undefined when cos = 0:
        // then only φ-λ matters and λ = 0 is chosen).
        let (a10, a01) = (m[1][0].arg(), (-m[0][1]).arg());
        if cos > EPS {
            let a11 = m[1][1].arg();
            gamma = a10 + a01 - a11;
            phi = a11 - a01;
            lambda = a11 - a10;
        } else {
            gamma = a01;
            phi = a10 - a01;
            lambda = 0.0;
        }
    }
    (theta, wrap(phi), wrap(lambda), wrap(gamma))
}

/// An angle in `(-π, π]`.
fn wrap(a: f64) -> f64 {
    let t = std::f64::consts::TAU;
    let r = a.rem_euclid(t);
    if r > std::f64::consts::PI {
        r - t
    } else {
        r
    }
}

/// Writes `m` on `target`, controlled by every qubit in `controls` (all distinct), as
/// qelib1 statements. Exact, including the phase of `m` when there are controls.
pub(crate) fn controlled_1q(w: &mut Writer, m: &M2, controls: &[u32], target: u32) -> Result<()> {
    let k = controls.len();
    if k > crate::writer::MAX_WRITER_CONTROLS {
        return Err(Error::invalid(format!(
            "cannot write a gate with {k} controls to OpenQASM 2.0 (at most {} are supported)",
            crate::writer::MAX_WRITER_CONTROLS
        )));
    }
    let mut qs: Vec<u32> = controls.to_vec();
    qs.push(target);
    let is_x = near(m, &X);
    match k {
        0 => {
            let (t, p, l, _) = euler(m);
            w.gate("u", &[t, p, l], &qs);
            return Ok(());
        }
        1 if is_x => w.gate("cx", &[], &qs),
        1 => {
            let (t, p, l, g) = euler(m);
            w.gate("cu", &[t, p, l, g], &qs);
        }
        2 if is_x => w.gate("ccx", &[], &qs),
        3 if is_x => w.gate("c3x", &[], &qs),
        3 if near(m, &sx()) => w.gate("c3sqrtx", &[], &qs),
        4 if is_x => w.gate("c4x", &[], &qs),
        _ => {
            // C^k(M) = C_{c_k}(V) · C^{k-1}X(c_k) · C_{c_k}(V†) · C^{k-1}X(c_k) · C^{k-1}(V)
            // on c_1..c_{k-1}, with V² = M (Barenco et al. 1995, lemma 7.5), in time order.
            let v = sqrt_unitary(m);
            let (rest, last) = controls.split_at(k - 1);
            controlled_1q(w, &v, last, target)?;
            controlled_1q(w, &X, rest, last[0])?;
            controlled_1q(w, &adjoint(&v), last, target)?;
            controlled_1q(w, &X, rest, last[0])?;
            controlled_1q(w, &v, rest, target)?;
        }
    }
    Ok(())
}

/// The two-qubit gates the writer can control: written through a controlled `rz`
/// (rotations) or a controlled `x` (swap), conjugated by uncontrolled gates that cancel
/// when the controls are off.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TwoQubit {
    Rxx(f64),
    Ryy(f64),
    Rzz(f64),
    Swap,
    ISwap,
}

fn rz(theta: f64) -> M2 {
    let (s, co) = (theta / 2.0).sin_cos();
    [[c(co, -s), c0()], [c0(), c(co, s)]]
}

/// Writes `g` on `(a, b)` controlled by `controls` (at least one).
pub(crate) fn controlled_2q(
    w: &mut Writer,
    g: TwoQubit,
    controls: &[u32],
    a: u32,
    b: u32,
) -> Result<()> {
    match g {
        TwoQubit::Rzz(t) => {
            w.gate("cx", &[], &[a, b]);
            controlled_1q(w, &rz(t), controls, b)?;
            w.gate("cx", &[], &[a, b]);
        }
        TwoQubit::Rxx(t) => {
            w.gate("h", &[], &[a]);
            w.gate("h", &[], &[b]);
            controlled_2q(w, TwoQubit::Rzz(t), controls, a, b)?;
            w.gate("h", &[], &[a]);
            w.gate("h", &[], &[b]);
        }
        TwoQubit::Ryy(t) => {
            w.gate("rx", &[FRAC_PI_2], &[a]);
            w.gate("rx", &[FRAC_PI_2], &[b]);
            controlled_2q(w, TwoQubit::Rzz(t), controls, a, b)?;
            w.gate("rx", &[-FRAC_PI_2], &[a]);
            w.gate("rx", &[-FRAC_PI_2], &[b]);
        }
        TwoQubit::Swap if controls.len() == 1 => w.gate("cswap", &[], &[controls[0], a, b]),
        TwoQubit::Swap => {
            let mut cs = controls.to_vec();
            cs.push(a);
            w.gate("cx", &[], &[b, a]);
            controlled_1q(w, &X, &cs, b)?;
            w.gate("cx", &[], &[b, a]);
        }
        TwoQubit::ISwap => {
            // iSWAP = exp(iπ/4 (XX + YY)) = RXX(-π/2) · RYY(-π/2); XX and YY commute.
            controlled_2q(w, TwoQubit::Rxx(-FRAC_PI_2), controls, a, b)?;
            controlled_2q(w, TwoQubit::Ryy(-FRAC_PI_2), controls, a, b)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mul(a: &M2, b: &M2) -> M2 {
        let mut r = [[c0(); 2]; 2];
        for i in 0..2 {
            for j in 0..2 {
                r[i][j] = a[i][0] * b[0][j] + a[i][1] * b[1][j];
            }
        }
        r
    }

    fn u(t: f64, p: f64, l: f64, g: f64) -> M2 {
        let (s, co) = (t / 2.0).sin_cos();
        let e = |x: f64| Complex64::from_polar(1.0, x);
        [
            [e(g) * co, -e(g + l) * s],
            [e(g + p) * s, e(g + p + l) * co],
        ]
    }

    #[test]
    fn euler_round_trips() {
        let cases = [
            (0.3, 1.1, -2.0, 0.7),
            (0.0, 0.0, 1.0, 0.2),
            (std::f64::consts::PI, 0.4, 0.0, -1.0),
            (3.0, -0.5, 2.5, 3.0),
            (2.0, 1.5, -3.0, -2.0),
            (std::f64::consts::FRAC_PI_2, 0.3, 0.2, 0.1),
            (1e-13, 0.3, 0.2, 0.1),
            (std::f64::consts::PI - 1e-13, 0.3, 0.2, 0.1),
        ];
        for (t, p, l, g) in cases {
            let m = u(t, p, l, g);
            let (t2, p2, l2, g2) = euler(&m);
            assert!(near(&m, &u(t2, p2, l2, g2)), "{:?}", (t, p, l, g));
        }
    }

    #[test]
    fn square_roots_square_back() {
        for m in [
            X,
            sx(),
            rz(0.3),
            u(1.0, 2.0, 3.0, 0.5),
            u(0.0, 0.0, 0.0, std::f64::consts::PI),
        ] {
            let v = sqrt_unitary(&m);
            assert!(near(&mul(&v, &v), &m));
            assert!(near(&mul(&v, &adjoint(&v)), &[[c1(), c0()], [c0(), c1()]]));
        }
    }
}

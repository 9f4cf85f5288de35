//! The standard gate set and each gate's textbook matrix.

use crate::error::{Error, Result};
use crate::matrix::Matrix;
use crate::param::{Param, ParamBinding};
use num_complex::Complex64;
use std::f64::consts::FRAC_1_SQRT_2;
use std::sync::Arc;

/// A gate acting on its target qubits (controls are attached by the instruction).
///
/// Matrices follow the little-endian convention: for a 2-qubit gate on targets
/// `[a, b]`, bit 0 of the matrix index is qubit `a`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Gate {
    /// Identity.
    I,
    /// Pauli X.
    X,
    /// Pauli Y.
    Y,
    /// Pauli Z.
    Z,
    /// Hadamard.
    H,
    /// Phase π/2.
    S,
    /// Phase -π/2.
    Sdg,
    /// Phase π/4.
    T,
    /// Phase -π/4.
    Tdg,
    /// Square root of X.
    SX,
    /// Inverse square root of X.
    SXdg,
    /// Rotation about X: `exp(-iθX/2)`.
    RX(Param),
    /// Rotation about Y: `exp(-iθY/2)`.
    RY(Param),
    /// Rotation about Z: `exp(-iθZ/2)`.
    RZ(Param),
    /// Phase gate `diag(1, e^{iλ})`.
    P(Param),
    /// General 1-qubit gate `U(θ, φ, λ)` (OpenQASM convention).
    U(Param, Param, Param),
    /// Swap of two qubits.
    Swap,
    /// iSWAP.
    ISwap,
    /// `exp(-iθ X⊗X/2)`.
    RXX(Param),
    /// `exp(-iθ Y⊗Y/2)`.
    RYY(Param),
    /// `exp(-iθ Z⊗Z/2)`.
    RZZ(Param),
    /// A user-supplied unitary on `k` qubits (checked unitary when added).
    Unitary(Arc<Matrix>),
}

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

impl Gate {
    /// Lower-case name, as used in OpenQASM where one exists.
    pub fn name(&self) -> &'static str {
        match self {
            Gate::I => "id",
            Gate::X => "x",
            Gate::Y => "y",
            Gate::Z => "z",
            Gate::H => "h",
            Gate::S => "s",
            Gate::Sdg => "sdg",
            Gate::T => "t",
            Gate::Tdg => "tdg",
            Gate::SX => "sx",
            Gate::SXdg => "sxdg",
            Gate::RX(_) => "rx",
            Gate::RY(_) => "ry",
            Gate::RZ(_) => "rz",
            Gate::P(_) => "p",
            Gate::U(..) => "u",
            Gate::Swap => "swap",
            Gate::ISwap => "iswap",
            Gate::RXX(_) => "rxx",
            Gate::RYY(_) => "ryy",
            Gate::RZZ(_) => "rzz",
            Gate::Unitary(_) => "unitary",
        }
    }

    /// Number of target qubits.
    pub fn num_targets(&self) -> u32 {
        match self {
            Gate::Swap | Gate::ISwap | Gate::RXX(_) | Gate::RYY(_) | Gate::RZZ(_) => 2,
            Gate::Unitary(m) => m.num_qubits(),
            _ => 1,
        }
    }

    /// The gate's parameters, in order.
    pub fn params(&self) -> Vec<&Param> {
        match self {
            Gate::RX(p) | Gate::RY(p) | Gate::RZ(p) | Gate::P(p) => vec![p],
            Gate::RXX(p) | Gate::RYY(p) | Gate::RZZ(p) => vec![p],
            Gate::U(a, b, c) => vec![a, b, c],
            _ => Vec::new(),
        }
    }

    /// `true` if the matrix is diagonal for every parameter value.
    pub fn is_diagonal(&self) -> bool {
        match self {
            Gate::I | Gate::Z | Gate::S | Gate::Sdg | Gate::T | Gate::Tdg => true,
            Gate::RZ(_) | Gate::P(_) | Gate::RZZ(_) => true,
            Gate::Unitary(m) => m.is_diagonal(),
            _ => false,
        }
    }

    /// `true` if every parameter is a number.
    pub fn is_numeric(&self) -> bool {
        self.params().iter().all(|p| p.is_numeric())
    }

    /// Evaluates the parameters under `binding`, rejecting non-finite values.
    pub fn eval_params(&self, binding: &ParamBinding) -> Result<Vec<f64>> {
        self.params()
            .into_iter()
            .map(|p| {
                let v = p.eval(binding)?;
                if v.is_finite() {
                    Ok(v)
                } else {
                    Err(Error::NonFiniteParameter {
                        gate: self.name().to_string(),
                        value: v,
                    })
                }
            })
            .collect()
    }

    /// The matrix with parameters bound by `binding`.
    pub fn matrix(&self, binding: &ParamBinding) -> Result<Matrix> {
        let p = self.eval_params(binding)?;
        Ok(self.matrix_of(&p))
    }

    /// The matrix for already-evaluated parameter values (as returned by `eval_params`).
    pub fn matrix_of(&self, p: &[f64]) -> Matrix {
        let z = c(0.0, 0.0);
        let one = c(1.0, 0.0);
        let h = FRAC_1_SQRT_2;
        let m2 = |a: Complex64, b: Complex64, cc: Complex64, d: Complex64| {
            Matrix::raw(2, vec![a, b, cc, d])
        };
        match self {
            Gate::I => Matrix::identity(1),
            Gate::X => m2(z, one, one, z),
            Gate::Y => m2(z, c(0.0, -1.0), c(0.0, 1.0), z),
            Gate::Z => m2(one, z, z, -one),
            Gate::H => m2(c(h, 0.0), c(h, 0.0), c(h, 0.0), c(-h, 0.0)),
            Gate::S => m2(one, z, z, c(0.0, 1.0)),
            Gate::Sdg => m2(one, z, z, c(0.0, -1.0)),
            Gate::T => m2(one, z, z, c(h, h)),
            Gate::Tdg => m2(one, z, z, c(h, -h)),
            Gate::SX => m2(c(0.5, 0.5), c(0.5, -0.5), c(0.5, -0.5), c(0.5, 0.5)),
            Gate::SXdg => m2(c(0.5, -0.5), c(0.5, 0.5), c(0.5, 0.5), c(0.5, -0.5)),
            Gate::RX(_) => {
                let (s, co) = (p[0] / 2.0).sin_cos();
                m2(c(co, 0.0), c(0.0, -s), c(0.0, -s), c(co, 0.0))
            }
            Gate::RY(_) => {
                let (s, co) = (p[0] / 2.0).sin_cos();
                m2(c(co, 0.0), c(-s, 0.0), c(s, 0.0), c(co, 0.0))
            }
            Gate::RZ(_) => {
                let t = p[0] / 2.0;
                m2(Complex64::cis(-t), z, z, Complex64::cis(t))
            }
            Gate::P(_) => m2(one, z, z, Complex64::cis(p[0])),
            Gate::U(..) => {
                let (th, ph, la) = (p[0], p[1], p[2]);
                let (s, co) = (th / 2.0).sin_cos();
                m2(
                    c(co, 0.0),
                    -Complex64::cis(la) * s,
                    Complex64::cis(ph) * s,
                    Complex64::cis(ph + la) * co,
                )
            }
            Gate::Swap => {
                let mut d = vec![z; 16];
                d[0] = one;
                d[6] = one;
                d[9] = one;
                d[15] = one;
                Matrix::raw(4, d)
            }
            Gate::ISwap => {
                let mut d = vec![z; 16];
                d[0] = one;
                d[6] = c(0.0, 1.0);
                d[9] = c(0.0, 1.0);
                d[15] = one;
                Matrix::raw(4, d)
            }
            Gate::RXX(_) | Gate::RYY(_) => {
                let (s, co) = (p[0] / 2.0).sin_cos();
                let corner = if matches!(self, Gate::RXX(_)) {
                    c(0.0, -s)
                } else {
                    c(0.0, s)
                };
                let mut d = vec![z; 16];
                for i in 0..4 {
                    d[i * 4 + i] = c(co, 0.0);
                }
                d[3] = corner;
                d[12] = corner;
                d[6] = c(0.0, -s);
                d[9] = c(0.0, -s);
                Matrix::raw(4, d)
            }
            Gate::RZZ(_) => {
                let t = p[0] / 2.0;
                let (a, b) = (Complex64::cis(-t), Complex64::cis(t));
                Matrix::diagonal(&[a, b, b, a])
            }
            Gate::Unitary(m) => (**m).clone(),
        }
    }

    /// The exact derivative `dU/dθ_j` of [`Gate::matrix_of`] with respect to parameter
    /// `j` (in the order of [`Gate::params`]), at the evaluated values `p`. Analytic, for
    /// every parametric gate; the zero matrix when the gate has no parameter `j` (it
    /// does not depend on it). Like `matrix_of`, it acts on the targets only: a
    /// controlled gate's derivative is `|1..1><1..1|` on the controls tensored with this.
    pub fn derivative_of(&self, p: &[f64], j: usize) -> Matrix {
        let z = c(0.0, 0.0);
        let i = c(0.0, 1.0);
        let m2 = |a: Complex64, b: Complex64, cc: Complex64, d: Complex64| {
            Matrix::raw(2, vec![a, b, cc, d])
        };
        let zero = || {
            let dim = 1usize << self.num_targets();
            Matrix::raw(dim, vec![z; dim * dim])
        };
        if j >= self.params().len() || p.len() <= j {
            return zero();
        }
        match self {
            // d/dθ of exp(-iθG/2) with G² = I is -i/2 G exp(-iθG/2).
            Gate::RX(_) => {
                let (s, co) = (p[0] / 2.0).sin_cos();
                let (ds, dc) = (co / 2.0, -s / 2.0);
                m2(c(dc, 0.0), c(0.0, -ds), c(0.0, -ds), c(dc, 0.0))
            }
            Gate::RY(_) => {
                let (s, co) = (p[0] / 2.0).sin_cos();
                let (ds, dc) = (co / 2.0, -s / 2.0);
                m2(c(dc, 0.0), c(-ds, 0.0), c(ds, 0.0), c(dc, 0.0))
            }
            Gate::RZ(_) => {
                let t = p[0] / 2.0;
                m2(
                    -i * 0.5 * Complex64::cis(-t),
                    z,
                    z,
                    i * 0.5 * Complex64::cis(t),
                )
            }
            Gate::P(_) => m2(z, z, z, i * Complex64::cis(p[0])),
            Gate::U(..) => {
                let (th, ph, la) = (p[0], p[1], p[2]);
                let (s, co) = (th / 2.0).sin_cos();
                match j {
                    0 => m2(
                        c(-s / 2.0, 0.0),
                        -Complex64::cis(la) * (co / 2.0),
                        Complex64::cis(ph) * (co / 2.0),
                        -Complex64::cis(ph + la) * (s / 2.0),
                    ),
                    1 => m2(
                        z,
                        z,
                        i * Complex64::cis(ph) * s,
                        i * Complex64::cis(ph + la) * co,
                    ),
                    _ => m2(
                        z,
                        -i * Complex64::cis(la) * s,
                        z,
                        i * Complex64::cis(ph + la) * co,
                    ),
                }
            }
            Gate::RXX(_) | Gate::RYY(_) => {
                let (s, co) = (p[0] / 2.0).sin_cos();
                let (ds, dc) = (co / 2.0, -s / 2.0);
                let corner = if matches!(self, Gate::RXX(_)) {
                    c(0.0, -ds)
                } else {
                    c(0.0, ds)
                };
                let mut d = vec![z; 16];
                for k in 0..4 {
                    d[k * 4 + k] = c(dc, 0.0);
                }
                d[3] = corner;
                d[12] = corner;
                d[6] = c(0.0, -ds);
                d[9] = c(0.0, -ds);
                Matrix::raw(4, d)
            }
            Gate::RZZ(_) => {
                let t = p[0] / 2.0;
                let (a, b) = (-i * 0.5 * Complex64::cis(-t), i * 0.5 * Complex64::cis(t));
                Matrix::diagonal(&[a, b, b, a])
            }
            _ => zero(),
        }
    }

    /// The inverse gate (parameters stay symbolic).
    pub fn inverse(&self) -> Gate {
        match self {
            Gate::S => Gate::Sdg,
            Gate::Sdg => Gate::S,
            Gate::T => Gate::Tdg,
            Gate::Tdg => Gate::T,
            Gate::SX => Gate::SXdg,
            Gate::SXdg => Gate::SX,
            Gate::RX(p) => Gate::RX(-p.clone()),
            Gate::RY(p) => Gate::RY(-p.clone()),
            Gate::RZ(p) => Gate::RZ(-p.clone()),
            Gate::P(p) => Gate::P(-p.clone()),
            Gate::RXX(p) => Gate::RXX(-p.clone()),
            Gate::RYY(p) => Gate::RYY(-p.clone()),
            Gate::RZZ(p) => Gate::RZZ(-p.clone()),
            Gate::U(t, p, l) => Gate::U(-t.clone(), -l.clone(), -p.clone()),
            Gate::ISwap => Gate::Unitary(Arc::new(Gate::ISwap.matrix_of(&[]).adjoint())),
            Gate::Unitary(m) => Gate::Unitary(Arc::new(m.adjoint())),
            g => g.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parametric_gates() -> Vec<Gate> {
        let t = || Param::symbol("t");
        vec![
            Gate::RX(t()),
            Gate::RY(t()),
            Gate::RZ(t()),
            Gate::P(t()),
            Gate::U(t(), t(), t()),
            Gate::RXX(t()),
            Gate::RYY(t()),
            Gate::RZZ(t()),
        ]
    }

    #[test]
    fn derivatives_match_central_differences() {
        let h = 1e-5;
        for gate in parametric_gates() {
            let n = gate.params().len();
            for values in [[0.3, -1.1, 2.4], [0.0, 0.0, 0.0], [-2.9, 0.7, -0.2]] {
                let p = &values[..n];
                for j in 0..n {
                    let (mut plus, mut minus) = (p.to_vec(), p.to_vec());
                    plus[j] += h;
                    minus[j] -= h;
                    let (a, b) = (gate.matrix_of(&plus), gate.matrix_of(&minus));
                    let d = gate.derivative_of(p, j);
                    assert_eq!(d.dim(), a.dim(), "{}", gate.name());
                    for ((x, y), got) in a.data().iter().zip(b.data()).zip(d.data()) {
                        let want = (x - y) / (2.0 * h);
                        assert!(
                            (want - got).norm() < 1e-8,
                            "{} d/dp{j} at {p:?}: {got} vs {want}",
                            gate.name()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn derivative_of_a_missing_parameter_is_zero() {
        for gate in [Gate::H, Gate::RX(Param::Value(0.2)), Gate::Swap] {
            let d = gate.derivative_of(&[0.2], 1);
            assert_eq!(d.dim(), 1 << gate.num_targets());
            assert!(d.data().iter().all(|x| x.norm() == 0.0));
        }
    }
}

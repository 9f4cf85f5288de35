//! Plain dense complex matrices and the textbook matrices of every gate.
//!
//! Written from the standard definitions, deliberately *not* from
//! `ferroq_core::Gate::matrix_of`: rotations are built as `cos(θ/2)·I − i·sin(θ/2)·P`
//! from Pauli products, `U(θ, φ, λ)` as `e^{i(φ+λ)/2}·RZ(φ)·RY(θ)·RZ(λ)`, `SX` as
//! `e^{iπ/4}·RX(π/2)`, controlled gates as projector sums built with Kronecker products.
//!
//! Index convention (the library's): for a matrix on qubits `[q0, q1, ...]`, bit `j` of a
//! row or column index is the value of `qj`; in a Kronecker product `A ⊗ B`, `B` acts on
//! the low bits.

use ferroq_core::{Complex64, Gate};
use std::f64::consts::{FRAC_1_SQRT_2, FRAC_PI_2, FRAC_PI_4};

/// Complex number shorthand.
pub fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

/// A square, row-major complex matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseMatrix {
    dim: usize,
    data: Vec<Complex64>,
}

impl DenseMatrix {
    /// The `dim x dim` zero matrix.
    pub fn zeros(dim: usize) -> Self {
        DenseMatrix {
            dim,
            data: vec![c(0.0, 0.0); dim * dim],
        }
    }

    /// The `dim x dim` identity.
    pub fn identity(dim: usize) -> Self {
        let mut m = Self::zeros(dim);
        for i in 0..dim {
            m.set(i, i, c(1.0, 0.0));
        }
        m
    }

    /// From row-major entries; panics unless `data.len() == dim * dim`.
    pub fn from_data(dim: usize, data: Vec<Complex64>) -> Self {
        assert_eq!(data.len(), dim * dim, "matrix data has the wrong length");
        DenseMatrix { dim, data }
    }

    /// From rows of a 2x2 or 4x4 matrix written out in full.
    pub fn from_rows<const N: usize>(rows: [[Complex64; N]; N]) -> Self {
        Self::from_data(N, rows.iter().flatten().copied().collect())
    }

    /// Diagonal matrix.
    pub fn diagonal(diag: &[Complex64]) -> Self {
        let mut m = Self::zeros(diag.len());
        for (i, d) in diag.iter().enumerate() {
            m.set(i, i, *d);
        }
        m
    }

    /// Row (and column) count.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of qubits (`log2(dim)`).
    pub fn num_qubits(&self) -> u32 {
        self.dim.trailing_zeros()
    }

    /// Row-major entries.
    pub fn data(&self) -> &[Complex64] {
        &self.data
    }

    /// Entry `(r, col)`.
    pub fn get(&self, r: usize, col: usize) -> Complex64 {
        self.data[r * self.dim + col]
    }

    /// Sets entry `(r, col)`.
    pub fn set(&mut self, r: usize, col: usize, v: Complex64) {
        self.data[r * self.dim + col] = v;
    }

    /// Column `col` as a vector.
    pub fn column(&self, col: usize) -> Vec<Complex64> {
        (0..self.dim).map(|r| self.get(r, col)).collect()
    }

    /// Matrix product `self · other`.
    pub fn mul(&self, other: &DenseMatrix) -> DenseMatrix {
        assert_eq!(self.dim, other.dim);
        let n = self.dim;
        let mut out = Self::zeros(n);
        for i in 0..n {
            for j in 0..n {
                let mut acc = c(0.0, 0.0);
                for k in 0..n {
                    acc += self.get(i, k) * other.get(k, j);
                }
                out.set(i, j, acc);
            }
        }
        out
    }

    /// Kronecker product `self ⊗ low`: `low` acts on the low bits of the index.
    pub fn kron(&self, low: &DenseMatrix) -> DenseMatrix {
        let (a, b) = (self.dim, low.dim);
        let mut out = Self::zeros(a * b);
        for ra in 0..a {
            for ca in 0..a {
                for rb in 0..b {
                    for cb in 0..b {
                        out.set(ra * b + rb, ca * b + cb, self.get(ra, ca) * low.get(rb, cb));
                    }
                }
            }
        }
        out
    }

    /// Conjugate transpose.
    pub fn adjoint(&self) -> DenseMatrix {
        let n = self.dim;
        let mut out = Self::zeros(n);
        for i in 0..n {
            for j in 0..n {
                out.set(j, i, self.get(i, j).conj());
            }
        }
        out
    }

    /// Every entry times `k`.
    pub fn scale(&self, k: Complex64) -> DenseMatrix {
        DenseMatrix {
            dim: self.dim,
            data: self.data.iter().map(|z| z * k).collect(),
        }
    }

    /// Entry-wise sum.
    pub fn add(&self, other: &DenseMatrix) -> DenseMatrix {
        assert_eq!(self.dim, other.dim);
        DenseMatrix {
            dim: self.dim,
            data: self
                .data
                .iter()
                .zip(&other.data)
                .map(|(a, b)| a + b)
                .collect(),
        }
    }

    /// Matrix-vector product.
    pub fn apply(&self, v: &[Complex64]) -> Vec<Complex64> {
        assert_eq!(v.len(), self.dim);
        (0..self.dim)
            .map(|r| (0..self.dim).map(|k| self.get(r, k) * v[k]).sum())
            .collect()
    }

    /// Largest entry-wise `|self − other|`.
    pub fn max_diff(&self, other: &DenseMatrix) -> f64 {
        assert_eq!(self.dim, other.dim);
        self.data
            .iter()
            .zip(&other.data)
            .map(|(a, b)| (a - b).norm())
            .fold(0.0, f64::max)
    }

    /// Largest entry of `|U†U − I|`.
    pub fn unitarity_error(&self) -> f64 {
        self.adjoint().mul(self).max_diff(&Self::identity(self.dim))
    }
}

/// Kronecker product of `factors`, `factors[0]` acting on the *highest* bits (as written
/// on paper: `A ⊗ B ⊗ C`).
pub fn kron_all(factors: &[DenseMatrix]) -> DenseMatrix {
    factors
        .iter()
        .fold(DenseMatrix::identity(1), |acc, f| acc.kron(f))
}

/// Identity on 2x2.
pub fn eye2() -> DenseMatrix {
    DenseMatrix::identity(2)
}

/// Pauli X.
pub fn pauli_x() -> DenseMatrix {
    let (o, l) = (c(0.0, 0.0), c(1.0, 0.0));
    DenseMatrix::from_rows([[o, l], [l, o]])
}

/// Pauli Y.
pub fn pauli_y() -> DenseMatrix {
    let o = c(0.0, 0.0);
    DenseMatrix::from_rows([[o, c(0.0, -1.0)], [c(0.0, 1.0), o]])
}

/// Pauli Z.
pub fn pauli_z() -> DenseMatrix {
    DenseMatrix::diagonal(&[c(1.0, 0.0), c(-1.0, 0.0)])
}

/// `exp(−iθP/2) = cos(θ/2)·I − i·sin(θ/2)·P` for any `P` with `P² = I`.
pub fn pauli_rotation(p: &DenseMatrix, theta: f64) -> DenseMatrix {
    let (s, co) = (theta / 2.0).sin_cos();
    DenseMatrix::identity(p.dim())
        .scale(c(co, 0.0))
        .add(&p.scale(c(0.0, -s)))
}

/// Phase gate `diag(1, e^{iλ})`.
pub fn phase(lambda: f64) -> DenseMatrix {
    DenseMatrix::diagonal(&[c(1.0, 0.0), Complex64::from_polar(1.0, lambda)])
}

/// OpenQASM `U(θ, φ, λ) = e^{i(φ+λ)/2}·RZ(φ)·RY(θ)·RZ(λ)`.
pub fn u3(theta: f64, phi: f64, lambda: f64) -> DenseMatrix {
    let rz = |a: f64| pauli_rotation(&pauli_z(), a);
    rz(phi)
        .mul(&pauli_rotation(&pauli_y(), theta))
        .mul(&rz(lambda))
        .scale(Complex64::from_polar(1.0, (phi + lambda) / 2.0))
}

/// SWAP on two qubits: exchanges the two bits of the index.
pub fn swap() -> DenseMatrix {
    let mut m = DenseMatrix::zeros(4);
    for i in 0..4usize {
        let swapped = ((i & 1) << 1) | (i >> 1);
        m.set(swapped, i, c(1.0, 0.0));
    }
    m
}

/// iSWAP: `|01> → i|10>`, `|10> → i|01>`, `|00>` and `|11>` fixed.
pub fn iswap() -> DenseMatrix {
    let (o, l, i) = (c(0.0, 0.0), c(1.0, 0.0), c(0.0, 1.0));
    DenseMatrix::from_rows([[l, o, o, o], [o, o, i, o], [o, i, o, o], [o, o, o, l]])
}

/// `u` controlled by `num_controls` qubits placed on the *low* bits of the index
/// (`[controls..., targets...]`): `Σ_p |p><p| ⊗ (U if p = 1…1 else I)`.
pub fn controlled(u: &DenseMatrix, num_controls: u32) -> DenseMatrix {
    let cd = 1usize << num_controls;
    let mut all_ones = DenseMatrix::zeros(cd);
    all_ones.set(cd - 1, cd - 1, c(1.0, 0.0));
    let rest = DenseMatrix::identity(cd).add(&all_ones.scale(c(-1.0, 0.0)));
    DenseMatrix::identity(u.dim())
        .kron(&rest)
        .add(&u.kron(&all_ones))
}

/// The textbook matrix of `gate` for evaluated parameters `p` (in `Gate::params` order),
/// over its targets (little-endian). A `Gate::Unitary` is the user's matrix itself.
pub fn gate_matrix(gate: &Gate, p: &[f64]) -> DenseMatrix {
    let h = FRAC_1_SQRT_2;
    match gate {
        Gate::I => eye2(),
        Gate::X => pauli_x(),
        Gate::Y => pauli_y(),
        Gate::Z => pauli_z(),
        Gate::H => pauli_x().add(&pauli_z()).scale(c(h, 0.0)),
        Gate::S => DenseMatrix::diagonal(&[c(1.0, 0.0), c(0.0, 1.0)]),
        Gate::Sdg => DenseMatrix::diagonal(&[c(1.0, 0.0), c(0.0, -1.0)]),
        Gate::T => DenseMatrix::diagonal(&[c(1.0, 0.0), c(h, h)]),
        Gate::Tdg => DenseMatrix::diagonal(&[c(1.0, 0.0), c(h, -h)]),
        Gate::SX => sqrt_x(),
        Gate::SXdg => sqrt_x().adjoint(),
        Gate::RX(_) => pauli_rotation(&pauli_x(), p[0]),
        Gate::RY(_) => pauli_rotation(&pauli_y(), p[0]),
        Gate::RZ(_) => pauli_rotation(&pauli_z(), p[0]),
        Gate::P(_) => phase(p[0]),
        Gate::U(..) => u3(p[0], p[1], p[2]),
        Gate::Swap => swap(),
        Gate::ISwap => iswap(),
        Gate::RXX(_) => pauli_rotation(&pauli_x().kron(&pauli_x()), p[0]),
        Gate::RYY(_) => pauli_rotation(&pauli_y().kron(&pauli_y()), p[0]),
        Gate::RZZ(_) => pauli_rotation(&pauli_z().kron(&pauli_z()), p[0]),
        Gate::Unitary(m) => DenseMatrix::from_data(m.dim(), m.data().to_vec()),
        other => panic!(
            "the reference simulator does not know gate `{}`",
            other.name()
        ),
    }
}

/// `√X = e^{iπ/4}·RX(π/2)`.
fn sqrt_x() -> DenseMatrix {
    pauli_rotation(&pauli_x(), FRAC_PI_2).scale(Complex64::from_polar(1.0, FRAC_PI_4))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroq_core::Param;
    use std::f64::consts::PI;

    fn all_gates() -> Vec<(Gate, Vec<f64>)> {
        let v = |x: f64| Param::Value(x);
        vec![
            (Gate::I, vec![]),
            (Gate::X, vec![]),
            (Gate::Y, vec![]),
            (Gate::Z, vec![]),
            (Gate::H, vec![]),
            (Gate::S, vec![]),
            (Gate::Sdg, vec![]),
            (Gate::T, vec![]),
            (Gate::Tdg, vec![]),
            (Gate::SX, vec![]),
            (Gate::SXdg, vec![]),
            (Gate::RX(v(0.3)), vec![0.3]),
            (Gate::RY(v(-1.2)), vec![-1.2]),
            (Gate::RZ(v(2.5)), vec![2.5]),
            (Gate::P(v(0.9)), vec![0.9]),
            (Gate::U(v(0.1), v(0.2), v(0.3)), vec![0.1, 0.2, 0.3]),
            (Gate::Swap, vec![]),
            (Gate::ISwap, vec![]),
            (Gate::RXX(v(0.4)), vec![0.4]),
            (Gate::RYY(v(0.5)), vec![0.5]),
            (Gate::RZZ(v(0.6)), vec![0.6]),
        ]
    }

    #[test]
    fn every_textbook_matrix_is_unitary() {
        for (g, p) in all_gates() {
            let m = gate_matrix(&g, &p);
            assert!(m.unitarity_error() < 1e-14, "{}", g.name());
            assert!(controlled(&m, 2).unitarity_error() < 1e-14, "{}", g.name());
        }
    }

    #[test]
    fn textbook_identities() {
        let close = |a: &DenseMatrix, b: &DenseMatrix| a.max_diff(b) < 1e-14;
        let g = |gate: Gate| gate_matrix(&gate, &[]);
        // H = (X + Z)/√2 written out
        let h = FRAC_1_SQRT_2;
        assert!(close(
            &g(Gate::H),
            &DenseMatrix::from_rows([[c(h, 0.0), c(h, 0.0)], [c(h, 0.0), c(-h, 0.0)]])
        ));
        // S² = Z, T² = S, SX² = X, HZH = X
        assert!(close(&g(Gate::S).mul(&g(Gate::S)), &g(Gate::Z)));
        assert!(close(&g(Gate::T).mul(&g(Gate::T)), &g(Gate::S)));
        assert!(close(&g(Gate::SX).mul(&g(Gate::SX)), &g(Gate::X)));
        assert!(close(
            &g(Gate::H).mul(&g(Gate::Z)).mul(&g(Gate::H)),
            &g(Gate::X)
        ));
        // SX written out
        assert!(close(
            &g(Gate::SX),
            &DenseMatrix::from_rows([[c(0.5, 0.5), c(0.5, -0.5)], [c(0.5, -0.5), c(0.5, 0.5)]])
        ));
        // U(θ,φ,λ) written out (OpenQASM 2 definition)
        let (t, ph, l): (f64, f64, f64) = (0.7, -0.4, 1.9);
        let (s, co) = (t / 2.0).sin_cos();
        let want = DenseMatrix::from_rows([
            [c(co, 0.0), -Complex64::from_polar(s, l)],
            [
                Complex64::from_polar(s, ph),
                Complex64::from_polar(co, ph + l),
            ],
        ]);
        assert!(close(&u3(t, ph, l), &want));
        // U(π/2, 0, π) = H; U(0, 0, λ) = P(λ); RZ(θ) = e^{-iθ/2} P(θ)
        assert!(close(&u3(PI / 2.0, 0.0, PI), &g(Gate::H)));
        assert!(close(&u3(0.0, 0.0, 0.8), &phase(0.8)));
        assert!(close(
            &pauli_rotation(&pauli_z(), 0.8),
            &phase(0.8).scale(Complex64::from_polar(1.0, -0.4))
        ));
        // RX(π) = -iX
        assert!(close(
            &pauli_rotation(&pauli_x(), PI),
            &pauli_x().scale(c(0.0, -1.0))
        ));
        // SWAP exchanges |01> and |10>; iSWAP² = Z⊗Z
        assert_eq!(swap().get(2, 1), c(1.0, 0.0));
        assert_eq!(swap().get(1, 2), c(1.0, 0.0));
        assert!(close(&iswap().mul(&iswap()), &pauli_z().kron(&pauli_z())));
    }

    #[test]
    fn controlled_places_controls_on_low_bits() {
        // CNOT with control = bit 0, target = bit 1: |01> (index 1) -> |11> (index 3)
        let cx = controlled(&pauli_x(), 1);
        let e1 = [c(0.0, 0.0), c(1.0, 0.0), c(0.0, 0.0), c(0.0, 0.0)];
        assert_eq!(cx.apply(&e1)[3], c(1.0, 0.0));
        // index 2 (control 0, target 1) is untouched
        assert_eq!(cx.get(2, 2), c(1.0, 0.0));
        // Toffoli: only index 3 <-> 7 swap
        let ccx = controlled(&pauli_x(), 2);
        for i in 0..8 {
            let j = match i {
                3 => 7,
                7 => 3,
                _ => i,
            };
            assert_eq!(ccx.get(j, i), c(1.0, 0.0), "{i}");
        }
    }
}

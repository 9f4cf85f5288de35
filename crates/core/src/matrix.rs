//! Small dense complex matrices: gate matrices, fused blocks, unitarity checks.
//!
//! Index convention (little-endian, as the whole library): for a matrix acting on
//! target qubits `[t0, t1, ...]`, bit `j` of a row/column index is the value of `tj`.

use crate::error::{Error, Result};
use num_complex::Complex64;

/// A square, row-major, `2^k x 2^k` complex matrix acting on `k` qubits.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    dim: usize,
    data: Vec<Complex64>,
}

impl Matrix {
    /// Builds a matrix from row-major data; the length must be `dim*dim` with `dim` a power of two.
    pub fn new(dim: usize, data: Vec<Complex64>) -> Result<Self> {
        if dim == 0 || !dim.is_power_of_two() {
            return Err(Error::InvalidMatrix {
                reason: format!("dimension {dim} is not a power of two"),
            });
        }
        if data.len() != dim * dim {
            return Err(Error::InvalidMatrix {
                reason: format!(
                    "expected {} entries for a {dim}x{dim} matrix, got {}",
                    dim * dim,
                    data.len()
                ),
            });
        }
        if let Some(bad) = data.iter().find(|z| !z.re.is_finite() || !z.im.is_finite()) {
            return Err(Error::InvalidMatrix {
                reason: format!("entry {bad} is not finite"),
            });
        }
        Ok(Matrix { dim, data })
    }

    /// Builds a matrix from nested rows.
    pub fn from_rows(rows: &[Vec<Complex64>]) -> Result<Self> {
        let dim = rows.len();
        if rows.iter().any(|r| r.len() != dim) {
            return Err(Error::InvalidMatrix {
                reason: "matrix is not square".into(),
            });
        }
        Matrix::new(dim, rows.concat())
    }

    /// Identity on `k` qubits.
    pub fn identity(k: u32) -> Self {
        let dim = 1usize << k;
        let mut data = vec![Complex64::new(0.0, 0.0); dim * dim];
        for i in 0..dim {
            data[i * dim + i] = Complex64::new(1.0, 0.0);
        }
        Matrix { dim, data }
    }

    /// Diagonal matrix.
    pub fn diagonal(diag: &[Complex64]) -> Self {
        let dim = diag.len();
        let mut data = vec![Complex64::new(0.0, 0.0); dim * dim];
        for (i, d) in diag.iter().enumerate() {
            data[i * dim + i] = *d;
        }
        Matrix { dim, data }
    }

    /// Unchecked construction for internal use where the shape is known to be right.
    pub(crate) fn raw(dim: usize, data: Vec<Complex64>) -> Self {
        debug_assert_eq!(data.len(), dim * dim);
        Matrix { dim, data }
    }

    /// Row/column count.
    pub fn dim(&self) -> usize {
        self.dim
    }
    /// Number of qubits the matrix acts on.
    pub fn num_qubits(&self) -> u32 {
        self.dim.trailing_zeros()
    }
    /// Row-major entries.
    pub fn data(&self) -> &[Complex64] {
        &self.data
    }
    /// Entry at `(row, col)`.
    pub fn get(&self, r: usize, c: usize) -> Complex64 {
        self.data[r * self.dim + c]
    }

    /// Matrix product `self * other`.
    pub fn mul(&self, other: &Matrix) -> Matrix {
        let n = self.dim;
        assert_eq!(n, other.dim, "matrix dimensions differ");
        let mut out = vec![Complex64::new(0.0, 0.0); n * n];
        for i in 0..n {
            for k in 0..n {
                let a = self.data[i * n + k];
                if a.re == 0.0 && a.im == 0.0 {
                    continue;
                }
                for j in 0..n {
                    out[i * n + j] += a * other.data[k * n + j];
                }
            }
        }
        Matrix::raw(n, out)
    }

    /// Conjugate transpose.
    pub fn adjoint(&self) -> Matrix {
        let n = self.dim;
        let mut out = vec![Complex64::new(0.0, 0.0); n * n];
        for i in 0..n {
            for j in 0..n {
                out[j * n + i] = self.data[i * n + j].conj();
            }
        }
        Matrix::raw(n, out)
    }

    /// Largest `|(U†U - I)_ij|`.
    pub fn unitarity_deviation(&self) -> f64 {
        let p = self.adjoint().mul(self);
        let n = self.dim;
        let mut dev = 0.0f64;
        for i in 0..n {
            for j in 0..n {
                let want = if i == j { 1.0 } else { 0.0 };
                dev = dev.max((p.data[i * n + j] - Complex64::new(want, 0.0)).norm());
            }
        }
        dev
    }

    /// Errors with [`Error::NonUnitary`] unless unitary within `tolerance`.
    pub fn check_unitary(&self, tolerance: f64) -> Result<()> {
        let deviation = self.unitarity_deviation();
        if deviation > tolerance || deviation.is_nan() {
            return Err(Error::NonUnitary {
                deviation,
                tolerance,
            });
        }
        Ok(())
    }

    /// `true` if this is exactly the identity.
    pub fn is_identity(&self) -> bool {
        let n = self.dim;
        let one = Complex64::new(1.0, 0.0);
        let zero = Complex64::new(0.0, 0.0);
        (0..n).all(|i| (0..n).all(|j| self.data[i * n + j] == if i == j { one } else { zero }))
    }

    /// `true` if every off-diagonal entry is exactly zero.
    pub fn is_diagonal(&self) -> bool {
        let n = self.dim;
        (0..n).all(|i| (0..n).all(|j| i == j || self.data[i * n + j] == Complex64::new(0.0, 0.0)))
    }

    /// The entries, row-major, by value.
    pub fn into_data(self) -> Vec<Complex64> {
        self.data
    }

    /// The diagonal entries.
    pub fn diag(&self) -> Vec<Complex64> {
        (0..self.dim).map(|i| self.get(i, i)).collect()
    }

    /// Re-expresses this matrix, acting on qubits `from` (little-endian), as a matrix
    /// acting on the superset `to` (identity on the extra qubits).
    pub fn embed(&self, from: &[u32], to: &[u32]) -> Matrix {
        let pos: Vec<usize> = from
            .iter()
            .map(|q| {
                to.iter()
                    .position(|t| t == q)
                    .expect("`to` must contain `from`")
            })
            .collect();
        let n = 1usize << to.len();
        let from_mask: usize = pos.iter().map(|p| 1usize << p).sum();
        let sub = |idx: usize| -> usize {
            pos.iter()
                .enumerate()
                .map(|(j, p)| ((idx >> p) & 1) << j)
                .sum()
        };
        let mut out = vec![Complex64::new(0.0, 0.0); n * n];
        for r in 0..n {
            for c in 0..n {
                if r & !from_mask != c & !from_mask {
                    continue;
                }
                out[r * n + c] = self.get(sub(r), sub(c));
            }
        }
        Matrix::raw(n, out)
    }

    /// Matrix of the gate controlled by `num_controls` extra qubits placed *after* the
    /// targets in little-endian order (targets low bits, controls high bits).
    pub fn controlled(&self, num_controls: u32) -> Matrix {
        let k = self.num_qubits();
        let n = 1usize << (k + num_controls);
        let mut out = Matrix::identity(k + num_controls);
        let base = n - self.dim;
        for r in 0..self.dim {
            for c in 0..self.dim {
                out.data[(base + r) * n + base + c] = self.get(r, c);
            }
        }
        out
    }
}

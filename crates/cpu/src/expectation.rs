//! Pauli sums on the CPU: expectation values (one pass per group of terms sharing an
//! X-mask) and `O|ψ>` (one pass, one table lookup per group and amplitude).
//!
//! Within a group, every term's weight at index `i` depends only on the bits of `i`
//! under the group's Z-masks, so the summed weight of all terms is tabulated once over
//! those bits (up to [`MAX_TABLE_BITS`] of them) and the pass does one lookup per
//! amplitude, however many terms the group has. A group that flips qubits (X-mask not
//! zero) pairs `i` with `i ^ x`, whose contributions are complex conjugates (the
//! string is Hermitian), so the pass visits only the half of the indices with the
//! mask's highest bit clear and doubles the sum. A group whose Z-bits are too many for
//! one table is split into groups that each fit ([`table_groups`]); only a single term
//! wider than the limit is summed term by term.

use crate::exec::{Exec, SharedMut};
use crate::layout::BitGather;
use crate::scalar::Real;
use ferroq_core::{Observable, XGroup};
use num_complex::Complex;
use std::cell::RefCell;
use std::rc::Rc;

/// Most Z-bits one group's weight table spans (2^14 entries of two f64).
const MAX_TABLE_BITS: usize = 14;

/// Weight tables each worker thread keeps (a batch asks for the same observable on
/// every item, so its tables are built once per thread, not once per item).
const CACHED_TABLES: usize = 32;

/// A cached table: the state's qubit count, the group, and its table (`None`: too many
/// Z-bits for one).
type CachedTable = (u32, XGroup, Rc<Option<WeightTable>>);

thread_local! {
    static TABLES: RefCell<Vec<CachedTable>> = const { RefCell::new(Vec::new()) };
}

/// The weight table of `group` for `num_qubits`, from this thread's cache when it was
/// built before.
fn cached_table(num_qubits: u32, group: &XGroup) -> Rc<Option<WeightTable>> {
    TABLES.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some((_, _, t)) = cache
            .iter()
            .find(|(n, g, _)| *n == num_qubits && g == group)
        {
            return t.clone();
        }
        let table = Rc::new(WeightTable::new(num_qubits, group));
        if cache.len() >= CACHED_TABLES {
            cache.remove(0);
        }
        cache.push((num_qubits, group.clone(), table.clone()));
        table
    })
}

/// One group's summed term weights: the contribution at index `i` of the pair product
/// `p = conj(a[i ^ x]) a[i]` is `re[g(i)] * p.re + im[g(i)] * p.im`, `g` gathering the
/// group's Z-bits.
struct WeightTable {
    gather: BitGather,
    re: Vec<f64>,
    im: Vec<f64>,
}

impl WeightTable {
    /// The table of `group` over states of `num_qubits` qubits, or `None` when its
    /// Z-bits are too many to tabulate.
    fn new(num_qubits: u32, group: &XGroup) -> Option<Self> {
        let union = group.terms.iter().fold(0u64, |m, t| m | t.z_mask);
        let bits: Vec<u32> = (0..64).filter(|b| union >> b & 1 == 1).collect();
        if bits.len() > MAX_TABLE_BITS {
            return None;
        }
        // Each term's Z-mask in gathered coordinates.
        let local = |z: u64| -> usize {
            bits.iter()
                .enumerate()
                .fold(0, |m, (j, &b)| m | (((z >> b) & 1) as usize) << j)
        };
        let size = 1usize << bits.len();
        let (mut re, mut im) = (vec![0.0; size], vec![0.0; size]);
        for t in &group.terms {
            let z = local(t.z_mask);
            // coeff * i^{y_phase} applied to p: its real part is wr * p.re + wi * p.im.
            let (wr, wi) = match t.y_phase % 4 {
                0 => (t.coeff, 0.0),
                1 => (0.0, -t.coeff),
                2 => (-t.coeff, 0.0),
                _ => (0.0, t.coeff),
            };
            for g in 0..size {
                let s = if (g & z).count_ones() & 1 == 1 {
                    -1.0
                } else {
                    1.0
                };
                re[g] += s * wr;
                im[g] += s * wi;
            }
        }
        Some(WeightTable {
            gather: BitGather::new(num_qubits, &bits),
            re,
            im,
        })
    }

    #[inline(always)]
    fn index(&self, i: usize) -> usize {
        (self.gather.high(i) | self.gather.low()[i & 0xff]) as usize
    }
}

/// `<psi|obs|psi>` (unnormalised: relative to the state's norm).
pub(crate) fn expectation<T: Real>(exec: Exec<'_>, amps: &[Complex<T>], obs: &Observable) -> f64 {
    let num_qubits = amps.len().trailing_zeros();
    let (groups, constant) = obs.x_groups();
    let mut total = 0.0;
    if constant != 0.0 {
        let norm = exec.map_reduce(
            amps.len(),
            |s, e| {
                amps[s..e]
                    .iter()
                    .map(|a| a.norm_sqr().to_f64())
                    .sum::<f64>()
            },
            || 0.0,
            |a, b| a + b,
        );
        total += constant * norm;
    }
    for g in &table_groups(groups) {
        total += match cached_table(num_qubits, g).as_ref() {
            Some(w) => group_pass(exec, amps, g.x_mask as usize, w),
            None => group_pass_by_term(exec, amps, g),
        };
    }
    total
}

/// `groups` with every group whose Z-bits exceed [`MAX_TABLE_BITS`] split (greedily, in
/// term order) into groups of the same X-mask that each fit one table; a single term
/// wider than the limit stays a group of its own (summed term by term). A Heisenberg
/// Hamiltonian's diagonal part on 16 qubits (`Z_q Z_{q+1}` and `Z_q`) becomes two
/// tables instead of 31 terms per amplitude.
fn table_groups(groups: Vec<XGroup>) -> Vec<XGroup> {
    let fits = |mask: u64| mask.count_ones() as usize <= MAX_TABLE_BITS;
    let mut out = Vec::with_capacity(groups.len());
    for g in groups {
        let union = g.terms.iter().fold(0u64, |m, t| m | t.z_mask);
        if fits(union) {
            out.push(g);
            continue;
        }
        let mut parts: Vec<(u64, XGroup)> = Vec::new();
        for t in g.terms {
            match parts.iter_mut().find(|(m, _)| fits(*m | t.z_mask)) {
                Some((m, part)) => {
                    *m |= t.z_mask;
                    part.terms.push(t);
                }
                None => parts.push((
                    t.z_mask,
                    XGroup {
                        x_mask: g.x_mask,
                        terms: vec![t],
                    },
                )),
            }
        }
        out.extend(parts.into_iter().map(|(_, part)| part));
    }
    out
}

/// How one group of [`apply_observable`] weighs `a[j ^ x]` into output `j`.
enum Weights<'a> {
    /// `w(src) = re[g(src)] - i im[g(src)]` from the group's expectation table (its
    /// `(re, im)` are the real and negated imaginary parts of `coeff * i^{y_phase}`,
    /// summed with the signs of `src`'s Z-bits).
    Table(&'a WeightTable),
    /// Term by term (a term with too many Z-bits for a table).
    Terms(&'a [ferroq_core::ZTerm]),
}

/// `out = O |a>`: output `j` gathers `Σ_g w_g(j ^ x_g) a[j ^ x_g]` over the X-mask
/// groups `g` of `obs` (plus its constant times `a[j]`), each group's weight read from
/// its table ([`table_groups`], the expectation's cached tables), so the pass costs one
/// lookup and one complex product per group, however many terms the group has. Each
/// output is written once, so chunks run in parallel without conflicts.
pub(crate) fn apply_observable<T: Real>(
    exec: Exec<'_>,
    a: &[Complex<T>],
    obs: &Observable,
    out: &mut [Complex<T>],
) {
    let num_qubits = a.len().trailing_zeros();
    let (groups, constant) = obs.x_groups();
    let groups = table_groups(groups);
    let tables: Vec<Rc<Option<WeightTable>>> =
        groups.iter().map(|g| cached_table(num_qubits, g)).collect();
    let weights: Vec<(usize, Weights<'_>)> = groups
        .iter()
        .zip(&tables)
        .map(|(g, t)| {
            let w = match t.as_ref() {
                Some(table) => Weights::Table(table),
                None => Weights::Terms(&g.terms),
            };
            (g.x_mask as usize, w)
        })
        .collect();
    let weights = &weights;
    let ptr = SharedMut::new(out);
    exec.for_ranges(a.len(), |s, e| {
        // Within an aligned run of 256 outputs the sources' bits above the lowest byte
        // are fixed, so each table's gathered high part is looked up once per run.
        let mut high = vec![0u32; weights.len()];
        let mut start = s;
        while start < e {
            let end = ((start | 0xff) + 1).min(e);
            for ((x, w), h) in weights.iter().zip(high.iter_mut()) {
                if let Weights::Table(t) = w {
                    *h = t.gather.high(start ^ x);
                }
            }
            for j in start..end {
                let v = a[j];
                let mut re = constant * v.re.to_f64();
                let mut im = constant * v.im.to_f64();
                for ((x, w), &h) in weights.iter().zip(&high) {
                    let src = j ^ x;
                    let v = a[src];
                    let (vr, vi) = (v.re.to_f64(), v.im.to_f64());
                    let (wr, wi) = match w {
                        Weights::Table(t) => {
                            let g = (h | t.gather.low()[src & 0xff]) as usize;
                            (t.re[g], -t.im[g])
                        }
                        Weights::Terms(terms) => terms.iter().fold((0.0, 0.0), |(r, i), t| {
                            let c = if (src as u64 & t.z_mask).count_ones() & 1 == 1 {
                                -t.coeff
                            } else {
                                t.coeff
                            };
                            // c * i^{y_phase}
                            match t.y_phase % 4 {
                                0 => (r + c, i),
                                1 => (r, i + c),
                                2 => (r - c, i),
                                _ => (r, i - c),
                            }
                        }),
                    };
                    re += wr * vr - wi * vi;
                    im += wr * vi + wi * vr;
                }
                // SAFETY: `j < len` and the ranges are disjoint.
                unsafe { *ptr.at(j) = Complex::new(T::from_f64(re), T::from_f64(im)) };
            }
            start = end;
        }
    });
}

/// The pair product `conj(a[i ^ x]) a[i]` as f64 parts.
#[inline(always)]
fn pair_product<T: Real>(amps: &[Complex<T>], i: usize, x: usize) -> (f64, f64) {
    let p = amps[i ^ x].conj() * amps[i];
    (p.re.to_f64(), p.im.to_f64())
}

/// One group's sum through its weight table.
fn group_pass<T: Real>(exec: Exec<'_>, amps: &[Complex<T>], x: usize, w: &WeightTable) -> f64 {
    if w.re.len() == 1 && x != 0 {
        // No Z-bits: one weight for every index (a pure X/Y-flip string).
        return flip_pass(exec, amps, x, w.re[0], w.im[0]);
    }
    if x == 0 {
        return exec.map_reduce(
            amps.len(),
            |s, e| {
                (s..e)
                    .map(|i| w.re[w.index(i)] * amps[i].norm_sqr().to_f64())
                    .sum::<f64>()
            },
            || 0.0,
            |a, b| a + b,
        );
    }
    // Half the indices: those with the mask's highest bit `h` clear.
    let h = x.ilog2();
    let low = (1usize << h) - 1;
    let half = exec.map_reduce(
        amps.len() / 2,
        |s, e| {
            let mut acc = 0.0;
            for j in s..e {
                let i = ((j & !low) << 1) | (j & low);
                let (re, im) = pair_product(amps, i, x);
                let g = w.index(i);
                acc += w.re[g] * re + w.im[g] * im;
            }
            acc
        },
        || 0.0,
        |a, b| a + b,
    );
    2.0 * half
}

/// `2 * sum over the half with the mask's highest bit clear` of `wr * p.re + wi * p.im`.
fn flip_pass<T: Real>(exec: Exec<'_>, amps: &[Complex<T>], x: usize, wr: f64, wi: f64) -> f64 {
    let h = x.ilog2();
    if x == 1 << h && (2usize << h) <= exec.chunk {
        return 2.0 * single_flip_half(exec, amps, h, wr, wi);
    }
    let low = (1usize << h) - 1;
    let half = exec.map_reduce(
        amps.len() / 2,
        |s, e| {
            let (mut sr, mut si) = (0.0f64, 0.0f64);
            for j in s..e {
                let i = ((j & !low) << 1) | (j & low);
                let p = amps[i ^ x].conj() * amps[i];
                sr += p.re.to_f64();
                si += p.im.to_f64();
            }
            wr * sr + wi * si
        },
        || 0.0,
        |a, b| a + b,
    );
    2.0 * half
}

/// `flip_pass`'s half sum for a single flipped qubit `h` (an `X_h` or `Y_h` string):
/// the pairs are the low and high halves of each block of `2^(h+1)` amplitudes, so the
/// sum runs over contiguous slices the compiler vectorises. Needs `2^(h+1) <= chunk`.
fn single_flip_half<T: Real>(exec: Exec<'_>, amps: &[Complex<T>], h: u32, wr: f64, wi: f64) -> f64 {
    let half = 1usize << h;
    let block = half << 1;
    let sum_blocks = |blocks: &[Complex<T>]| -> (f64, f64) {
        // Accumulated in f64 whatever the amplitudes' precision, as everywhere else.
        let (mut sr, mut si) = (0.0f64, 0.0f64);
        for b in blocks.chunks_exact(block) {
            let (lo, hi) = b.split_at(half);
            for (l, u) in lo.iter().zip(hi) {
                let (lr, li) = (l.re.to_f64(), l.im.to_f64());
                let (ur, ui) = (u.re.to_f64(), u.im.to_f64());
                // conj(u) * l
                sr += ur * lr + ui * li;
                si += ur * li - ui * lr;
            }
        }
        (sr, si)
    };
    // Tasks of about `exec.chunk` amplitudes (whole blocks: the caller keeps a block
    // within one chunk).
    let exec = Exec {
        chunk: exec.chunk / block,
        ..exec
    };
    let (sr, si) = exec.map_reduce(
        amps.len() / block,
        |s, e| sum_blocks(&amps[s * block..e * block]),
        || (0.0, 0.0),
        |a, b| (a.0 + b.0, a.1 + b.1),
    );
    wr * sr + wi * si
}

/// One group's sum term by term (groups with too many Z-bits for a table).
fn group_pass_by_term<T: Real>(exec: Exec<'_>, amps: &[Complex<T>], g: &XGroup) -> f64 {
    let x = g.x_mask as usize;
    exec.map_reduce(
        amps.len(),
        |s, e| {
            let mut acc = 0.0f64;
            for i in s..e {
                let (re, im) = pair_product(amps, i, x);
                for t in &g.terms {
                    acc += t.contribution(i as u64, re, im);
                }
            }
            acc
        },
        || 0.0,
        |a, b| a + b,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::Exec;
    use ferroq_core::Rng;

    /// The table path (checked against the dense reference by the conformance suite)
    /// and the term-by-term fallback agree on random states and Pauli strings.
    #[test]
    fn table_and_term_paths_agree() {
        let exec = Exec {
            pool: None,
            chunk: 1 << 14,
            cache_block_bytes: 0,
            simd: None,
        };
        let mut rng = Rng::new(5);
        let n = 7u32;
        let amps: Vec<Complex<f64>> = (0..1usize << n)
            .map(|_| Complex::new(rng.next_f64() - 0.5, rng.next_f64() - 0.5))
            .collect();
        for _ in 0..40 {
            let text: String = (0..n)
                .map(|_| ['I', 'X', 'Y', 'Z'][(rng.next_u64() % 4) as usize])
                .collect();
            let obs: Observable = format!("0.7*{text} - 0.2*{}", text.replace('X', "Z"))
                .parse()
                .expect("valid observable");
            let (groups, _) = obs.x_groups();
            for g in &groups {
                let w = WeightTable::new(n, g).expect("few Z-bits");
                let a = group_pass(exec, &amps, g.x_mask as usize, &w);
                let b = group_pass_by_term(exec, &amps, g);
                assert!((a - b).abs() < 1e-12, "{text}: table {a} vs terms {b}");
            }
        }
    }

    /// `O|a>` and `<a|O|a>` through the tables (wide groups split, a term wider than a
    /// table summed term by term) equal the term-by-term sums on 16 qubits.
    #[test]
    fn wide_groups_split_and_apply_matches_terms() {
        let exec = Exec {
            pool: None,
            chunk: 1 << 12,
            cache_block_bytes: 0,
            simd: None,
        };
        let n = 16u32;
        let mut rng = Rng::new(11);
        let amps: Vec<Complex<f64>> = (0..1usize << n)
            .map(|_| Complex::new(rng.next_f64() - 0.5, rng.next_f64() - 0.5))
            .collect();
        let mut text = String::from("0.25");
        for q in 0..n - 1 {
            text += &format!(
                " + 1.0*X{q} X{} - 0.5*Y{q} Y{} + 0.75*Z{q} Z{}",
                q + 1,
                q + 1,
                q + 1
            );
        }
        for q in 0..n {
            text += &format!(" + 0.5*Z{q}");
        }
        // one term wider than a table, and a flip with many Z-bits
        text += " - 0.3*ZZZZZZZZZZZZZZZZ + 0.2*XYZZZZZZZZZZZZZZ";
        let obs: Observable = text.parse().expect("valid observable");
        let (groups, _) = obs.x_groups();
        assert!(table_groups(groups).iter().all(|g| g.terms.len() == 1
            || g.terms.iter().fold(0u64, |m, t| m | t.z_mask).count_ones() as usize
                <= MAX_TABLE_BITS));
        let mut out = vec![Complex::new(0.0, 0.0); amps.len()];
        apply_observable(exec, &amps, &obs, &mut out);
        // term by term: (P a)_j = c i^y (-1)^{|src & z|} a[src], src = j ^ x
        let mut want = vec![Complex::new(0.0, 0.0); amps.len()];
        for t in obs.terms() {
            let (x, z) = (t.x_mask() as usize, t.z_mask());
            let phase = [
                Complex::new(1.0, 0.0),
                Complex::new(0.0, 1.0),
                Complex::new(-1.0, 0.0),
                Complex::new(0.0, -1.0),
            ][(t.y_count() % 4) as usize];
            for (j, w) in want.iter_mut().enumerate() {
                let src = j ^ x;
                let sign = if (src as u64 & z).count_ones() & 1 == 1 {
                    -1.0
                } else {
                    1.0
                };
                *w += phase * t.coeff * sign * amps[src];
            }
        }
        let err = out
            .iter()
            .zip(&want)
            .map(|(a, b)| (a - b).norm())
            .fold(0.0, f64::max);
        assert!(err < 1e-12, "apply_observable differs by {err}");
        let e = expectation(exec, &amps, &obs);
        let direct: f64 = amps.iter().zip(&want).map(|(a, w)| (a.conj() * w).re).sum();
        assert!(
            (e - direct).abs() < 1e-9 * direct.abs().max(1.0),
            "{e} vs {direct}"
        );
    }
}

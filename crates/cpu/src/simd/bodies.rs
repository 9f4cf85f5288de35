//! The kernel bodies every x86 vector width shares, generic over [`Lanes`], and the
//! macros that instantiate each as a `#[target_feature]` entry point for one vector
//! type (in [`super::x86`] for AVX2, [`super::avx512`] for AVX-512). The bodies are
//! `#[inline(always)]`, so they compile inside the entry points with their features on.
//!
//! Amplitudes stay interleaved (re, im). A complex multiply-accumulate `m * x` is two
//! FMAs: `re(m) * x` and `im(m) * swap(x)` accumulated apart, then one `addsub`.

use super::x86::Lanes;
use crate::layout::Bases;
use num_complex::Complex;

/// `m * x` for complex `m` split into its duplicated parts `mre`, `mim`.
#[inline(always)]
pub(super) unsafe fn cmul<V: Lanes>(mre: V, mim: V, x: V) -> V {
    unsafe { V::addsub(V::mul(mre, x), V::mul(mim, x.swap())) }
}

/// A dense `D x D` matrix applied to the group at every base `wbase + b`, `b` in `bases`.
///
/// `packed` holds, for each chunk `c` of `ROWS` output rows and each input `s`, one
/// vector of the rows' real parts and one of their imaginary parts (see
/// [`super::pack_rows`]). With `contig`, each chunk's rows are adjacent in memory.
#[inline(always)]
pub(super) unsafe fn dense_groups<V: Lanes, const D: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    packed: *const V::S,
    contig: bool,
) {
    let step = 4 * V::ROWS;
    let o: &[usize; D] = o.try_into().expect("group size matches the matrix");
    for b in bases.iter() {
        unsafe {
            let q = p.add(wbase + b);
            let mut v = [V::zero(); D];
            let mut w = [V::zero(); D];
            for s in 0..D {
                v[s] = V::splat_c(q.add(o[s]));
                w[s] = v[s].swap();
            }
            for c in 0..D / V::ROWS {
                let mut re = V::zero();
                let mut im = V::zero();
                for s in 0..D {
                    let m = packed.add((c * D + s) * step);
                    re = V::fma(V::load(m), v[s], re);
                    im = V::fma(V::load(m.add(2 * V::ROWS)), w[s], im);
                }
                let out = V::addsub(re, im);
                if contig {
                    out.store(q.add(o[c * V::ROWS]) as *mut V::S);
                } else {
                    out.store_rows(q, &o[c * V::ROWS..]);
                }
            }
        }
    }
}

/// A dense `D x D` matrix applied to `ROWS` neighbouring groups at once: when every
/// target and control is at or above `log2(ROWS)`, bases come in runs of consecutive
/// indices, so member `s` of `ROWS` neighbouring groups is one contiguous vector and no
/// broadcast or scatter is needed. `coef` holds, for each entry `(r, s)`, its real part
/// splat over one vector and then its imaginary part (see [`super::pack_splat`]).
#[inline(always)]
pub(super) unsafe fn dense_across<V: Lanes, const D: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    coef: *const V::S,
) {
    let step = 4 * V::ROWS;
    let o: &[usize; D] = o.try_into().expect("group size matches the matrix");
    for b in bases.iter_vectors(V::ROWS) {
        unsafe {
            let q = p.add(wbase + b);
            let mut x = [V::zero(); D];
            let mut xs = [V::zero(); D];
            for s in 0..D {
                x[s] = V::load(q.add(o[s]) as *const V::S);
                xs[s] = x[s].swap();
            }
            for (r, &or) in o.iter().enumerate() {
                let mut re = V::zero();
                let mut im = V::zero();
                for s in 0..D {
                    let c = coef.add((r * D + s) * step);
                    re = V::fma(V::load(c), x[s], re);
                    im = V::fma(V::load(c.add(2 * V::ROWS)), xs[s], im);
                }
                V::addsub(re, im).store(q.add(or) as *mut V::S);
            }
        }
    }
}

/// A dense matrix on targets of which some lie inside one vector (below `log2(ROWS)`):
/// each vector holds `ROWS / DL` groups' worth of the `DL` low-target members, the `DH`
/// high-target members are `DH` vectors at offsets `o`. Output vector `r` is the sum over
/// input vectors `h` and low-target masks `t` of coefficient vector `(r, h, t)` times
/// vector `h` with its slots permuted by `l -> l ^ mask(t)` (qsim's approach): every
/// instruction works on whole vectors of amplitudes, with no broadcasts or scattered
/// stores. `coef` holds, per `(r, h, t)`, the per-slot real parts (each twice) and then
/// the imaginary parts; `idx` holds, per `t`, the permutation and the permutation
/// followed by a re/im swap (see [`super::in_lanes`]).
#[inline(always)]
pub(super) unsafe fn dense_lanes<V: Lanes, const DH: usize, const DL: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    coef: *const V::S,
    idx: *const u32,
) {
    let step = 4 * V::ROWS;
    let elems = std::mem::size_of::<V>() / 4;
    let o: &[usize; DH] = o.try_into().expect("member count matches the matrix");
    unsafe {
        let perm: [V::Idx; DL] = std::array::from_fn(|t| V::load_idx(idx.add(2 * t * elems)));
        let perm_swap: [V::Idx; DL] =
            std::array::from_fn(|t| V::load_idx(idx.add((2 * t + 1) * elems)));
        for b in bases.iter_vectors(V::ROWS) {
            let q = p.add(wbase + b);
            let mut x = [[V::zero(); DL]; DH];
            let mut xs = [[V::zero(); DL]; DH];
            for h in 0..DH {
                let v = V::load(q.add(o[h]) as *const V::S);
                x[h][0] = v;
                xs[h][0] = v.swap();
                for t in 1..DL {
                    x[h][t] = v.permute(perm[t]);
                    xs[h][t] = v.permute(perm_swap[t]);
                }
            }
            for (r, &or) in o.iter().enumerate() {
                let mut re = V::zero();
                let mut im = V::zero();
                for h in 0..DH {
                    for t in 0..DL {
                        let c = coef.add(((r * DH + h) * DL + t) * step);
                        re = V::fma(V::load(c), x[h][t], re);
                        im = V::fma(V::load(c.add(2 * V::ROWS)), xs[h][t], im);
                    }
                }
                V::addsub(re, im).store(q.add(or) as *mut V::S);
            }
        }
    }
}

macro_rules! lanes_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Dense groups with targets inside a vector (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name<const DH: usize, const DL: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            coef: *const <$lanes as Lanes>::S,
            idx: *const u32,
        ) {
            unsafe { dense_lanes::<$lanes, DH, DL>(p, wbase, bases, o, coef, idx) }
        }
    };
}
pub(super) use lanes_entry;

macro_rules! across_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Dense groups of one window, `ROWS` neighbouring groups per vector (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name<const D: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            coef: *const <$lanes as Lanes>::S,
        ) {
            unsafe { dense_across::<$lanes, D>(p, wbase, bases, o, coef) }
        }
    };
}
pub(super) use across_entry;

macro_rules! dense_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Dense groups of one window, for group size `D` (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name<const D: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            packed: *const <$lanes as Lanes>::S,
            contig: bool,
        ) {
            unsafe { dense_groups::<$lanes, D>(p, wbase, bases, o, packed, contig) }
        }
    };
}
pub(super) use dense_entry;

/// One-qubit matrix `m` on matching half-blocks `lo`, `hi` (length a multiple of ROWS).
#[inline(always)]
pub(super) unsafe fn pair<V: Lanes>(
    lo: *mut V::S,
    hi: *mut V::S,
    len: usize,
    m: &[Complex<V::S>; 4],
) {
    unsafe {
        let re = m.map(|z| V::splat(z.re));
        let im = m.map(|z| V::splat(z.im));
        let mut j = 0;
        while j < 2 * len {
            let (x, y) = (V::load(lo.add(j)), V::load(hi.add(j)));
            let (xs, ys) = (x.swap(), y.swap());
            let a = V::addsub(
                V::fma(re[0], x, V::mul(re[1], y)),
                V::fma(im[0], xs, V::mul(im[1], ys)),
            );
            let b = V::addsub(
                V::fma(re[2], x, V::mul(re[3], y)),
                V::fma(im[2], xs, V::mul(im[3], ys)),
            );
            a.store(lo.add(j));
            b.store(hi.add(j));
            j += 2 * V::ROWS;
        }
    }
}

/// `run[j] *= f` for every `j` (length a multiple of ROWS).
#[inline(always)]
pub(super) unsafe fn scale<V: Lanes>(p: *mut V::S, len: usize, f: Complex<V::S>) {
    unsafe {
        let (re, im) = (V::splat(f.re), V::splat(f.im));
        let mut j = 0;
        while j < 2 * len {
            cmul(re, im, V::load(p.add(j))).store(p.add(j));
            j += 2 * V::ROWS;
        }
    }
}

/// `run[j] *= table[hi | low[j]]` for a run of up to 256 amplitudes (a multiple of ROWS).
#[inline(always)]
pub(super) unsafe fn diag_table<V: Lanes>(
    p: *mut Complex<V::S>,
    len: usize,
    table: *const Complex<V::S>,
    hi: usize,
    low: &[u32; 256],
) {
    unsafe {
        let mut j = 0;
        while j < len {
            let f = V::load_each(|r| table.add(hi | low[j + r] as usize));
            let x = V::load(p.add(j) as *const V::S);
            cmul(f.dup_re(), f.dup_im(), x).store(p.add(j) as *mut V::S);
            j += V::ROWS;
        }
    }
}

/// `run[j] *= table[hi | low[j]]` where `low[j]` is the same for the `ROWS` slots of
/// each vector (every diagonal qubit at or above `log2(ROWS)`): one broadcast entry per
/// vector instead of a gather.
#[inline(always)]
pub(super) unsafe fn diag_runs<V: Lanes>(
    p: *mut Complex<V::S>,
    len: usize,
    table: *const Complex<V::S>,
    hi: usize,
    low: &[u32; 256],
) {
    unsafe {
        let mut j = 0;
        while j < len {
            let f = *table.add(hi | low[j] as usize);
            let x = V::load(p.add(j) as *const V::S);
            cmul(V::splat(f.re), V::splat(f.im), x).store(p.add(j) as *mut V::S);
            j += V::ROWS;
        }
    }
}

/// `run[j] *= factors[(hi | low[j]) * ROWS + j % ROWS]` for vectors at multiples of
/// `ROWS`: the diagonal expanded per vector lane (see [`super::lane_table`]), one vector
/// load of factors per vector of amplitudes instead of a gather.
#[inline(always)]
pub(super) unsafe fn diag_lanes<V: Lanes>(
    p: *mut Complex<V::S>,
    len: usize,
    factors: *const Complex<V::S>,
    hi: usize,
    low: &[u32; 256],
) {
    unsafe {
        let mut j = 0;
        while j < len {
            let f = V::load(factors.add((hi | low[j] as usize) * V::ROWS) as *const V::S);
            let x = V::load(p.add(j) as *const V::S);
            cmul(f.dup_re(), f.dup_im(), x).store(p.add(j) as *mut V::S);
            j += V::ROWS;
        }
    }
}

macro_rules! elementwise_entries {
    ($pair:ident, $scale:ident, $diag:ident, $runs:ident, $dl:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("One-qubit matrix on half-block pairs (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $pair(
            lo: *mut <$lanes as Lanes>::S,
            hi: *mut <$lanes as Lanes>::S,
            len: usize,
            m: &[Complex<<$lanes as Lanes>::S>; 4],
        ) {
            unsafe { pair::<$lanes>(lo, hi, len, m) }
        }

        #[doc = concat!("Multiplies a run by one factor (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $scale(
            p: *mut <$lanes as Lanes>::S,
            len: usize,
            f: Complex<<$lanes as Lanes>::S>,
        ) {
            unsafe { scale::<$lanes>(p, len, f) }
        }

        #[doc = concat!("Multiplies a run by gathered diagonal entries (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $diag(
            p: *mut Complex<<$lanes as Lanes>::S>,
            len: usize,
            table: *const Complex<<$lanes as Lanes>::S>,
            hi: usize,
            low: &[u32; 256],
        ) {
            unsafe { diag_table::<$lanes>(p, len, table, hi, low) }
        }

        #[doc = concat!("Multiplies a run by one diagonal entry per vector (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $runs(
            p: *mut Complex<<$lanes as Lanes>::S>,
            len: usize,
            table: *const Complex<<$lanes as Lanes>::S>,
            hi: usize,
            low: &[u32; 256],
        ) {
            unsafe { diag_runs::<$lanes>(p, len, table, hi, low) }
        }

        #[doc = concat!("Multiplies a run by lane-expanded diagonal factors (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $dl(
            p: *mut Complex<<$lanes as Lanes>::S>,
            len: usize,
            factors: *const Complex<<$lanes as Lanes>::S>,
            hi: usize,
            low: &[u32; 256],
        ) {
            unsafe { diag_lanes::<$lanes>(p, len, factors, hi, low) }
        }
    };
}
pub(super) use elementwise_entries;

/// Output member `r` of `ROWS` neighbouring groups is input member `src[r]` (times
/// phase `r`, packed by [`super::pack_splat`], where given).
#[inline(always)]
pub(super) unsafe fn monomial_across<V: Lanes, const D: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    src: &[usize],
    phase: Option<*const V::S>,
) {
    let step = 4 * V::ROWS;
    let o: &[usize; D] = o.try_into().expect("group size matches the permutation");
    let src: &[usize; D] = src.try_into().expect("group size matches the permutation");
    for b in bases.iter_vectors(V::ROWS) {
        unsafe {
            let q = p.add(wbase + b);
            let x: [V; D] = std::array::from_fn(|s| V::load(q.add(o[s]) as *const V::S));
            for r in 0..D {
                let v = x[src[r]];
                let out = match phase {
                    None => v,
                    Some(f) => {
                        let f = f.add(r * step);
                        cmul(V::load(f), V::load(f.add(2 * V::ROWS)), v)
                    }
                };
                out.store(q.add(o[r]) as *mut V::S);
            }
        }
    }
}

/// Defines a `#[target_feature]` entry point of [`monomial_across`] for one vector type.
macro_rules! monomial_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Permutations with phases across groups (", $feat, ").")]
        #[target_feature(enable = $feat)]
        pub(super) unsafe fn $name<const D: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            src: &[usize],
            phase: Option<*const <$lanes as Lanes>::S>,
        ) {
            unsafe { monomial_across::<$lanes, D>(p, wbase, bases, o, src, phase) }
        }
    };
}
pub(super) use monomial_entry;

/// A permutation with phases whose targets include some inside one vector: output vector
/// `r` gathers, for each of its terms `(h, t)` (in `terms[starts[r]..starts[r + 1]]`),
/// the slots of input vector `h` permuted by `t` that its mask keeps (every slot comes
/// from exactly one term), then multiplies by its per-slot phases where given. `masks`
/// holds one vector of whole-element bit masks per term, `idx` one slot permutation
/// per `t`, `phase` per `r` the per-slot real parts (each twice), then imaginary parts.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) unsafe fn monomial_lanes<V: Lanes, const DH: usize>(
    p: *mut Complex<V::S>,
    wbase: usize,
    bases: Bases,
    o: &[usize],
    terms: &[(usize, usize)],
    starts: &[usize],
    masks: *const V::S,
    idx: *const u32,
    phase: Option<*const V::S>,
) {
    let elems = std::mem::size_of::<V>() / 4;
    let step = 4 * V::ROWS;
    let o: &[usize; DH] = o.try_into().expect("member count matches the permutation");
    for b in bases.iter_vectors(V::ROWS) {
        unsafe {
            let q = p.add(wbase + b);
            let x: [V; DH] = std::array::from_fn(|h| V::load(q.add(o[h]) as *const V::S));
            for (r, &or) in o.iter().enumerate() {
                let mut out = V::zero();
                for (j, &(h, t)) in terms.iter().enumerate().take(starts[r + 1]).skip(starts[r]) {
                    let v = if t == 0 {
                        x[h]
                    } else {
                        x[h].permute(V::load_idx(idx.add(t * elems)))
                    };
                    out = V::or(out, V::and(v, V::load(masks.add(j * 2 * V::ROWS))));
                }
                if let Some(f) = phase {
                    let f = f.add(r * step);
                    out = cmul(V::load(f), V::load(f.add(2 * V::ROWS)), out);
                }
                out.store(q.add(or) as *mut V::S);
            }
        }
    }
}

/// Defines a `#[target_feature]` entry point of [`monomial_lanes`] for one vector type.
macro_rules! monomial_lanes_entry {
    ($name:ident, $lanes:ty, $feat:literal) => {
        #[doc = concat!("Permutations with targets inside a vector (", $feat, ").")]
        #[target_feature(enable = $feat)]
        #[allow(clippy::too_many_arguments)]
        pub(super) unsafe fn $name<const DH: usize>(
            p: *mut Complex<<$lanes as Lanes>::S>,
            wbase: usize,
            bases: Bases,
            o: &[usize],
            terms: &[(usize, usize)],
            starts: &[usize],
            masks: *const <$lanes as Lanes>::S,
            idx: *const u32,
            phase: Option<*const <$lanes as Lanes>::S>,
        ) {
            unsafe {
                monomial_lanes::<$lanes, DH>(p, wbase, bases, o, terms, starts, masks, idx, phase)
            }
        }
    };
}
pub(super) use monomial_lanes_entry;

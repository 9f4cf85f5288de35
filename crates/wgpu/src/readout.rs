//! Readouts reduced on the GPU: only what was asked for is copied back.
//!
//! - Probabilities and state vectors stream page by page through one staging buffer.
//! - Marginals: per page, partial sums per (output index, stride class), then one
//!   segmented sum; the host gets exactly `2^m` numbers.
//! - Expectation values: one pass per page for up to four distinct Pauli terms sharing
//!   an X mask, workgroup partials, a segmented sum; one number per term comes back.
//! - Samples: a tree of block sums of `|a|^2` (leaf blocks of up to 4096 amplitudes
//!   inside pages, then levels of 256), an inverse-CDF descent per shot over the host's sorted uniforms, and a final
//!   in-block scan per page; `3 × shots` words come back, never the distribution.

use crate::convert::reals;
use crate::encode::{grid, Header, Recorder, Src};
use crate::shaders::{Kernel, WORKGROUP};
use crate::submit::Parts;
use ferroq_core::{Complex32, Complex64, Error, Observable, Precision, Result, StateVector};

/// Cap on the bytes one streamed read-back submit copies.
const STREAM_BYTES: u64 = 256 << 20;
/// Log2 of the amplitudes per leaf block of the sampling tree (at most).
const LEAF_BITS: u32 = 12;
/// Fan-out of the upper levels of the sampling tree.
const FAN: u32 = 256;

fn wg(items: u64) -> u64 {
    items.div_ceil(WORKGROUP as u64)
}

/// Pages per streamed submit when each page contributes `bytes_per_page`.
fn pages_per_chunk(parts: &Parts<'_>, bytes_per_page: u64) -> u32 {
    let cap = STREAM_BYTES.min(parts.ctx.max_binding());
    ((cap / bytes_per_page.max(1)).max(1) as u32).min(parts.layout.pages())
}

/// The full state vector, page by page.
pub(crate) fn state_vector(parts: &mut Parts<'_>) -> Result<StateVector> {
    let l = parts.layout;
    let page_bytes = l.page_len() * parts.ctx.precision.amplitude_bytes();
    let chunk = pages_per_chunk(parts, page_bytes);
    let mut bytes = Vec::with_capacity((page_bytes * l.pages() as u64) as usize);
    for first in (0..l.pages()).step_by(chunk as usize) {
        let mut rec = Recorder::default();
        for pg in first..(first + chunk).min(l.pages()) {
            rec.copy_back(Src::Page(pg), 0, page_bytes);
        }
        bytes.extend(parts.flush(&mut rec)?);
    }
    let v = reals(parts.ctx.precision, &bytes);
    Ok(match parts.ctx.precision {
        Precision::Single => StateVector::Single(
            v.chunks_exact(2)
                .map(|c| Complex32::new(c[0] as f32, c[1] as f32))
                .collect(),
        ),
        Precision::Double => StateVector::Double(
            v.chunks_exact(2)
                .map(|c| Complex64::new(c[0], c[1]))
                .collect(),
        ),
    })
}

/// `|a|^2` of every amplitude, computed on the GPU and streamed back.
pub(crate) fn probabilities(parts: &mut Parts<'_>) -> Result<Vec<f64>> {
    let l = parts.layout;
    let real = parts.ctx.real_bytes();
    let chunk = pages_per_chunk(parts, l.page_len() * real);
    let mut out = Vec::with_capacity(1usize << l.n);
    for first in (0..l.pages()).step_by(chunk as usize) {
        let mut rec = Recorder::default();
        let last = (first + chunk).min(l.pages());
        for pg in first..last {
            let mut h = Header::new();
            h.set(0, l.page_len() as u32)
                .set(1, ((pg - first) as u64 * l.page_len()) as u32);
            rec.read(parts.ctx, Kernel::Probs, [pg, pg], &h, wg(l.page_len()))?;
        }
        let len = (last - first) as u64 * l.page_len();
        rec.work_len = len;
        rec.copy_back(Src::Work, 0, len * real);
        out.extend(reals(parts.ctx.precision, &parts.flush(&mut rec)?));
    }
    Ok(out)
}

/// Records the marginal over `qubits` (`qubits[0]` = lowest output bit) and a copy of
/// its `2^m` values to staging; returns their byte offset in the staging area.
pub(crate) fn record_marginal(
    parts: &Parts<'_>,
    rec: &mut Recorder,
    qubits: &[u32],
) -> Result<usize> {
    let ctx = parts.ctx;
    let l = parts.layout;
    let p = l.p;
    let m = qubits.len() as u32;
    let real = ctx.real_bytes();
    let cap = ctx.max_binding() / real;
    if m > 31 || (1u64 << m) > cap {
        return Err(Error::invalid(format!(
            "a marginal over {m} qubits does not fit one GPU buffer binding"
        )));
    }
    let local: Vec<(u32, u32)> = (0..m)
        .filter(|&t| qubits[t as usize] < p)
        .map(|t| (t, qubits[t as usize]))
        .collect();
    let paged: Vec<(u32, u32)> = (0..m)
        .filter(|&t| qubits[t as usize] >= p)
        .map(|t| (t, qubits[t as usize]))
        .collect();
    let ml = local.len() as u32;
    let nrp_bits = l.page_bits() - paged.len() as u32;
    let free = p - ml;
    let mut bk_bits = free.min(14u32.saturating_sub(ml));
    while bk_bits > 0 && (1u64 << (m + nrp_bits + bk_bits)) > cap {
        bk_bits -= 1;
    }
    let partials = 1u64 << (m + nrp_bits + bk_bits);
    if partials > cap {
        return Err(Error::invalid(format!(
            "a marginal over {m} of {} qubits needs {} bytes of GPU scratch, more than one binding",
            l.n,
            partials * real
        )));
    }
    let mut sorted: Vec<u32> = local.iter().map(|&(_, q)| q).collect();
    sorted.sort_unstable();
    let lq: Vec<u32> = local.iter().map(|&(_, q)| q).collect();
    let lt: Vec<u32> = local.iter().map(|&(t, _)| t).collect();
    let marg_page_mask: u32 = paged.iter().fold(0, |acc, &(_, q)| acc | 1 << (q - p));
    let items = 1u64 << (ml + bk_bits);
    for pg in 0..l.pages() {
        let jp = paged
            .iter()
            .fold(0u32, |acc, &(t, q)| acc | (((pg >> (q - p)) & 1) << t));
        // Rank of the page among those with the same marginal bits: its other bits, packed.
        let (mut rp, mut k) = (0u32, 0);
        for b in 0..l.page_bits() {
            if marg_page_mask >> b & 1 == 0 {
                rp |= ((pg >> b) & 1) << k;
                k += 1;
            }
        }
        let mut h = Header::new();
        h.set(0, items as u32)
            .set(1, bk_bits)
            .set(2, 1 << (free - bk_bits))
            .set(3, ml)
            .set(4, jp)
            .set(5, 1 << nrp_bits)
            .set(6, rp)
            .list(32, &sorted)
            .list(64, &lq)
            .list(96, &lt);
        rec.read(ctx, Kernel::Marginal, [pg, pg], &h, wg(items))?;
    }
    rec.work_len = rec.work_len.max(partials);
    let outputs = 1u64 << m;
    let seg = 1u64 << (nrp_bits + bk_bits);
    if seg == 1 {
        return Ok(rec.copy_back(Src::Work, 0, outputs * real) as usize);
    }
    let mut h = Header::new();
    h.set(0, outputs as u32).set(1, seg as u32);
    rec.read(ctx, Kernel::SegSum, [0, 0], &h, outputs)?;
    rec.out_bytes = rec.out_bytes.max(outputs * real);
    Ok(rec.copy_back(Src::Out, 0, outputs * real) as usize)
}

/// Marginal probabilities over `qubits`.
pub(crate) fn marginal(parts: &mut Parts<'_>, qubits: &[u32]) -> Result<Vec<f64>> {
    if qubits.len() as u32 == parts.layout.n
        && qubits.iter().enumerate().all(|(i, &q)| q == i as u32)
    {
        return probabilities(parts);
    }
    let mut rec = Recorder::default();
    let at = record_marginal(parts, &mut rec, qubits)?;
    let bytes = parts.flush(&mut rec)?;
    Ok(reals(parts.ctx.precision, &bytes[at..]))
}

/// Terms one expectation pass evaluates (they share the X mask).
const TERMS_PER_PASS: usize = 4;

/// One expectation value per observable. Distinct Pauli terms are evaluated once,
/// up to four terms with the same X mask per pass over the state.
pub(crate) fn expectations(parts: &mut Parts<'_>, observables: &[Observable]) -> Result<Vec<f64>> {
    let ctx = parts.ctx;
    let l = parts.layout;
    let real = ctx.real_bytes();
    // Distinct (x, z, ny) terms, and each observable as (coefficient, term) pairs.
    let mut terms: Vec<(u64, u64, u32)> = Vec::new();
    let mut uses: Vec<Vec<(f64, usize)>> = Vec::new();
    // Core's one Pauli grouping (`Observable::x_groups`); the identity part is the
    // term (0, 0, 0), whose value is the norm.
    for o in observables {
        let (groups, constant) = o.x_groups();
        let mut u = Vec::new();
        let mut add = |key: (u64, u64, u32), coeff: f64| {
            let i = terms.iter().position(|k| *k == key).unwrap_or_else(|| {
                terms.push(key);
                terms.len() - 1
            });
            u.push((coeff, i));
        };
        if constant != 0.0 {
            add((0, 0, 0), constant);
        }
        for g in &groups {
            for t in &g.terms {
                add((g.x_mask, t.z_mask, t.y_phase), t.coeff);
            }
        }
        uses.push(u);
    }
    // Passes: runs of at most four terms with one X mask.
    let mut order: Vec<usize> = (0..terms.len()).collect();
    order.sort_by_key(|&i| terms[i].0);
    let mut passes: Vec<Vec<usize>> = Vec::new();
    for i in order {
        match passes.last_mut() {
            Some(p) if p.len() < TERMS_PER_PASS && terms[p[0]].0 == terms[i].0 => p.push(i),
            _ => passes.push(vec![i]),
        }
    }
    let groups = (l.page_len() / (WORKGROUP as u64 * 16)).clamp(1, 1024);
    let g = grid(ctx, groups)?;
    let gsize = g[0] as u64 * g[1] as u64;
    let per_term = l.pages() as u64 * gsize;
    let cap = ctx.max_binding() / real;
    if per_term * TERMS_PER_PASS as u64 > cap {
        return Err(Error::invalid(
            "too many pages for one expectation-value reduction",
        ));
    }
    let passes_per_flush = ((cap / (per_term * TERMS_PER_PASS as u64)) as usize).clamp(1, 512);
    let mask = l.page_len() - 1;
    let mut values = vec![0.0; terms.len()];
    for flush in passes.chunks(passes_per_flush) {
        let mut rec = Recorder::default();
        let mut slot = 0u64; // terms recorded so far in this flush
        for pass in flush {
            let x = terms[pass[0]].0;
            let xp = (x >> l.p) as u32;
            for pg in 0..l.pages() {
                let mut h = Header::new();
                h.set(0, l.page_len() as u32)
                    .set(1, (x & mask) as u32)
                    .set(2, pass.len() as u32)
                    .set(3, ((slot * l.pages() as u64 + pg as u64) * gsize) as u32)
                    .set(4, per_term as u32)
                    .set(5, (gsize * WORKGROUP as u64) as u32);
                for (t, &i) in pass.iter().enumerate() {
                    let (_, z, ny) = terms[i];
                    let zp = (z >> l.p) as u32;
                    h.list(
                        16 + 3 * t,
                        &[(z & mask) as u32, ny, (pg & zp).count_ones() & 1],
                    );
                }
                rec.read(ctx, Kernel::Expect, [pg, pg ^ xp], &h, groups)?;
            }
            slot += pass.len() as u64;
        }
        rec.work_len = slot * per_term;
        let mut h = Header::new();
        h.set(0, slot as u32).set(1, per_term as u32);
        rec.read(ctx, Kernel::SegSum, [0, 0], &h, slot)?;
        rec.out_bytes = slot * real;
        rec.copy_back(Src::Out, 0, slot * real);
        let sums = reals(ctx.precision, &parts.flush(&mut rec)?);
        for (&i, v) in flush.iter().flatten().zip(sums) {
            values[i] = v;
        }
    }
    Ok(uses
        .iter()
        .map(|u| u.iter().map(|&(c, i)| c * values[i]).sum())
        .collect())
}

/// `shots` basis indices drawn from `|a|^2` with `Rng::new(seed)`: the same sorted
/// uniforms and the same final shuffle as the CPU backend, so the same seed gives the
/// same shots (up to rounding at bin edges).
pub(crate) fn locate_sorted(parts: &mut Parts<'_>, u: &[f64]) -> Result<Vec<u64>> {
    let ctx = parts.ctx;
    let l = parts.layout;
    let real = ctx.real_bytes();
    let cap = ctx.max_binding() / real;
    let shots = u.len();
    if shots == 0 {
        return Ok(Vec::new());
    }
    // Leaf blocks of 2^lb amplitudes inside a page; grow them until the tree fits.
    let mut lb = l.p.min(LEAF_BITS);
    while lb < l.p && (2u64 << (l.n - lb)) > cap {
        lb += 1;
    }
    if (2u64 << (l.n - lb)) > cap {
        return Err(Error::invalid(
            "the sampling tree does not fit one GPU buffer binding",
        ));
    }
    let (mut offs, mut lens) = (vec![0u32], vec![1u32 << (l.n - lb)]);
    while *lens.last().expect("one level") > FAN {
        let (o, n) = (*offs.last().expect("level"), *lens.last().expect("level"));
        offs.push(o + n);
        lens.push(n.div_ceil(FAN));
    }
    let tree_len = (offs[offs.len() - 1] + lens[lens.len() - 1]) as u64;
    let bpp = 1u32 << (l.p - lb);
    let batch = (cap.min(ctx.max_binding() / 12).min(1 << 22)) as usize;
    let mut out = ferroq_core::machine::try_buffer(shots, "the sampled indices")?;
    for (bi, us) in u.chunks(batch).enumerate() {
        let mut rec = Recorder::default();
        if bi == 0 {
            for pg in 0..l.pages() {
                let mut h = Header::new();
                h.set(0, bpp).set(1, 1 << lb).set(2, pg * bpp);
                rec.read(ctx, Kernel::BlockSum, [pg, pg], &h, bpp as u64)?;
            }
            for lv in 1..lens.len() {
                let mut h = Header::new();
                h.set(0, lens[lv])
                    .set(1, offs[lv - 1])
                    .set(2, lens[lv - 1])
                    .set(3, offs[lv])
                    .set(4, FAN);
                rec.read(ctx, Kernel::LevelSum, [0, 0], &h, wg(lens[lv] as u64))?;
            }
        }
        rec.work_len = tree_len;
        rec.aux = us.to_vec();
        let count = us.len() as u32;
        let mut h = Header::new();
        h.set(0, count)
            .set(1, lens.len() as u32)
            .set(2, FAN)
            .list(32, &offs)
            .list(64, &lens);
        rec.read(ctx, Kernel::SampleSearch, [0, 0], &h, wg(count as u64))?;
        for pg in 0..l.pages() {
            let mut h = Header::new();
            h.set(0, count)
                .set(1, 1 << lb)
                .set(2, bpp)
                .set(3, pg)
                .set(4, l.p);
            rec.read(ctx, Kernel::SampleLeaf, [pg, pg], &h, wg(count as u64))?;
        }
        rec.out_bytes = 12 * count as u64;
        rec.copy_back(Src::Out, 0, 12 * count as u64);
        let bytes = parts.flush(&mut rec)?;
        let words: Vec<u32> = bytemuck::pod_collect_to_vec(&bytes);
        out.extend(
            words
                .chunks_exact(3)
                .map(|w| w[0] as u64 | (w[1] as u64) << 32),
        );
    }
    Ok(out)
}

//! Recording: kernel ops become dispatches (page slots, one header each, large matrices
//! in one data buffer). The submit module (`submit.rs`, one layer up) turns a recording
//! into one submit.
//!
//! Paging. A state of `n` qubits is `2^(n-p)` pages of `2^p` amplitudes; qubits `< p`
//! are *local*, the others *page qubits*. A gate dispatch binds up to four pages to
//! slots, chosen so that the gate's page targets (and, to batch pages, other page
//! qubits) vary across the slots: the kernel then sees a virtual state of `p + |S|`
//! qubits where page qubit `S[j]` is virtual qubit `p + j`. Page qubits outside `S` are
//! fixed per dispatch, so controls on them just skip dispatches. A dense op with more
//! page targets than slot bits is bracketed by swaps of its excess page targets with
//! local qubits.

use crate::context::Ctx;
use crate::convert::complex_bytes;
use crate::layout::PageLayout;
use crate::shaders::{Kernel, HEADER_BYTES, MAX_DENSE_QUBITS, WORKGROUP};
use ferroq_core::{Complex64, Error, Precision, Result};

/// Header words per dispatch.
pub(crate) const HEADER_WORDS: usize = (HEADER_BYTES / 4) as usize;
/// Marks a page slot that a dispatch does not use.
pub(crate) const UNUSED: u32 = u32::MAX;
// Gate header words (see gate_common.wgsl).
const G_COUNT: usize = 0;
const G_SHIFT: usize = 1;
const G_NSORTED: usize = 2;
const G_CTRL: usize = 3;
const G_K: usize = 4;
const G_MAT: usize = 5;
const G_DIAG_BASE: usize = 6;
const G_INLINE: usize = 7;
const G_SLOTS: usize = 8;
const G_SORTED: usize = 9;
const G_TARGETS: usize = 41;
/// Target positions a gate header holds (words 41..64).
const MAX_HEADER_TARGETS: usize = 64 - G_TARGETS;
/// Matrix entries a gate header holds.
const INLINE_ENTRIES: usize = 16;

/// Pages of fewer than 2^this amplitudes are batched several to a dispatch.
const BATCH_PAGES_BELOW: u32 = 16;
/// Slot bits of a gate dispatch (four page bindings).
const SLOT_BITS: u32 = 2;

/// One dispatch header: 128 `u32` words, laid out per kernel (see the WGSL files).
#[derive(Clone)]
pub(crate) struct Header(pub(crate) [u32; HEADER_WORDS]);

impl Header {
    pub(crate) fn new() -> Self {
        Header([0; HEADER_WORDS])
    }
    pub(crate) fn set(&mut self, i: usize, v: u32) -> &mut Self {
        self.0[i] = v;
        self
    }
    pub(crate) fn list(&mut self, base: usize, values: &[u32]) -> &mut Self {
        self.0[base..base + values.len()].copy_from_slice(values);
        self
    }
    /// Puts up to 16 matrix entries in the second half of a gate header and flags it.
    fn matrix(&mut self, precision: Precision, entries: &[Complex64]) -> &mut Self {
        debug_assert!(entries.len() <= INLINE_ENTRIES);
        let words: Vec<u32> = bytemuck::pod_collect_to_vec(&complex_bytes(precision, entries));
        self.set(G_INLINE, 1).list(HEADER_WORDS / 2, &words)
    }
}

/// A buffer a copy reads from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Src {
    Page(u32),
    Work,
    Out,
}

pub(crate) enum Cmd {
    Gate {
        kernel: Kernel,
        slots: [u32; 4],
        header: u32,
        grid: [u32; 2],
    },
    Read {
        kernel: Kernel,
        pages: [u32; 2],
        header: u32,
        grid: [u32; 2],
    },
    /// Copy into the staging buffer.
    Copy {
        src: Src,
        src_offset: u64,
        dst_offset: u64,
        size: u64,
    },
}

/// Everything one submit will do, and the scratch sizes it needs.
#[derive(Default)]
pub(crate) struct Recorder {
    pub(crate) headers: Vec<Header>,
    pub(crate) data: Vec<Complex64>,
    pub(crate) cmds: Vec<Cmd>,
    /// Reals needed in the work buffer.
    pub(crate) work_len: u64,
    /// Bytes needed in the out buffer.
    pub(crate) out_bytes: u64,
    /// Reals uploaded to the aux buffer before the submit.
    pub(crate) aux: Vec<f64>,
    /// Bytes copied back.
    pub(crate) staging_bytes: u64,
}

/// Workgroup grid for `groups` workgroups: 1-D up to `max_x`, 2-D beyond.
pub(crate) fn grid(ctx: &Ctx, groups: u64) -> Result<[u32; 2]> {
    let max_x = ctx.max_groups() as u64;
    let max_y = ctx.limits.max_compute_workgroups_per_dimension as u64;
    let groups = groups.max(1);
    if groups <= max_x {
        return Ok([groups as u32, 1]);
    }
    let y = groups.div_ceil(max_x);
    if y > max_y {
        return Err(Error::invalid(format!(
            "{groups} workgroups exceed the device's {max_x} x {max_y} grid"
        )));
    }
    Ok([max_x as u32, y as u32])
}

impl Recorder {
    pub(crate) fn is_empty(&self) -> bool {
        self.cmds.is_empty()
    }

    pub(crate) fn header(&mut self, h: &Header) -> u32 {
        self.headers.push(h.clone());
        (self.headers.len() - 1) as u32
    }

    pub(crate) fn read(
        &mut self,
        ctx: &Ctx,
        kernel: Kernel,
        pages: [u32; 2],
        h: &Header,
        groups: u64,
    ) -> Result<()> {
        let header = self.header(h);
        let grid = grid(ctx, groups)?;
        self.cmds.push(Cmd::Read {
            kernel,
            pages,
            header,
            grid,
        });
        Ok(())
    }

    /// Appends a copy of `size` bytes to the end of the staging area; returns its offset.
    pub(crate) fn copy_back(&mut self, src: Src, src_offset: u64, size: u64) -> u64 {
        let dst_offset = self.staging_bytes;
        self.cmds.push(Cmd::Copy {
            src,
            src_offset,
            dst_offset,
            size,
        });
        self.staging_bytes += size;
        dst_offset
    }
}

/// Records gate ops of one state.
pub(crate) struct GateRecorder<'a> {
    pub(crate) ctx: &'a Ctx,
    pub(crate) layout: PageLayout,
    pub(crate) rec: &'a mut Recorder,
}

fn swap_matrix() -> Vec<Complex64> {
    let (o, z) = (Complex64::new(1.0, 0.0), Complex64::new(0.0, 0.0));
    vec![o, z, z, z, z, z, o, z, z, o, z, z, z, z, z, o]
}

/// The slot qubits: `first` (in order); then, for small pages only, page qubits outside
/// `avoid` and then the rest, to batch pages into fewer dispatches. At most `SLOT_BITS`.
/// Big pages get one dispatch per page when the op stays inside pages, which lets the
/// kernels skip the slot switch.
fn slot_qubits(layout: PageLayout, first: &[u32], avoid: &[u32]) -> Vec<u32> {
    let mut bits = layout.page_bits().min(SLOT_BITS) as usize;
    let mut s: Vec<u32> = first.iter().copied().take(bits).collect();
    if layout.p >= BATCH_PAGES_BELOW {
        bits = s.len();
    }
    let pq = layout.p..layout.n;
    for q in pq
        .clone()
        .filter(|q| !avoid.contains(q))
        .chain(pq.filter(|q| avoid.contains(q)))
    {
        if s.len() >= bits {
            break;
        }
        if !s.contains(&q) {
            s.push(q);
        }
    }
    s
}

/// Pages of one dispatch group: `base` plus every combination of the slot qubits.
fn slot_pages(layout: PageLayout, base: u32, slots: &[u32]) -> [u32; 4] {
    let mut out = [UNUSED; 4];
    for (s, o) in out.iter_mut().enumerate().take(1 << slots.len()) {
        *o = slots.iter().enumerate().fold(base, |acc, (j, &q)| {
            acc | ((((s >> j) & 1) as u32) << (q - layout.p))
        });
    }
    out
}

/// Base pages of the dispatch groups: every assignment of the page qubits outside
/// `slots`, skipping those where a page control outside `slots` is 0.
fn group_bases(layout: PageLayout, slots: &[u32], controls: &[u32]) -> Vec<u32> {
    let others: Vec<u32> = (layout.p..layout.n)
        .filter(|q| !slots.contains(q))
        .collect();
    let need: u32 = controls
        .iter()
        .filter(|&&c| c >= layout.p && !slots.contains(&c))
        .fold(0, |m, &c| m | 1 << (c - layout.p));
    (0u32..1 << others.len())
        .map(|a| {
            others
                .iter()
                .enumerate()
                .fold(0, |acc, (i, &q)| acc | (((a >> i) & 1) << (q - layout.p)))
        })
        .filter(|base| base & need == need)
        .collect()
}

impl GateRecorder<'_> {
    fn vmap(&self, slots: &[u32], q: u32) -> Option<u32> {
        if q < self.layout.p {
            Some(q)
        } else {
            slots
                .iter()
                .position(|&s| s == q)
                .map(|j| self.layout.p + j as u32)
        }
    }

    fn push(&mut self, kernel: Kernel, slots: [u32; 4], header: u32, items: u64) -> Result<()> {
        let grid = grid(self.ctx, items.div_ceil(WORKGROUP as u64))?;
        self.rec.cmds.push(Cmd::Gate {
            kernel,
            slots,
            header,
            grid,
        });
        Ok(())
    }

    /// Records a dense op (optionally controlled).
    pub(crate) fn dense(
        &mut self,
        targets: &[u32],
        controls: &[u32],
        matrix: &[Complex64],
    ) -> Result<()> {
        if targets.len() > MAX_DENSE_QUBITS {
            return Err(Error::invalid(format!(
                "dense ops on more than {MAX_DENSE_QUBITS} qubits are not supported (got {})",
                targets.len()
            )));
        }
        let p = self.layout.p;
        let page_targets: Vec<u32> = targets.iter().copied().filter(|&q| q >= p).collect();
        if page_targets.len() > SLOT_BITS as usize {
            return self.dense_via_swaps(
                targets,
                controls,
                matrix,
                &page_targets[SLOT_BITS as usize..],
            );
        }
        let slots = slot_qubits(self.layout, &page_targets, controls);
        let vt: Vec<u32> = targets
            .iter()
            .map(|&q| self.vmap(&slots, q).expect("target is mapped"))
            .collect();
        let vc: Vec<u32> = controls
            .iter()
            .filter_map(|&q| self.vmap(&slots, q))
            .collect();
        let mut sorted: Vec<u32> = vt.iter().chain(&vc).copied().collect();
        sorted.sort_unstable();
        let vq = p + slots.len() as u32;
        let items = 1u64 << (vq - sorted.len() as u32);
        let kernel = match (targets.len(), vc.is_empty()) {
            (1, true) => Kernel::Dense1,
            (1, false) => Kernel::Controlled,
            (2, _) => Kernel::Dense2,
            _ => Kernel::DenseK,
        };
        let mut h = Header::new();
        h.set(G_COUNT, items as u32)
            .set(G_SHIFT, p)
            .set(G_NSORTED, sorted.len() as u32)
            .set(G_CTRL, vc.iter().fold(0, |m, &c| m | 1 << c))
            .set(G_K, targets.len() as u32)
            .set(G_SLOTS, slots.len() as u32)
            .list(G_SORTED, &sorted)
            .list(G_TARGETS, &vt);
        if matrix.len() <= INLINE_ENTRIES {
            h.matrix(self.ctx.precision, matrix);
        } else {
            h.set(G_MAT, self.rec.data.len() as u32);
            self.rec.data.extend_from_slice(matrix);
        }
        let header = self.rec.header(&h);
        for base in group_bases(self.layout, &slots, controls) {
            self.push(kernel, slot_pages(self.layout, base, &slots), header, items)?;
        }
        Ok(())
    }

    /// Swaps the excess page targets with local non-target qubits, applies the relabelled
    /// op, and swaps back.
    fn dense_via_swaps(
        &mut self,
        targets: &[u32],
        controls: &[u32],
        matrix: &[Complex64],
        excess: &[u32],
    ) -> Result<()> {
        let p = self.layout.p;
        let mut locals: Vec<u32> = (0..p).rev().filter(|q| !targets.contains(q)).collect();
        // Free qubits first, then local controls (a swapped control becomes a page control).
        locals.sort_by_key(|q| controls.contains(q));
        if locals.len() < excess.len() {
            return Err(Error::invalid(format!(
                "a {}-qubit op needs more local qubits than pages of 2^{p} amplitudes have",
                targets.len()
            )));
        }
        let pairs: Vec<(u32, u32)> = excess.iter().copied().zip(locals).collect();
        let swap = swap_matrix();
        for &(g, l) in &pairs {
            self.dense(&[l, g], &[], &swap)?;
        }
        let relabel = |q: u32| {
            pairs
                .iter()
                .find_map(|&(g, l)| (q == g).then_some(l).or((q == l).then_some(g)))
                .unwrap_or(q)
        };
        let t: Vec<u32> = targets.iter().map(|&q| relabel(q)).collect();
        let c: Vec<u32> = controls.iter().map(|&q| relabel(q)).collect();
        self.dense(&t, &c, matrix)?;
        for &(g, l) in pairs.iter().rev() {
            self.dense(&[l, g], &[], &swap)?;
        }
        Ok(())
    }

    /// Records a diagonal op (optionally controlled). Page targets outside the slots are
    /// fixed per dispatch and select part of the diagonal through the header.
    pub(crate) fn diagonal(
        &mut self,
        targets: &[u32],
        controls: &[u32],
        diag: &[Complex64],
    ) -> Result<()> {
        let p = self.layout.p;
        let page_targets: Vec<u32> = targets.iter().copied().filter(|&q| q >= p).collect();
        let slots = slot_qubits(self.layout, &page_targets, controls);
        // In-virtual targets take the low diagonal bits, fixed page targets the high ones.
        let (inside, fixed): (Vec<usize>, Vec<usize>) =
            (0..targets.len()).partition(|&j| self.vmap(&slots, targets[j]).is_some());
        let order: Vec<usize> = inside.iter().chain(&fixed).copied().collect();
        let permuted: Vec<Complex64> = (0..diag.len())
            .map(|new| {
                let old = order
                    .iter()
                    .enumerate()
                    .fold(0usize, |acc, (u, &j)| acc | (((new >> u) & 1) << j));
                diag[old]
            })
            .collect();
        if inside.len() > MAX_HEADER_TARGETS {
            return Err(Error::invalid(format!(
                "diagonal ops on more than {MAX_HEADER_TARGETS} qubits of one page group are \
                 not supported (got {})",
                inside.len()
            )));
        }
        let vt: Vec<u32> = inside
            .iter()
            .map(|&j| self.vmap(&slots, targets[j]).unwrap_or(0))
            .collect();
        let mut vc: Vec<u32> = controls
            .iter()
            .filter_map(|&q| self.vmap(&slots, q))
            .collect();
        vc.sort_unstable();
        let vq = p + slots.len() as u32;
        let items = 1u64 << (vq - vc.len() as u32);
        let mut h = Header::new();
        h.set(G_COUNT, items as u32)
            .set(G_SHIFT, p)
            .set(G_NSORTED, vc.len() as u32)
            .set(G_CTRL, vc.iter().fold(0, |m, &c| m | 1 << c))
            .set(G_K, vt.len() as u32)
            .set(G_SLOTS, slots.len() as u32)
            .list(G_SORTED, &vc)
            .list(G_TARGETS, &vt);
        // The slice one dispatch uses: 2^|inside| entries from its fixed page bits on.
        let slice = 1usize << inside.len();
        let inline = slice <= INLINE_ENTRIES;
        if inline {
            h.matrix(self.ctx.precision, &permuted[..slice]);
        } else {
            h.set(G_MAT, self.rec.data.len() as u32);
            self.rec.data.extend_from_slice(&permuted);
        }
        let shared = fixed.is_empty().then(|| self.rec.header(&h));
        for base in group_bases(self.layout, &slots, controls) {
            let header = match shared {
                Some(i) => i,
                None => {
                    let bits = fixed.iter().enumerate().fold(0u32, |acc, (w, &j)| {
                        acc | (((base >> (targets[j] - p)) & 1) << (inside.len() + w))
                    });
                    let mut hg = h.clone();
                    if inline {
                        let at = bits as usize;
                        hg.matrix(self.ctx.precision, &permuted[at..at + slice]);
                    } else {
                        hg.set(G_DIAG_BASE, bits);
                    }
                    self.rec.header(&hg)
                }
            };
            self.push(
                Kernel::Diagonal,
                slot_pages(self.layout, base, &slots),
                header,
                items,
            )?;
        }
        Ok(())
    }
}

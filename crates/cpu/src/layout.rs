//! Index arithmetic shared by the kernels: which amplitudes one op touches together.
//!
//! An op on target set `T` with controls `C` visits every *base* index whose bits at
//! `T ∪ C` ("holes") are zero, with the control bits then set; the `2^|T|` amplitudes
//! `base + offset[s]` form one group. Consecutive bases below the lowest hole are
//! contiguous ("runs"), which is what lets the inner loops vectorise.

/// The layout of one op over a state of `n` qubits.
pub(crate) struct Layout {
    holes: Vec<u32>,
    ctrl_mask: usize,
    /// Offsets of the `2^k` group members, indexed little-endian over the targets.
    pub(crate) offsets: Vec<usize>,
    run_bits: u32,
    /// Number of bases: `2^(n - |holes|)`.
    pub(crate) bases: usize,
}

impl Layout {
    pub(crate) fn new(num_qubits: u32, targets: &[u32], controls: &[u32]) -> Self {
        let mut holes: Vec<u32> = targets.iter().chain(controls).copied().collect();
        holes.sort_unstable();
        let ctrl_mask = controls.iter().fold(0usize, |m, &c| m | 1 << c);
        let offsets = (0..1usize << targets.len())
            .map(|s| {
                targets
                    .iter()
                    .enumerate()
                    .fold(0usize, |o, (j, &t)| o | (((s >> j) & 1) << t))
            })
            .collect();
        let run_bits = holes.first().copied().unwrap_or(num_qubits);
        Layout {
            bases: 1usize << (num_qubits as usize - holes.len()),
            holes,
            ctrl_mask,
            offsets,
            run_bits,
        }
    }

    /// Spreads the bits of `x` around the holes (inserts a zero at each hole).
    #[inline(always)]
    fn deposit(&self, mut x: usize) -> usize {
        for &h in &self.holes {
            let low = x & ((1usize << h) - 1);
            x = low | ((x ^ low) << 1);
        }
        x
    }

    /// Calls `f(first_index, len)` for the contiguous runs of base indices
    /// numbered `[start, end)`; bases `first_index .. first_index + len` are contiguous.
    #[inline(always)]
    pub(crate) fn runs(&self, start: usize, end: usize, mut f: impl FnMut(usize, usize)) {
        let run_len = 1usize << self.run_bits;
        let mut b = start;
        while b < end {
            let o = b >> self.run_bits;
            let j = b & (run_len - 1);
            let stop = end.min((o + 1) << self.run_bits);
            let base = self.deposit(o << self.run_bits) | self.ctrl_mask;
            f(base + j, stop - b);
            b = stop;
        }
    }
}

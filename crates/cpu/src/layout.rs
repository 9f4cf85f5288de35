//! Index plans for kernels on arbitrary qubit sets.
//!
//! An op on targets `T` with controls `C` touches groups of `2^|T|` amplitudes
//! `base + offset[s]`, one group per *base*: an index whose bits at the holes `T ∪ C`
//! are zero, with the control bits then set. The state is cut into windows of
//! `2^WINDOW_BITS` indices (spread around the holes above the window); the bases inside
//! a window are the same for every window, so they are listed once in a table and each
//! window adds its own offset. Index arithmetic per group is then one addition.

/// Bits of one window: 4096 indices, enough to amortise the per-window work while the
/// table stays in L1.
const WINDOW_BITS: u32 = 12;

/// The index plan of one op over a state of `n` qubits.
pub(crate) struct Plan {
    /// Offsets of the `2^k` group members, little-endian over the targets.
    pub(crate) offsets: Vec<usize>,
    /// Bases inside one window (low holes cleared, low control bits set).
    pub(crate) table: Vec<usize>,
    window_bits: u32,
    high_holes: Vec<u32>,
    high_ctrl: usize,
    /// Number of windows.
    pub(crate) windows: usize,
}

/// Inserts a zero bit at each (ascending) position of `holes` into `x`.
#[inline(always)]
fn deposit(mut x: usize, holes: &[u32]) -> usize {
    for &h in holes {
        let low = x & ((1usize << h) - 1);
        x = low | ((x ^ low) << 1);
    }
    x
}

impl Plan {
    pub(crate) fn new(num_qubits: u32, targets: &[u32], controls: &[u32]) -> Self {
        let window_bits = num_qubits.min(WINDOW_BITS);
        let mut holes: Vec<u32> = targets.iter().chain(controls).copied().collect();
        holes.sort_unstable();
        let (low, high): (Vec<u32>, Vec<u32>) = holes.iter().partition(|&&h| h < window_bits);
        let ctrl = controls.iter().fold(0usize, |m, &c| m | 1 << c);
        let low_ctrl = ctrl & ((1usize << window_bits) - 1);
        let table = (0..1usize << (window_bits as usize - low.len()))
            .map(|j| deposit(j, &low) | low_ctrl)
            .collect();
        let offsets = (0..1usize << targets.len())
            .map(|s| {
                targets
                    .iter()
                    .enumerate()
                    .fold(0usize, |o, (j, &t)| o | (((s >> j) & 1) << t))
            })
            .collect();
        Plan {
            offsets,
            table,
            window_bits,
            windows: 1usize << (num_qubits - window_bits - high.len() as u32),
            high_ctrl: ctrl & !low_ctrl,
            high_holes: high,
        }
    }

    /// First index of window `w`.
    #[inline(always)]
    pub(crate) fn window_base(&self, w: usize) -> usize {
        deposit(w << self.window_bits, &self.high_holes) | self.high_ctrl
    }
}

/// Sub-index lookup: for a qubit list `qs`, `index(i)` gathers bit `qs[j]` of `i` into
/// bit `j`, one table lookup per byte of `i`.
pub(crate) struct BitGather {
    tables: Vec<[u32; 256]>,
}

impl BitGather {
    pub(crate) fn new(num_qubits: u32, qs: &[u32]) -> Self {
        let bytes = (num_qubits as usize).div_ceil(8).max(1);
        let tables = (0..bytes)
            .map(|b| {
                std::array::from_fn(|v| {
                    qs.iter().enumerate().fold(0u32, |acc, (j, &q)| {
                        let q = q as usize;
                        if q / 8 == b && (v >> (q % 8)) & 1 == 1 {
                            acc | 1 << j
                        } else {
                            acc
                        }
                    })
                })
            })
            .collect();
        BitGather { tables }
    }

    /// The gathered index of the bits of `i` above the lowest byte.
    #[inline(always)]
    pub(crate) fn high(&self, i: usize) -> u32 {
        self.tables
            .iter()
            .enumerate()
            .skip(1)
            .fold(0, |acc, (b, t)| acc | t[(i >> (8 * b)) & 0xff])
    }

    /// The table for the lowest byte.
    #[inline(always)]
    pub(crate) fn low(&self) -> &[u32; 256] {
        &self.tables[0]
    }
}

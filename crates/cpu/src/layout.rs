//! Index plans for kernels on arbitrary qubit sets.
//!
//! An op on targets `T` with controls `C` touches groups of `2^|T|` amplitudes
//! `base + offset[s]`, one group per *base*: an index whose bits at the holes `T ∪ C`
//! are zero, with the control bits then set. The state is cut into windows of
//! `2^WINDOW_BITS` indices (spread around the holes above the window); the bases inside
//! a window are the same for every window, so they are enumerated once per window with
//! a carry trick (no table to build) and each window adds its own offset.

/// Bits of one window: 4096 indices, enough to amortise the per-window work while the
/// table stays in L1.
const WINDOW_BITS: u32 = 12;

/// The index plan of one op over a state of `n` qubits.
pub(crate) struct Plan {
    /// Offsets of the `2^k` group members, little-endian over the targets.
    pub(crate) offsets: Vec<usize>,
    /// Bases inside one window (low holes cleared, low control bits set).
    pub(crate) bases: Bases,
    /// The lowest target or control qubit.
    pub(crate) lowest_hole: u32,
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
        let bases = Bases {
            holes: low.iter().fold(0usize, |m, &h| m | 1 << h),
            ctrl: low_ctrl,
            count: 1usize << (window_bits as usize - low.len()),
        };
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
            bases,
            lowest_hole: holes.first().copied().unwrap_or(num_qubits),
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

/// The bases inside one window: every index below the window size with zero bits at
/// the low holes, in increasing order, with the low control bits set. They are
/// enumerated with the carry trick `next = ((b | holes) + 1) & !holes`.
#[derive(Clone, Copy)]
pub(crate) struct Bases {
    holes: usize,
    ctrl: usize,
    /// Bases per window.
    pub(crate) count: usize,
}

impl Bases {
    /// The bases of one window, relative to the window's first index.
    #[inline(always)]
    pub(crate) fn iter(self) -> impl Iterator<Item = usize> {
        let mut b = 0usize;
        (0..self.count).map(move |_| {
            let r = b | self.ctrl;
            b = ((b | self.holes) + 1) & !self.holes;
            r
        })
    }

    /// Every `rows`-th base (`rows` a power of two), where no hole or control lies
    /// below `log2(rows)`: the bases then come in aligned runs of at least `rows`
    /// consecutive indices, and this enumerates the runs' vectors without stepping over
    /// each base in between.
    #[inline(always)]
    pub(crate) fn iter_vectors(self, rows: usize) -> impl Iterator<Item = usize> {
        let s = rows.trailing_zeros();
        debug_assert_eq!((self.holes | self.ctrl) & (rows - 1), 0);
        let (holes, ctrl) = (self.holes >> s, self.ctrl >> s);
        let mut b = 0usize;
        (0..self.count >> s).map(move |_| {
            let r = (b | ctrl) << s;
            b = ((b | holes) + 1) & !holes;
            r
        })
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
                // What each bit of byte `b` contributes; a byte's entry is the OR of its
                // bits' contributions, built from the entry without its lowest bit.
                let bit: [u32; 8] = std::array::from_fn(|k| {
                    qs.iter()
                        .position(|&q| q as usize == 8 * b + k)
                        .map_or(0, |j| 1 << j)
                });
                let mut t = [0u32; 256];
                for v in 1..256usize {
                    t[v] = t[v & (v - 1)] | bit[v.trailing_zeros() as usize];
                }
                t
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

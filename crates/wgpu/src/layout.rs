//! How a state's amplitudes are split into pages (storage buffers): [`PageLayout`] and
//! the bound on the page count. Plain arithmetic, no device.

/// Most pages a state may have, in qubits: a bigger state uses bigger pages (up to the
/// largest a binding holds), so a small forced page size cannot explode the page count.
pub(crate) const MAX_PAGE_INDEX_QUBITS: u32 = 10;

/// How a state is split into pages: `2^(n-p)` pages of `2^p` amplitudes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageLayout {
    /// Qubits.
    pub(crate) n: u32,
    /// Log2 of the amplitudes per page (`<= n`).
    pub(crate) p: u32,
}

impl PageLayout {
    /// Pages of `2^page_qubits` amplitudes, larger where the state would otherwise have
    /// more than `2^MAX_PAGE_INDEX_QUBITS` pages.
    pub(crate) fn new(n: u32, page_qubits: u32) -> Self {
        PageLayout {
            n,
            p: page_qubits
                .max(n.saturating_sub(MAX_PAGE_INDEX_QUBITS))
                .min(n),
        }
    }
    /// Page qubits (qubits that select the page).
    pub(crate) fn page_bits(self) -> u32 {
        self.n - self.p
    }
    pub(crate) fn pages(self) -> u32 {
        1 << self.page_bits()
    }
    pub(crate) fn page_len(self) -> u64 {
        1 << self.p
    }
}

//! Buffers kept for reuse: a state's [`Scratch`] buffers (grown on demand, reused by
//! every run and readout of the state) and the backend's [`BufferPool`] of dropped
//! small states, so the next state of the same layout allocates nothing.

use crate::layout::PageLayout;
use std::collections::HashMap;
use std::sync::Mutex;

/// Buffers reused across runs and readouts of one state, grown on demand.
#[derive(Default)]
pub(crate) struct Scratch {
    pub(crate) headers: Option<wgpu::Buffer>,
    pub(crate) data: Option<wgpu::Buffer>,
    pub(crate) work: Option<wgpu::Buffer>,
    pub(crate) out: Option<wgpu::Buffer>,
    pub(crate) aux: Option<wgpu::Buffer>,
    pub(crate) staging: Option<wgpu::Buffer>,
    /// Page-slot bind groups of the gate kernels, by the pages they bind.
    pub(crate) gate_groups: HashMap<[u32; 4], wgpu::BindGroup>,
    /// `|0…0>` still to be written at the start of the next submit (`true`: clear the
    /// pages first; new buffers are zeroed by wgpu). Saves a submit per allocation.
    pub(crate) pending_init: Option<bool>,
}

/// Most states' buffers the pool keeps.
const POOL_STATES: usize = 4;
/// Most bytes of pages the pool keeps (bigger states free their memory on drop).
const POOL_BYTES: u64 = 64 << 20;

/// The buffers of a dropped state, kept so that the next state of the same layout
/// (a batch, a test suite, a parameter sweep) allocates nothing.
struct Pooled {
    layout: PageLayout,
    pages: Vec<wgpu::Buffer>,
    scratch: Scratch,
    bytes: u64,
}

/// The buffers of dropped small states, one pool per backend (held by its context).
#[derive(Default)]
pub(crate) struct BufferPool {
    states: Mutex<Vec<Pooled>>,
}

impl BufferPool {
    /// The pages and scratch of a dropped state of `layout`, if one is kept.
    pub(crate) fn take(&self, layout: PageLayout) -> Option<(Vec<wgpu::Buffer>, Scratch)> {
        let mut pool = self.states.lock().ok()?;
        let i = pool.iter().position(|p| p.layout == layout)?;
        let p = pool.swap_remove(i);
        Some((p.pages, p.scratch))
    }

    /// Keeps a dropped state's buffers (`bytes` of pages), evicting the oldest to stay
    /// within the pool's bounds; states too big for the pool are freed.
    pub(crate) fn give(
        &self,
        layout: PageLayout,
        pages: Vec<wgpu::Buffer>,
        scratch: Scratch,
        bytes: u64,
    ) {
        if bytes > POOL_BYTES || pages.is_empty() {
            return;
        }
        let Ok(mut pool) = self.states.lock() else {
            return;
        };
        while !pool.is_empty()
            && (pool.len() >= POOL_STATES
                || pool.iter().map(|p| p.bytes).sum::<u64>() + bytes > POOL_BYTES)
        {
            pool.remove(0);
        }
        pool.push(Pooled {
            layout,
            pages,
            scratch,
            bytes,
        });
    }
}

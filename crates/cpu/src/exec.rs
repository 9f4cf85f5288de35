//! Work splitting: serial below a size threshold, Rayon chunks on the backend's own
//! pool above it.

use crate::simd::Isa;
use rayon::prelude::*;
use rayon::ThreadPool;

/// Where a kernel runs: on the calling thread, or split over a Rayon pool.
#[derive(Clone, Copy)]
pub(crate) struct Exec<'a> {
    pub(crate) pool: Option<&'a ThreadPool>,
    /// Work items per parallel task.
    pub(crate) chunk: usize,
    /// Bytes of a cache block (0: no cache blocking).
    pub(crate) cache_block_bytes: usize,
    /// The SIMD kernel family that runs (chosen and supported), or none: the portable
    /// kernels.
    pub(crate) simd: Option<Isa>,
}

impl Exec<'_> {
    /// The same split, on the calling thread only.
    pub(crate) fn serialized(&self) -> Exec<'static> {
        Exec {
            pool: None,
            chunk: self.chunk,
            cache_block_bytes: self.cache_block_bytes,
            simd: self.simd,
        }
    }

    /// Runs `f(start, end)` over `[0, total)` split into chunks.
    pub(crate) fn for_ranges(&self, total: usize, f: impl Fn(usize, usize) + Sync + Send) {
        match self.pool {
            Some(pool) if total > self.chunk => pool.install(|| {
                (0..total.div_ceil(self.chunk))
                    .into_par_iter()
                    .for_each(|c| {
                        let start = c * self.chunk;
                        f(start, (start + self.chunk).min(total));
                    })
            }),
            _ => f(0, total),
        }
    }

    /// Calls `f(i)` for `i` in `[0, count)`, parallel in runs of at least `grain` items.
    pub(crate) fn for_each_index(
        &self,
        count: usize,
        grain: usize,
        f: impl Fn(usize) + Sync + Send,
    ) {
        match self.pool {
            Some(pool) if count > grain => pool.install(|| {
                (0..count)
                    .into_par_iter()
                    .with_min_len(grain.max(1))
                    .for_each(f)
            }),
            _ => (0..count).for_each(f),
        }
    }

    /// Calls `f(&mut scratch, i)` for `i` in `[0, count)` like
    /// [`Exec::for_each_index`], with a scratch value made by `init` once per task
    /// (rayon split) rather than once per item.
    pub(crate) fn for_each_index_with<S>(
        &self,
        count: usize,
        grain: usize,
        init: impl Fn() -> S + Sync + Send,
        f: impl Fn(&mut S, usize) + Sync + Send,
    ) {
        match self.pool {
            Some(pool) if count > grain => pool.install(|| {
                (0..count)
                    .into_par_iter()
                    .with_min_len(grain.max(1))
                    .for_each_init(&init, &f)
            }),
            _ => {
                let mut scratch = init();
                (0..count).for_each(|i| f(&mut scratch, i))
            }
        }
    }

    /// Maps `f(start, end)` over chunks of `[0, total)` and combines with `reduce`.
    pub(crate) fn map_reduce<R: Send>(
        &self,
        total: usize,
        f: impl Fn(usize, usize) -> R + Sync + Send,
        identity: impl Fn() -> R + Sync + Send,
        reduce: impl Fn(R, R) -> R + Sync + Send,
    ) -> R {
        match self.pool {
            Some(pool) if total > self.chunk => pool.install(|| {
                (0..total.div_ceil(self.chunk))
                    .into_par_iter()
                    .map(|c| {
                        let start = c * self.chunk;
                        f(start, (start + self.chunk).min(total))
                    })
                    .reduce(&identity, &reduce)
            }),
            _ => reduce(identity(), f(0, total)),
        }
    }
}

/// A raw pointer to the amplitudes, shared by tasks that touch disjoint indices.
#[derive(Clone, Copy)]
pub(crate) struct SharedMut<T>(*mut T);

// SAFETY: every kernel that shares a `SharedMut` across tasks gives each task a disjoint
// set of indices (distinct bases of the same index layout), so no element is accessed
// by two tasks at once.
unsafe impl<T: Send> Send for SharedMut<T> {}
unsafe impl<T: Send> Sync for SharedMut<T> {}

impl<T> SharedMut<T> {
    pub(crate) fn new(slice: &mut [T]) -> Self {
        SharedMut(slice.as_mut_ptr())
    }
    /// # Safety
    /// `i` must be in bounds and not accessed concurrently by another task.
    #[inline(always)]
    pub(crate) unsafe fn at(&self, i: usize) -> *mut T {
        // SAFETY: the caller guarantees `i` is in bounds.
        unsafe { self.0.add(i) }
    }
}

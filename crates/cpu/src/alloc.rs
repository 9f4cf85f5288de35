//! Allocation of state vectors: on transparent huge pages where the OS offers them,
//! first touched in parallel by the threads that will run the kernels, with allocation
//! failure reported as an error.

use crate::exec::{Exec, SharedMut};
use crate::scalar::Real;
use ferroq_core::{Error, Result};
use num_complex::Complex;

/// Allocates `len` amplitudes set by `init(i)`, touching pages in parallel (first touch)
/// after advising huge pages, and reports allocation failure as an error instead of
/// aborting.
fn alloc_state<T: Real>(
    exec: Exec<'_>,
    len: usize,
    num_qubits: u32,
    init: impl Fn(usize) -> Complex<T> + Sync + Send,
) -> Result<Vec<Complex<T>>> {
    let mut v: Vec<Complex<T>> = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::OutOfMemory {
        num_qubits,
        needed_bytes: (len * std::mem::size_of::<Complex<T>>()) as u128,
        available_bytes: 0,
        limit: "the allocator refused the request".into(),
    })?;
    advise_huge_pages(v.spare_capacity_mut());
    let ptr = SharedMut::new(v.spare_capacity_mut());
    exec.for_ranges(len, |start, end| {
        for i in start..end {
            // SAFETY: `i < len <= capacity`, and chunks are disjoint.
            unsafe { (*ptr.at(i)).write(init(i)) };
        }
    });
    // SAFETY: all `len` elements were initialised above.
    unsafe { v.set_len(len) };
    Ok(v)
}

/// `len` amplitudes set to `|0…0>` (see [`alloc_state`]).
pub(crate) fn alloc_zero_state<T: Real>(
    exec: Exec<'_>,
    len: usize,
    num_qubits: u32,
) -> Result<Vec<Complex<T>>> {
    let mut v = alloc_state(exec, len, num_qubits, |_| Complex::default())?;
    v[0] = Complex::new(T::one(), T::zero());
    Ok(v)
}

/// A copy of `src` (see [`alloc_state`]): a read-out copy of a 2^20-amplitude state on
/// small pages takes thousands of page faults, as much time as a short circuit.
pub(crate) fn copy_state<T: Real>(
    exec: Exec<'_>,
    src: &[Complex<T>],
    num_qubits: u32,
) -> Result<Vec<Complex<T>>> {
    alloc_state(exec, src.len(), num_qubits, |i| src[i])
}

/// Asks the OS to back `buf` with transparent huge pages (2 MiB on x86-64 Linux) before
/// it is first touched: a state of 2^20 complex64 amplitudes or more then takes a few
/// page faults instead of thousands, and gates on high qubits, whose strides cross
/// pages, stop missing the TLB. Only the 2 MiB-aligned interior is advised; elsewhere
/// (other systems, THP off) it does nothing.
fn advise_huge_pages<E>(buf: &mut [E]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let start = buf.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(buf);
        let first = start.next_multiple_of(HUGE);
        let last = end / HUGE * HUGE;
        if last > first {
            // SAFETY: the range lies inside `buf`, which this process owns; MADV_HUGEPAGE
            // only changes how the kernel backs the pages, never their contents.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buf;
}

//! The MPI environment: initialised once per process (finalised at process exit), the
//! world communicator, and the few collectives the backend uses. Every function here
//! is collective over the world unless it says otherwise: all ranks call it in the
//! same order.

use ferroq_core::{Error, Result};
use mpi::collective::SystemOperation;
use mpi::datatype::Equivalence;
use mpi::environment::Universe;
use mpi::point_to_point::send_receive_replace_into;
use mpi::topology::{Communicator, SimpleCommunicator};
use mpi::traits::*;
use mpi::Threading;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

/// The universe this crate initialised, dropped (`MPI_Finalize`) at process exit.
struct Owned {
    _universe: Universe,
}
// SAFETY: the universe is only taken out and dropped once, at exit, under the mutex;
// MPI is initialised with at least `MPI_THREAD_SERIALIZED`.
unsafe impl Send for Owned {}

static UNIVERSE: Mutex<Option<Owned>> = Mutex::new(None);
static WORLD: OnceLock<std::result::Result<(i32, i32), String>> = OnceLock::new();

/// Bytes of amplitudes this process has sent to other ranks, over its lifetime.
static BYTES_SENT: AtomicU64 = AtomicU64::new(0);
/// Pairwise exchanges of half a slice this process took part in.
static EXCHANGES: AtomicU64 = AtomicU64::new(0);

extern "C" fn finalize_at_exit() {
    finalize();
}

/// `(rank, size)` of the world communicator, initialising MPI on first use (with
/// `MPI_THREAD_SERIALIZED`: calls may come from any thread, never two at once). When
/// something else (mpi4py) initialised MPI already, its world is used and finalising
/// is left to it.
pub fn world_rank_size() -> Result<(i32, i32)> {
    WORLD
        .get_or_init(|| {
            if mpi::environment::is_initialized() {
                let w = SimpleCommunicator::world();
                return Ok((w.rank(), w.size()));
            }
            match mpi::initialize_with_threading(Threading::Serialized) {
                Some((universe, _provided)) => {
                    let w = universe.world();
                    let out = (w.rank(), w.size());
                    if let Ok(mut slot) = UNIVERSE.lock() {
                        *slot = Some(Owned {
                            _universe: universe,
                        });
                    }
                    // SAFETY: registering a plain `extern "C"` function.
                    unsafe { libc::atexit(finalize_at_exit) };
                    Ok(out)
                }
                None => Err("MPI could not be initialised".to_string()),
            }
        })
        .clone()
        .map_err(|reason| Error::BackendUnavailable { reason })
}

/// Finalises MPI if this crate initialised it (also done automatically at process
/// exit). No MPI backend may be used afterwards.
pub fn finalize() {
    if let Ok(mut slot) = UNIVERSE.lock() {
        drop(slot.take());
    }
}

/// Bytes of amplitudes this process sent to other ranks in exchanges so far (received
/// bytes are the same amount).
pub fn bytes_sent() -> u64 {
    BYTES_SENT.load(Ordering::Relaxed)
}

/// Exchanges (one global and one local qubit swapped) this process took part in so far.
pub fn exchanges() -> u64 {
    EXCHANGES.load(Ordering::Relaxed)
}

pub(crate) fn count_exchange(bytes: u64) {
    BYTES_SENT.fetch_add(bytes, Ordering::Relaxed);
    EXCHANGES.fetch_add(1, Ordering::Relaxed);
}

fn world() -> SimpleCommunicator {
    SimpleCommunicator::world()
}

/// Sums `values` over all ranks, in place.
pub(crate) fn sum_f64(values: &mut [f64]) {
    if values.is_empty() {
        return;
    }
    let send = values.to_vec();
    world().all_reduce_into(&send[..], values, SystemOperation::sum());
}

/// Sums `values` over all ranks, in place.
pub(crate) fn sum_u64(values: &mut [u64]) {
    if values.is_empty() {
        return;
    }
    let send = values.to_vec();
    world().all_reduce_into(&send[..], values, SystemOperation::sum());
}

/// `true` on every rank when `flag` is true on every rank (collective).
pub fn all_true(flag: bool) -> bool {
    let mut out = 0u8;
    world().all_reduce_into(&u8::from(!flag), &mut out, SystemOperation::max());
    out == 0
}

/// The smallest `value` over all ranks.
pub(crate) fn min_u64(value: u64) -> u64 {
    let mut out = 0u64;
    world().all_reduce_into(&value, &mut out, SystemOperation::min());
    out
}

/// The largest `value` over all ranks.
pub(crate) fn max_f64(value: f64) -> f64 {
    let mut out = 0.0f64;
    world().all_reduce_into(&value, &mut out, SystemOperation::max());
    out
}

/// Every rank's `local` (equal lengths), concatenated in rank order into `out`.
pub(crate) fn all_gather<T: Equivalence>(local: &[T], out: &mut [T]) {
    world().all_gather_into(local, out);
}

/// Sends `buf` to `partner` and replaces it with what `partner` sends back.
pub(crate) fn swap_with<T: Equivalence>(buf: &mut [T], partner: i32) {
    let w = world();
    let p = w.process_at_rank(partner);
    send_receive_replace_into(buf, &p, &p);
}

/// `Err(Interrupted)` on every rank when `interrupt` asks any rank to stop (so no rank
/// is left waiting in a later exchange).
pub(crate) fn check_interrupt(interrupt: &ferroq_core::Interrupt<'_>) -> Result<()> {
    if !interrupt.is_set() {
        return Ok(());
    }
    if all_true(interrupt.check().is_ok()) {
        Ok(())
    } else {
        Err(Error::Interrupted)
    }
}

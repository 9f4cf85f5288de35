//! Memory accounting, the one reader of `/proc/meminfo`: how much a state (or a
//! buffer of shots) may take, checked before allocating.

use crate::error::{Error, Result};
use crate::precision::Precision;

/// Bytes of memory available to a new allocation, if the platform says.
pub fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Largest qubit count any host-memory state can have (indices are `usize`, samples are `u64`).
pub const HARD_MAX_QUBITS: u32 = 50;

/// States up to this size are allocated without consulting the memory available.
const SMALL_STATE_BYTES: u128 = 64 << 20;

/// Bytes a state may take under `limit` and the memory available, and which of the
/// two applies (`u64::MAX` and an empty name when neither is known).
pub fn memory_budget(limit: Option<u64>) -> (u64, String) {
    match (limit, available_memory()) {
        (Some(l), Some(a)) if l <= a => (l, "configured memory limit".to_string()),
        (Some(l), None) => (l, "configured memory limit".to_string()),
        (_, Some(a)) => (a, "memory available on this machine".to_string()),
        (None, None) => (u64::MAX, String::new()),
    }
}

/// Checks that a state of `num_qubits` fits `limit` (or the memory available) and
/// returns its size in bytes.
pub fn check_fits(num_qubits: u32, precision: Precision, limit: Option<u64>) -> Result<usize> {
    if num_qubits > HARD_MAX_QUBITS {
        return Err(Error::TooManyQubits {
            num_qubits,
            max_qubits: HARD_MAX_QUBITS,
        });
    }
    let needed = precision
        .state_bytes(num_qubits)
        .expect("bounded by HARD_MAX_QUBITS");
    // Small states need no look at /proc/meminfo (which costs ~15 µs per run).
    if limit.is_none() && needed <= SMALL_STATE_BYTES {
        return Ok(needed as usize);
    }
    let (available, which) = memory_budget(limit);
    if needed > available as u128 || needed > isize::MAX as u128 {
        return Err(Error::OutOfMemory {
            num_qubits,
            needed_bytes: needed,
            available_bytes: available as u128,
            limit: which,
        });
    }
    Ok(needed as usize)
}

/// Checks that a host buffer of `bytes` bytes for `what` fits `limit` (or the memory
/// available), before it is allocated.
pub fn check_host_bytes(bytes: u128, what: &str, limit: Option<u64>) -> Result<()> {
    if limit.is_none() && bytes <= SMALL_STATE_BYTES {
        return Ok(());
    }
    let (available, which) = memory_budget(limit);
    if bytes > available as u128 || bytes > isize::MAX as u128 {
        return Err(Error::BufferTooLarge {
            what: what.to_string(),
            needed_bytes: bytes,
            available_bytes: available as u128,
            limit: which,
        });
    }
    Ok(())
}

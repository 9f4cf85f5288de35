//! The one helper that releases the GIL: every simulating call goes through
//! [`detached`], with its inputs already copied into owned Rust values.
//!
//! While detached, other Python threads run freely. A long batch is interruptible:
//! the [`Interrupt`] hook handed to the work briefly re-attaches (at most every
//! [`POLL_INTERVAL`]) and calls `PyErr_CheckSignals`, so Ctrl-C raises
//! `KeyboardInterrupt` promptly. A panic inside the work is caught here and becomes a
//! `ferroq.FerroqError`, so no panic ever crosses into Python.

use crate::errors::{raise, to_py_err, Kind};
use ferroq::Error;
use pyo3::prelude::*;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Shortest time between two signal checks (each check takes the GIL briefly).
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// The interrupt hook of one detached call: polled by the work between ops, shots and
/// batch items, from any thread. Only the calling thread (Python's signal handlers run
/// on the main thread, which is the one that called) checks the signals, at most every
/// [`POLL_INTERVAL`], taking the GIL briefly; worker threads only read the verdict, so
/// they never use up the calling thread's turns. The common case is a relaxed atomic
/// load and a clock read.
pub(crate) struct Interrupt {
    owner: std::thread::ThreadId,
    start: Instant,
    /// Nanoseconds after `start` of the last signal check.
    last_ns: AtomicU64,
    /// A signal handler raised: every later poll says stop.
    stopped: AtomicBool,
    /// The exception a signal handler raised (normally `KeyboardInterrupt`).
    raised: Mutex<Option<PyErr>>,
}

impl Interrupt {
    fn new() -> Self {
        Interrupt {
            owner: std::thread::current().id(),
            start: Instant::now(),
            last_ns: AtomicU64::new(0),
            stopped: AtomicBool::new(false),
            raised: Mutex::new(None),
        }
    }

    /// `true` if a Python signal handler raised: the work should stop.
    pub(crate) fn poll(&self) -> bool {
        if self.stopped.load(Ordering::Relaxed) {
            return true;
        }
        if std::thread::current().id() != self.owner {
            return false;
        }
        // Only the owner gets here, so the check time needs no compare-and-swap.
        let now = self.start.elapsed().as_nanos() as u64;
        if now.saturating_sub(self.last_ns.load(Ordering::Relaxed))
            < POLL_INTERVAL.as_nanos() as u64
        {
            return false;
        }
        self.last_ns.store(now, Ordering::Relaxed);
        match Python::attach(|py| py.check_signals()) {
            Ok(()) => false,
            Err(e) => {
                if let Ok(mut raised) = self.raised.lock() {
                    *raised = Some(e);
                }
                self.stopped.store(true, Ordering::Relaxed);
                true
            }
        }
    }

    fn take(&self) -> Option<PyErr> {
        self.raised.lock().ok().and_then(|mut r| r.take())
    }
}

/// Runs `work` with the GIL released and maps its error to a Python exception.
///
/// `work` gets the interrupt hook to pass to batch runs. Inputs must be owned (or
/// borrowed from frozen objects); outputs are turned into Python objects by the caller
/// after this returns.
pub(crate) fn detached<T, F>(py: Python<'_>, work: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce(&Interrupt) -> ferroq::Result<T> + Send,
{
    let interrupt = Interrupt::new();
    let outcome = py.detach(|| catch_unwind(AssertUnwindSafe(|| work(&interrupt))));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(Error::Interrupted)) => Err(interrupt
            .take()
            .unwrap_or_else(|| to_py_err(Error::Interrupted))),
        Ok(Err(e)) => Err(to_py_err(e)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            Err(raise(
                Kind::Base,
                format!("internal error in ferroq (please report it): {what}"),
                &[],
            ))
        }
    }
}

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
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Shortest time between two signal checks (each check takes the GIL briefly).
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// The interrupt hook of one detached call: polled by the backend between batch items.
pub(crate) struct Interrupt {
    /// When the signals were last checked.
    last: Mutex<Instant>,
    /// The exception a signal handler raised (normally `KeyboardInterrupt`).
    raised: Mutex<Option<PyErr>>,
}

impl Interrupt {
    fn new() -> Self {
        Interrupt {
            last: Mutex::new(Instant::now()),
            raised: Mutex::new(None),
        }
    }

    /// `true` if a Python signal handler raised: the work should stop.
    pub(crate) fn poll(&self) -> bool {
        if let Ok(raised) = self.raised.lock() {
            if raised.is_some() {
                return true;
            }
        }
        {
            let Ok(mut last) = self.last.lock() else {
                return false;
            };
            if last.elapsed() < POLL_INTERVAL {
                return false;
            }
            *last = Instant::now();
        }
        match Python::attach(|py| py.check_signals()) {
            Ok(()) => false,
            Err(e) => {
                if let Ok(mut raised) = self.raised.lock() {
                    *raised = Some(e);
                }
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

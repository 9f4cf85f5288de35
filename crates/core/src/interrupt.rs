//! `Interrupt`: the hook long calls poll so a user can stop them (Ctrl-C in Python).

use crate::error::{Error, Result};
use std::fmt;

/// A cancellation hook: a function that returns `true` when the work should stop.
/// Polled between ops, between shots and between batch items; a poll should be cheap
/// (the Python binding's hook rate-limits itself).
#[derive(Clone, Copy, Default)]
pub struct Interrupt<'a> {
    hook: Option<&'a (dyn Fn() -> bool + Sync)>,
}

impl<'a> Interrupt<'a> {
    /// Never interrupts.
    pub fn none() -> Self {
        Interrupt { hook: None }
    }
    /// Interrupts when `hook` returns `true`.
    pub fn new(hook: &'a (dyn Fn() -> bool + Sync)) -> Self {
        Interrupt { hook: Some(hook) }
    }
    /// `Err(Interrupted)` if the hook asks to stop.
    pub fn check(&self) -> Result<()> {
        match self.hook {
            Some(f) if f() => Err(Error::Interrupted),
            _ => Ok(()),
        }
    }
    /// `true` if there is a hook at all.
    pub fn is_set(&self) -> bool {
        self.hook.is_some()
    }
}

impl fmt::Debug for Interrupt<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Interrupt")
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

//! `PlanCache`: compiled plans kept per circuit content and compile options, so
//! repeated runs, samples and batches of one circuit compile it once.

use ferroq_core::{Circuit, CompileOptions, Plan, Result};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Plans kept at most (least recently used dropped first).
const CAPACITY: usize = 64;

/// A small LRU cache of plans keyed by [`Circuit::revision`] and the compile options.
#[derive(Debug, Default)]
pub(crate) struct PlanCache {
    entries: Mutex<VecDeque<(u64, CompileOptions, Plan)>>,
}

impl PlanCache {
    /// The plan of `circuit` under `options`, compiled by `compile` on a miss.
    pub(crate) fn get_or_compile(
        &self,
        circuit: &Circuit,
        options: &CompileOptions,
        compile: impl FnOnce() -> Result<Plan>,
    ) -> Result<Plan> {
        let key = circuit.revision();
        if let Ok(mut entries) = self.entries.lock() {
            if let Some(i) = entries
                .iter()
                .position(|(r, o, _)| *r == key && o == options)
            {
                let entry = entries.remove(i).expect("index from position");
                let plan = entry.2.clone();
                entries.push_front(entry);
                return Ok(plan);
            }
        }
        // Compile outside the lock: other threads keep using the cache meanwhile.
        let plan = compile()?;
        if let Ok(mut entries) = self.entries.lock() {
            entries.push_front((key, options.clone(), plan.clone()));
            entries.truncate(CAPACITY);
        }
        Ok(plan)
    }

    /// Number of plans held.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroq_core::compile;

    #[test]
    fn hits_until_the_circuit_changes() {
        let cache = PlanCache::default();
        let mut c = Circuit::new(2);
        c.h(0);
        let o = CompileOptions::default();
        let mut compiles = 0;
        for _ in 0..3 {
            cache
                .get_or_compile(&c, &o, || {
                    compiles += 1;
                    compile(&c, &o)
                })
                .unwrap();
        }
        assert_eq!(compiles, 1);
        c.cx(0, 1);
        let plan = cache
            .get_or_compile(&c, &o, || {
                compiles += 1;
                compile(&c, &o)
            })
            .unwrap();
        assert_eq!(compiles, 2);
        assert_eq!(plan.gate_count(), 2);
        assert_eq!(cache.len(), 2);
    }
}

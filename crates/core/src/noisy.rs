//! Noisy circuits run as quantum trajectories, written once for every backend over
//! [`Backend::for_each_item`] (the backend schedules the trajectories: in parallel
//! across items for small states, one after another with parallel kernels for large).
//!
//! Trajectory `i` of a call with seed `s` has seed `t = derive_seed(s, i)`: its
//! mixed-unitary channels are drawn at bind time from
//! [`noise_rng`](crate::trajectory::noise_rng)`(t)` (so fused blocks stay fused), and its
//! execution loop (measurements, general Kraus channels, readout errors) draws from
//! `Rng::new(t)`. Results therefore do not depend on the thread count or the backend.
//!
//! When a plan has no state-dependent randomness (no measurement, reset, condition or
//! general Kraus channel), trajectories whose draws agree give the same final state:
//! they are grouped and each distinct one is simulated once ([`group_trajectories`]),
//! and groups whose draws agree up to some step share the state up to there
//! ([`crate::trajectory_tree`]: a depth-first walk over the trie of their draws, with a
//! bounded number of state copies; the final states are those of simulating each group
//! on its own). A group's shots are sampled from its final state with seed
//! `derive_seed(t_first, SAMPLE_STREAM)`, `t_first` the seed of its first trajectory.

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::machine::{execute, sample, Classical};
use crate::observable::Observable;
use crate::plan::Plan;
use crate::primitives::StatePrimitives;
use crate::rng::derive_seed;
use crate::trajectory::noise_rng;
use crate::trajectory_tree::walk_groups;
pub use crate::trajectory_tree::{group_trajectories, TrajectoryGroup, MAX_SHARED_STATES};

const SAMPLE_STREAM: u64 = 0x7361_6D70_6C65_0001;

/// A Monte-Carlo estimate: the mean over trajectories and its standard error
/// (`sqrt(sample variance / N)`; NaN for fewer than two trajectories).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean over the trajectories.
    pub mean: f64,
    /// Standard error of the mean.
    pub std_error: f64,
    /// Number of trajectories.
    pub trajectories: usize,
}

/// `true` when trajectories with the same bind-time draws end in the same state.
fn groupable(plan: &Plan) -> bool {
    !plan.has_non_unitary()
}

fn check_values(plan: &Plan, values: &[f64]) -> Result<()> {
    if values.len() != plan.parameters().len() {
        return Err(Error::invalid(format!(
            "the circuit has {} parameters but {} values were given",
            plan.parameters().len(),
            values.len()
        )));
    }
    Ok(())
}

/// Runs trajectory `index` of `plan` (seed `derive_seed(seed, index)`) on `state`
/// (at `|0…0>`) and returns its classical side.
pub fn run_trajectory<S: StatePrimitives>(
    state: &mut S,
    plan: &Plan,
    values: &[f64],
    seed: u64,
    index: usize,
    interrupt: &Interrupt<'_>,
) -> Result<Classical> {
    let t = derive_seed(seed, index as u64);
    let choices = plan.draw_noise(&mut noise_rng(t));
    let program = plan.bind_trajectory(values, &choices)?;
    let mut classical = Classical::new(t);
    execute(state, &mut classical, &program, interrupt)?;
    Ok(classical)
}

/// `shots` basis indices (over all qubits) of noisy `plan`: shot `i` is trajectory
/// `i`'s final state sampled once (grouped, and prefixes shared, as the module docs say).
pub fn sample_trajectories<B: Backend>(
    backend: &B,
    plan: &Plan,
    values: &[f64],
    shots: usize,
    seed: u64,
    interrupt: &Interrupt<'_>,
) -> Result<Vec<u64>> {
    sample_trajectories_with(
        backend,
        plan,
        values,
        shots,
        seed,
        MAX_SHARED_STATES,
        interrupt,
    )
}

/// [`sample_trajectories`] with at most `max_states` states held at once per item
/// (1 simulates every group from `|0…0>` on its own; the shots are the same).
pub fn sample_trajectories_with<B: Backend>(
    backend: &B,
    plan: &Plan,
    values: &[f64],
    shots: usize,
    seed: u64,
    max_states: usize,
    interrupt: &Interrupt<'_>,
) -> Result<Vec<u64>> {
    check_values(plan, values)?;
    let n = plan.num_qubits();
    if !groupable(plan) {
        return backend.for_each_item(n, shots, interrupt, &|i, state| {
            run_trajectory(state, plan, values, seed, i, interrupt)?;
            let t = derive_seed(seed, i as u64);
            Ok(sample(state, 1, derive_seed(t, SAMPLE_STREAM))?[0])
        });
    }
    let groups = group_trajectories(plan, shots, seed);
    let draws = walk_groups(
        backend,
        plan,
        values,
        &groups,
        max_states,
        interrupt,
        &|g, state| {
            let group = &groups[g];
            let t = derive_seed(seed, group.members[0] as u64);
            sample(state, group.members.len(), derive_seed(t, SAMPLE_STREAM))
        },
    )?;
    let mut out = vec![0u64; shots];
    for (group, d) in groups.iter().zip(draws) {
        for (&i, x) in group.members.iter().zip(d) {
            out[i] = x;
        }
    }
    Ok(out)
}

/// Expectation values of `observables` over `trajectories` trajectories of noisy `plan`:
/// for each observable the mean and its standard error.
pub fn expectation_trajectories<B: Backend>(
    backend: &B,
    plan: &Plan,
    values: &[f64],
    observables: &[Observable],
    trajectories: usize,
    seed: u64,
    interrupt: &Interrupt<'_>,
) -> Result<Vec<Estimate>> {
    check_values(plan, values)?;
    if trajectories == 0 {
        return Err(Error::invalid("expectation over 0 trajectories"));
    }
    for o in observables {
        o.check_fits(plan.num_qubits())?;
    }
    let n = plan.num_qubits();
    // (values, weight) per simulated trajectory or group.
    let per: Vec<(Vec<f64>, usize)> = if groupable(plan) {
        let groups = group_trajectories(plan, trajectories, seed);
        walk_groups(
            backend,
            plan,
            values,
            &groups,
            MAX_SHARED_STATES,
            interrupt,
            &|g, state| Ok((state.expectations(observables)?, groups[g].members.len())),
        )?
    } else {
        backend.for_each_item(n, trajectories, interrupt, &|i, state| {
            run_trajectory(state, plan, values, seed, i, interrupt)?;
            Ok((state.expectations(observables)?, 1))
        })?
    };
    Ok((0..observables.len())
        .map(|k| estimate(per.iter().map(|(v, w)| (v[k], *w))))
        .collect())
}

/// Mean and standard error of weighted samples (`weight` repeats of `value`).
pub fn estimate(samples: impl Iterator<Item = (f64, usize)> + Clone) -> Estimate {
    let n: usize = samples.clone().map(|(_, w)| w).sum();
    let mean = samples.clone().map(|(v, w)| v * w as f64).sum::<f64>() / n as f64;
    let ss: f64 = samples.map(|(v, w)| (v - mean).powi(2) * w as f64).sum();
    let std_error = if n > 1 {
        (ss / (n as f64 - 1.0) / n as f64).sqrt()
    } else {
        f64::NAN
    };
    Estimate {
        mean,
        std_error,
        trajectories: n,
    }
}

//! The [`Simulator`]'s noisy paths: the noise model applied before compiling,
//! trajectories for runs, shots and expectation values (written once in
//! [`ferroq_core::noisy`], dispatched to the concrete backend so each keeps its item
//! schedule), and the exact density-matrix method for small circuits.

use crate::any::{dispatch, AnyBackend};
use crate::shots::fold_bits;
use crate::simulator::{Call, RunResult, Simulator};
use ferroq_core::noisy::{self, Estimate};
use ferroq_core::{
    Backend, Circuit, DensityMatrix, Error, Machine, Observable, ParamBinding, Plan, Result,
};
use std::borrow::Cow;

/// Trajectories [`Call::expectation`] averages over for a noisy circuit.
pub const DEFAULT_TRAJECTORIES: usize = 1000;

impl Simulator {
    /// `circuit` with this simulator's noise model applied (unchanged without one).
    pub fn with_noise<'c>(&self, circuit: &'c Circuit) -> Result<Cow<'c, Circuit>> {
        match &self.options().noise {
            Some(model) if !model.is_empty() => Ok(Cow::Owned(model.apply(circuit)?)),
            _ => Ok(Cow::Borrowed(circuit)),
        }
    }

    pub(crate) fn refuse_noise(&self, what: &str) -> Result<()> {
        match &self.options().noise {
            Some(model) if !model.is_empty() => Err(Error::invalid(format!(
                "{what} of noisy circuits are not supported (the simulator has a noise model)"
            ))),
            _ => Ok(()),
        }
    }

    /// Expectation values over `trajectories` trajectories; see
    /// [`Call::expectation_estimates`].
    pub fn expectation_estimates(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        binding: &ParamBinding,
        trajectories: usize,
    ) -> Result<Vec<Estimate>> {
        self.call()
            .expectation_estimates(circuit, observables, binding, trajectories)
    }

    /// The exact final density matrix of `circuit` (noise model applied), at most
    /// [`MAX_DENSITY_QUBITS`](ferroq_core::density::MAX_DENSITY_QUBITS) qubits, computed
    /// on the host (see [`ferroq_core::density`]).
    pub fn density_matrix(
        &self,
        circuit: &Circuit,
        binding: &ParamBinding,
    ) -> Result<DensityMatrix> {
        DensityMatrix::simulate(&*self.with_noise(circuit)?, binding)
    }
}

impl Call<'_> {
    /// One trajectory of noisy `plan` from `|0…0>`.
    pub(crate) fn run_trajectory(&self, plan: &Plan, values: &[f64]) -> Result<RunResult> {
        let seed = self.sim.next_seed();
        let mut state = self.sim.backend().new_state(plan.num_qubits())?;
        let classical = noisy::run_trajectory(&mut state, plan, values, seed, 0, &self.interrupt)?;
        Ok(RunResult {
            machine: Machine::from_parts(state, classical),
        })
    }

    /// Basis-index shots of noisy `plan` (one trajectory per shot, grouped).
    pub(crate) fn sample_trajectories(
        &self,
        plan: &Plan,
        binding: &ParamBinding,
        shots: usize,
        seed: u64,
    ) -> Result<Vec<u64>> {
        let values = plan.values_of(binding)?;
        let interrupt = self.interrupt;
        dispatch!(self.sim.backend(), b => noisy::sample_trajectories(
            b, plan, &values, shots, seed, &interrupt
        ))
    }

    /// Classical-register shots of noisy `plan` with mid-circuit measurement: one
    /// trajectory per shot.
    pub(crate) fn shots_of_trajectories(
        &self,
        plan: &Plan,
        binding: &ParamBinding,
        shots: usize,
        seed: u64,
    ) -> Result<Vec<u64>> {
        let values = plan.values_of(binding)?;
        let interrupt = self.interrupt;
        dispatch!(self.sim.backend(), b => b.for_each_item(
            plan.num_qubits(),
            shots,
            &interrupt,
            &|i, state| {
                let classical = noisy::run_trajectory(state, plan, &values, seed, i, &interrupt)?;
                Ok(fold_bits(classical.clbits()))
            },
        ))
    }

    /// Expectation values of `observables` (noise model applied) as the mean over
    /// `trajectories` trajectories and its standard error. A circuit without noise
    /// gives the exact values (standard error 0, one trajectory).
    pub fn expectation_estimates(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        binding: &ParamBinding,
        trajectories: usize,
    ) -> Result<Vec<Estimate>> {
        let plan = self.sim.compile(circuit)?;
        if !plan.has_noise() {
            let values = self.run(circuit, binding)?.expectations(observables)?;
            return Ok(values
                .into_iter()
                .map(|mean| Estimate {
                    mean,
                    std_error: 0.0,
                    trajectories: 1,
                })
                .collect());
        }
        let values = plan.values_of(binding)?;
        let seed = self.sim.next_seed();
        let interrupt = self.interrupt;
        dispatch!(self.sim.backend(), b => noisy::expectation_trajectories(
            b, &plan, &values, observables, trajectories, seed, &interrupt
        ))
    }
}

//! `Simulator`: one object that compiles circuits (once per circuit content, cached)
//! and runs them on the chosen backend.

use crate::any::{dispatch, AnyBackend, AnyState, BackendConfig, BackendKind};
use crate::cache::PlanCache;
use crate::shots::{
    check_shot_width, fold_bits, fold_terminal, misread, split_terminal_measurements,
    TerminalMeasurements,
};
use ferroq_core::machine::{execute, sample, Classical, SAMPLE_BYTES_PER_SHOT};
use ferroq_core::memory::check_host_bytes;
use ferroq_core::{
    gradient, rng::derive_seed, Backend, BatchOptions, BoundProgram, Capabilities, Circuit,
    CompileOptions, DiffPlan, Gradient, Interrupt, Machine, NoiseModel, Observable, Output,
    ParamBinding, ParamSets, Plan, Precision, Readout, Result, StateVector, Vjp,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Options of a [`Simulator`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimulatorOptions {
    /// Backend to build, with its typed options.
    pub backend: BackendConfig,
    /// Seed for measurements and sampling; `None` draws a fresh seed per call.
    pub seed: Option<u64>,
    /// Compile options; `None` uses the backend's preferred ones.
    pub compile: Option<CompileOptions>,
    /// Noise applied to every circuit before it is compiled; noisy circuits run as
    /// trajectories (see [`ferroq_core::noisy`]).
    pub noise: Option<NoiseModel>,
}

/// Compiles circuits and runs them on one backend. Compiled plans are cached per
/// circuit content ([`Circuit::revision`]) and compile options, so running, sampling or
/// sweeping one circuit again does not recompile it. Cheap to clone (shared).
///
/// ```
/// use ferroq::{Circuit, Simulator, BackendKind, ParamBinding, Observable};
/// let sim = Simulator::new(BackendKind::Cpu).unwrap();
/// let mut c = Circuit::new(2);
/// c.h(0).cx(0, 1).rz("theta", 1);
/// let b = ParamBinding::new().with("theta", 0.25);
/// let zz: Observable = "ZZ".parse().unwrap();
/// assert!((sim.expectation(&c, &zz, &b).unwrap() - 1.0).abs() < 1e-12);
/// ```
///
/// Every call can be made interruptible: `sim.interruptible(&hook).run(..)` polls
/// `hook` between ops, shots and batch items and stops with
/// [`Error::Interrupted`](ferroq_core::Error::Interrupted).
#[derive(Debug, Clone)]
pub struct Simulator {
    backend: Arc<AnyBackend>,
    options: SimulatorOptions,
    calls: Arc<AtomicU64>,
    plans: Arc<PlanCache>,
    /// The compile options in use: the configured ones, else the backend's preference,
    /// resolved once (asking the backend reads the machine's memory).
    compile_options: CompileOptions,
}

/// The final state of one run, read lazily.
#[derive(Debug)]
pub struct RunResult {
    pub(crate) machine: Machine<AnyState>,
}

impl RunResult {
    fn read(&self, r: Readout) -> Result<Output> {
        self.machine.read(&r)
    }
    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.machine.num_qubits()
    }
    /// Precision of the state.
    pub fn precision(&self) -> Precision {
        use ferroq_core::StatePrimitives;
        self.machine.state().precision()
    }
    /// The machine: the state with its classical bits.
    pub fn machine(&self) -> &Machine<AnyState> {
        &self.machine
    }
    /// The state vector (little-endian).
    pub fn state_vector(&self) -> Result<StateVector> {
        self.read(Readout::StateVector)?.into_state_vector()
    }
    /// The state vector (little-endian), consuming the result: on the CPU the final
    /// state itself, without the copy [`RunResult::state_vector`] makes.
    pub fn into_state_vector(self) -> Result<StateVector> {
        use ferroq_core::StatePrimitives;
        self.machine.into_state().into_state_vector()
    }
    /// Probabilities of all basis states.
    pub fn probabilities(&self) -> Result<Vec<f64>> {
        self.read(Readout::Probabilities)?.into_probabilities()
    }
    /// Marginal probabilities over `qubits` (`qubits[0]` is the lowest output bit).
    pub fn marginal(&self, qubits: &[u32]) -> Result<Vec<f64>> {
        self.read(Readout::Marginal(qubits.to_vec()))?
            .into_probabilities()
    }
    /// Samples basis-state indices from the final state.
    pub fn sample(&self, shots: usize, seed: u64) -> Result<Vec<u64>> {
        self.read(Readout::Samples { shots, seed })?.into_samples()
    }
    /// Expectation values of observables in the final state.
    pub fn expectations(&self, observables: &[Observable]) -> Result<Vec<f64>> {
        self.read(Readout::Expectation(observables.to_vec()))?
            .into_expectations()
    }
    /// Classical bits written by measurements.
    pub fn classical_bits(&self) -> Result<Vec<bool>> {
        self.read(Readout::ClassicalBits)?.into_classical_bits()
    }
}

impl Simulator {
    /// A simulator on `kind` with default options.
    pub fn new(kind: BackendKind) -> Result<Self> {
        Self::with_options(SimulatorOptions {
            backend: BackendConfig::of_kind(kind),
            ..Default::default()
        })
    }

    /// A simulator with explicit options.
    pub fn with_options(options: SimulatorOptions) -> Result<Self> {
        if let Some(c) = &options.compile {
            c.validate()?;
        }
        let backend = AnyBackend::new(&options.backend)?;
        let compile_options = options
            .compile
            .clone()
            .unwrap_or_else(|| backend.compile_options());
        Ok(Simulator {
            compile_options,
            backend: Arc::new(backend),
            options,
            calls: Arc::new(AtomicU64::new(0)),
            plans: Arc::new(PlanCache::default()),
        })
    }

    /// The backend.
    pub fn backend(&self) -> &AnyBackend {
        &self.backend
    }
    /// The backend's name (`"cpu"` or `"wgpu"`).
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }
    /// What the backend can run.
    pub fn capabilities(&self) -> Capabilities {
        self.backend.capabilities()
    }
    /// Precision of the states.
    pub fn precision(&self) -> Precision {
        self.backend.precision()
    }
    /// The options.
    pub fn options(&self) -> &SimulatorOptions {
        &self.options
    }

    /// The seed for the next call: the configured one, or a fresh one per call.
    pub(crate) fn next_seed(&self) -> u64 {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        match self.options.seed {
            Some(s) => derive_seed(s, n),
            None => {
                let t = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64);
                derive_seed(t ^ (std::process::id() as u64) << 32, n)
            }
        }
    }

    /// The compile options this simulator uses: its own, else the backend's choice.
    pub fn compile_options(&self) -> &CompileOptions {
        &self.compile_options
    }

    /// The plan of `circuit` for this backend: compiled and checked against the
    /// backend's capabilities once per circuit content, then taken from the cache.
    pub fn compile(&self, circuit: &Circuit) -> Result<Plan> {
        let options = &self.compile_options;
        self.plans.get_or_compile(circuit, options, || {
            self.backend
                .compile(&*self.with_noise(circuit)?, Some(options))
        })
    }

    /// The plan of a circuit made for one call (it is not cached: it will not be seen
    /// again, and would only push out plans that will).
    pub(crate) fn compile_once(&self, circuit: &Circuit) -> Result<Plan> {
        self.backend.compile(circuit, Some(&self.compile_options))
    }

    /// The same simulator, with every call polling `hook` and stopping with
    /// `Error::Interrupted` when it returns `true`.
    pub fn interruptible<'a>(&'a self, hook: &'a (dyn Fn() -> bool + Sync)) -> Call<'a> {
        Call {
            sim: self,
            interrupt: Interrupt::new(hook),
        }
    }

    pub(crate) fn call(&self) -> Call<'_> {
        Call {
            sim: self,
            interrupt: Interrupt::none(),
        }
    }

    /// Runs `circuit` (parameters bound by `binding`) from |0…0> and returns the final state.
    pub fn run(&self, circuit: &Circuit, binding: &ParamBinding) -> Result<RunResult> {
        self.call().run(circuit, binding)
    }
    /// Runs a bound program from |0…0>.
    pub fn run_program(&self, program: &BoundProgram) -> Result<RunResult> {
        self.call().run_program(program)
    }
    /// The final state vector.
    pub fn state_vector(&self, circuit: &Circuit, binding: &ParamBinding) -> Result<StateVector> {
        self.call().run(circuit, binding)?.into_state_vector()
    }
    /// The expectation value of `observable` in the final state.
    pub fn expectation(
        &self,
        circuit: &Circuit,
        observable: &Observable,
        binding: &ParamBinding,
    ) -> Result<f64> {
        self.call().expectation(circuit, observable, binding)
    }
    /// Draws `shots` outcomes; see [`Call::sample`].
    pub fn sample(
        &self,
        circuit: &Circuit,
        shots: usize,
        binding: &ParamBinding,
    ) -> Result<Vec<u64>> {
        self.call().sample(circuit, shots, binding)
    }
    /// Runs `circuit` once per row of `sets`; see [`Call::run_batch`].
    pub fn run_batch(
        &self,
        circuit: &Circuit,
        sets: &ParamSets,
        request: &Readout,
    ) -> Result<Vec<Output>> {
        self.call().run_batch(circuit, sets, request)
    }
    /// Expectation values and their Jacobian by the adjoint method; see
    /// [`Call::gradient`].
    pub fn gradient(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        binding: &ParamBinding,
    ) -> Result<Gradient> {
        self.call().gradient(circuit, observables, binding)
    }
    /// [`Simulator::gradient`] for every row of `sets`; see [`Call::gradient_batch`].
    pub fn gradient_batch(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        sets: &ParamSets,
    ) -> Result<Vec<Gradient>> {
        self.call().gradient_batch(circuit, observables, sets)
    }
    /// Expectation values and a vector–Jacobian product; see [`Call::vjp`].
    pub fn vjp(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        cotangent: &[f64],
        binding: &ParamBinding,
    ) -> Result<Vjp> {
        self.call().vjp(circuit, observables, cotangent, binding)
    }
}

/// One or more calls on a [`Simulator`] sharing an interrupt hook (see
/// [`Simulator::interruptible`]).
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub(crate) sim: &'a Simulator,
    pub(crate) interrupt: Interrupt<'a>,
}

impl Call<'_> {
    /// Runs `circuit` (parameters bound by `binding`) from |0…0> and returns the final state.
    /// A noisy circuit runs one trajectory (seeded like a measurement).
    pub fn run(&self, circuit: &Circuit, binding: &ParamBinding) -> Result<RunResult> {
        let plan = self.sim.compile(circuit)?;
        if plan.has_noise() {
            return self.run_trajectory(&plan, &plan.values_of(binding)?);
        }
        self.run_program(&plan.bind_named(binding)?)
    }

    /// Runs a bound program from |0…0>.
    pub fn run_program(&self, program: &BoundProgram) -> Result<RunResult> {
        let mut machine = self
            .sim
            .backend
            .alloc(program.num_qubits(), self.sim.next_seed())?;
        machine.run(program, &self.interrupt)?;
        Ok(RunResult { machine })
    }

    /// The expectation value of `observable` in the final state; for a noisy circuit
    /// the mean over [`DEFAULT_TRAJECTORIES`](crate::DEFAULT_TRAJECTORIES) trajectories
    /// (see [`Call::expectation_estimates`] for the standard error and the count).
    pub fn expectation(
        &self,
        circuit: &Circuit,
        observable: &Observable,
        binding: &ParamBinding,
    ) -> Result<f64> {
        let plan = self.sim.compile(circuit)?;
        if plan.has_noise() {
            let e = self.expectation_estimates(
                circuit,
                std::slice::from_ref(observable),
                binding,
                crate::DEFAULT_TRAJECTORIES,
            )?;
            return Ok(e[0].mean);
        }
        Ok(self
            .run(circuit, binding)?
            .expectations(std::slice::from_ref(observable))?[0])
    }

    /// Draws `shots` outcomes.
    ///
    /// Without measurements, each outcome is a basis-state index over all qubits. With
    /// measurements, each outcome is the classical register (clbit 0 = lowest bit; at
    /// most 64 bits; where two measurements write one bit, the later one wins):
    /// terminal measurements are sampled from one final state; circuits with
    /// mid-circuit measurement, reset or classical control are re-run once per shot
    /// (shot `i` seeded by `derive_seed(seed, i)`, items in parallel where the backend
    /// can). Buffers are checked against the memory available before allocating.
    pub fn sample(
        &self,
        circuit: &Circuit,
        shots: usize,
        binding: &ParamBinding,
    ) -> Result<Vec<u64>> {
        let seed = self.sim.next_seed();
        match split_terminal_measurements(&*self.sim.with_noise(circuit)?)? {
            TerminalMeasurements::None => {
                let plan = self.sim.compile(circuit)?;
                if plan.has_noise() {
                    return self.sample_trajectories(&plan, binding, shots, seed);
                }
                let result = self.run(circuit, binding)?;
                sample(result.machine.state(), shots, seed)
            }
            TerminalMeasurements::Terminal {
                unitary,
                map,
                readout,
            } => {
                check_shot_width(circuit.num_clbits())?;
                let plan = self.sim.compile_once(&unitary)?;
                let mut draws = if plan.has_noise() {
                    self.sample_trajectories(&plan, binding, shots, seed)?
                } else {
                    let result = self.run_program(&plan.bind_named(binding)?)?;
                    sample(result.machine.state(), shots, seed)?
                };
                for d in &mut draws {
                    *d = fold_terminal(*d, &map);
                }
                misread(&mut draws, &readout, seed);
                Ok(draws)
            }
            TerminalMeasurements::MidCircuit => {
                check_shot_width(circuit.num_clbits())?;
                check_host_bytes(
                    shots as u128 * SAMPLE_BYTES_PER_SHOT,
                    &format!("{shots} shots"),
                    None,
                )?;
                let plan = self.sim.compile(circuit)?;
                if plan.has_noise() {
                    return self.shots_of_trajectories(&plan, binding, shots, seed);
                }
                let program = plan.bind_named(binding)?;
                let interrupt = self.interrupt;
                let n = program.num_qubits();
                dispatch!(&*self.sim.backend, b => b.for_each_item(
                    n,
                    shots,
                    &interrupt,
                    &|i, state| {
                        let mut classical = Classical::new(derive_seed(seed, i as u64));
                        execute(state, &mut classical, &program, &interrupt)?;
                        Ok(fold_bits(classical.clbits()))
                    },
                ))
            }
        }
    }

    /// Runs `circuit` from |0…0> once per row of `sets` and reads `request` from each
    /// final state, in one call (parallel across items for small states, across
    /// amplitudes for large ones). Item `i` seeds its measurements with
    /// `derive_seed(seed, i)`.
    pub fn run_batch(
        &self,
        circuit: &Circuit,
        sets: &ParamSets,
        request: &Readout,
    ) -> Result<Vec<Output>> {
        let plan = self.sim.compile(circuit)?;
        self.sim.backend.run_batch(
            &plan,
            sets,
            request,
            &BatchOptions {
                seed: self.sim.next_seed(),
                interrupt: self.interrupt,
            },
        )
    }
}

impl Call<'_> {
    /// Expectation values `<O_k>` of the final state and their Jacobian
    /// `jacobian[k][p] = d<O_k>/dθ_p`, `p` in [`Circuit::parameters`] order (sorted
    /// names), by the adjoint method ([`ferroq_core::gradient`]): one forward run and
    /// one backward sweep, whatever the number of parameters. Affine parameter
    /// expressions are chained (a name used by several gates sums their contributions).
    ///
    /// Holds `2 + observables.len()` state vectors (checked against memory before
    /// allocating). A circuit with a measurement, reset or classical condition is an
    /// [`Error::InvalidArgument`](ferroq_core::Error::InvalidArgument).
    ///
    /// ```
    /// use ferroq::{BackendKind, Circuit, Observable, ParamBinding, Simulator};
    /// let sim = Simulator::new(BackendKind::Cpu).unwrap();
    /// let mut c = Circuit::new(1);
    /// c.rx("2*t", 0);
    /// let z: Observable = "Z".parse().unwrap();
    /// let g = sim.gradient(&c, &[z], &ParamBinding::new().with("t", 0.2)).unwrap();
    /// assert!((g.values[0] - 0.4f64.cos()).abs() < 1e-12);
    /// assert!((g.jacobian[0][0] + 2.0 * 0.4f64.sin()).abs() < 1e-12);
    /// ```
    pub fn gradient(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        binding: &ParamBinding,
    ) -> Result<Gradient> {
        self.sim.refuse_noise("gradients")?;
        let plan = DiffPlan::new(circuit, self.sim.compile_options())?;
        let values = plan.values(binding)?;
        let interrupt = self.interrupt;
        dispatch!(&*self.sim.backend, b => gradient::gradient(
            b, &plan, &values, observables, &interrupt
        ))
    }

    /// [`Call::gradient`] for every row of `sets` (columns matched to the circuit's
    /// parameters by name), in one call: items in parallel for small states, one at a
    /// time with parallel kernels for large ones.
    pub fn gradient_batch(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        sets: &ParamSets,
    ) -> Result<Vec<Gradient>> {
        self.sim.refuse_noise("gradients")?;
        let plan = DiffPlan::new(circuit, self.sim.compile_options())?;
        let interrupt = self.interrupt;
        dispatch!(&*self.sim.backend, b => gradient::gradient_batch(
            b, &plan, sets, observables, &interrupt
        ))
    }

    /// Expectation values and the vector–Jacobian product
    /// `gradient[p] = Σ_k cotangent[k] · d<O_k>/dθ_p` (`p` in [`Circuit::parameters`]
    /// order), with the observables folded into one Hamiltonian: 3 state vectors
    /// whatever their number (the form a machine-learning framework's backward pass
    /// calls).
    pub fn vjp(
        &self,
        circuit: &Circuit,
        observables: &[Observable],
        cotangent: &[f64],
        binding: &ParamBinding,
    ) -> Result<Vjp> {
        self.sim.refuse_noise("vector-Jacobian products")?;
        let plan = DiffPlan::new(circuit, self.sim.compile_options())?;
        let values = plan.values(binding)?;
        let interrupt = self.interrupt;
        dispatch!(&*self.sim.backend, b => gradient::vjp(
            b, &plan, &values, observables, cotangent, &interrupt
        ))
    }
}

/// What this build can run: one entry per backend (and GPU adapter) found.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendInfo {
    /// Backend name for [`BackendKind`] (`"cpu"`, `"wgpu"`, `"mpi"`).
    pub name: String,
    /// Device description.
    pub device: String,
    /// Precisions it offers.
    pub precisions: Vec<Precision>,
    /// Whether it can be used here.
    pub available: bool,
    /// Why not, when it cannot.
    pub reason: Option<String>,
}

/// Lists the backends compiled in and the devices found.
pub fn available_backends() -> Vec<BackendInfo> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut out = vec![BackendInfo {
        name: "cpu".into(),
        device: format!("{threads} CPU threads"),
        precisions: vec![Precision::Double, Precision::Single],
        available: true,
        reason: None,
    }];
    let adapters = crate::gpu::adapters();
    if adapters.is_empty() {
        out.push(BackendInfo {
            name: "wgpu".into(),
            device: "none".into(),
            precisions: Vec::new(),
            available: false,
            reason: Some(if crate::gpu::COMPILED_IN {
                "no GPU adapter found".into()
            } else {
                "built without the `wgpu` feature".into()
            }),
        });
    }
    #[allow(unreachable_code, unused_variables)]
    for a in adapters {
        out.push(crate::gpu::describe(a));
    }
    out.push(BackendInfo {
        name: "mpi".into(),
        device: "the ranks of mpirun, the CPU backend on each".into(),
        precisions: vec![Precision::Double, Precision::Single],
        available: ferroq_mpi::COMPILED_IN,
        reason: (!ferroq_mpi::COMPILED_IN).then(|| "built without the `mpi` feature".into()),
    });
    out
}

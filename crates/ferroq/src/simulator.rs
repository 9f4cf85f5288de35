//! `Simulator`: one object that compiles circuits and runs them on the chosen backend.

use crate::any::{AnyBackend, AnyState, BackendConfig, BackendKind};
use crate::shots::{split_terminal_measurements, TerminalMeasurements};
use ferroq_core::{
    compile, rng::derive_seed, Backend, BatchOptions, Circuit, CompileOptions, Error, Observable,
    Output, ParamBinding, Precision, Program, Readout, Result, StateVector,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Options of a [`Simulator`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SimulatorOptions {
    /// Backend to build.
    pub backend: BackendConfig,
    /// Seed for measurements and sampling; `None` draws a fresh seed per call.
    pub seed: Option<u64>,
    /// Compile options; `None` uses the backend's preferred ones.
    pub compile: Option<CompileOptions>,
}

/// Compiles circuits and runs them on one backend.
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
#[derive(Debug, Clone)]
pub struct Simulator {
    backend: Arc<AnyBackend>,
    options: SimulatorOptions,
    calls: Arc<AtomicU64>,
}

/// The final state of one run, read lazily.
#[derive(Debug)]
pub struct RunResult {
    backend: Arc<AnyBackend>,
    state: AnyState,
    num_qubits: u32,
}

impl RunResult {
    fn read(&self, r: Readout) -> Result<Output> {
        self.backend.read(&self.state, &r)
    }
    /// Qubit count.
    pub fn num_qubits(&self) -> u32 {
        self.num_qubits
    }
    /// Precision of the state.
    pub fn precision(&self) -> Precision {
        self.backend.precision()
    }
    /// The state vector (little-endian).
    pub fn state_vector(&self) -> Result<StateVector> {
        self.read(Readout::StateVector)?.into_state_vector()
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
            backend: BackendConfig {
                kind,
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// A simulator with explicit options.
    pub fn with_options(options: SimulatorOptions) -> Result<Self> {
        Ok(Simulator {
            backend: Arc::new(AnyBackend::new(&options.backend)?),
            options,
            calls: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The backend.
    pub fn backend(&self) -> &AnyBackend {
        &self.backend
    }
    /// The backend's name (`"cpu"` or `"wgpu"`).
    pub fn backend_name(&self) -> &str {
        self.backend.name()
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
    fn next_seed(&self) -> u64 {
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
    pub fn compile_options(&self) -> CompileOptions {
        self.options
            .compile
            .clone()
            .unwrap_or_else(|| self.backend.compile_options())
    }

    /// Compiles `circuit` with this simulator's compile options.
    pub fn compile(&self, circuit: &Circuit) -> Result<Program> {
        compile(circuit, &self.compile_options())
    }

    /// Runs `circuit` (parameters bound by `binding`) from |0…0> and returns the final state.
    pub fn run(&self, circuit: &Circuit, binding: &ParamBinding) -> Result<RunResult> {
        let program = self.compile(circuit)?.bind(binding)?;
        self.run_program(&program)
    }

    /// Runs a compiled, bound program from |0…0>.
    pub fn run_program(&self, program: &Program) -> Result<RunResult> {
        let mut state = self.backend.alloc(program.num_qubits(), self.next_seed())?;
        self.backend.run(&mut state, program)?;
        Ok(RunResult {
            backend: self.backend.clone(),
            state,
            num_qubits: program.num_qubits(),
        })
    }

    /// The final state vector.
    pub fn state_vector(&self, circuit: &Circuit, binding: &ParamBinding) -> Result<StateVector> {
        self.run(circuit, binding)?.state_vector()
    }

    /// The expectation value of `observable` in the final state.
    pub fn expectation(
        &self,
        circuit: &Circuit,
        observable: &Observable,
        binding: &ParamBinding,
    ) -> Result<f64> {
        Ok(self
            .run(circuit, binding)?
            .expectations(std::slice::from_ref(observable))?[0])
    }

    /// Draws `shots` outcomes.
    ///
    /// Without measurements, each outcome is a basis-state index over all qubits. With
    /// measurements, each outcome is the classical register (clbit 0 = lowest bit):
    /// terminal measurements are sampled from one final state; circuits with
    /// mid-circuit measurement, reset or classical control are re-run once per shot.
    pub fn sample(
        &self,
        circuit: &Circuit,
        shots: usize,
        binding: &ParamBinding,
    ) -> Result<Vec<u64>> {
        let seed = self.next_seed();
        match split_terminal_measurements(circuit)? {
            TerminalMeasurements::None => {
                let result = self.run(circuit, binding)?;
                result.sample(shots, seed)
            }
            TerminalMeasurements::Terminal { unitary, map } => {
                let result = self.run(&unitary, binding)?;
                let draws = result.sample(shots, seed)?;
                Ok(draws
                    .into_iter()
                    .map(|idx| {
                        map.iter()
                            .fold(0u64, |acc, &(q, c)| acc | (((idx >> q) & 1) << c))
                    })
                    .collect())
            }
            TerminalMeasurements::MidCircuit => {
                if circuit.num_clbits() > 64 {
                    return Err(Error::invalid(
                        "sampling supports at most 64 classical bits",
                    ));
                }
                let program = self.compile(circuit)?;
                let bindings = vec![binding.clone(); shots];
                let outs = self.backend.run_batch(
                    &program,
                    &bindings,
                    &Readout::ClassicalBits,
                    &BatchOptions {
                        seed,
                        interrupt: None,
                    },
                )?;
                outs.into_iter()
                    .map(|o| {
                        let bits = o.into_classical_bits()?;
                        Ok(bits
                            .iter()
                            .enumerate()
                            .fold(0u64, |acc, (j, &b)| acc | ((b as u64) << j)))
                    })
                    .collect()
            }
        }
    }

    /// Runs `circuit` once per binding and reads `request` from each final state, in one
    /// call (parallel across items for small states, across amplitudes for large ones).
    /// `interrupt` is polled on the calling thread between groups of items.
    pub fn run_batch(
        &self,
        circuit: &Circuit,
        bindings: &[ParamBinding],
        request: &Readout,
        interrupt: Option<&(dyn Fn() -> bool + Sync)>,
    ) -> Result<Vec<Output>> {
        let program = self.compile(circuit)?;
        self.backend.run_batch(
            &program,
            bindings,
            request,
            &BatchOptions {
                seed: self.next_seed(),
                interrupt,
            },
        )
    }
}

/// What this build can run: one entry per backend (and GPU adapter) found.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendInfo {
    /// Backend name for [`BackendKind`] (`"cpu"`, `"wgpu"`).
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
    #[allow(unused_mut)]
    let mut out = vec![BackendInfo {
        name: "cpu".into(),
        device: format!("{threads} CPU threads"),
        precisions: vec![Precision::Double, Precision::Single],
        available: true,
        reason: None,
    }];
    #[cfg(feature = "wgpu")]
    {
        let adapters = ferroq_wgpu::adapters();
        if adapters.is_empty() {
            out.push(BackendInfo {
                name: "wgpu".into(),
                device: "none".into(),
                precisions: Vec::new(),
                available: false,
                reason: Some("no GPU adapter found".into()),
            });
        }
        for a in adapters {
            let mut precisions = vec![Precision::Single];
            if a.supports_f64 {
                precisions.push(Precision::Double);
            }
            out.push(BackendInfo {
                name: "wgpu".into(),
                device: format!("{} ({}, {})", a.name, a.backend, a.device_type),
                precisions,
                available: true,
                reason: None,
            });
        }
    }
    #[cfg(not(feature = "wgpu"))]
    out.push(BackendInfo {
        name: "wgpu".into(),
        device: "none".into(),
        precisions: Vec::new(),
        available: false,
        reason: Some("built without the `wgpu` feature".into()),
    });
    out
}

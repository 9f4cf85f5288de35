//! The benchmark circuit families, generated deterministically.
//!
//! These are the canonical definitions: `python/benchmarks/peers.py` rebuilds exactly
//! the same circuits (same gates, same order, same angles from the same [`Rng`]
//! stream), so every number ferroq-bench prints can be compared with the peers'.

use ferroq::{Circuit, Observable, ParamBinding, Pauli, Rng};
use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

/// Default number of layers of the random layered circuit.
pub const DEFAULT_LAYERS: u32 = 10;
/// Default seed of the random layered circuit (and of the sweep's parameter sets).
pub const DEFAULT_SEED: u64 = 42;
/// Layers of the parameter-sweep ansatz.
pub const SWEEP_LAYERS: u32 = 2;
/// By default the parameter-sweep batch does about `2^24` amplitude updates per ansatz
/// gate in total: `batch = 2^(24 - n)` items, capped ([`sweep_batch_size`]).
pub const SWEEP_WORK_QUBITS: u32 = 24;
/// Largest parameter-sweep batch (10,000 sets of a 10-qubit ansatz, as issue 7 asks).
pub const SWEEP_MAX_BATCH: usize = 10_000;
/// Angle of the parametrised single-gate passes.
pub const PASS_ANGLE: f64 = 0.7;

/// A circuit family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// `H(0)` then a CNOT chain `CX(q-1, q)`: n gates.
    Ghz,
    /// Quantum Fourier transform without the final swaps: `H` and controlled phases,
    /// n(n+1)/2 gates.
    Qft,
    /// Random layered circuit: per layer a random rx/ry/rz (random angle) on every
    /// qubit, then CZ on alternating neighbour pairs.
    Random,
    /// One Hadamard on qubit 0 (lowest stride).
    Pass1qLow,
    /// One Hadamard on qubit n-1 (highest stride).
    Pass1qHigh,
    /// One dense 2-qubit gate, `RXX(0.7)` on qubits 0 and n-1.
    Pass2q,
    /// One diagonal gate, `RZZ(0.7)` on qubits 0 and n-1.
    PassDiag,
    /// A batch of parameter sets of a symbolic ansatz run through `run_batch`, with
    /// `<Σ Z_q>/n` read from each final state.
    Sweep,
    /// The adjoint gradient of `H = Σ Z_q Z_{q+1} + 0.5 Σ X_q` for one parameter set of
    /// a hardware-efficient ansatz ([`GRADIENT_LAYERS`] layers of `ry`, `rz` on every
    /// qubit, then a CNOT chain; `2 n L` parameters). Run only when named
    /// (`--families gradient`): not in [`Family::ALL`].
    Gradient,
    /// QAOA on a random interaction graph (`ferroq::library::qaoa_random_graph`,
    /// `layers` layers), its ZZ terms written `CX · RZ · CX` as frameworks emit them.
    /// Run only when named.
    QaoaCx,
    /// The same circuit with each ZZ term one native `RZZ`. Run only when named.
    QaoaRzz,
}

impl Family {
    /// Every family, in report order.
    pub const ALL: [Family; 8] = [
        Family::Ghz,
        Family::Qft,
        Family::Random,
        Family::Pass1qLow,
        Family::Pass1qHigh,
        Family::Pass2q,
        Family::PassDiag,
        Family::Sweep,
    ];

    /// Families run only when named.
    pub const EXTRA: [Family; 3] = [Family::Gradient, Family::QaoaCx, Family::QaoaRzz];

    /// Name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Family::Ghz => "ghz",
            Family::Qft => "qft",
            Family::Random => "random",
            Family::Pass1qLow => "pass-1q-low",
            Family::Pass1qHigh => "pass-1q-high",
            Family::Pass2q => "pass-2q",
            Family::PassDiag => "pass-diag",
            Family::Sweep => "sweep",
            Family::Gradient => "gradient",
            Family::QaoaCx => "qaoa-cx",
            Family::QaoaRzz => "qaoa-rzz",
        }
    }

    /// `true` for the single-gate passes (timed unfused: one op, one sweep of memory).
    pub fn is_pass(self) -> bool {
        matches!(
            self,
            Family::Pass1qLow | Family::Pass1qHigh | Family::Pass2q | Family::PassDiag
        )
    }

    /// Smallest qubit count the family is defined for.
    pub fn min_qubits(self) -> u32 {
        match self {
            Family::Pass2q
            | Family::PassDiag
            | Family::Sweep
            | Family::Ghz
            | Family::Gradient
            | Family::QaoaCx
            | Family::QaoaRzz => 2,
            _ => 1,
        }
    }

    /// The circuit of this family on `n` qubits (`layers` and `seed` only matter for
    /// [`Family::Random`] and the QAOA families; [`Family::Sweep`] gives its symbolic
    /// ansatz).
    pub fn circuit(self, n: u32, layers: u32, seed: u64) -> Circuit {
        match self {
            Family::Ghz => ghz(n),
            Family::Qft => qft(n),
            Family::Random => random_layers(n, layers, seed),
            Family::Pass1qLow => {
                let mut c = Circuit::new(n);
                c.h(0);
                c
            }
            Family::Pass1qHigh => {
                let mut c = Circuit::new(n);
                c.h(n - 1);
                c
            }
            Family::Pass2q => {
                let mut c = Circuit::new(n);
                c.rxx(PASS_ANGLE, 0, n - 1);
                c
            }
            Family::PassDiag => {
                let mut c = Circuit::new(n);
                c.rzz(PASS_ANGLE, 0, n - 1);
                c
            }
            Family::Sweep => sweep_ansatz(n, SWEEP_LAYERS),
            Family::Gradient => gradient_ansatz(n, GRADIENT_LAYERS),
            Family::QaoaCx => qaoa_random_graph(n, layers, seed, false),
            Family::QaoaRzz => qaoa_random_graph(n, layers, seed, true),
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Family {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_ascii_lowercase();
        Family::ALL
            .into_iter()
            .chain(Family::EXTRA)
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Family::ALL
                    .iter()
                    .chain(&Family::EXTRA)
                    .map(|f| f.name())
                    .collect();
                format!("unknown family `{s}`: expected one of {}", names.join(", "))
            })
    }
}

pub use ferroq::library::{ghz, qaoa_random_graph, qft, random_layers};

/// Name of the sweep ansatz's parameter `kind` ("a" for ry, "b" for rz) of `layer` and
/// qubit `q`.
pub fn sweep_param(kind: char, layer: u32, q: u32) -> String {
    format!("{kind}{layer}_{q}")
}

/// A hardware-efficient ansatz with symbolic angles: per layer `ry(a{l}_q)` and
/// `rz(b{l}_q)` on every qubit, then CZ on alternating neighbour pairs.
pub fn sweep_ansatz(n: u32, layers: u32) -> Circuit {
    let mut c = Circuit::new(n);
    for layer in 0..layers {
        for q in 0..n {
            c.ry(sweep_param('a', layer, q).as_str(), q);
            c.rz(sweep_param('b', layer, q).as_str(), q);
        }
        for q in ((layer % 2)..n.saturating_sub(1)).step_by(2) {
            c.cz(q, q + 1);
        }
    }
    c
}

/// Number of parameter sets of the sweep batch on `n` qubits: `2^(work_qubits - n)`,
/// at most 10,000, at least 1 — about the same work at every size.
pub fn sweep_batch_size(n: u32, work_qubits: u32) -> usize {
    if n >= work_qubits {
        1
    } else {
        (1usize << (work_qubits - n).min(20)).min(SWEEP_MAX_BATCH)
    }
}

/// `count` random parameter sets of [`sweep_ansatz`]`(n, layers)` from `Rng::new(seed)`:
/// set by set, layer by layer, qubit by qubit, `a` then `b`, each `next_f64() * 2π`.
pub fn sweep_bindings(n: u32, layers: u32, count: usize, seed: u64) -> Vec<ParamBinding> {
    let mut rng = Rng::new(seed);
    (0..count)
        .map(|_| {
            let mut b = ParamBinding::new();
            for layer in 0..layers {
                for q in 0..n {
                    for kind in ['a', 'b'] {
                        b = b.with(sweep_param(kind, layer, q), rng.next_f64() * 2.0 * PI);
                    }
                }
            }
            b
        })
        .collect()
}

/// Layers of the gradient family's ansatz (as the gradient issue's benchmark asks).
pub const GRADIENT_LAYERS: u32 = 10;

/// The gradient family's ansatz: `layers` layers of `ry(t…)`, `rz(t…)` on every qubit,
/// then a CNOT chain; parameters named `t00000`, `t00001`, … in circuit order (which is
/// also their sorted order).
pub fn gradient_ansatz(n: u32, layers: u32) -> Circuit {
    let mut c = Circuit::new(n);
    let mut k = 0;
    for _ in 0..layers {
        for q in 0..n {
            c.ry(format!("t{k:05}").as_str(), q);
            c.rz(format!("t{:05}", k + 1).as_str(), q);
            k += 2;
        }
        for q in 1..n {
            c.cx(q - 1, q);
        }
    }
    c
}

/// The gradient family's observable, `Σ_q Z_q Z_{q+1} + 0.5 Σ_q X_q`.
pub fn gradient_observable(n: u32) -> Observable {
    let zz = (1..n).fold(Observable::new(), |o, q| {
        o.with_term(1.0, [(Pauli::Z, q - 1), (Pauli::Z, q)])
            .expect("two distinct qubits make a valid Pauli term")
    });
    (0..n).fold(zz, |o, q| {
        o.with_term(0.5, [(Pauli::X, q)])
            .expect("one X per term is always a valid Pauli term")
    })
}

/// The sweep's observable, `(1/n) Σ_q Z_q`.
pub fn sweep_observable(n: u32) -> Observable {
    let w = 1.0 / f64::from(n.max(1));
    (0..n).fold(Observable::new(), |o, q| {
        o.with_term(w, [(Pauli::Z, q)])
            .expect("one Z per term is always a valid Pauli term")
    })
}

/// Source gate count of `circuit` (the unit of the unfused bandwidth accounting).
pub fn gate_count(circuit: &Circuit) -> usize {
    circuit
        .instructions()
        .iter()
        .filter(|i| matches!(i.op, ferroq::Operation::Gate { .. }))
        .count()
}

/// One line per gate: `name params… | qubits…` (controls first), each numeric angle
/// as the 16 hex digits of its IEEE-754 bits — exact — in the format `peers.py --print-circuit` writes, to check both sides build the same
/// circuit.
pub fn describe(circuit: &Circuit) -> String {
    let mut out = String::new();
    for ins in circuit.instructions() {
        if let ferroq::Operation::Gate {
            gate,
            targets,
            controls,
        } = &ins.op
        {
            let params: Vec<String> = gate
                .params()
                .iter()
                .map(|p| match p.eval(&ParamBinding::new()) {
                    Ok(v) => format!("{:016x}", v.to_bits()),
                    Err(_) => p.to_string(),
                })
                .collect();
            let qubits: Vec<String> = controls.iter().chain(targets).map(u32::to_string).collect();
            out.push_str(&ins.name());
            for p in params {
                out.push(' ');
                out.push_str(&p);
            }
            out.push_str(" |");
            for q in qubits {
                out.push(' ');
                out.push_str(&q);
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn gradient_family_is_named_only_and_sized_as_specified() {
        assert!(!Family::ALL.contains(&Family::Gradient));
        assert_eq!("gradient".parse::<Family>(), Ok(Family::Gradient));
        let c = Family::Gradient.circuit(5, 0, 0);
        assert_eq!(c.parameters().len(), 2 * 5 * GRADIENT_LAYERS as usize);
        assert_eq!(c.parameters()[0], "t00000");
        assert_eq!(gradient_observable(5).terms().len(), 4 + 5);
    }

    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Family::ALL {
            assert_eq!(f.name().parse::<Family>().unwrap(), f);
        }
        assert!("nope".parse::<Family>().is_err());
    }

    #[test]
    fn gate_counts() {
        assert_eq!(gate_count(&ghz(10)), 10);
        assert_eq!(gate_count(&qft(10)), 55);
        // 10 rotations per layer + 5 CZ (even layers) or 4 CZ (odd layers)
        assert_eq!(gate_count(&random_layers(10, 4, 1)), 40 + 5 + 4 + 5 + 4);
        for f in Family::ALL.into_iter().filter(|f| f.is_pass()) {
            assert_eq!(gate_count(&f.circuit(8, 1, 1)), 1, "{f}");
        }
    }

    #[test]
    fn random_is_deterministic_and_seeded() {
        assert_eq!(random_layers(6, 3, 7), random_layers(6, 3, 7));
        assert_ne!(random_layers(6, 3, 7), random_layers(6, 3, 8));
    }

    #[test]
    fn sweep_batches_and_bindings() {
        assert_eq!(sweep_batch_size(10, SWEEP_WORK_QUBITS), 10_000);
        assert_eq!(sweep_batch_size(20, SWEEP_WORK_QUBITS), 16);
        assert_eq!(sweep_batch_size(24, SWEEP_WORK_QUBITS), 1);
        assert_eq!(sweep_batch_size(30, SWEEP_WORK_QUBITS), 1);
        assert_eq!(sweep_batch_size(12, 20), 256);
        let c = sweep_ansatz(3, 2);
        assert_eq!(c.parameters().len(), 12);
        let b = sweep_bindings(3, 2, 2, 5);
        assert_eq!(b.len(), 2);
        assert_ne!(b[0], b[1]);
    }

    #[test]
    fn describe_lists_every_gate() {
        let text = describe(&ghz(3));
        assert_eq!(text.lines().count(), 3);
        assert!(text.starts_with("h | 0\n"), "{text}");
    }
}

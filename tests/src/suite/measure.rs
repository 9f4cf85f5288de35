//! Mid-circuit measurement, collapse, reset, classical bits and conditions.

use super::{
    assert_amps_close, chi_square, chi_square_bound, compile_ok, execute, max_abs_diff, read_ok,
    state_vector, tolerance,
};
use crate::circuits::teleportation;
use crate::random::{random_circuit, RandomCircuitOptions};
use crate::reference::dense::u3;
use crate::reference::{clbit_distribution, pack_bits, simulate, Branch};
use ferroq_core::{Backend, Circuit, CompileOptions, Complex64, ParamBinding, Readout, Rng};

fn zero() -> Complex64 {
    Complex64::new(0.0, 0.0)
}

fn basis(n: u32, i: usize) -> Vec<Complex64> {
    let mut v = vec![zero(); 1 << n];
    v[i] = Complex64::new(1.0, 0.0);
    v
}

/// Runs `c` with `seed`; returns the final state and classical bits.
fn run_seeded<B: Backend>(
    b: &B,
    c: &Circuit,
    opts: &CompileOptions,
    seed: u64,
) -> (Vec<Complex64>, Vec<bool>) {
    let state = execute(b, &compile_ok(c, opts), &ParamBinding::new(), seed);
    let bits = read_ok(b, &state, &Readout::ClassicalBits)
        .into_classical_bits()
        .unwrap();
    (state_vector(b, &state), bits)
}

/// Measuring one half of a Bell pair collapses both qubits consistently with the
/// recorded bit, outcomes are balanced over 200 seeds, the same seed repeats the same
/// outcome, one measurement collapses a 16-qubit GHZ state, and measuring a basis state
/// is deterministic.
pub fn measurement_collapses_state<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let mut c = Circuit::new(2);
    c.h(0).cx(0, 1).measure(0, 0);
    let opts = CompileOptions::default();
    let mut ones = 0;
    let mut first = Vec::new();
    for seed in 0..200 {
        let (v, bits) = run_seeded(b, &c, &opts, seed);
        assert_eq!(bits.len(), 1, "one classical bit expected");
        let want = if bits[0] { 3 } else { 0 };
        assert_amps_close(
            &v,
            &basis(2, want),
            tol,
            format!("Bell pair measured, seed {seed}"),
        );
        ones += bits[0] as usize;
        first.push(bits[0]);
    }
    // binomial(200, 1/2): sd ≈ 7.1, accept ±6 sd
    assert!(
        ones.abs_diff(100) <= 42,
        "{ones} of 200 Bell measurements gave 1"
    );
    for (seed, &bit) in first.iter().enumerate().take(10) {
        let (_, bits) = run_seeded(b, &c, &opts, seed as u64);
        assert_eq!(bits[0], bit, "seed {seed} is not reproducible");
    }
    // a large state: measuring one qubit of GHZ-16 collapses all sixteen
    let mut big = crate::circuits::ghz(16);
    big.measure(7, 0);
    let top = (1 << 16) - 1;
    for seed in 0..6 {
        let (v, bits) = run_seeded(b, &big, &opts, seed);
        let want = if bits[0] { top } else { 0 };
        assert_amps_close(
            &v,
            &basis(16, want),
            tol,
            format!("GHZ-16 measured, seed {seed}"),
        );
    }
    let mut det = Circuit::new(3);
    det.x(1).measure(0, 0).measure(1, 1).measure(2, 2);
    for seed in 0..10 {
        let (v, bits) = run_seeded(b, &det, &opts, seed);
        assert_eq!(
            bits,
            vec![false, true, false],
            "measuring |010>, seed {seed}"
        );
        assert_amps_close(&v, &basis(3, 2), tol, "measuring |010> leaves it unchanged");
    }
}

/// `reset` sends |1> and |+> to |0>, and resets one half of a Bell pair to give |00>
/// or |10> (both seen over 40 seeds).
pub fn reset_returns_to_zero<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let opts = CompileOptions::default();
    for seed in 0..20 {
        let mut c = Circuit::new(2);
        c.x(0).h(1).reset(0).reset(1);
        let (v, _) = run_seeded(b, &c, &opts, seed);
        assert_amps_close(
            &v,
            &basis(2, 0),
            tol,
            format!("reset of |1>, |+>, seed {seed}"),
        );
    }
    let mut c = Circuit::new(2);
    c.h(0).cx(0, 1).reset(0);
    let mut seen = [false; 4];
    for seed in 0..40 {
        let (v, _) = run_seeded(b, &c, &opts, seed);
        let i = if v[2].norm() > 0.5 { 2 } else { 0 };
        assert_amps_close(
            &v,
            &basis(2, i),
            tol,
            format!("reset of a Bell half, seed {seed}"),
        );
        seen[i] = true;
    }
    assert!(
        seen[0] && seen[2],
        "reset of a Bell half never gave one of |00>, |10>"
    );
}

/// Teleportation with mid-circuit measurements and `c_if` corrections delivers the input
/// state to qubit 2 for every outcome (all four seen), fused and unfused.
pub fn teleportation_with_conditionals<B: Backend>(b: &B) {
    let tol = tolerance(b);
    for (t, p, l) in [(1.1, 0.4, -2.0), (0.3, -1.0, 0.7), (2.9, 2.2, 0.0)] {
        let psi = u3(t, p, l).column(0);
        let circuit = teleportation(t, p, l);
        for opts in [CompileOptions::unfused(), CompileOptions::default()] {
            let mut seen = [false; 4];
            for seed in 0..40 {
                let (v, bits) = run_seeded(b, &circuit, &opts, seed);
                let m = pack_bits(&bits) as usize;
                let mut want = vec![zero(); 8];
                want[m] = psi[0];
                want[m | 4] = psi[1];
                let ctx = format!("teleport U({t}, {p}, {l})|0>, seed {seed}, outcome {m}");
                assert_amps_close(&v, &want, tol, ctx);
                seen[m] = true;
            }
            assert!(
                seen.iter().all(|&s| s),
                "teleportation outcomes seen: {seen:?}"
            );
        }
    }
}

/// Classical bits: `measure_all` writes bit q from qubit q, the register has the
/// circuit's width, a multi-bit condition compares the little-endian register value.
pub fn classical_bits_and_conditions<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let opts = CompileOptions::default();
    let mut c = Circuit::new(3);
    c.x(0).x(2).measure_all();
    let (_, bits) = run_seeded(b, &c, &opts, 0);
    assert_eq!(bits, vec![true, false, true], "measure_all of |101>");

    let mut c = Circuit::with_clbits(2, 5);
    c.x(1).measure(1, 3);
    let (_, bits) = run_seeded(b, &c, &opts, 0);
    assert_eq!(
        bits,
        vec![false, false, false, true, false],
        "measure q1 -> c3"
    );

    // register [c0, c1] = 0b10 = 2: the c_if(.., 2) fires, the c_if(.., 1) does not
    let mut c = Circuit::with_clbits(4, 2);
    c.x(1).measure(1, 1);
    c.x(2).c_if(&[0, 1], 2);
    c.x(0).c_if(&[0, 1], 1);
    c.h(3).c_if(&[1], 1);
    c.h(3).c_if(&[1], 0);
    for options in [CompileOptions::unfused(), CompileOptions::default()] {
        let (v, bits) = run_seeded(b, &c, &options, 0);
        assert_eq!(bits, vec![false, true]);
        let h = std::f64::consts::FRAC_1_SQRT_2;
        let mut want = vec![zero(); 16];
        want[0b0110] = Complex64::new(h, 0.0);
        want[0b1110] = Complex64::new(h, 0.0);
        assert_amps_close(&v, &want, tol, format!("conditions on c = 2 ({options:?})"));
    }
}

fn matches_some_branch(v: &[Complex64], bits: &[bool], branches: &[Branch], tol: f64) -> bool {
    branches
        .iter()
        .any(|br| br.state.clbits == bits && max_abs_diff(v, &br.state.amps) <= tol)
}

/// Random circuits with mid-circuit measurements, resets and conditioned gates on
/// 1..=5, 7 and 15 qubits: every seeded run ends in one of the reference's exact
/// branches (same classical bits, same state), fused and unfused; over 400 seeds the
/// classical outcomes of one circuit pass a chi-square test against the branch
/// probabilities.
pub fn mid_circuit_random_circuits_match_branches<B: Backend>(b: &B) {
    let tol = tolerance(b);
    let none = ParamBinding::new();
    for n in [1u32, 2, 3, 4, 5, 7, 15] {
        let mut rng = Rng::new(500 + n as u64);
        let opts = RandomCircuitOptions {
            num_gates: if n > 8 { 50 } else { 40 },
            max_collapses: if n > 8 { 3 } else { 4 },
            ..Default::default()
        };
        let circuit = random_circuit(n, &opts, &mut rng);
        let branches = simulate(&circuit, &none);
        let seeds = if n > 8 { 4 } else { 24 };
        for options in [CompileOptions::unfused(), CompileOptions::default()] {
            for seed in 0..seeds {
                let (v, bits) = run_seeded(b, &circuit, &options, seed);
                assert!(
                    matches_some_branch(&v, &bits, &branches, tol),
                    "n={n} seed={seed} fusion={}: final state with bits {bits:?} matches no \
                     reference branch\n{circuit}",
                    options.fusion
                );
            }
        }
    }
    let mut rng = Rng::new(777);
    let opts = RandomCircuitOptions {
        num_gates: 30,
        max_collapses: 4,
        ..Default::default()
    };
    let circuit = random_circuit(3, &opts, &mut rng);
    let dist = clbit_distribution(&simulate(&circuit, &none));
    let program = compile_ok(&circuit, &CompileOptions::default());
    let runs = 400u64;
    let mut counts = std::collections::BTreeMap::<u64, u64>::new();
    for seed in 0..runs {
        let state = execute(b, &program, &none, 10_000 + seed);
        let bits = read_ok(b, &state, &Readout::ClassicalBits)
            .into_classical_bits()
            .unwrap();
        *counts.entry(pack_bits(&bits)).or_insert(0) += 1;
    }
    for k in counts.keys() {
        assert!(
            dist.contains_key(k),
            "outcome {k:b} has probability 0\n{circuit}"
        );
    }
    let observed: Vec<u64> = dist
        .keys()
        .map(|k| counts.get(k).copied().unwrap_or(0))
        .collect();
    let probs: Vec<f64> = dist.values().copied().collect();
    let (stat, df) = chi_square(&observed, &probs, runs);
    assert!(
        stat <= chi_square_bound(df),
        "classical outcomes {counts:?} vs {dist:?}: chi-square {stat:.1}, {df} dof\n{circuit}"
    );
}

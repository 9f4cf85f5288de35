//! The built-in gates: `U` and `CX`, and the gate set of Qiskit's `qelib1.inc`,
//! each lowered to ferroq-core gates with exactly the matrix that qelib1 defines
//! (up to a global phase only where qelib1's own definition differs from the
//! textbook gate by one, as Qiskit's gate classes do: `rz`, `sx`, `rxx`, `rzz`).

use ferroq_core::{Gate, Param, Result};
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4};

/// A built-in gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    BigU,
    BigCX,
    U3,
    U2,
    U1,
    Cx,
    Id,
    U0,
    U,
    P,
    X,
    Y,
    Z,
    H,
    S,
    Sdg,
    T,
    Tdg,
    Rx,
    Ry,
    Rz,
    Sx,
    Sxdg,
    Cz,
    Cy,
    Swap,
    Ch,
    Ccx,
    Cswap,
    Crx,
    Cry,
    Crz,
    Cu1,
    Cp,
    Cu3,
    Csx,
    Cu,
    Rxx,
    Rzz,
    Rccx,
    Rc3x,
    C3x,
    C3sqrtx,
    C4x,
}

/// `(name, parameters, qubits, gate)` of the two gates every program has.
pub(crate) const ALWAYS: [(&str, usize, usize, Builtin); 2] =
    [("U", 3, 1, Builtin::BigU), ("CX", 0, 2, Builtin::BigCX)];

/// `(name, parameters, qubits, gate)` for every gate of `qelib1.inc`, in its order.
pub(crate) const QELIB1: [(&str, usize, usize, Builtin); 42] = [
    ("u3", 3, 1, Builtin::U3),
    ("u2", 2, 1, Builtin::U2),
    ("u1", 1, 1, Builtin::U1),
    ("cx", 0, 2, Builtin::Cx),
    ("id", 0, 1, Builtin::Id),
    ("u0", 1, 1, Builtin::U0),
    ("u", 3, 1, Builtin::U),
    ("p", 1, 1, Builtin::P),
    ("x", 0, 1, Builtin::X),
    ("y", 0, 1, Builtin::Y),
    ("z", 0, 1, Builtin::Z),
    ("h", 0, 1, Builtin::H),
    ("s", 0, 1, Builtin::S),
    ("sdg", 0, 1, Builtin::Sdg),
    ("t", 0, 1, Builtin::T),
    ("tdg", 0, 1, Builtin::Tdg),
    ("rx", 1, 1, Builtin::Rx),
    ("ry", 1, 1, Builtin::Ry),
    ("rz", 1, 1, Builtin::Rz),
    ("sx", 0, 1, Builtin::Sx),
    ("sxdg", 0, 1, Builtin::Sxdg),
    ("cz", 0, 2, Builtin::Cz),
    ("cy", 0, 2, Builtin::Cy),
    ("swap", 0, 2, Builtin::Swap),
    ("ch", 0, 2, Builtin::Ch),
    ("ccx", 0, 3, Builtin::Ccx),
    ("cswap", 0, 3, Builtin::Cswap),
    ("crx", 1, 2, Builtin::Crx),
    ("cry", 1, 2, Builtin::Cry),
    ("crz", 1, 2, Builtin::Crz),
    ("cu1", 1, 2, Builtin::Cu1),
    ("cp", 1, 2, Builtin::Cp),
    ("cu3", 3, 2, Builtin::Cu3),
    ("csx", 0, 2, Builtin::Csx),
    ("cu", 4, 2, Builtin::Cu),
    ("rxx", 1, 2, Builtin::Rxx),
    ("rzz", 1, 2, Builtin::Rzz),
    ("rccx", 0, 3, Builtin::Rccx),
    ("rc3x", 0, 4, Builtin::Rc3x),
    ("c3x", 0, 4, Builtin::C3x),
    ("c3sqrtx", 0, 4, Builtin::C3sqrtx),
    ("c4x", 0, 5, Builtin::C4x),
];

/// `(parameters, qubits)` of a built-in gate.
pub(crate) fn signature(b: Builtin) -> (usize, usize) {
    ALWAYS
        .iter()
        .chain(QELIB1.iter())
        .find(|e| e.3 == b)
        .map_or((0, 1), |e| (e.1, e.2))
}

/// The gates of the standard `qelib1.inc` (the OpenQASM 2.0 specification's); the
/// rest of [`QELIB1`] are Qiskit's additions, which a program may define itself.
const STANDARD: [&str; 23] = [
    "u3", "u2", "u1", "cx", "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "rx", "ry", "rz",
    "cz", "cy", "ch", "ccx", "crz", "cu1", "cu3",
];

/// `true` if `name` is a gate of the standard `qelib1.inc`, which a program that
/// includes it cannot define again. The gates Qiskit's `qelib1.inc` adds (`swap`,
/// `cswap`, `rxx`, ...) may be defined by the program: files written against the
/// standard `qelib1.inc` do, and their definition is then the one used.
pub(crate) fn is_standard(name: &str) -> bool {
    STANDARD.contains(&name)
}

/// `true` if `name` is a gate of `qelib1.inc`.
pub(crate) fn is_qelib1_name(name: &str) -> bool {
    QELIB1.iter().any(|e| e.0 == name)
}

/// Receives lowered gates as `(gate, controls, targets)`.
pub(crate) type Emit<'a> = dyn FnMut(Gate, &[u32], &[u32]) -> Result<()> + 'a;

fn v(x: f64) -> Param {
    Param::Value(x)
}

/// Emits the core gates of built-in `b` with evaluated parameters `p` on qubits `q`
/// (the caller has checked both counts).
pub(crate) fn lower(b: Builtin, p: &[f64], q: &[u32], emit: &mut Emit<'_>) -> Result<()> {
    use Builtin as B;
    let one = |g: Gate, emit: &mut Emit<'_>| emit(g, &[], &q[..1]);
    let ctl = |g: Gate, emit: &mut Emit<'_>| emit(g, &q[..1], &q[1..]);
    match b {
        B::BigU | B::U3 | B::U => one(Gate::U(v(p[0]), v(p[1]), v(p[2])), emit),
        B::U2 => one(Gate::U(v(FRAC_PI_2), v(p[0]), v(p[1])), emit),
        B::U1 | B::P => one(Gate::P(v(p[0])), emit),
        B::Id | B::U0 => one(Gate::I, emit),
        B::X => one(Gate::X, emit),
        B::Y => one(Gate::Y, emit),
        B::Z => one(Gate::Z, emit),
        B::H => one(Gate::H, emit),
        B::S => one(Gate::S, emit),
        B::Sdg => one(Gate::Sdg, emit),
        B::T => one(Gate::T, emit),
        B::Tdg => one(Gate::Tdg, emit),
        B::Rx => one(Gate::RX(v(p[0])), emit),
        B::Ry => one(Gate::RY(v(p[0])), emit),
        B::Rz => one(Gate::RZ(v(p[0])), emit),
        B::Sx => one(Gate::SX, emit),
        B::Sxdg => one(Gate::SXdg, emit),
        B::BigCX | B::Cx => ctl(Gate::X, emit),
        B::Cz => ctl(Gate::Z, emit),
        B::Cy => ctl(Gate::Y, emit),
        B::Ch => ctl(Gate::H, emit),
        B::Crx => ctl(Gate::RX(v(p[0])), emit),
        B::Cry => ctl(Gate::RY(v(p[0])), emit),
        B::Crz => ctl(Gate::RZ(v(p[0])), emit),
        B::Cu1 | B::Cp => ctl(Gate::P(v(p[0])), emit),
        B::Cu3 => ctl(Gate::U(v(p[0]), v(p[1]), v(p[2])), emit),
        B::Csx => ctl(Gate::SX, emit),
        B::Cu => {
            // qelib1: `p(gamma) c;` then a controlled U(theta, phi, lambda).
            emit(Gate::P(v(p[3])), &[], &q[..1])?;
            ctl(Gate::U(v(p[0]), v(p[1]), v(p[2])), emit)
        }
        B::Swap => emit(Gate::Swap, &[], q),
        B::Cswap => ctl(Gate::Swap, emit),
        B::Rxx => emit(Gate::RXX(v(p[0])), &[], q),
        B::Rzz => emit(Gate::RZZ(v(p[0])), &[], q),
        B::Ccx => emit(Gate::X, &q[..2], &q[2..]),
        B::C3x => emit(Gate::X, &q[..3], &q[3..]),
        B::C3sqrtx => emit(Gate::SX, &q[..3], &q[3..]),
        B::C4x => emit(Gate::X, &q[..4], &q[4..]),
        B::Rccx => relative_phase(RCCX, q, emit),
        B::Rc3x => relative_phase(RC3X, q, emit),
    }
}

/// One step of a relative-phase Toffoli: `H`, `P(±π/4)` on the target, or a CX from
/// the given control (an index into the gate's qubits) to the target.
#[derive(Clone, Copy)]
enum Step {
    H,
    T,
    Tdg,
    Cx(usize),
}

/// qelib1's `rccx a,b,c` (target `c`), step by step (`u2(0,pi)` is exactly `H`,
/// `u1(±pi/4)` is `P(±π/4)`).
const RCCX: &[Step] = {
    use Step::*;
    &[H, T, Cx(1), Tdg, Cx(0), T, Cx(1), Tdg, H]
};

/// qelib1's `rc3x a,b,c,d` (target `d`).
const RC3X: &[Step] = {
    use Step::*;
    &[
        H,
        T,
        Cx(2),
        Tdg,
        H,
        Cx(0),
        T,
        Cx(1),
        Tdg,
        Cx(0),
        T,
        Cx(1),
        Tdg,
        H,
        T,
        Cx(2),
        Tdg,
        H,
    ]
};

fn relative_phase(steps: &[Step], q: &[u32], emit: &mut Emit<'_>) -> Result<()> {
    let target = &q[q.len() - 1..];
    for s in steps {
        match *s {
            Step::H => emit(Gate::H, &[], target)?,
            Step::T => emit(Gate::P(v(FRAC_PI_4)), &[], target)?,
            Step::Tdg => emit(Gate::P(v(-FRAC_PI_4)), &[], target)?,
            Step::Cx(c) => emit(Gate::X, &q[c..=c], target)?,
        }
    }
    Ok(())
}

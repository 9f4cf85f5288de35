//! `Circuit` → OpenQASM 2.0 text (see the crate documentation for what is written how).

use crate::decompose::{controlled_1q, controlled_2q, TwoQubit, M2};
use ferroq_core::{Circuit, Error, Gate, Operation, ParamBinding, Result};
use std::collections::BTreeSet;
use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};
use std::fmt::Write as _;

/// Most controls on one gate that [`to_qasm`] writes (through an exact recursive
/// construction whose length doubles with every control beyond four).
pub const MAX_WRITER_CONTROLS: usize = 12;

const RYY_DEF: &str = "gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; \
                       cx a,b; rx(-pi/2) a; rx(-pi/2) b; }";
const ISWAP_DEF: &str = "gate iswap a,b { s a; s b; h a; cx a,b; cx b,a; h b; }";

/// Collects statements; owns the `if (...)` prefix of the instruction being written.
pub(crate) struct Writer {
    body: String,
    prefix: String,
    defs: BTreeSet<&'static str>,
}

impl Writer {
    /// Appends `name(params) q[a],q[b];` under the current condition.
    pub(crate) fn gate(&mut self, name: &str, params: &[f64], qubits: &[u32]) {
        let b = &mut self.body;
        b.push_str(&self.prefix);
        b.push_str(name);
        if !params.is_empty() {
            let ps: Vec<String> = params.iter().map(|&v| fmt_angle(v)).collect();
            let _ = write!(b, "({})", ps.join(","));
        }
        let qs: Vec<String> = qubits.iter().map(|q| format!("q[{q}]")).collect();
        let _ = writeln!(b, " {};", qs.join(","));
    }
}

/// Writes `circuit` as an OpenQASM 2.0 program (`qreg q[n]; creg c[m];`, qelib1 names).
///
/// The circuit is validated first. Errors: unbound symbolic parameters
/// ([`Error::UnboundParameter`]), and what OpenQASM 2.0 cannot express exactly here
/// ([`Error::InvalidArgument`]): unitaries on two or more qubits, more than
/// [`MAX_WRITER_CONTROLS`] controls, conditions on bits that do not form whole registers.
///
/// ```
/// use ferroq_core::Circuit;
/// let mut c = Circuit::new(3);
/// c.h(0).cp(std::f64::consts::FRAC_PI_2, 0, 1).ccz(0, 1, 2);
/// let text = ferroq_qasm::to_qasm(&c).unwrap();
/// assert!(text.contains("cp(pi/2) q[0],q[1];"));
/// assert!(ferroq_qasm::parse(&text).is_ok());
/// ```
pub fn to_qasm(circuit: &Circuit) -> Result<String> {
    to_qasm_with(circuit, &ParamBinding::new())
}

/// [`to_qasm`] for a parametrised circuit: symbolic parameters are written as their
/// values under `binding` (a symbol it lacks is [`Error::UnboundParameter`]).
///
/// ```
/// use ferroq_core::{Circuit, ParamBinding};
/// let mut c = Circuit::new(1);
/// c.rx("2*theta", 0);
/// let text = ferroq_qasm::to_qasm_with(&c, &ParamBinding::from_pairs([("theta", 0.25)])).unwrap();
/// assert!(text.contains("rx(0.5) q[0];"));
/// ```
pub fn to_qasm_with(circuit: &Circuit, binding: &ParamBinding) -> Result<String> {
    circuit.validate()?;
    let regs = classical_registers(circuit)?;
    let mut w = Writer {
        body: String::new(),
        prefix: String::new(),
        defs: BTreeSet::new(),
    };
    for ins in circuit.instructions() {
        w.prefix.clear();
        if let Some(cond) = &ins.condition {
            if cond.clbits.is_empty() {
                // An empty register reads 0.
                if cond.value != 0 {
                    continue;
                }
            } else if !matches!(ins.op, Operation::Barrier { .. }) {
                let r = &regs[regs.iter().position(|r| r.1 == cond.clbits[0]).unwrap_or(0)];
                w.prefix = format!("if({}=={}) ", r.0, cond.value);
            }
        }
        match &ins.op {
            Operation::Gate {
                gate,
                targets,
                controls,
            } => {
                let p = gate.eval_params(binding)?;
                write_gate(&mut w, gate, &p, controls, targets)?;
            }
            Operation::Measure { qubit, clbit } => {
                let (name, at) = locate(&regs, *clbit);
                let _ = writeln!(w.body, "{}measure q[{qubit}] -> {name}[{at}];", w.prefix);
            }
            Operation::Reset { qubit } => {
                let _ = writeln!(w.body, "{}reset q[{qubit}];", w.prefix);
            }
            Operation::Barrier { qubits } => {
                if !qubits.is_empty() {
                    w.prefix.clear();
                    w.gate("barrier", &[], qubits);
                }
            }
            Operation::Channel { .. } | Operation::ReadoutError { .. } => {
                return Err(Error::invalid(format!(
                    "`{}` is a noise instruction, which OpenQASM 2.0 cannot express; \
                     attach noise with a noise model instead",
                    ins.name()
                )));
            }
        }
    }
    let mut out = String::from("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
    for d in &w.defs {
        out.push_str(d);
        out.push('\n');
    }
    let _ = writeln!(out, "qreg q[{}];", circuit.num_qubits());
    for (name, _, size) in &regs {
        let _ = writeln!(out, "creg {name}[{size}];");
    }
    out.push_str(&w.body);
    Ok(out)
}

/// The register holding classical bit `b`, and its index there.
fn locate(regs: &[(String, u32, u32)], b: u32) -> (&str, u32) {
    regs.iter()
        .find(|r| b >= r.1 && b - r.1 < r.2)
        .map_or(("c", b), |r| (r.0.as_str(), b - r.1))
}

/// Splits the classical bits into `(name, start, size)` registers such that every
/// condition reads exactly one whole register: `c` if one register covers all bits.
fn classical_registers(circuit: &Circuit) -> Result<Vec<(String, u32, u32)>> {
    let n = circuit.num_clbits();
    let mut ranges: BTreeSet<(u32, u32)> = BTreeSet::new();
    for ins in circuit.instructions() {
        let Some(cond) = &ins.condition else { continue };
        if cond.clbits.is_empty() || matches!(ins.op, Operation::Barrier { .. }) {
            continue;
        }
        let start = cond.clbits[0];
        let contiguous = cond
            .clbits
            .iter()
            .enumerate()
            .all(|(i, &b)| u64::from(b) == u64::from(start) + i as u64);
        if !contiguous {
            return Err(Error::invalid(format!(
                "cannot write a condition on classical bits {:?} to OpenQASM 2.0: a condition \
                 must read consecutive bits, least significant first",
                cond.clbits
            )));
        }
        ranges.insert((start, cond.clbits.len() as u32));
    }
    let mut prev_end = 0u32;
    for &(s, len) in &ranges {
        if s < prev_end {
            return Err(Error::invalid(format!(
                "cannot write conditions on overlapping classical bit ranges to OpenQASM 2.0 \
                 (bits {s}..{}): each condition must read one whole register",
                s + len
            )));
        }
        prev_end = s + len;
    }
    let mut segments = Vec::new();
    let mut at = 0;
    for &(s, len) in &ranges {
        if s > at {
            segments.push((at, s - at));
        }
        segments.push((s, len));
        at = s + len;
    }
    if at < n {
        segments.push((at, n - at));
    }
    Ok(if segments.len() == 1 {
        vec![("c".to_string(), 0, n)]
    } else {
        segments
            .into_iter()
            .enumerate()
            .map(|(i, (s, len))| (format!("c{i}"), s, len))
            .collect()
    })
}

fn matrix2(gate: &Gate, p: &[f64]) -> M2 {
    let m = gate.matrix_of(p);
    [[m.get(0, 0), m.get(0, 1)], [m.get(1, 0), m.get(1, 1)]]
}

fn write_gate(w: &mut Writer, gate: &Gate, p: &[f64], controls: &[u32], t: &[u32]) -> Result<()> {
    if t.is_empty() {
        return Err(Error::invalid(
            "cannot write a gate without target qubits (a 1x1 unitary) to OpenQASM 2.0",
        ));
    }
    if t.len() >= 2 {
        let two = match gate {
            Gate::RXX(_) => TwoQubit::Rxx(p[0]),
            Gate::RYY(_) => TwoQubit::Ryy(p[0]),
            Gate::RZZ(_) => TwoQubit::Rzz(p[0]),
            Gate::Swap => TwoQubit::Swap,
            Gate::ISwap => TwoQubit::ISwap,
            _ => {
                return Err(Error::invalid(format!(
                    "cannot write a {}-qubit unitary matrix to OpenQASM 2.0: decompose it into \
                     one- and two-qubit gates first",
                    t.len()
                )))
            }
        };
        if !controls.is_empty() {
            return controlled_2q(w, two, controls, t[0], t[1]);
        }
        match two {
            TwoQubit::Rxx(a) => w.gate("rxx", &[a], t),
            TwoQubit::Rzz(a) => w.gate("rzz", &[a], t),
            TwoQubit::Swap => w.gate("swap", &[], t),
            TwoQubit::Ryy(a) => {
                w.defs.insert(RYY_DEF);
                w.gate("ryy", &[a], t);
            }
            TwoQubit::ISwap => {
                w.defs.insert(ISWAP_DEF);
                w.gate("iswap", &[], t);
            }
        }
        return Ok(());
    }
    let named: Option<(&str, Vec<f64>)> = match (controls.len(), gate) {
        (0, Gate::Unitary(_)) => None,
        (0, Gate::U(..)) => Some(("u", p.to_vec())),
        (0, _) => Some((gate.name(), p.to_vec())),
        (1, Gate::X) => Some(("cx", vec![])),
        (1, Gate::Y) => Some(("cy", vec![])),
        (1, Gate::Z) => Some(("cz", vec![])),
        (1, Gate::H) => Some(("ch", vec![])),
        (1, Gate::SX) => Some(("csx", vec![])),
        (1, Gate::P(_)) => Some(("cp", p.to_vec())),
        (1, Gate::RX(_)) => Some(("crx", p.to_vec())),
        (1, Gate::RY(_)) => Some(("cry", p.to_vec())),
        (1, Gate::RZ(_)) => Some(("crz", p.to_vec())),
        (1, Gate::U(..)) => Some(("cu3", p.to_vec())),
        (1, Gate::S) => Some(("cp", vec![FRAC_PI_2])),
        (1, Gate::Sdg) => Some(("cp", vec![-FRAC_PI_2])),
        (1, Gate::T) => Some(("cp", vec![FRAC_PI_4])),
        (1, Gate::Tdg) => Some(("cp", vec![-FRAC_PI_4])),
        (_, Gate::I) => Some(("id", vec![])),
        (2, Gate::X) => Some(("ccx", vec![])),
        (2, Gate::Z) => {
            w.gate("h", &[], t);
            w.gate("ccx", &[], &[controls[0], controls[1], t[0]]);
            w.gate("h", &[], t);
            return Ok(());
        }
        _ => None,
    };
    match named {
        Some((name, params)) => {
            let mut qs = if name == "id" {
                vec![]
            } else {
                controls.to_vec()
            };
            qs.push(t[0]);
            w.gate(name, &params, &qs);
            Ok(())
        }
        None => controlled_1q(w, &matrix2(gate, p), controls, t[0]),
    }
}

/// Formats an angle so that the reader gets the same f64 back: `pi` fractions where
/// exact (`pi/2`, `-3*pi/4`), else the shortest round-trip decimal.
pub(crate) fn fmt_angle(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    for d in [1u32, 2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64] {
        let n = (v.abs() * f64::from(d) / PI).round();
        if (1.0..=f64::from(4 * d)).contains(&n) {
            let n = n as u32;
            if gcd(n, d) != 1 {
                continue;
            }
            let x = (f64::from(n) * PI) / f64::from(d);
            if x == v.abs() {
                let sign = if v < 0.0 { "-" } else { "" };
                let num = if n == 1 {
                    "pi".into()
                } else {
                    format!("{n}*pi")
                };
                let den = if d == 1 {
                    String::new()
                } else {
                    format!("/{d}")
                };
                return format!("{sign}{num}{den}");
            }
        }
    }
    let s = format!("{v:?}");
    match s.split_once('e') {
        Some((m, e)) if !m.contains('.') => format!("{m}.0e{e}"),
        _ => s,
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

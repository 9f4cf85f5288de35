//! Quantum operations at top level: operands, register broadcasting, `measure`,
//! `reset`, `barrier`, `if`, and gate applications with the inline expansion of
//! user gate definitions (iterative, so nesting depth never touches the stack).

use crate::error::{qasm_error, Pos};
use crate::expr::Expr;
use crate::lexer::Tok;
use crate::parser::{BodyStmt, Callee, GateDef, Parser, Symbol};
use crate::qelib1;
use ferroq_core::{Condition, Gate, Instruction, Operation, Result};
use std::rc::Rc;

/// A whole register or one of its bits, as written in an operation.
struct Arg {
    start: u32,
    /// `None` for one bit, `Some(size)` for a whole register.
    size: Option<u32>,
    name: String,
    pos: Pos,
}

impl Arg {
    fn at(&self, i: u32) -> u32 {
        match self.size {
            Some(_) => self.start + i,
            None => self.start,
        }
    }
}

/// One level of an inline expansion.
struct Frame {
    def: Rc<GateDef>,
    next: usize,
    params: Vec<f64>,
    qubits: Vec<u32>,
}

impl Parser<'_> {
    /// `name` or `name[index]`, naming a quantum (or classical) register.
    fn operand(&mut self, quantum: bool) -> Result<Arg> {
        let what = if quantum {
            "a qubit or quantum register"
        } else {
            "a classical bit or register"
        };
        let (name, pos) = self.ident(what)?;
        let (start, size) = match (self.symbols.get(&name), quantum) {
            (Some((Symbol::QReg { start, size }, _)), true)
            | (Some((Symbol::CReg { start, size }, _)), false) => (*start, *size),
            (Some((Symbol::QReg { .. }, _)), false) => {
                return Err(qasm_error(
                    pos,
                    format!(
                        "`{name}` is a quantum register; a classical register is expected here"
                    ),
                ))
            }
            (Some((Symbol::CReg { .. }, _)), true) => {
                return Err(qasm_error(
                    pos,
                    format!(
                        "`{name}` is a classical register; a quantum register is expected here"
                    ),
                ))
            }
            (Some(_), _) => {
                return Err(qasm_error(
                    pos,
                    format!("`{name}` is a gate, not a register"),
                ))
            }
            (None, _) => return Err(qasm_error(pos, format!("undefined register `{name}`"))),
        };
        if !self.eat(&Tok::LBracket) {
            return Ok(Arg {
                start,
                size: Some(size),
                name,
                pos,
            });
        }
        let (i, ipos) = self.integer("an index (a non-negative integer)")?;
        self.expect(Tok::RBracket, "`]` after the index")?;
        if i >= u64::from(size) {
            return Err(qasm_error(
                ipos,
                format!("index {i} is out of range for register `{name}` of size {size}"),
            ));
        }
        Ok(Arg {
            start: start + i as u32,
            size: None,
            name: format!("{name}[{i}]"),
            pos,
        })
    }

    /// Comma-separated qubit operands, then `;`.
    fn qubit_args(&mut self) -> Result<Vec<Arg>> {
        let mut args = vec![self.operand(true)?];
        while self.eat(&Tok::Comma) {
            args.push(self.operand(true)?);
        }
        self.expect(Tok::Semi, "`,` or `;` after the qubit arguments")?;
        Ok(args)
    }

    /// How many times an operation on `args` repeats: registers must agree in size.
    fn broadcast(args: &[Arg], what: &str) -> Result<u32> {
        let mut size: Option<(u32, &Arg)> = None;
        for a in args {
            if let Some(s) = a.size {
                match size {
                    Some((n, first)) if n != s => {
                        return Err(qasm_error(
                            a.pos,
                            format!(
                                "cannot broadcast `{what}` over registers of different sizes: \
                                 `{}` has {n} and `{}` has {s}",
                                first.name, a.name
                            ),
                        ))
                    }
                    _ => size = Some((s, a)),
                }
            }
        }
        Ok(size.map_or(1, |s| s.0))
    }

    pub(crate) fn emit(&mut self, op: Operation, cond: &Option<Condition>, pos: Pos) -> Result<()> {
        if self.out.len() >= self.opts.max_instructions {
            return Err(qasm_error(
                pos,
                format!(
                    "the circuit grows past {} instructions (the limit in ParseOptions)",
                    self.opts.max_instructions
                ),
            ));
        }
        let ins = Instruction {
            op,
            condition: cond.clone(),
        };
        self.out_bytes = self.out_bytes.saturating_add(instruction_bytes(&ins));
        if self.out_bytes > self.opts.max_output_bytes {
            return Err(qasm_error(
                pos,
                format!(
                    "the circuit grows past {} MiB of instructions ({} so far; the \
                     max_output_bytes limit in ParseOptions): are its gate definitions \
                     nested exponentially?",
                    self.opts.max_output_bytes >> 20,
                    self.out.len()
                ),
            ));
        }
        self.out.push(ins);
        Ok(())
    }

    /// After `barrier`: its operands (duplicates merged) and `;`.
    pub(crate) fn barrier(&mut self) -> Result<()> {
        let pos = self.peek_pos();
        let args = self.qubit_args()?;
        let mut qubits = Vec::new();
        for a in &args {
            for i in 0..a.size.unwrap_or(1) {
                let q = a.at(i);
                if !qubits.contains(&q) {
                    qubits.push(q);
                }
            }
        }
        self.emit(Operation::Barrier { qubits }, &None, pos)
    }

    /// `if (creg == value) op;`
    pub(crate) fn conditional(&mut self) -> Result<()> {
        self.next();
        self.expect(Tok::LParen, "`(` after `if`")?;
        let arg = self.operand(false)?;
        let Some(size) = arg.size else {
            return Err(qasm_error(
                arg.pos,
                "OpenQASM 2.0 conditions compare a whole classical register, not one bit",
            ));
        };
        if size > 64 {
            return Err(qasm_error(
                arg.pos,
                format!(
                    "register `{}` has {size} bits; a condition supports at most 64",
                    arg.name
                ),
            ));
        }
        self.expect(Tok::EqEq, "`==` in the condition")?;
        let (value, _) = self.integer("the value to compare with (a non-negative integer)")?;
        self.expect(Tok::RParen, "`)` to close the condition")?;
        let cond = Some(Condition {
            clbits: (arg.start..arg.start + size).collect(),
            value,
        });
        match self.peek() {
            Tok::Ident(w) if !matches!(w.as_str(), "barrier" | "if" | "gate" | "opaque") => {
                self.quantum_op(cond)
            }
            _ => Err(self.unexpected("a gate application, `measure` or `reset` after `if (...)`")),
        }
    }

    /// `measure`, `reset` or a gate application, under an optional condition.
    pub(crate) fn quantum_op(&mut self, cond: Option<Condition>) -> Result<()> {
        let (word, pos) = self.ident("an operation")?;
        match word.as_str() {
            "measure" => self.measure(cond, pos),
            "reset" => {
                let args = self.qubit_args()?;
                if args.len() != 1 {
                    return Err(qasm_error(args[1].pos, "`reset` takes one qubit or register"));
                }
                for i in 0..args[0].size.unwrap_or(1) {
                    let qubit = args[0].at(i);
                    self.emit(Operation::Reset { qubit }, &cond, pos)?;
                }
                Ok(())
            }
            "qreg" | "creg" | "include" | "opaque" | "gate" => Err(qasm_error(
                pos,
                format!("`{word}` cannot be used here: expected a gate application, `measure` or `reset`"),
            )),
            _ => self.application(word, pos, cond),
        }
    }

    fn measure(&mut self, cond: Option<Condition>, pos: Pos) -> Result<()> {
        let q = self.operand(true)?;
        self.expect(Tok::Arrow, "`->` after the measured qubit")?;
        let c = self.operand(false)?;
        self.expect(Tok::Semi, "`;` after the measurement")?;
        let n = match (q.size, c.size) {
            (None, None) => 1,
            (Some(a), Some(b)) if a == b => a,
            _ => {
                return Err(qasm_error(
                    c.pos,
                    format!(
                        "cannot measure `{}` into `{}`: measure a qubit into a bit, or a register \
                         into a register of the same size",
                        q.name, c.name
                    ),
                ))
            }
        };
        for i in 0..n {
            let op = Operation::Measure {
                qubit: q.at(i),
                clbit: c.at(i),
            };
            self.emit(op, &cond, pos)?;
        }
        Ok(())
    }

    fn application(&mut self, name: String, pos: Pos, cond: Option<Condition>) -> Result<()> {
        let callee = match self.symbols.get(&name) {
            Some((Symbol::Builtin(b), _)) => Callee::Builtin(*b),
            Some((Symbol::Gate(d), _)) => Callee::User(d.clone()),
            Some(_) => {
                return Err(qasm_error(
                    pos,
                    format!("`{name}` is a register, not a gate"),
                ))
            }
            None => return Err(self.undefined_gate(&name, pos)),
        };
        let mut params = Vec::new();
        if self.eat(&Tok::LParen) && !self.eat(&Tok::RParen) {
            loop {
                let e = self.expr(&[])?.expr;
                let v = e.eval(&[]).map_err(|(p, m)| qasm_error(p, m))?;
                params.push(v);
                if !self.eat(&Tok::Comma) {
                    self.expect(Tok::RParen, "`,` or `)` in the parameter list")?;
                    break;
                }
            }
        }
        let args = self.qubit_args()?;
        let (np, nq) = self.callee_signature(&callee);
        self.check_counts(&name, np, nq, params.len(), args.len(), pos)?;
        if let Callee::User(d) = &callee {
            if d.body.is_none() {
                return Err(opaque_error(&name, pos));
            }
        }
        let n = Self::broadcast(&args, &name)?;
        for i in 0..n {
            let qubits: Vec<u32> = args.iter().map(|a| a.at(i)).collect();
            for (j, q) in qubits.iter().enumerate() {
                if let Some(k) = qubits[..j].iter().position(|p| p == q) {
                    let label = |a: &Arg| match a.size {
                        Some(_) => format!("{}[{i}]", a.name),
                        None => a.name.clone(),
                    };
                    return Err(qasm_error(
                        args[j].pos,
                        format!(
                            "gate `{name}` uses qubit `{}` twice (as arguments {} and {})",
                            label(&args[k]),
                            k + 1,
                            j + 1
                        ),
                    ));
                }
            }
            self.expand(&callee, params.clone(), qubits, &cond, pos)?;
        }
        Ok(())
    }

    fn lower_builtin(
        &mut self,
        b: qelib1::Builtin,
        params: &[f64],
        qubits: &[u32],
        cond: &Option<Condition>,
        pos: Pos,
    ) -> Result<()> {
        let mut emit = |gate: Gate, controls: &[u32], targets: &[u32]| {
            let op = Operation::Gate {
                gate,
                targets: targets.to_vec(),
                controls: controls.to_vec(),
            };
            self.emit(op, cond, pos)
        };
        qelib1::lower(b, params, qubits, &mut emit)
    }

    /// Applies `callee` to concrete qubits, inlining user definitions.
    fn expand(
        &mut self,
        callee: &Callee,
        params: Vec<f64>,
        qubits: Vec<u32>,
        cond: &Option<Condition>,
        pos: Pos,
    ) -> Result<()> {
        let root = match callee {
            Callee::Builtin(b) => return self.lower_builtin(*b, &params, &qubits, cond, pos),
            Callee::User(d) => d.clone(),
        };
        let mut stack = vec![Frame {
            def: root.clone(),
            next: 0,
            params,
            qubits,
        }];
        while let Some(top) = stack.last_mut() {
            let def = top.def.clone();
            let body = def.body.as_deref().unwrap_or(&[]);
            let Some(stmt) = body.get(top.next) else {
                stack.pop();
                continue;
            };
            top.next += 1;
            self.work += 1;
            if self.work > self.opts.max_instructions as u64 {
                return Err(qasm_error(
                    pos,
                    format!(
                        "expanding gate `{}` takes more than {} steps (the instruction limit in \
                         ParseOptions): are its definitions nested exponentially?",
                        root.name, self.opts.max_instructions
                    ),
                ));
            }
            let frame_qubits = &top.qubits;
            match stmt {
                BodyStmt::Barrier { qubits } => {
                    let qubits = qubits.iter().map(|&i| frame_qubits[i]).collect();
                    self.emit(Operation::Barrier { qubits }, cond, pos)?;
                }
                BodyStmt::Call {
                    callee,
                    args,
                    qubits,
                    pos: inner,
                } => {
                    let qs: Vec<u32> = qubits.iter().map(|&i| frame_qubits[i]).collect();
                    let vals = eval_all(args, &top.params).map_err(|(p, m)| {
                        qasm_error(
                            pos,
                            format!(
                                "while expanding gate `{}`: {m} (at line {}, column {}, in the \
                                 definition of `{}`)",
                                root.name, p.line, p.column, def.name
                            ),
                        )
                    })?;
                    match callee {
                        Callee::Builtin(b) => self.lower_builtin(*b, &vals, &qs, cond, pos)?,
                        Callee::User(d) if d.body.is_none() => {
                            return Err(qasm_error(
                                pos,
                                format!(
                                    "while expanding gate `{}`: {} (called at line {}, column {})",
                                    root.name,
                                    opaque_message(&d.name),
                                    inner.line,
                                    inner.column
                                ),
                            ))
                        }
                        Callee::User(d) => stack.push(Frame {
                            def: d.clone(),
                            next: 0,
                            params: vals,
                            qubits: qs,
                        }),
                    }
                }
            }
        }
        Ok(())
    }
}

fn eval_all(args: &[Expr], params: &[f64]) -> std::result::Result<Vec<f64>, (Pos, String)> {
    args.iter().map(|e| e.eval(params)).collect()
}

fn opaque_message(name: &str) -> String {
    format!("gate `{name}` is declared `opaque`: it has no definition, so it cannot be simulated")
}

fn opaque_error(name: &str, pos: Pos) -> ferroq_core::Error {
    qasm_error(pos, opaque_message(name))
}

/// Bytes one instruction takes in memory, estimated generously: the instruction
/// itself twice (the list doubles its capacity as it grows, and the circuit is built
/// from it) plus each of its heap lists with an allocator's minimum block.
fn instruction_bytes(ins: &Instruction) -> usize {
    const BLOCK: usize = 16;
    let list = |n: usize| if n == 0 { 0 } else { (4 * n).max(BLOCK) };
    let heap = match &ins.op {
        Operation::Gate {
            targets, controls, ..
        } => list(targets.len()) + list(controls.len()),
        Operation::Barrier { qubits } => list(qubits.len()),
        _ => 0,
    };
    let cond = ins.condition.as_ref().map_or(0, |c| list(c.clbits.len()));
    2 * std::mem::size_of::<Instruction>() + heap + cond
}

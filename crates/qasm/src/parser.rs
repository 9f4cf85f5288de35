//! Recursive-descent parser: declarations, includes, gate definitions and statements.
//! Operations are executed as they are read (see `apply`), so the parser's output
//! is the flat instruction list of the circuit.

use crate::error::{qasm_error, Pos};
use crate::expr::Expr;
use crate::lexer::{tokenize, Tok, Token};
use crate::qelib1::{self, Builtin};
use crate::ParseOptions;
use ferroq_core::{Circuit, Instruction, Result};
use std::collections::HashMap;
use std::rc::Rc;

/// Words that cannot name a register, gate, parameter or qubit argument.
const RESERVED: [&str; 19] = [
    "OPENQASM", "include", "qreg", "creg", "gate", "opaque", "barrier", "measure", "reset", "if",
    "pi", "U", "CX", "sin", "cos", "tan", "exp", "ln", "sqrt",
];

/// What a gate body statement calls.
#[derive(Debug, Clone)]
pub(crate) enum Callee {
    Builtin(Builtin),
    User(Rc<GateDef>),
}

/// One statement in a gate body; qubits are indices into the gate's qubit arguments.
#[derive(Debug, Clone)]
pub(crate) enum BodyStmt {
    Call {
        callee: Callee,
        args: Vec<Expr>,
        qubits: Vec<usize>,
        pos: Pos,
    },
    Barrier {
        qubits: Vec<usize>,
    },
}

/// A user `gate` (with a body) or an `opaque` declaration (without).
#[derive(Debug, Clone)]
pub(crate) struct GateDef {
    pub name: String,
    pub num_params: usize,
    pub num_qubits: usize,
    pub body: Option<Vec<BodyStmt>>,
}

/// A name in the global scope.
#[derive(Debug, Clone)]
pub(crate) enum Symbol {
    QReg { start: u32, size: u32 },
    CReg { start: u32, size: u32 },
    Builtin(Builtin),
    Gate(Rc<GateDef>),
}

/// Parser state; also the circuit being built.
pub(crate) struct Parser<'o> {
    toks: Vec<Token>,
    at: usize,
    pub(crate) opts: &'o ParseOptions,
    pub(crate) symbols: HashMap<String, (Symbol, Pos)>,
    pub(crate) num_qubits: u32,
    pub(crate) num_clbits: u32,
    pub(crate) out: Vec<Instruction>,
    /// Gate-body statements expanded so far (bounds the work of nested definitions).
    pub(crate) work: u64,
    /// Estimated bytes of `out` so far (bounded by `ParseOptions::max_output_bytes`).
    pub(crate) out_bytes: usize,
    qelib1: bool,
}

impl<'o> Parser<'o> {
    pub(crate) fn new(text: &str, opts: &'o ParseOptions) -> Result<Self> {
        let mut symbols = HashMap::new();
        for (name, _, _, b) in qelib1::ALWAYS {
            symbols.insert(name.to_string(), (Symbol::Builtin(b), Pos::default()));
        }
        Ok(Parser {
            toks: tokenize(text)?,
            at: 0,
            opts,
            symbols,
            num_qubits: 0,
            num_clbits: 0,
            out: Vec::new(),
            work: 0,
            out_bytes: 0,
            qelib1: false,
        })
    }

    // ---- token helpers -------------------------------------------------------------

    pub(crate) fn peek(&self) -> &Tok {
        &self.toks[self.at].tok
    }

    pub(crate) fn peek_pos(&self) -> Pos {
        self.toks[self.at].pos
    }

    /// The current token; the end-of-input token is never passed.
    pub(crate) fn next(&mut self) -> Token {
        let t = self.toks[self.at].clone();
        if self.at + 1 < self.toks.len() {
            self.at += 1;
        }
        t
    }

    /// An "expected X, found Y" error at the current token.
    pub(crate) fn unexpected(&self, what: &str) -> ferroq_core::Error {
        qasm_error(
            self.peek_pos(),
            format!("expected {what}, found {}", self.peek().describe()),
        )
    }

    pub(crate) fn expect(&mut self, tok: Tok, what: &str) -> Result<Pos> {
        if *self.peek() == tok {
            Ok(self.next().pos)
        } else {
            Err(self.unexpected(what))
        }
    }

    pub(crate) fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == tok {
            self.next();
            true
        } else {
            false
        }
    }

    pub(crate) fn ident(&mut self, what: &str) -> Result<(String, Pos)> {
        match self.peek().clone() {
            Tok::Ident(s) => Ok((s, self.next().pos)),
            _ => Err(self.unexpected(what)),
        }
    }

    /// An identifier that is about to be declared: not reserved.
    fn new_name(&mut self, what: &str) -> Result<(String, Pos)> {
        let (name, pos) = self.ident(what)?;
        if RESERVED.contains(&name.as_str()) {
            return Err(qasm_error(
                pos,
                format!("`{name}` is a reserved word and cannot be used as a name here"),
            ));
        }
        Ok((name, pos))
    }

    /// A non-negative integer that fits `u64`.
    pub(crate) fn integer(&mut self, what: &str) -> Result<(u64, Pos)> {
        match self.peek().clone() {
            Tok::Int(s) => {
                let pos = self.next().pos;
                s.parse::<u64>()
                    .map(|v| (v, pos))
                    .map_err(|_| qasm_error(pos, format!("integer `{s}` is too large")))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// `true` if `name` is a gate Qiskit's `qelib1.inc` adds to the standard one and
    /// still has its built-in meaning here: the program may define it (see
    /// [`qelib1::is_standard`]).
    fn is_redefinable_builtin(&self, name: &str) -> bool {
        matches!(self.symbols.get(name), Some((Symbol::Builtin(b), _))
            if !qelib1::ALWAYS.iter().any(|e| e.3 == *b) && !qelib1::is_standard(name))
    }

    /// Errors if `name` is already in the global scope.
    fn check_free(&self, name: &str, pos: Pos) -> Result<()> {
        if let Some((old, at)) = self.symbols.get(name) {
            let was = match old {
                Symbol::Builtin(b) if qelib1::ALWAYS.iter().any(|e| e.3 == *b) => {
                    "a built-in gate".to_string()
                }
                Symbol::Builtin(_) => "defined by qelib1.inc".to_string(),
                _ => format!("already declared at line {}, column {}", at.line, at.column),
            };
            return Err(qasm_error(
                pos,
                format!("`{name}` is already defined ({was})"),
            ));
        }
        Ok(())
    }

    /// Adds `name` to the global scope; a gate definition may replace one of Qiskit's
    /// additions to `qelib1.inc` (the file's definition is used from then on).
    fn declare(&mut self, name: String, pos: Pos, sym: Symbol) -> Result<()> {
        let replaces_builtin = matches!(sym, Symbol::Gate(_)) && self.is_redefinable_builtin(&name);
        if !replaces_builtin {
            self.check_free(&name, pos)?;
        }
        self.symbols.insert(name, (sym, pos));
        Ok(())
    }

    // ---- program ---------------------------------------------------------------------

    /// Parses the whole program into a circuit; it must start with `OPENQASM 2.0;`.
    pub(crate) fn program(mut self) -> Result<Circuit> {
        if matches!(self.peek(), Tok::Ident(s) if s == "OPENQASM") {
            self.version()?;
        } else {
            return Err(self.unexpected(
                "the header `OPENQASM 2.0;` first (an OpenQASM 2.0 program must start with it)",
            ));
        }
        while *self.peek() != Tok::Eof {
            self.statement()?;
        }
        let mut c = Circuit::with_clbits(self.num_qubits, self.num_clbits);
        for ins in self.out {
            c.push(ins);
        }
        Ok(c)
    }

    fn version(&mut self) -> Result<()> {
        self.next();
        let pos = self.peek_pos();
        let (ok, text) = match self.next().tok {
            Tok::Int(s) => (s.parse::<u64>() == Ok(2), s),
            Tok::Real(v) => (v == 2.0, format!("{v:?}")),
            _ => {
                return Err(qasm_error(
                    pos,
                    "expected the version number `2.0` after `OPENQASM`",
                ))
            }
        };
        if !ok {
            return Err(qasm_error(
                pos,
                format!("unsupported OpenQASM version {text}: only version 2.0 is supported"),
            ));
        }
        self.expect(Tok::Semi, "`;` after the version")?;
        Ok(())
    }

    fn statement(&mut self) -> Result<()> {
        let (word, pos) = match self.peek().clone() {
            Tok::Ident(s) => (s, self.peek_pos()),
            _ => {
                return Err(self
                    .unexpected("a statement (a declaration, a gate definition or an operation)"))
            }
        };
        match word.as_str() {
            "OPENQASM" => Err(qasm_error(
                pos,
                "`OPENQASM 2.0;` may only appear as the first statement",
            )),
            "include" => self.include(),
            "qreg" | "creg" => self.register(word == "qreg"),
            "gate" => self.gate_definition(),
            "opaque" => self.opaque(),
            "barrier" => {
                self.next();
                self.barrier()
            }
            "if" => self.conditional(),
            _ => self.quantum_op(None),
        }
    }

    fn include(&mut self) -> Result<()> {
        self.next();
        let pos = self.peek_pos();
        let file = match self.next().tok {
            Tok::Str(s) => s,
            t => {
                return Err(qasm_error(
                    pos,
                    format!(
                        "expected a file name in quotes after `include`, found {}",
                        t.describe()
                    ),
                ))
            }
        };
        self.expect(Tok::Semi, "`;` after the include")?;
        if file != "qelib1.inc" {
            return Err(qasm_error(
                pos,
                format!("unsupported include \"{file}\": only \"qelib1.inc\" is built in"),
            ));
        }
        if self.qelib1 {
            return Ok(());
        }
        self.qelib1 = true;
        for (name, _, _, b) in qelib1::QELIB1 {
            if !qelib1::is_standard(name) && self.symbols.contains_key(name) {
                // Defined by the program before the include: the program's wins.
                continue;
            }
            if let Some((_, at)) = self.symbols.get(name) {
                return Err(qasm_error(
                    pos,
                    format!(
                        "qelib1.inc defines `{name}`, which is already declared at line {}, column {}",
                        at.line, at.column
                    ),
                ));
            }
            self.symbols
                .insert(name.to_string(), (Symbol::Builtin(b), pos));
        }
        Ok(())
    }

    fn register(&mut self, quantum: bool) -> Result<()> {
        self.next();
        let kind = if quantum { "qreg" } else { "creg" };
        let (name, pos) = self.new_name(&format!("a register name after `{kind}`"))?;
        self.expect(Tok::LBracket, "`[` and the register size")?;
        let (size, size_pos) = self.integer("the register size (a non-negative integer)")?;
        self.expect(Tok::RBracket, "`]` after the register size")?;
        self.expect(Tok::Semi, "`;` after the register declaration")?;
        let (used, limit, what) = if quantum {
            (self.num_qubits, self.opts.max_qubits, "qubits")
        } else {
            (self.num_clbits, self.opts.max_clbits, "classical bits")
        };
        let total = u64::from(used).saturating_add(size);
        if total > u64::from(limit) {
            return Err(qasm_error(
                size_pos,
                format!(
                    "register `{name}[{size}]` brings the program to {total} {what}, more than the \
                     {limit} a ferroq state can hold (no memory was allocated)"
                ),
            ));
        }
        let (start, size) = (used, size as u32);
        let sym = if quantum {
            self.num_qubits += size;
            Symbol::QReg { start, size }
        } else {
            self.num_clbits += size;
            Symbol::CReg { start, size }
        };
        self.declare(name, pos, sym)
    }

    /// `( a, b, ... )` (optional) then `q0, q1, ...`: the names of a gate's parameters
    /// and qubit arguments.
    fn signature(&mut self, gate: &str) -> Result<(Vec<String>, Vec<String>)> {
        let mut params = Vec::new();
        if self.eat(&Tok::LParen) && !self.eat(&Tok::RParen) {
            loop {
                let (p, pos) = self.new_name("a parameter name")?;
                if params.contains(&p) {
                    return Err(qasm_error(
                        pos,
                        format!("parameter `{p}` of gate `{gate}` is declared twice"),
                    ));
                }
                params.push(p);
                if !self.eat(&Tok::Comma) {
                    self.expect(Tok::RParen, "`,` or `)` in the parameter list")?;
                    break;
                }
            }
        }
        let mut qubits: Vec<String> = Vec::new();
        if !matches!(self.peek(), Tok::Ident(_)) {
            return Err(self.unexpected(&format!(
                "the qubit arguments of gate `{gate}` (a gate acts on at least one qubit)"
            )));
        }
        loop {
            let (q, pos) = self.new_name("a qubit argument name")?;
            if qubits.contains(&q) || params.contains(&q) {
                return Err(qasm_error(
                    pos,
                    format!("`{q}` is declared twice in the signature of gate `{gate}`"),
                ));
            }
            qubits.push(q);
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        Ok((params, qubits))
    }

    fn opaque(&mut self) -> Result<()> {
        self.next();
        let (name, pos) = self.new_name("a gate name after `opaque`")?;
        let (params, qubits) = self.signature(&name)?;
        self.expect(Tok::Semi, "`;` after the opaque declaration")?;
        if self.is_redefinable_builtin(&name) {
            let (np, nq) = match self.symbols.get(&name) {
                Some((Symbol::Builtin(b), _)) => qelib1::signature(*b),
                _ => (usize::MAX, usize::MAX),
            };
            if (np, nq) == (params.len(), qubits.len()) {
                // A declaration of a gate this reader has built in (as Qiskit reads
                // such files): the built-in stays, so the gate can be applied.
                return Ok(());
            }
        }
        let def = GateDef {
            name: name.clone(),
            num_params: params.len(),
            num_qubits: qubits.len(),
            body: None,
        };
        self.declare(name, pos, Symbol::Gate(Rc::new(def)))
    }

    fn gate_definition(&mut self) -> Result<()> {
        self.next();
        let (name, pos) = self.new_name("a gate name after `gate`")?;
        if !self.is_redefinable_builtin(&name) {
            self.check_free(&name, pos)?;
        }
        let (params, qubits) = self.signature(&name)?;
        self.expect(Tok::LBrace, "`{` to open the gate body")?;
        let mut body = Vec::new();
        loop {
            match self.peek().clone() {
                Tok::RBrace => {
                    self.next();
                    break;
                }
                Tok::Ident(w) if w == "barrier" => {
                    self.next();
                    let qs = self.body_qubits(&qubits, &name, "barrier")?;
                    body.push(BodyStmt::Barrier { qubits: qs });
                }
                Tok::Ident(w) => {
                    let stmt = self.body_call(&w, &name, &params, &qubits)?;
                    body.push(stmt);
                }
                Tok::Eof => return Err(self.unexpected(&format!("`}}` to close gate `{name}`"))),
                _ => return Err(self.unexpected("a gate application, `barrier` or `}`")),
            }
        }
        let def = GateDef {
            name: name.clone(),
            num_params: params.len(),
            num_qubits: qubits.len(),
            body: Some(body),
        };
        self.declare(name, pos, Symbol::Gate(Rc::new(def)))
    }

    /// `a, b, ...;` inside a gate body: distinct qubit argument names.
    fn body_qubits(&mut self, qubits: &[String], gate: &str, callee: &str) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        loop {
            let (q, pos) = self.ident("a qubit argument of the gate")?;
            let Some(i) = qubits.iter().position(|n| *n == q) else {
                return Err(qasm_error(
                    pos,
                    format!(
                        "unknown qubit `{q}` in gate `{gate}` (its qubit arguments are: {})",
                        qubits.join(", ")
                    ),
                ));
            };
            if *self.peek() == Tok::LBracket {
                return Err(qasm_error(
                    self.peek_pos(),
                    "qubits inside a gate body are bare argument names; indexing is not allowed",
                ));
            }
            if out.contains(&i) {
                if callee != "barrier" {
                    return Err(qasm_error(
                        pos,
                        format!("qubit `{q}` is used twice in `{callee}`"),
                    ));
                }
            } else {
                out.push(i);
            }
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::Semi, "`,` or `;` after the qubit arguments")?;
        Ok(out)
    }

    fn body_call(
        &mut self,
        callee: &str,
        gate: &str,
        params: &[String],
        qubits: &[String],
    ) -> Result<BodyStmt> {
        let pos = self.next().pos;
        let target = if callee == gate {
            return Err(qasm_error(
                pos,
                format!("gate `{gate}` calls itself: recursive gate definitions are not allowed"),
            ));
        } else {
            match self.symbols.get(callee) {
                Some((Symbol::Builtin(b), _)) => Callee::Builtin(*b),
                Some((Symbol::Gate(d), _)) => Callee::User(d.clone()),
                Some(_) => {
                    return Err(qasm_error(pos, format!("`{callee}` is a register, not a gate")))
                }
                None if matches!(callee, "measure" | "reset" | "if" | "qreg" | "creg" | "gate") => {
                    return Err(qasm_error(
                        pos,
                        format!("only gate applications and `barrier` are allowed inside a gate body, found `{callee}`"),
                    ))
                }
                None => return Err(self.undefined_gate(callee, pos)),
            }
        };
        let mut args = Vec::new();
        if self.eat(&Tok::LParen) && !self.eat(&Tok::RParen) {
            loop {
                args.push(self.expr(params)?.expr);
                if !self.eat(&Tok::Comma) {
                    self.expect(Tok::RParen, "`,` or `)` in the argument list")?;
                    break;
                }
            }
        }
        let qs = self.body_qubits(qubits, gate, callee)?;
        let (np, nq) = self.callee_signature(&target);
        self.check_counts(callee, np, nq, args.len(), qs.len(), pos)?;
        Ok(BodyStmt::Call {
            callee: target,
            args,
            qubits: qs,
            pos,
        })
    }

    pub(crate) fn callee_signature(&self, c: &Callee) -> (usize, usize) {
        match c {
            Callee::Builtin(b) => qelib1::signature(*b),
            Callee::User(d) => (d.num_params, d.num_qubits),
        }
    }

    pub(crate) fn check_counts(
        &self,
        name: &str,
        np: usize,
        nq: usize,
        got_p: usize,
        got_q: usize,
        pos: Pos,
    ) -> Result<()> {
        let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
        if np != got_p {
            return Err(qasm_error(
                pos,
                format!(
                    "gate `{name}` takes {}, got {got_p}",
                    plural(np, "parameter")
                ),
            ));
        }
        if nq != got_q {
            return Err(qasm_error(
                pos,
                format!("gate `{name}` acts on {}, got {got_q}", plural(nq, "qubit")),
            ));
        }
        Ok(())
    }

    pub(crate) fn undefined_gate(&self, name: &str, pos: Pos) -> ferroq_core::Error {
        if !self.qelib1 && qelib1::is_qelib1_name(name) {
            qasm_error(
                pos,
                format!("undefined gate `{name}`: it is defined in qelib1.inc, add `include \"qelib1.inc\";` before using it"),
            )
        } else {
            qasm_error(pos, format!("undefined gate `{name}`"))
        }
    }
}

/// Parses `text` with `opts`.
pub(crate) fn parse_program(text: &str, opts: &ParseOptions) -> Result<Circuit> {
    Parser::new(text, opts)?.program()
}

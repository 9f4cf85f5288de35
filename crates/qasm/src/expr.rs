//! Parameter expressions: parsing (with constant folding) and evaluation in f64.
//!
//! Grammar, loosest binding first: `+ -` (left), `* /` (left), unary `-`/`+`,
//! `^` (right; `-2^2 = -4`), atoms (numbers, `pi`, gate parameters, parentheses and
//! `sin cos tan exp ln sqrt`). Nesting is limited to [`MAX_EXPR_DEPTH`] levels, so that
//! neither parsing nor evaluation can overflow the stack.

use crate::error::{qasm_error, Pos};
use crate::lexer::Tok;
use crate::parser::Parser;
use ferroq_core::Result;

/// Deepest expression nesting accepted (parentheses, unary signs, operator trees).
pub const MAX_EXPR_DEPTH: usize = 200;

/// A built-in function of OpenQASM 2.0 expressions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Func {
    Sin,
    Cos,
    Tan,
    Exp,
    Ln,
    Sqrt,
}

impl Func {
    fn from_name(s: &str) -> Option<Func> {
        Some(match s {
            "sin" => Func::Sin,
            "cos" => Func::Cos,
            "tan" => Func::Tan,
            "exp" => Func::Exp,
            "ln" => Func::Ln,
            "sqrt" => Func::Sqrt,
            _ => return None,
        })
    }

    fn apply(self, x: f64) -> std::result::Result<f64, String> {
        Ok(match self {
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tan => x.tan(),
            Func::Exp => x.exp(),
            Func::Ln if x <= 0.0 => return Err(format!("ln of a non-positive number ({x})")),
            Func::Ln => x.ln(),
            Func::Sqrt if x < 0.0 => return Err(format!("sqrt of a negative number ({x})")),
            Func::Sqrt => x.sqrt(),
        })
    }
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
}

impl BinOp {
    fn apply(self, a: f64, b: f64) -> std::result::Result<f64, String> {
        Ok(match self {
            BinOp::Add => a + b,
            BinOp::Sub => a - b,
            BinOp::Mul => a * b,
            BinOp::Div if b == 0.0 => return Err("division by zero".into()),
            BinOp::Div => a / b,
            BinOp::Pow => a.powf(b),
        })
    }
}

/// An expression tree; subtrees without gate parameters are folded to numbers.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Num(f64),
    /// The i-th parameter of the enclosing gate definition.
    Param(usize),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>, Pos),
    Call(Func, Box<Expr>, Pos),
}

/// An evaluation failure: where and why.
pub(crate) type EvalError = (Pos, String);

fn finite(v: f64, pos: Pos) -> std::result::Result<f64, EvalError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err((
            pos,
            format!("expression evaluates to a non-finite value ({v})"),
        ))
    }
}

impl Expr {
    /// Evaluates with the given gate parameter values.
    pub(crate) fn eval(&self, params: &[f64]) -> std::result::Result<f64, EvalError> {
        match self {
            Expr::Num(v) => Ok(*v),
            Expr::Param(i) => Ok(params.get(*i).copied().unwrap_or(f64::NAN)),
            Expr::Neg(a) => Ok(-a.eval(params)?),
            Expr::Bin(op, a, b, pos) => {
                let v = op
                    .apply(a.eval(params)?, b.eval(params)?)
                    .map_err(|m| (*pos, m))?;
                finite(v, *pos)
            }
            Expr::Call(f, a, pos) => {
                let v = f.apply(a.eval(params)?).map_err(|m| (*pos, m))?;
                finite(v, *pos)
            }
        }
    }
}

/// An expression with the depth of its tree.
pub(crate) struct Sized {
    pub expr: Expr,
    depth: usize,
}

impl Sized {
    fn num(v: f64) -> Sized {
        Sized {
            expr: Expr::Num(v),
            depth: 1,
        }
    }
}

impl Parser<'_> {
    fn fold(&self, expr: Expr, depth: usize, pos: Pos) -> Result<Sized> {
        let constant = match &expr {
            Expr::Neg(a) => matches!(**a, Expr::Num(_)),
            Expr::Bin(_, a, b, _) => matches!((&**a, &**b), (Expr::Num(_), Expr::Num(_))),
            Expr::Call(_, a, _) => matches!(**a, Expr::Num(_)),
            _ => true,
        };
        if constant {
            let v = expr.eval(&[]).map_err(|(p, m)| qasm_error(p, m))?;
            return Ok(Sized::num(v));
        }
        if depth > MAX_EXPR_DEPTH {
            return Err(qasm_error(
                pos,
                format!("expression is too deeply nested (more than {MAX_EXPR_DEPTH} levels)"),
            ));
        }
        Ok(Sized { expr, depth })
    }

    /// Parses an expression; identifiers resolve against `params` (the enclosing gate's
    /// parameter names; empty at top level).
    pub(crate) fn expr(&mut self, params: &[String]) -> Result<Sized> {
        self.sum(params, 0)
    }

    fn sum(&mut self, params: &[String], nest: usize) -> Result<Sized> {
        let mut acc = self.product(params, nest)?;
        loop {
            let op = match self.peek() {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(acc),
            };
            let pos = self.next().pos;
            let rhs = self.product(params, nest)?;
            let depth = acc.depth.max(rhs.depth) + 1;
            acc = self.fold(
                Expr::Bin(op, Box::new(acc.expr), Box::new(rhs.expr), pos),
                depth,
                pos,
            )?;
        }
    }

    fn product(&mut self, params: &[String], nest: usize) -> Result<Sized> {
        let mut acc = self.unary(params, nest)?;
        loop {
            let op = match self.peek() {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                _ => return Ok(acc),
            };
            let pos = self.next().pos;
            let rhs = self.unary(params, nest)?;
            let depth = acc.depth.max(rhs.depth) + 1;
            acc = self.fold(
                Expr::Bin(op, Box::new(acc.expr), Box::new(rhs.expr), pos),
                depth,
                pos,
            )?;
        }
    }

    fn unary(&mut self, params: &[String], nest: usize) -> Result<Sized> {
        let pos = self.peek_pos();
        if nest >= MAX_EXPR_DEPTH {
            return Err(qasm_error(
                pos,
                format!("expression is too deeply nested (more than {MAX_EXPR_DEPTH} levels)"),
            ));
        }
        match self.peek() {
            Tok::Minus => {
                self.next();
                let a = self.unary(params, nest + 1)?;
                self.fold(Expr::Neg(Box::new(a.expr)), a.depth + 1, pos)
            }
            Tok::Plus => {
                self.next();
                self.unary(params, nest + 1)
            }
            _ => self.power(params, nest),
        }
    }

    fn power(&mut self, params: &[String], nest: usize) -> Result<Sized> {
        let base = self.atom(params, nest)?;
        if *self.peek() != Tok::Caret {
            return Ok(base);
        }
        let pos = self.next().pos;
        let exp = self.unary(params, nest + 1)?;
        let depth = base.depth.max(exp.depth) + 1;
        self.fold(
            Expr::Bin(BinOp::Pow, Box::new(base.expr), Box::new(exp.expr), pos),
            depth,
            pos,
        )
    }

    fn atom(&mut self, params: &[String], nest: usize) -> Result<Sized> {
        let t = self.next();
        match t.tok {
            Tok::Int(s) => match s.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Sized::num(v)),
                _ => Err(qasm_error(t.pos, format!("number `{s}` is out of range"))),
            },
            Tok::Real(v) => Ok(Sized::num(v)),
            Tok::LParen => {
                let e = self.sum(params, nest + 1)?;
                self.expect(Tok::RParen, "`)` to close the parenthesis")?;
                Ok(e)
            }
            Tok::Ident(name) => {
                if name == "pi" {
                    return Ok(Sized::num(std::f64::consts::PI));
                }
                if let Some(f) = Func::from_name(&name) {
                    self.expect(Tok::LParen, &format!("`(` after the function `{name}`"))?;
                    let a = self.sum(params, nest + 1)?;
                    self.expect(Tok::RParen, &format!("`)` to close `{name}(`"))?;
                    return self.fold(Expr::Call(f, Box::new(a.expr), t.pos), a.depth + 1, t.pos);
                }
                if let Some(i) = params.iter().position(|p| *p == name) {
                    return Ok(Sized {
                        expr: Expr::Param(i),
                        depth: 1,
                    });
                }
                let why = if params.is_empty() {
                    "only numbers, `pi` and functions may appear outside a gate definition"
                        .to_string()
                } else {
                    format!("the gate's parameters are: {}", params.join(", "))
                };
                Err(qasm_error(
                    t.pos,
                    format!("unknown identifier `{name}` in an expression ({why})"),
                ))
            }
            other => Err(qasm_error(
                t.pos,
                format!(
                    "expected an expression (a number, `pi`, a parameter, a function or `(`), found {}",
                    other.describe()
                ),
            )),
        }
    }
}

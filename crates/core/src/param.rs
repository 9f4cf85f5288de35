//! Gate parameters: numbers or affine expressions of named symbols, bound at run time.

use crate::error::{Error, Result};
use std::collections::BTreeMap;
use std::fmt;

/// A gate parameter: a number, a named symbol, or an affine expression
/// `c0 + c1*s1 + c2*s2 + ...` of named symbols.
///
/// Symbols are bound at run time through a [`ParamBinding`], so one compiled circuit
/// runs for many parameter sets.
///
/// ```
/// use ferroq_core::{Param, ParamBinding};
/// let p: Param = "2*theta + 0.1".parse().unwrap();
/// let b = ParamBinding::from_pairs([("theta", 0.5)]);
/// assert!((p.eval(&b).unwrap() - 1.1).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// A fixed number.
    Value(f64),
    /// A named symbol, bound at run time.
    Symbol(String),
    /// `constant + Σ coefficient * symbol`.
    Affine {
        /// `(symbol, coefficient)` pairs, each symbol at most once.
        terms: Vec<(String, f64)>,
        /// Constant offset.
        constant: f64,
    },
}

impl Param {
    /// A named symbol.
    pub fn symbol(name: impl Into<String>) -> Self {
        Param::Symbol(name.into())
    }

    /// Terms and constant of this parameter in affine form.
    pub fn affine_parts(&self) -> (Vec<(String, f64)>, f64) {
        match self {
            Param::Value(v) => (Vec::new(), *v),
            Param::Symbol(s) => (vec![(s.clone(), 1.0)], 0.0),
            Param::Affine { terms, constant } => (terms.clone(), *constant),
        }
    }

    fn from_parts(mut terms: Vec<(String, f64)>, constant: f64) -> Self {
        terms.retain(|(_, c)| *c != 0.0);
        match terms.len() {
            0 => Param::Value(constant),
            1 if constant == 0.0 && terms[0].1 == 1.0 => Param::Symbol(terms.remove(0).0),
            _ => Param::Affine { terms, constant },
        }
    }

    /// `true` if the parameter is a plain number.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Param::Value(_))
    }

    /// The names of the symbols this parameter depends on.
    pub fn symbols(&self) -> Vec<&str> {
        match self {
            Param::Value(_) => Vec::new(),
            Param::Symbol(s) => vec![s.as_str()],
            Param::Affine { terms, .. } => terms.iter().map(|(s, _)| s.as_str()).collect(),
        }
    }

    /// Evaluates the parameter under `binding`; a missing symbol is [`Error::UnboundParameter`].
    pub fn eval(&self, binding: &ParamBinding) -> Result<f64> {
        let lookup = |s: &str| {
            binding.get(s).ok_or_else(|| Error::UnboundParameter {
                name: s.to_string(),
            })
        };
        Ok(match self {
            Param::Value(v) => *v,
            Param::Symbol(s) => lookup(s)?,
            Param::Affine { terms, constant } => {
                let mut v = *constant;
                for (s, c) in terms {
                    v += c * lookup(s)?;
                }
                v
            }
        })
    }

    /// Scales and shifts: `a * self + b`.
    pub fn affine(&self, a: f64, b: f64) -> Param {
        let (terms, c) = self.affine_parts();
        Param::from_parts(
            terms.into_iter().map(|(s, k)| (s, k * a)).collect(),
            c * a + b,
        )
    }

    /// Sum of two parameters.
    pub fn add(&self, other: &Param) -> Param {
        let (mut terms, c1) = self.affine_parts();
        let (t2, c2) = other.affine_parts();
        for (s, k) in t2 {
            match terms.iter_mut().find(|(n, _)| *n == s) {
                Some(t) => t.1 += k,
                None => terms.push((s, k)),
            }
        }
        Param::from_parts(terms, c1 + c2)
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Value(v)
    }
}
impl From<f32> for Param {
    fn from(v: f32) -> Self {
        Param::Value(v as f64)
    }
}
impl From<i32> for Param {
    fn from(v: i32) -> Self {
        Param::Value(v as f64)
    }
}
impl From<&str> for Param {
    /// A bare identifier becomes a symbol; anything else is parsed as an expression.
    /// Unparsable text becomes a symbol of that name and fails at binding time.
    fn from(s: &str) -> Self {
        s.parse().unwrap_or_else(|_| Param::Symbol(s.to_string()))
    }
}
impl From<String> for Param {
    fn from(s: String) -> Self {
        Param::from(s.as_str())
    }
}
impl From<&Param> for Param {
    fn from(p: &Param) -> Self {
        p.clone()
    }
}

impl std::ops::Neg for Param {
    type Output = Param;
    fn neg(self) -> Param {
        self.affine(-1.0, 0.0)
    }
}
impl std::ops::Mul<f64> for Param {
    type Output = Param;
    fn mul(self, k: f64) -> Param {
        self.affine(k, 0.0)
    }
}
impl std::ops::Add<f64> for Param {
    type Output = Param;
    fn add(self, k: f64) -> Param {
        self.affine(1.0, k)
    }
}
impl std::ops::Add<Param> for Param {
    type Output = Param;
    fn add(self, o: Param) -> Param {
        Param::add(&self, &o)
    }
}

impl fmt::Display for Param {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Param::Value(v) => write!(f, "{v}"),
            Param::Symbol(s) => write!(f, "{s}"),
            Param::Affine { terms, constant } => {
                let mut first = true;
                for (s, c) in terms {
                    if first {
                        if *c == 1.0 {
                            write!(f, "{s}")?;
                        } else if *c == -1.0 {
                            write!(f, "-{s}")?;
                        } else {
                            write!(f, "{c}*{s}")?;
                        }
                    } else if *c < 0.0 {
                        write!(f, " - {}*{s}", -c)?;
                    } else {
                        write!(f, " + {c}*{s}")?;
                    }
                    first = false;
                }
                if *constant < 0.0 {
                    write!(f, " - {}", -constant)?;
                } else if *constant > 0.0 {
                    write!(f, " + {constant}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::str::FromStr for Param {
    type Err = Error;
    /// Parses an affine expression: numbers, `pi`, symbols, `+ - * /`, parentheses.
    /// A product of two symbol-dependent factors is rejected (not affine).
    fn from_str(s: &str) -> Result<Param> {
        let mut p = ExprParser {
            src: s,
            chars: s.char_indices().collect(),
            pos: 0,
        };
        let v = p.sum()?;
        p.skip_ws();
        if p.pos < p.chars.len() {
            return Err(p.err(format!("unexpected `{}`", p.chars[p.pos].1)));
        }
        Ok(v)
    }
}

struct ExprParser<'a> {
    src: &'a str,
    chars: Vec<(usize, char)>,
    pos: usize,
}

impl ExprParser<'_> {
    fn err(&self, reason: String) -> Error {
        Error::Parse {
            what: "parameter expression",
            input: self.src.to_string(),
            reason,
        }
    }
    fn skip_ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].1.is_whitespace() {
            self.pos += 1;
        }
    }
    fn peek(&mut self) -> Option<char> {
        self.skip_ws();
        self.chars.get(self.pos).map(|c| c.1)
    }
    fn sum(&mut self) -> Result<Param> {
        let mut acc = self.product()?;
        while let Some(c @ ('+' | '-')) = self.peek() {
            self.pos += 1;
            let rhs = self.product()?;
            acc = if c == '+' {
                acc.add(&rhs)
            } else {
                acc.add(&rhs.affine(-1.0, 0.0))
            };
        }
        Ok(acc)
    }
    fn product(&mut self) -> Result<Param> {
        let mut acc = self.unary()?;
        while let Some(c @ ('*' | '/')) = self.peek() {
            self.pos += 1;
            let rhs = self.unary()?;
            acc = match (c, &acc, &rhs) {
                ('*', _, Param::Value(k)) => acc.affine(*k, 0.0),
                ('*', Param::Value(k), _) => rhs.affine(*k, 0.0),
                ('/', _, Param::Value(k)) if *k != 0.0 => acc.affine(1.0 / k, 0.0),
                ('/', _, Param::Value(_)) => return Err(self.err("division by zero".into())),
                _ => {
                    return Err(self.err(
                        "only affine expressions (number * symbol + number) are supported".into(),
                    ))
                }
            };
        }
        Ok(acc)
    }
    fn unary(&mut self) -> Result<Param> {
        match self.peek() {
            Some('-') => {
                self.pos += 1;
                Ok(self.unary()?.affine(-1.0, 0.0))
            }
            Some('+') => {
                self.pos += 1;
                self.unary()
            }
            _ => self.atom(),
        }
    }
    fn atom(&mut self) -> Result<Param> {
        match self.peek() {
            Some('(') => {
                self.pos += 1;
                let v = self.sum()?;
                if self.peek() != Some(')') {
                    return Err(self.err("missing `)`".into()));
                }
                self.pos += 1;
                Ok(v)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let start = self.pos;
                while self.pos < self.chars.len() {
                    let ch = self.chars[self.pos].1;
                    let after_exp = self.pos > start
                        && matches!(self.chars[self.pos - 1].1, 'e' | 'E')
                        && (ch == '+' || ch == '-');
                    if ch.is_ascii_digit() || ch == '.' || ch == 'e' || ch == 'E' || after_exp {
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                let text = self.slice(start, self.pos);
                text.parse::<f64>()
                    .map(Param::Value)
                    .map_err(|_| self.err(format!("bad number `{text}`")))
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                let start = self.pos;
                while self.pos < self.chars.len()
                    && (self.chars[self.pos].1.is_alphanumeric() || self.chars[self.pos].1 == '_')
                {
                    self.pos += 1;
                }
                let name = self.slice(start, self.pos);
                Ok(match name {
                    "pi" | "π" => Param::Value(std::f64::consts::PI),
                    _ => Param::Symbol(name.to_string()),
                })
            }
            Some(c) => Err(self.err(format!("unexpected `{c}`"))),
            None => Err(self.err("unexpected end of expression".into())),
        }
    }
    fn slice(&self, a: usize, b: usize) -> &str {
        let start = self.chars[a].0;
        let end = self.chars.get(b).map_or(self.src.len(), |c| c.0);
        &self.src[start..end]
    }
}

/// Values for named parameters, used to bind a parametrised circuit at run time.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParamBinding {
    values: BTreeMap<String, f64>,
}

impl ParamBinding {
    /// An empty binding.
    pub fn new() -> Self {
        Self::default()
    }
    /// Builds a binding from `(name, value)` pairs.
    pub fn from_pairs<S: Into<String>>(pairs: impl IntoIterator<Item = (S, f64)>) -> Self {
        ParamBinding {
            values: pairs.into_iter().map(|(k, v)| (k.into(), v)).collect(),
        }
    }
    /// Sets one value, chainable.
    pub fn with(mut self, name: impl Into<String>, value: f64) -> Self {
        self.values.insert(name.into(), value);
        self
    }
    /// Sets one value.
    pub fn set(&mut self, name: impl Into<String>, value: f64) {
        self.values.insert(name.into(), value);
    }
    /// The value of `name`, if bound.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.values.get(name).copied()
    }
    /// Iterates over the bound names and values, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.values.iter().map(|(k, v)| (k.as_str(), *v))
    }
    /// Number of bound names.
    pub fn len(&self) -> usize {
        self.values.len()
    }
    /// `true` if nothing is bound.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_affine_expressions() {
        let b = ParamBinding::from_pairs([("theta", 2.0), ("phi", -1.0)]);
        for (text, want) in [
            ("theta", 2.0),
            ("2*theta + 0.1", 4.1),
            ("-theta/2", -1.0),
            ("(theta - phi) * 3", 9.0),
            ("pi/2", std::f64::consts::FRAC_PI_2),
            ("1e-3*theta", 2e-3),
        ] {
            let p: Param = text.parse().unwrap();
            assert!((p.eval(&b).unwrap() - want).abs() < 1e-12, "{text}");
        }
    }

    #[test]
    fn rejects_non_affine_and_garbage() {
        assert!("theta*phi".parse::<Param>().is_err());
        assert!("2*(".parse::<Param>().is_err());
        assert!("1/0".parse::<Param>().is_err());
        assert!("theta $".parse::<Param>().is_err());
    }

    #[test]
    fn unbound_symbol_is_an_error() {
        let p = Param::symbol("x");
        assert!(matches!(
            p.eval(&ParamBinding::new()),
            Err(Error::UnboundParameter { .. })
        ));
    }
}

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

/// Deepest parenthesis nesting a parameter expression may have (as the OpenQASM
/// reader's expression limit): deeper input is a parse error, never a stack overflow.
pub const MAX_PARAM_DEPTH: usize = 200;

impl std::str::FromStr for Param {
    type Err = Error;
    /// Parses an affine expression: numbers, `pi`, symbols, `+ - * /`, parentheses.
    /// A product of two symbol-dependent factors is rejected (not affine), and so is
    /// nesting deeper than [`MAX_PARAM_DEPTH`] parentheses; any run of signs is fine.
    fn from_str(s: &str) -> Result<Param> {
        let mut p = ExprParser {
            src: s,
            chars: s.char_indices().collect(),
            pos: 0,
            depth: 0,
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
    /// Parentheses open at the current position (bounded by [`MAX_PARAM_DEPTH`]).
    depth: usize,
}

impl ExprParser<'_> {
    fn err(&self, reason: String) -> Error {
        // Long input is shortened: the message names the problem, not 20,000 `(`.
        const SHOWN: usize = 60;
        let input = match self.src.char_indices().nth(SHOWN) {
            Some((end, _)) => format!(
                "{}... ({} characters)",
                &self.src[..end],
                self.src.chars().count()
            ),
            None => self.src.to_string(),
        };
        Error::Parse {
            what: "parameter expression",
            input,
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
    /// Any run of `+` and `-` signs, then an atom: signs are counted in a loop, so a
    /// long run cannot exhaust the stack.
    fn unary(&mut self) -> Result<Param> {
        let mut negate = false;
        while let Some(c @ ('-' | '+')) = self.peek() {
            self.pos += 1;
            negate ^= c == '-';
        }
        let v = self.atom()?;
        Ok(if negate { v.affine(-1.0, 0.0) } else { v })
    }
    fn atom(&mut self) -> Result<Param> {
        match self.peek() {
            Some('(') => {
                if self.depth >= MAX_PARAM_DEPTH {
                    return Err(self.err(format!(
                        "parentheses nested more than {MAX_PARAM_DEPTH} deep"
                    )));
                }
                self.pos += 1;
                self.depth += 1;
                let v = self.sum()?;
                self.depth -= 1;
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
    fn deep_parentheses_are_an_error_not_a_stack_overflow() {
        // Regression (issue 19, item 1): 20,000 `(` used to overflow the stack.
        for text in [
            "(".repeat(20_000),
            format!("{}x{}", "(".repeat(5_000), ")".repeat(5_000)),
        ] {
            let err = text.parse::<Param>().unwrap_err().to_string();
            assert!(err.contains("nested more than 200 deep"), "{err}");
        }
        let ok = format!(
            "{}theta{}",
            "(".repeat(MAX_PARAM_DEPTH),
            ")".repeat(MAX_PARAM_DEPTH)
        );
        assert_eq!(ok.parse::<Param>().unwrap(), Param::symbol("theta"));
    }

    #[test]
    fn long_sign_runs_parse_without_recursion() {
        // Regression (issue 19, item 1): 30,000 `-` before a symbol used to overflow.
        let b = ParamBinding::from_pairs([("t", 2.0)]);
        for (n, want) in [(30_000, 2.0), (30_001, -2.0)] {
            let p: Param = format!("{}t", "-".repeat(n)).parse().unwrap();
            assert_eq!(p.eval(&b).unwrap(), want);
        }
        let p: Param = "-+-+-3 * -t".parse().unwrap();
        assert_eq!(p.eval(&b).unwrap(), 6.0);
        assert!("-".repeat(30_000).parse::<Param>().is_err());
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

#[cfg(test)]
mod properties {
    //! Property tests of the expression parser: arbitrary text parses or fails with
    //! `Error::Parse`, never panics; generated affine expressions evaluate to the value
    //! computed independently from the same tree.
    use super::*;
    use proptest::prelude::*;

    /// An affine expression tree with at most one symbol factor per product.
    #[derive(Debug, Clone)]
    enum Tree {
        Num(f64),
        Sym(&'static str),
        Neg(Box<Tree>),
        Add(Box<Tree>, Box<Tree>),
        Sub(Box<Tree>, Box<Tree>),
        Scale(f64, Box<Tree>),
        Div(Box<Tree>, f64),
    }

    impl Tree {
        fn text(&self) -> String {
            match self {
                Tree::Num(v) => format!("{v:?}"),
                Tree::Sym(s) => s.to_string(),
                Tree::Neg(a) => format!("-({})", a.text()),
                Tree::Add(a, b) => format!("({}) + ({})", a.text(), b.text()),
                Tree::Sub(a, b) => format!("({})-({})", a.text(), b.text()),
                Tree::Scale(k, a) => format!("{k:?}*({})", a.text()),
                Tree::Div(a, k) => format!("({}) / {k:?}", a.text()),
            }
        }
        /// The value computed straight from the tree (the reference).
        fn value(&self, theta: f64, phi: f64) -> f64 {
            match self {
                Tree::Num(v) => *v,
                Tree::Sym(s) => {
                    if *s == "theta" {
                        theta
                    } else {
                        phi
                    }
                }
                Tree::Neg(a) => -a.value(theta, phi),
                Tree::Add(a, b) => a.value(theta, phi) + b.value(theta, phi),
                Tree::Sub(a, b) => a.value(theta, phi) - b.value(theta, phi),
                Tree::Scale(k, a) => k * a.value(theta, phi),
                Tree::Div(a, k) => a.value(theta, phi) / k,
            }
        }
        /// Sum of magnitudes, a bound on the rounding error of the result.
        fn magnitude(&self, theta: f64, phi: f64) -> f64 {
            match self {
                Tree::Num(v) => v.abs(),
                Tree::Sym(_) => theta.abs().max(phi.abs()),
                Tree::Neg(a) => a.magnitude(theta, phi),
                Tree::Add(a, b) | Tree::Sub(a, b) => {
                    a.magnitude(theta, phi) + b.magnitude(theta, phi)
                }
                Tree::Scale(k, a) => k.abs() * a.magnitude(theta, phi),
                Tree::Div(a, k) => a.magnitude(theta, phi) / k.abs(),
            }
        }
    }

    fn tree() -> impl Strategy<Value = Tree> {
        let leaf = prop_oneof![
            (-100.0..100.0f64).prop_map(Tree::Num),
            prop_oneof![Just("theta"), Just("phi")].prop_map(Tree::Sym),
        ];
        leaf.prop_recursive(6, 48, 2, |inner| {
            let k = prop_oneof![-8.0..-0.125f64, 0.125..8.0f64];
            prop_oneof![
                inner.clone().prop_map(|a| Tree::Neg(Box::new(a))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Tree::Add(Box::new(a), Box::new(b))),
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Tree::Sub(Box::new(a), Box::new(b))),
                (k.clone(), inner.clone()).prop_map(|(k, a)| Tree::Scale(k, Box::new(a))),
                (inner, k).prop_map(|(a, k)| Tree::Div(Box::new(a), k)),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_parses_or_errs(text in "[-+*/() .0-9eEpitahxy_\\t\\PC]{0,64}") {
            match text.parse::<Param>() {
                Ok(_) | Err(Error::Parse { .. }) => {}
                Err(e) => prop_assert!(false, "unexpected error kind: {e}"),
            }
        }

        #[test]
        fn nested_and_signed_input_never_overflows(
            opens in 0usize..2_000,
            closes in 0usize..2_000,
            signs in proptest::collection::vec(prop_oneof![Just('-'), Just('+'), Just(' ')], 0..2_000),
        ) {
            let s: String = signs.into_iter().collect();
            let text = format!("{}{s}t{}", "(".repeat(opens), ")".repeat(closes));
            let r = text.parse::<Param>();
            if opens == closes && opens <= MAX_PARAM_DEPTH {
                prop_assert!(r.is_ok(), "{:?}", r);
            } else {
                let is_parse_error = matches!(r, Err(Error::Parse { .. }));
                prop_assert!(is_parse_error, "{:?}", r);
            }
        }

        #[test]
        fn affine_trees_evaluate_like_the_reference(
            t in tree(), theta in -10.0..10.0f64, phi in -10.0..10.0f64,
        ) {
            let text = t.text();
            let p: Param = text.parse().map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            let b = ParamBinding::from_pairs([("theta", theta), ("phi", phi)]);
            let got = p.eval(&b).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
            let want = t.value(theta, phi);
            let tol = 1e-9 * (1.0 + t.magnitude(theta, phi));
            prop_assert!((got - want).abs() <= tol, "{text}: got {got}, want {want}");
        }
    }
}

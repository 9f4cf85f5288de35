//! Observables: real-weighted sums of Pauli strings, parsed from text or built in code.

use crate::error::{Error, Result};
use std::fmt;

/// A single-qubit Pauli operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pauli {
    /// Identity.
    I,
    /// Pauli X.
    X,
    /// Pauli Y.
    Y,
    /// Pauli Z.
    Z,
}

impl Pauli {
    fn from_char(c: char) -> Option<Pauli> {
        match c.to_ascii_uppercase() {
            'I' => Some(Pauli::I),
            'X' => Some(Pauli::X),
            'Y' => Some(Pauli::Y),
            'Z' => Some(Pauli::Z),
            _ => None,
        }
    }
    fn as_char(self) -> char {
        match self {
            Pauli::I => 'I',
            Pauli::X => 'X',
            Pauli::Y => 'Y',
            Pauli::Z => 'Z',
        }
    }
}

/// `coeff * P_{q0} ⊗ P_{q1} ⊗ ...` with identities left out.
#[derive(Debug, Clone, PartialEq)]
pub struct PauliTerm {
    /// Real weight.
    pub coeff: f64,
    /// Non-identity factors, sorted by qubit, each qubit at most once.
    pub ops: Vec<(Pauli, u32)>,
}

impl PauliTerm {
    /// Builds a term; identities are dropped, a qubit named twice is an error.
    pub fn new(coeff: f64, ops: impl IntoIterator<Item = (Pauli, u32)>) -> Result<Self> {
        let mut v: Vec<(Pauli, u32)> = ops.into_iter().filter(|(p, _)| *p != Pauli::I).collect();
        v.sort_by_key(|(_, q)| *q);
        if let Some(w) = v.windows(2).find(|w| w[0].1 == w[1].1) {
            return Err(Error::invalid(format!(
                "Pauli term names qubit {} twice",
                w[0].1
            )));
        }
        if !coeff.is_finite() {
            return Err(Error::invalid(format!(
                "Pauli term coefficient {coeff} is not finite"
            )));
        }
        if let Some(&(_, q)) = v.iter().find(|(_, q)| *q >= 64) {
            return Err(Error::invalid(format!(
                "Pauli term on qubit {q}: at most 64 qubits are supported"
            )));
        }
        Ok(PauliTerm { coeff, ops: v })
    }

    /// Bit mask of qubits carrying X or Y (the bits the term flips).
    pub fn x_mask(&self) -> u64 {
        self.ops
            .iter()
            .filter(|(p, _)| matches!(p, Pauli::X | Pauli::Y))
            .fold(0, |m, (_, q)| m | 1u64 << q)
    }
    /// Bit mask of qubits carrying Z or Y (the bits that contribute a sign).
    pub fn z_mask(&self) -> u64 {
        self.ops
            .iter()
            .filter(|(p, _)| matches!(p, Pauli::Z | Pauli::Y))
            .fold(0, |m, (_, q)| m | 1u64 << q)
    }
    /// Number of Y factors: the term is `i^{ny} X^{x_mask} Z^{z_mask}`.
    pub fn y_count(&self) -> u32 {
        self.ops.iter().filter(|(p, _)| *p == Pauli::Y).count() as u32
    }
    /// Highest qubit index plus one (0 for the identity).
    pub fn min_qubits(&self) -> u32 {
        self.ops.last().map_or(0, |(_, q)| q + 1)
    }
}

/// One term of an [`XGroup`]: `coeff * i^{y_phase} * (-1)^{|i & z_mask|}` applied to
/// the pair product `conj(a[i ^ x]) a[i]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ZTerm {
    /// Real weight.
    pub coeff: f64,
    /// Bits contributing a sign.
    pub z_mask: u64,
    /// Number of Y factors modulo 4.
    pub y_phase: u32,
}

impl ZTerm {
    /// This term's contribution for basis index `i` and pair product `p = conj(a[i^x]) a[i]`
    /// given as `(re, im)`: the real part of `coeff * i^{y_phase} * (-1)^{|i&z|} * p`.
    #[inline]
    pub fn contribution(&self, i: u64, re: f64, im: f64) -> f64 {
        let v = match self.y_phase {
            0 => re,
            1 => -im,
            2 => -re,
            _ => im,
        };
        if (i & self.z_mask).count_ones() & 1 == 1 {
            -self.coeff * v
        } else {
            self.coeff * v
        }
    }
}

/// Terms of an observable sharing one X-mask.
#[derive(Debug, Clone, PartialEq)]
pub struct XGroup {
    /// Bits flipped by every term of the group.
    pub x_mask: u64,
    /// The terms.
    pub terms: Vec<ZTerm>,
}

/// A weighted sum of Pauli strings, such as `0.5*ZZI - XIX`.
///
/// Text form: terms separated by `+`/`-`, each an optional real coefficient (with an
/// optional `*`) and either a dense string (qubit 0 rightmost: `"XIZ"` is Z on qubit 0
/// and X on qubit 2) or sparse factors (`"X2 Z0"`, `"X2*Z0"`). A bare number is a
/// multiple of the identity.
///
/// ```
/// use ferroq_core::Observable;
/// let o: Observable = "0.5*ZZI - XIX".parse().unwrap();
/// assert_eq!(o.terms().len(), 2);
/// assert_eq!(o.min_qubits(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Observable {
    terms: Vec<PauliTerm>,
}

impl Observable {
    /// The zero observable.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds a term, chainable.
    pub fn with_term(
        mut self,
        coeff: f64,
        ops: impl IntoIterator<Item = (Pauli, u32)>,
    ) -> Result<Self> {
        self.terms.push(PauliTerm::new(coeff, ops)?);
        Ok(self)
    }
    /// Adds a term.
    pub fn add_term(&mut self, term: PauliTerm) {
        self.terms.push(term);
    }
    /// The terms.
    pub fn terms(&self) -> &[PauliTerm] {
        &self.terms
    }
    /// The smallest qubit count this observable fits.
    pub fn min_qubits(&self) -> u32 {
        self.terms
            .iter()
            .map(PauliTerm::min_qubits)
            .max()
            .unwrap_or(0)
    }
    /// Errors if the observable acts on qubits a state of `num_qubits` does not have.
    pub fn check_fits(&self, num_qubits: u32) -> Result<()> {
        let need = self.min_qubits();
        if need > num_qubits {
            return Err(Error::QubitOutOfRange {
                qubit: need - 1,
                num_qubits,
            });
        }
        Ok(())
    }
    /// The terms grouped by X-mask, for evaluating `<ψ|O|ψ>` in one pass per group:
    /// every term of a group pairs amplitude `i` with `i ^ x_mask`. Identity terms are
    /// returned separately as a constant (to be multiplied by the state's norm).
    pub fn x_groups(&self) -> (Vec<XGroup>, f64) {
        let mut groups: Vec<XGroup> = Vec::new();
        let mut constant = 0.0;
        for t in &self.terms {
            if t.ops.is_empty() {
                constant += t.coeff;
                continue;
            }
            let x = t.x_mask();
            let z = ZTerm {
                coeff: t.coeff,
                z_mask: t.z_mask(),
                y_phase: t.y_count() % 4,
            };
            match groups.iter_mut().find(|g| g.x_mask == x) {
                Some(g) => g.terms.push(z),
                None => groups.push(XGroup {
                    x_mask: x,
                    terms: vec![z],
                }),
            }
        }
        (groups, constant)
    }

    /// Parses a dense Pauli string (qubit 0 rightmost), weight 1.
    pub fn pauli_string(s: &str) -> Result<Self> {
        s.parse()
    }
}

impl std::str::FromStr for Observable {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let err = |reason: String| Error::Parse {
            what: "observable",
            input: s.to_string(),
            reason,
        };
        let mut terms = Vec::new();
        let chars: Vec<char> = s.chars().collect();
        let mut i = 0;
        let skip = |i: &mut usize| {
            while *i < chars.len() && chars[*i].is_whitespace() {
                *i += 1;
            }
        };
        skip(&mut i);
        if i == chars.len() {
            return Err(err("empty observable".into()));
        }
        let mut first = true;
        while i < chars.len() {
            // sign
            let mut sign = 1.0;
            skip(&mut i);
            if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                if chars[i] == '-' {
                    sign = -1.0;
                }
                i += 1;
            } else if !first {
                return Err(err(format!("expected `+` or `-` at position {i}")));
            }
            first = false;
            skip(&mut i);
            // coefficient
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || chars[i] == '.'
                    || ((chars[i] == 'e' || chars[i] == 'E')
                        && i > start
                        && chars
                            .get(i + 1)
                            .is_some_and(|c| c.is_ascii_digit() || *c == '-' || *c == '+'))
                    || ((chars[i] == '-' || chars[i] == '+')
                        && i > start
                        && matches!(chars[i - 1], 'e' | 'E')))
            {
                i += 1;
            }
            let mut coeff = sign;
            let has_coeff = i > start;
            let mut star = false;
            if has_coeff {
                let text: String = chars[start..i].iter().collect();
                coeff *= text
                    .parse::<f64>()
                    .map_err(|_| err(format!("bad coefficient `{text}`")))?;
                skip(&mut i);
                if i < chars.len() && chars[i] == '*' {
                    i += 1;
                    star = true;
                    skip(&mut i);
                }
            }
            // Pauli factors until + or - or end
            let mut word = String::new();
            while i < chars.len() && chars[i] != '+' && chars[i] != '-' {
                word.push(chars[i]);
                i += 1;
            }
            let word = word.trim();
            let ops = parse_paulis(word).map_err(err)?;
            if ops.is_none() && star {
                return Err(err(format!(
                    "term {} ends in `*` without Pauli factors",
                    terms.len() + 1
                )));
            }
            if ops.is_none() && !has_coeff {
                return Err(err(format!(
                    "term {} has no coefficient and no Pauli factors",
                    terms.len() + 1
                )));
            }
            let term =
                PauliTerm::new(coeff, ops.unwrap_or_default()).map_err(|e| err(e.to_string()))?;
            terms.push(term);
        }
        Ok(Observable { terms })
    }
}

/// Parses the Pauli part of one term; `Ok(None)` for an empty word.
fn parse_paulis(word: &str) -> std::result::Result<Option<Vec<(Pauli, u32)>>, String> {
    if word.is_empty() {
        return Ok(None);
    }
    let compact: String = word.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.chars().all(|c| Pauli::from_char(c).is_some()) {
        // dense, qubit 0 rightmost
        let n = compact.chars().count() as u32;
        return Ok(Some(
            compact
                .chars()
                .enumerate()
                .map(|(k, c)| (Pauli::from_char(c).unwrap(), n - 1 - k as u32))
                .collect(),
        ));
    }
    let mut ops = Vec::new();
    for tok in word
        .split(|c: char| c.is_whitespace() || c == '*')
        .filter(|t| !t.is_empty())
    {
        let mut cs = tok.chars();
        let p = cs
            .next()
            .and_then(Pauli::from_char)
            .ok_or_else(|| format!("`{tok}` is not a Pauli factor (expected I, X, Y or Z)"))?;
        let q: u32 = cs
            .as_str()
            .parse()
            .map_err(|_| format!("`{tok}` is neither a Pauli string nor a factor like `X3`"))?;
        ops.push((p, q));
    }
    Ok(Some(ops))
}

impl fmt::Display for Observable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.terms.is_empty() {
            return write!(f, "0");
        }
        let n = self.min_qubits().max(1);
        for (k, t) in self.terms.iter().enumerate() {
            let mut s = vec!['I'; n as usize];
            for (p, q) in &t.ops {
                s[(n - 1 - q) as usize] = p.as_char();
            }
            let s: String = s.into_iter().collect();
            if k == 0 {
                write!(f, "{}*{s}", t.coeff)?;
            } else if t.coeff < 0.0 {
                write!(f, " - {}*{s}", -t.coeff)?;
            } else {
                write!(f, " + {}*{s}", t.coeff)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dense_and_sparse_forms() {
        let o: Observable = "0.5*ZZI - XIX".parse().unwrap();
        assert_eq!(o.terms()[0].coeff, 0.5);
        assert_eq!(o.terms()[0].ops, vec![(Pauli::Z, 1), (Pauli::Z, 2)]);
        assert_eq!(o.terms()[1].coeff, -1.0);
        assert_eq!(o.terms()[1].ops, vec![(Pauli::X, 0), (Pauli::X, 2)]);
        let s: Observable = "2 * X2 Z0 + 1e-1*Y1 - 3".parse().unwrap();
        assert_eq!(s.terms()[0].ops, vec![(Pauli::Z, 0), (Pauli::X, 2)]);
        assert_eq!(s.terms()[1].coeff, 0.1);
        assert!(s.terms()[2].ops.is_empty());
        assert_eq!(s.terms()[2].coeff, -3.0);
    }

    #[test]
    fn masks() {
        let t = PauliTerm::new(1.0, [(Pauli::X, 0), (Pauli::Y, 1), (Pauli::Z, 3)]).unwrap();
        assert_eq!(t.x_mask(), 0b0011);
        assert_eq!(t.z_mask(), 0b1010);
        assert_eq!(t.y_count(), 1);
    }

    #[test]
    fn rejects_bad_text() {
        for bad in ["", "ZQ", "X0 X0", "0.5*", "Z + ", "1..2*Z"] {
            assert!(bad.parse::<Observable>().is_err(), "{bad:?}");
        }
    }
}

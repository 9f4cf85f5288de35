//! `ParamSets`: many parameter sets as one table (a column per name, a row per set),
//! so a batch of 10,000 sets crosses from Python or Rust in one allocation and binds
//! by slot, never by name.

use crate::error::{Error, Result};
use crate::param::ParamBinding;

/// A table of parameter values: `names()[j]` is column `j`, `row(i)` is set `i`.
///
/// ```
/// use ferroq_core::ParamSets;
/// let sets = ParamSets::new(vec!["a".into(), "b".into()], vec![0.1, 0.2, 0.3, 0.4]).unwrap();
/// assert_eq!(sets.len(), 2);
/// assert_eq!(sets.row(1), &[0.3, 0.4]);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParamSets {
    names: Vec<String>,
    rows: usize,
    values: Vec<f64>,
}

impl ParamSets {
    /// A table from column names and row-major values (`values.len()` a multiple of
    /// `names.len()`). Names must be distinct. With no names the table has no rows;
    /// use [`ParamSets::empty_rows`] for sets of a circuit without parameters.
    pub fn new(names: Vec<String>, values: Vec<f64>) -> Result<Self> {
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(Error::invalid(format!("parameter `{n}` is given twice")));
            }
        }
        if names.is_empty() {
            if !values.is_empty() {
                return Err(Error::invalid("values were given without parameter names"));
            }
            return Ok(ParamSets::default());
        }
        if !values.len().is_multiple_of(names.len()) {
            return Err(Error::invalid(format!(
                "{} values do not fill rows of {} parameters",
                values.len(),
                names.len()
            )));
        }
        Ok(ParamSets {
            rows: values.len() / names.len(),
            names,
            values,
        })
    }

    /// `rows` sets of no parameters (a batch of a circuit without parameters).
    pub fn empty_rows(rows: usize) -> Self {
        ParamSets {
            names: Vec::new(),
            rows,
            values: Vec::new(),
        }
    }

    /// One row per binding. Every binding must name the same parameters.
    pub fn from_bindings(bindings: &[ParamBinding]) -> Result<Self> {
        let Some(first) = bindings.first() else {
            return Ok(ParamSets::default());
        };
        let names: Vec<String> = first.iter().map(|(n, _)| n.to_string()).collect();
        let mut values = Vec::with_capacity(names.len() * bindings.len());
        for (i, b) in bindings.iter().enumerate() {
            if b.len() != names.len() || b.iter().zip(&names).any(|((n, _), m)| n != m) {
                return Err(Error::invalid(format!(
                    "parameter set {i} names different parameters than set 0"
                )));
            }
            values.extend(b.iter().map(|(_, v)| v));
        }
        if names.is_empty() {
            return Ok(ParamSets::empty_rows(bindings.len()));
        }
        ParamSets::new(names, values)
    }

    /// Column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }
    /// Number of sets.
    pub fn len(&self) -> usize {
        self.rows
    }
    /// `true` if there are no sets.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }
    /// The values of set `i`, in column order.
    pub fn row(&self, i: usize) -> &[f64] {
        let w = self.names.len();
        &self.values[i * w..(i + 1) * w]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_checked() {
        assert!(ParamSets::new(vec!["a".into(), "b".into()], vec![1.0, 2.0, 3.0]).is_err());
        assert!(ParamSets::new(vec!["a".into(), "a".into()], vec![1.0, 2.0]).is_err());
        assert!(ParamSets::new(vec![], vec![1.0]).is_err());
        assert_eq!(ParamSets::empty_rows(3).len(), 3);
        assert_eq!(ParamSets::empty_rows(3).row(2), &[] as &[f64]);
    }

    #[test]
    fn bindings_become_rows() {
        let b = [
            ParamBinding::from_pairs([("x", 1.0), ("a", 2.0)]),
            ParamBinding::from_pairs([("a", 4.0), ("x", 3.0)]),
        ];
        let s = ParamSets::from_bindings(&b).unwrap();
        assert_eq!(s.names(), ["a".to_string(), "x".to_string()]);
        assert_eq!(s.row(1), &[4.0, 3.0]);
        let mixed = [ParamBinding::from_pairs([("a", 1.0)]), ParamBinding::new()];
        assert!(ParamSets::from_bindings(&mixed).is_err());
    }
}

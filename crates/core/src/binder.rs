//! [`Binder`]: the rows of a [`ParamSets`] table bound to a [`Plan`], its columns
//! matched to the plan's slots once per batch.

use crate::error::{Error, Result};
use crate::param_sets::ParamSets;
use crate::plan::{BoundProgram, Plan};

impl Plan {
    /// Prepares binding every row of `sets`: its columns are matched to slots once.
    pub fn binder<'a>(&'a self, sets: &'a ParamSets) -> Result<Binder<'a>> {
        let params = self.parameters();
        let mut column_of = vec![usize::MAX; params.len()];
        for (col, name) in sets.names().iter().enumerate() {
            match params.binary_search(name) {
                Ok(slot) => column_of[slot] = col,
                Err(_) => return Err(self.unknown(name)),
            }
        }
        if let Some(slot) = column_of.iter().position(|&c| c == usize::MAX) {
            return Err(Error::UnboundParameter {
                name: params[slot].clone(),
            });
        }
        let identity = column_of.iter().enumerate().all(|(s, &c)| s == c);
        Ok(Binder {
            plan: self,
            sets,
            column_of: if identity { None } else { Some(column_of) },
        })
    }
}

/// Binds the rows of a [`ParamSets`] to a [`Plan`] (see [`Plan::binder`]).
#[derive(Debug)]
pub struct Binder<'a> {
    plan: &'a Plan,
    sets: &'a ParamSets,
    column_of: Option<Vec<usize>>,
}

impl Binder<'_> {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.sets.len()
    }
    /// `true` if there are no rows.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }
    /// The program for row `i`.
    pub fn bind(&self, i: usize) -> Result<BoundProgram> {
        self.bind_trajectory(i, None)
    }
    /// The program for row `i` with the noise draws `choices` (see
    /// [`Plan::bind_trajectory`]); `None` for a plan without mixed-unitary noise.
    pub fn bind_trajectory(&self, i: usize, choices: Option<&[u32]>) -> Result<BoundProgram> {
        let row = self.sets.row(i);
        let bind = |values: &[f64]| match choices {
            Some(c) => self.plan.bind_trajectory(values, c),
            None => self.plan.bind(values),
        };
        match &self.column_of {
            None => bind(row),
            Some(cols) => {
                let values: Vec<f64> = cols.iter().map(|&c| row[c]).collect();
                bind(&values)
            }
        }
    }
}

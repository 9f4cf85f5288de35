//! Gradients of expectation values by the adjoint method (Jones & Gacon,
//! arXiv:2009.02823), written once over [`StatePrimitives`] for every backend.
//!
//! For `E = <ψ|O|ψ>` with `|ψ> = U_N ⋯ U_1 |0>`, the derivative by a parameter `θ` of
//! gate `g` is `2 Re <λ_g| dU_g/dθ |φ_{g-1}>`, where `|φ_{g-1}> = U_{g-1} ⋯ U_1 |0>` and
//! `<λ_g| = <ψ|O U_N ⋯ U_{g+1}`. One forward run gives `|ψ>`; `|λ> = O|ψ>`; then one
//! sweep from the last gate to the first undoes each step on both states
//! (`|φ> ← U_g^† |φ>`, `|λ> ← U_g^† |λ>`) and, at each parametric gate, takes
//! `<λ| dU_g/dθ |φ>` ([`StatePrimitives::inner_product_op`], through a scratch state
//! `|μ>` or in one pass where the backend can). Parametric gates on disjoint qubits are
//! taken together as a layer (see [`DiffPlan`]): every member's derivative from the
//! states after the layer, then the layer undone in fused blocks; two consecutive
//! layers whose gates share all or none of their qubits (`ry(q)` then `rz(q)`) are
//! taken as one, an earlier gate's local derivative conjugated by the later gate.
//! Each step's inverse goes to `|φ>` and `|λ>` together
//! ([`StatePrimitives::apply_both`]). The cost is about one
//! forward run, plus two runs backwards per folded observable, plus one derivative
//! product per parameter — independent of the number of parameters otherwise.
//!
//! **Chain rule.** A gate parameter is affine in the named parameters,
//! `c0 + Σ c_s θ_s`; its derivative adds `c_s ·` (the gate parameter's derivative) to
//! the column of every `θ_s` it uses, so a name used by several gates sums their
//! contributions. Columns follow [`DiffPlan::parameters`] (sorted names, as
//! [`Circuit::parameters`](crate::Circuit::parameters)).
//!
//! **Memory.** The states are made by [`Backend::new_state`], which checks memory
//! before allocating; before the first one, the total is checked too
//! ([`states_needed`]): the Jacobian of `k` observables holds `2 + k` states (`|φ>`,
//! `|μ>` and one `|λ>` per observable), the vector–Jacobian product ([`vjp`]) folds the
//! observables into one Hamiltonian and holds 3 whatever `k` is.

use crate::backend::Backend;
use crate::diff_plan::{layer_inverse, DiffGate, DiffPlan, DiffStep, Undo};
use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::matrix::Matrix;
use crate::observable::{Observable, PauliTerm};
use crate::op::Op;
use crate::param_sets::ParamSets;
use crate::primitives::StatePrimitives;

/// Expectation values and their Jacobian, from [`gradient`].
#[derive(Debug, Clone, PartialEq)]
pub struct Gradient {
    /// `<O_k>`, one per observable.
    pub values: Vec<f64>,
    /// `jacobian[k][p] = d<O_k>/dθ_p`, `p` in [`DiffPlan::parameters`] order.
    pub jacobian: Vec<Vec<f64>>,
}

/// Expectation values and a vector–Jacobian product, from [`vjp`].
#[derive(Debug, Clone, PartialEq)]
pub struct Vjp {
    /// `<O_k>`, one per observable.
    pub values: Vec<f64>,
    /// `gradient[p] = Σ_k w_k d<O_k>/dθ_p` for the cotangent `w`, `p` in
    /// [`DiffPlan::parameters`] order.
    pub gradient: Vec<f64>,
}

/// State vectors the adjoint method holds at once for `observables` observables:
/// `2 + observables` for the Jacobian, 3 when folded into one Hamiltonian ([`vjp`]).
pub fn states_needed(observables: usize, folded: bool) -> usize {
    if folded {
        3
    } else {
        2 + observables
    }
}

/// Expectation values of `observables` after the circuit of `plan` with parameter
/// `values`, and their Jacobian by the adjoint method (see the [module docs](self)).
///
/// Holds [`states_needed`]`(observables.len(), false)` states of the backend.
/// `interrupt` is polled between steps.
///
/// ```
/// use ferroq_core::{gradient::gradient, Circuit, CompileOptions, DiffPlan, Observable};
/// # fn demo<B: ferroq_core::Backend>(backend: &B) -> ferroq_core::Result<()> {
/// let mut c = Circuit::new(1);
/// c.ry("t", 0);
/// let plan = DiffPlan::new(&c, &CompileOptions::default())?;
/// let z: Observable = "Z".parse()?;
/// let g = gradient(backend, &plan, &[0.3], &[z], &Default::default())?;
/// // <Z> = cos t, d<Z>/dt = -sin t
/// assert!((g.values[0] - 0.3f64.cos()).abs() < 1e-6);
/// assert!((g.jacobian[0][0] + 0.3f64.sin()).abs() < 1e-6);
/// # Ok(()) }
/// ```
pub fn gradient<B: Backend>(
    backend: &B,
    plan: &DiffPlan,
    values: &[f64],
    observables: &[Observable],
    interrupt: &Interrupt<'_>,
) -> Result<Gradient> {
    check_inputs(backend, plan, observables)?;
    plan.check_values(values)?;
    let n = plan.num_qubits();
    check_memory(backend, n, states_needed(observables.len(), false))?;
    let mut phi = backend.new_state(n)?;
    jacobian_on(backend, plan, values, observables, &mut phi, interrupt)
}

/// [`gradient`] for every row of `sets` (its columns matched to the plan's parameters
/// by name), in one call: the backend schedules the items ([`Backend::for_each_item`]:
/// on the CPU, items in parallel for small states, one item at a time with parallel
/// kernels for large ones). Each item holds [`states_needed`]`(observables.len(),
/// false)` states; `interrupt` is polled between items and steps.
pub fn gradient_batch<B: Backend>(
    backend: &B,
    plan: &DiffPlan,
    sets: &ParamSets,
    observables: &[Observable],
    interrupt: &Interrupt<'_>,
) -> Result<Vec<Gradient>> {
    check_inputs(backend, plan, observables)?;
    let columns = plan.columns(sets)?;
    let n = plan.num_qubits();
    check_memory(backend, n, states_needed(observables.len(), false))?;
    let interrupt = *interrupt;
    backend.for_each_item(n, sets.len(), &interrupt, &|i, phi: &mut B::State| {
        let row = sets.row(i);
        let values: Vec<f64> = columns.iter().map(|&c| row[c]).collect();
        jacobian_on(backend, plan, &values, observables, phi, &interrupt)
    })
}

/// [`gradient`] with `phi` (at `|0…0>`) as the forward state.
fn jacobian_on<B: Backend>(
    backend: &B,
    plan: &DiffPlan,
    values: &[f64],
    observables: &[Observable],
    phi: &mut B::State,
    interrupt: &Interrupt<'_>,
) -> Result<Gradient> {
    let n = plan.num_qubits();
    let k = observables.len();
    let p = plan.parameters().len();
    forward(plan, values, phi, interrupt)?;
    let mut jacobian = vec![vec![0.0; p]; k];
    if p == 0 || k == 0 {
        return Ok(Gradient {
            values: phi.expectations(observables)?,
            jacobian,
        });
    }
    let mut mu = backend.new_state(n)?;
    let mut lambdas = Vec::with_capacity(k);
    let mut expectation = Vec::with_capacity(k);
    for o in observables {
        let mut lambda = backend.new_state(n)?;
        phi.apply_observable(o, &mut lambda)?;
        // <O> = Re <ψ|O ψ>: one pass over the two states (not a pass per X-group).
        expectation.push(phi.inner_product(&lambda)?.re);
        lambdas.push(lambda);
    }
    backward(
        plan,
        values,
        phi,
        &mut mu,
        &mut lambdas,
        &mut jacobian,
        interrupt,
    )?;
    Ok(Gradient {
        values: expectation,
        jacobian,
    })
}

/// Expectation values of `observables` and the vector–Jacobian product
/// `Σ_k cotangent[k] · d<O_k>/dθ` (one entry per parameter), by one adjoint sweep of
/// the Hamiltonian `Σ_k cotangent[k] O_k`: 3 states whatever the number of
/// observables (the form machine-learning frameworks call in their backward pass).
pub fn vjp<B: Backend>(
    backend: &B,
    plan: &DiffPlan,
    values: &[f64],
    observables: &[Observable],
    cotangent: &[f64],
    interrupt: &Interrupt<'_>,
) -> Result<Vjp> {
    check_inputs(backend, plan, observables)?;
    plan.check_values(values)?;
    if cotangent.len() != observables.len() {
        return Err(Error::invalid(format!(
            "the cotangent has {} weights but there are {} observables",
            cotangent.len(),
            observables.len()
        )));
    }
    if let Some(w) = cotangent.iter().find(|w| !w.is_finite()) {
        return Err(Error::invalid(format!(
            "cotangent weight {w} is not finite"
        )));
    }
    let n = plan.num_qubits();
    let p = plan.parameters().len();
    check_memory(backend, n, states_needed(observables.len(), true))?;
    let mut phi = backend.new_state(n)?;
    forward(plan, values, &mut phi, interrupt)?;
    let expectation = phi.expectations(observables)?;
    let mut gradient = vec![vec![0.0; p]];
    if p > 0 && !observables.is_empty() {
        let hamiltonian = fold(observables, cotangent);
        let mut mu = backend.new_state(n)?;
        let mut lambda = backend.new_state(n)?;
        phi.apply_observable(&hamiltonian, &mut lambda)?;
        backward(
            plan,
            values,
            &mut phi,
            &mut mu,
            std::slice::from_mut(&mut lambda),
            &mut gradient,
            interrupt,
        )?;
    }
    Ok(Vjp {
        values: expectation,
        gradient: gradient.pop().expect("one row"),
    })
}

/// `Σ_k w_k O_k` as one observable.
fn fold(observables: &[Observable], weights: &[f64]) -> Observable {
    let mut h = Observable::new();
    for (o, &w) in observables.iter().zip(weights) {
        for t in o.terms() {
            h.add_term(PauliTerm {
                coeff: w * t.coeff,
                ops: t.ops.clone(),
            });
        }
    }
    h
}

fn check_inputs<B: Backend>(
    backend: &B,
    plan: &DiffPlan,
    observables: &[Observable],
) -> Result<()> {
    plan.check(&backend.capabilities())?;
    for o in observables {
        o.check_fits(plan.num_qubits())?;
    }
    Ok(())
}

/// Checks that `count` states of `num_qubits` fit the backend's state memory together
/// (each is checked again by `new_state`).
fn check_memory<B: Backend>(backend: &B, num_qubits: u32, count: usize) -> Result<()> {
    let caps = backend.capabilities();
    let Some(one) = caps.precision.state_bytes(num_qubits) else {
        return Err(Error::TooManyQubits {
            num_qubits,
            max_qubits: caps.max_qubits,
        });
    };
    let needed = one * count as u128;
    if needed > caps.state_memory_bytes as u128 {
        return Err(Error::OutOfMemory {
            num_qubits,
            needed_bytes: needed,
            available_bytes: caps.state_memory_bytes as u128,
            limit: format!(
                "the adjoint gradient holds {count} states of {num_qubits} qubits at once; \
                 the backend's state memory"
            ),
        });
    }
    Ok(())
}

/// Runs the circuit of `plan` on `psi` (at `|0…0>`), compiled and fused as any run.
fn forward<S: StatePrimitives>(
    plan: &DiffPlan,
    values: &[f64],
    psi: &mut S,
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    let program = plan.forward().bind(values)?;
    psi.apply(program.ops(), interrupt)?;
    psi.finish()
}

/// The adjoint sweep: `phi` holds the final state, `lambdas[k]` holds `O_k|phi>`;
/// adds `2 Re <λ_k|dU|φ>` (chained to the named parameters) into `grads[k]`. At a
/// layer (parametric gates on disjoint qubits) every member's derivative is taken
/// between the states after the layer, `2 Re <λ| dU_k/dθ · U_k^† |φ>`, then the
/// layer is undone in fused blocks.
fn backward<S: StatePrimitives>(
    plan: &DiffPlan,
    values: &[f64],
    phi: &mut S,
    mu: &mut S,
    lambdas: &mut [S],
    grads: &mut [Vec<f64>],
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    let steps = plan.steps();
    // Steps before the first layer need not be undone.
    let first = steps
        .iter()
        .position(|s| matches!(s, DiffStep::Layer(_)))
        .unwrap_or(steps.len());
    let mut i = steps.len();
    while i > first {
        i -= 1;
        interrupt.check()?;
        let layer = match &steps[i] {
            DiffStep::Fixed { inverse, .. } => {
                undo(phi, lambdas, inverse, interrupt)?;
                continue;
            }
            DiffStep::Layer(layer) => layer,
        };
        // The layer before it too, where the two merge (see `members`).
        let earlier = match steps.get(i.wrapping_sub(1)) {
            Some(DiffStep::Layer(a))
                if i > first && plan.options().fusion && mergeable(a, layer) =>
            {
                i -= 1;
                a.as_slice()
            }
            _ => &[],
        };
        let members = members(earlier, layer, values)?;
        // Every gate's local derivative operators, taken together (the backend may
        // share passes over the two states between them); a gate followed by another
        // of its member is conjugated by it.
        let mut locals = Vec::new();
        let mut chains = Vec::new();
        let mut undos = Vec::with_capacity(members.len());
        for m in &members {
            let mut after: Option<Matrix> = None;
            for (g, p) in m.iter().rev() {
                for (j, terms) in g.symbolic_params() {
                    let local = g.local_derivative_op(p, j);
                    locals.push(match &after {
                        Some(v) => conjugate(local, v),
                        None => local,
                    });
                    chains.push(terms);
                }
                if m.len() > 1 {
                    let u = g.full(p);
                    after = Some(match after {
                        Some(v) => v.mul(&u),
                        None => u,
                    });
                }
            }
            undos.push(match after {
                Some(product) => Undo::of_product(
                    m[0].0.qubits().collect(),
                    &product,
                    m.iter().all(|(g, _)| g.is_diagonal()),
                ),
                None => m[0].0.undo(&m[0].1),
            });
        }
        for (lambda, row) in lambdas.iter().zip(grads.iter_mut()) {
            let products = lambda.inner_products_op(&locals, phi, mu)?;
            for (d, terms) in products.iter().zip(&chains) {
                let d = 2.0 * d.re;
                for &(slot, c) in terms.iter() {
                    row[slot] += c * d;
                }
            }
        }
        if i == first {
            break; // nothing before it to differentiate
        }
        undo(
            phi,
            lambdas,
            &layer_inverse(&undos, plan.options()),
            interrupt,
        )?;
    }
    Ok(())
}

/// Two consecutive layers merge when every gate of one acts on exactly the qubits of a
/// gate of the other (same order) or on none of the other's qubits: `ry(q)` then
/// `rz(q)` on every qubit is one layer of members `rz(q)·ry(q)`, so the sweep takes
/// both layers' products in one call and undoes both in one set of fused blocks.
fn mergeable(earlier: &[DiffGate], later: &[DiffGate]) -> bool {
    earlier.iter().all(|a| {
        later
            .iter()
            .all(|b| a.qubits().eq(b.qubits()) || a.qubits().all(|q| b.qubits().all(|r| r != q)))
    })
}

/// A member of a (merged) layer: gates on the same qubits, in circuit order, with their
/// evaluated parameters.
type Member<'a> = Vec<(&'a DiffGate, Vec<f64>)>;

/// The members of a (merged) layer: per set of qubits, its gates in circuit order with
/// their evaluated parameters (the gates of `earlier` before those of `later` on the
/// same qubits).
fn members<'a>(
    earlier: &'a [DiffGate],
    later: &'a [DiffGate],
    values: &[f64],
) -> Result<Vec<Member<'a>>> {
    let mut members = later
        .iter()
        .map(|g| Ok(vec![(g, g.eval(values)?)]))
        .collect::<Result<Vec<_>>>()?;
    for g in earlier {
        let p = g.eval(values)?;
        match members.iter_mut().find(|m| m[0].0.qubits().eq(g.qubits())) {
            Some(m) => m.insert(0, (g, p)),
            None => members.push(vec![(g, p)]),
        }
    }
    Ok(members)
}

/// `V · op · V^†` for a local operator `op` on the qubits of `V`'s gates (in the same
/// order): a diagonal stays itself under a diagonal `V`.
fn conjugate(op: Op, v: &Matrix) -> Op {
    let (targets, m) = match op {
        Op::Diagonal { .. } if v.is_diagonal() => return op,
        Op::Diagonal { targets, diag, .. } => (targets, Matrix::diagonal(&diag)),
        Op::Dense {
            targets, matrix, ..
        } => (targets, matrix),
        other => unreachable!("local derivatives are gate ops, got {other:?}"),
    };
    Op::Dense {
        targets,
        controls: Vec::new(),
        matrix: v.mul(&m).mul(&v.adjoint()),
    }
}

/// Applies `ops` (a step's inverse) to `phi` and to every state of `lambdas`, two
/// states at a time ([`StatePrimitives::apply_both`]).
fn undo<S: StatePrimitives>(
    phi: &mut S,
    lambdas: &mut [S],
    ops: &[Op],
    interrupt: &Interrupt<'_>,
) -> Result<()> {
    let Some((first, rest)) = lambdas.split_first_mut() else {
        return phi.apply(ops, interrupt);
    };
    phi.apply_both(first, ops, interrupt)?;
    for pair in rest.chunks_mut(2) {
        match pair {
            [a, b] => a.apply_both(b, ops, interrupt)?,
            [a] => a.apply(ops, interrupt)?,
            _ => unreachable!("chunks of one or two"),
        }
    }
    Ok(())
}

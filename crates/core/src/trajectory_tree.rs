//! Trajectories that share noise draws share work, written once over
//! [`Backend::for_each_item`] and the state primitives.
//!
//! **Groups.** Trajectories whose bind-time draws are identical end in the same state
//! (for a plan without measurement, reset, condition or general Kraus channel): they
//! form one [`TrajectoryGroup`], simulated once ([`group_trajectories`]).
//!
//! **Shared prefixes.** Two groups whose draws agree on every noise slot applied before
//! some step share the state up to that step. A group's *deviations* are the slots whose
//! draw differs from the slot's most probable term ([`Plan::likely_noise_draws`]),
//! gathered by the step that applies them ([`Plan::noise_slot_steps`]); sorting the
//! groups by their deviations puts groups sharing a prefix of them next to each other,
//! a trie. [`walk_groups`] walks it depth first: one state follows the likely draws
//! (the *spine*); at each step where some groups deviate, the spine is copied and the
//! copy follows them (recursively); a node's last continuation goes on in the node's
//! own state, and the group that never deviates from the node is finished on the spine.
//! Ops are applied as late as possible, so a copy, a deviation and the spine's ops
//! after it reach the backend as one run ([`StatePrimitives::copy_apply`]: one pass
//! over memory where the backend blocks runs for the cache). With low noise rates most groups
//! deviate once or twice, so each group costs the part of the circuit after its first
//! deviation instead of the whole circuit.
//!
//! **Memory.** A walk holds at most `max_states` states at once (its own included; see
//! [`state_bound`]); when a copy would pass the bound (or the backend refuses one for
//! memory), the node's remaining groups are simulated from `|0…0>` one after another in
//! the node's state, as without sharing.
//!
//! **Same results.** Each group's state receives exactly the ops of
//! [`Plan::bind_trajectory`] for its draws, in order, only split into several
//! [`StatePrimitives::apply`] calls, so its final state is the one simulating the group
//! on its own gives. On a backend that runs several items at once
//! ([`Backend::concurrent_items`]) the sorted groups are cut into contiguous chunks, a
//! walk each (each chunk evolves its own prefix).

use crate::backend::Backend;
use crate::error::{Error, Result};
use crate::interrupt::Interrupt;
use crate::op::Op;
use crate::plan::Plan;
use crate::primitives::StatePrimitives;
use crate::rng::derive_seed;
use crate::trajectory::noise_rng;
use std::collections::HashMap;

/// Most states one walk holds at once, by default (see [`state_bound`]).
pub const MAX_SHARED_STATES: usize = 8;

/// Trajectories with identical noise draws: `choices` and the trajectory indices that
/// drew them, in increasing order. Groups come in order of their first trajectory.
#[derive(Debug, Clone, PartialEq)]
pub struct TrajectoryGroup {
    /// The full draw of every noise slot.
    pub choices: Vec<u32>,
    /// Trajectory indices sharing it.
    pub members: Vec<usize>,
}

/// Groups `count` trajectories of `plan` under `seed` by their bind-time noise draws
/// (trajectory `i` draws from [`noise_rng`]`(derive_seed(seed, i))`).
pub fn group_trajectories(plan: &Plan, count: usize, seed: u64) -> Vec<TrajectoryGroup> {
    let likely = plan.likely_noise_draws();
    let mut index: HashMap<Vec<(u32, u32)>, usize> = HashMap::new();
    let mut groups: Vec<TrajectoryGroup> = Vec::new();
    for i in 0..count {
        let choices = plan.draw_noise(&mut noise_rng(derive_seed(seed, i as u64)));
        let key: Vec<(u32, u32)> = choices
            .iter()
            .zip(&likely)
            .enumerate()
            .filter(|(_, (c, l))| c != l)
            .map(|(s, (&c, _))| (s as u32, c))
            .collect();
        match index.get(&key) {
            Some(&g) => groups[g].members.push(i),
            None => {
                index.insert(key, groups.len());
                groups.push(TrajectoryGroup {
                    choices,
                    members: vec![i],
                });
            }
        }
    }
    groups
}

/// The number of states one of `items_at_once` concurrent walks may hold: at most
/// `max_states`, and together at most a quarter of the backend's state memory (at
/// least 1).
pub fn state_bound<B: Backend>(
    backend: &B,
    num_qubits: u32,
    max_states: usize,
    items_at_once: usize,
) -> usize {
    let bytes = backend
        .precision()
        .state_bytes(num_qubits)
        .unwrap_or(u128::MAX)
        .max(1);
    let fit = u128::from(backend.capabilities().state_memory_bytes) / 4 / bytes;
    let per_item = fit / items_at_once.max(1) as u128;
    max_states
        .min(per_item.min(usize::MAX as u128) as usize)
        .max(1)
}

/// The deviations of one group at one step: `(slot, term)` in slot order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct StepDraw {
    step: usize,
    slots: Vec<(u32, u32)>,
}

/// What every walk of one call shares.
struct Shared<'a> {
    plan: &'a Plan,
    values: &'a [f64],
    groups: &'a [TrajectoryGroup],
    /// Group indices in trie order.
    order: Vec<usize>,
    /// Deviations of `groups[order[i]]`, by step.
    keys: Vec<Vec<StepDraw>>,
    /// The spine's ops (every step with the likely draws)...
    spine: Vec<Op>,
    /// ... and where step `s`'s ops begin in it (`start[op_count]` = its length).
    start: Vec<usize>,
    max_states: usize,
}

impl<'a> Shared<'a> {
    fn new(
        plan: &'a Plan,
        values: &'a [f64],
        groups: &'a [TrajectoryGroup],
        max_states: usize,
    ) -> Result<Self> {
        if plan.has_non_unitary() || plan.has_state_noise() {
            return Err(Error::invalid(
                "shared trajectory prefixes need a plan without measurement, reset, \
                 condition or general Kraus channel",
            ));
        }
        let likely = plan.likely_noise_draws();
        let at = plan.noise_slot_steps();
        let steps = plan.op_count();
        let mut spine = Vec::with_capacity(steps);
        let mut start = Vec::with_capacity(steps + 1);
        for s in 0..steps {
            start.push(spine.len());
            if let Some(op) = plan.bind_step(values, s, &likely)? {
                spine.push(op);
            }
        }
        start.push(spine.len());
        let mut keyed: Vec<(Vec<StepDraw>, usize)> = Vec::with_capacity(groups.len());
        for (g, group) in groups.iter().enumerate() {
            if group.choices.len() != likely.len() {
                return Err(Error::invalid(format!(
                    "a trajectory group has {} draws for {} noise slots",
                    group.choices.len(),
                    likely.len()
                )));
            }
            let mut dev: Vec<(usize, u32, u32)> = group
                .choices
                .iter()
                .zip(&likely)
                .enumerate()
                .filter(|(_, (c, l))| c != l)
                .map(|(s, (&c, _))| (at[s], s as u32, c))
                .collect();
            dev.sort_unstable();
            let mut key: Vec<StepDraw> = Vec::new();
            for (step, slot, c) in dev {
                match key.last_mut() {
                    Some(d) if d.step == step => d.slots.push((slot, c)),
                    _ => key.push(StepDraw {
                        step,
                        slots: vec![(slot, c)],
                    }),
                }
            }
            keyed.push((key, g));
        }
        keyed.sort();
        let (keys, order) = keyed.into_iter().unzip();
        Ok(Shared {
            plan,
            values,
            groups,
            order,
            keys,
            spine,
            start,
            max_states: max_states.max(1),
        })
    }
}

/// One depth-first walk over a contiguous range of the trie.
struct Walk<'a, 'i, B: Backend, T> {
    backend: &'a B,
    sh: &'a Shared<'a>,
    leaf: &'a (dyn Fn(usize, &B::State) -> Result<T> + Sync),
    interrupt: &'a Interrupt<'i>,
    spare: Vec<B::State>,
    live: usize,
    out: Vec<(usize, T)>,
}

impl<B: Backend, T> Walk<'_, '_, B, T> {
    /// Another state, or `None` at the bound (or when the backend has no memory for it).
    fn take(&mut self) -> Result<Option<B::State>> {
        if self.live >= self.sh.max_states {
            return Ok(None);
        }
        let state = match self.spare.pop() {
            Some(s) => s,
            None => match self.backend.new_state(self.sh.plan.num_qubits()) {
                Ok(s) => s,
                Err(Error::OutOfMemory { .. } | Error::BufferTooLarge { .. }) => return Ok(None),
                Err(e) => return Err(e),
            },
        };
        self.live += 1;
        Ok(Some(state))
    }

    fn give(&mut self, state: B::State) {
        self.live -= 1;
        self.spare.push(state);
    }

    /// Brings `state` to the spine's steps `..to`: what it owes (a copy of `source`,
    /// then `ops`) and the spine's ops of steps `from..to`, in one run.
    fn flush(
        &self,
        state: &mut B::State,
        owed: &mut Owed<'_, B::State>,
        from: usize,
        to: usize,
    ) -> Result<()> {
        self.interrupt.check()?;
        let spine = &self.sh.spine[self.sh.start[from]..self.sh.start[to]];
        let ops: &[Op] = if owed.ops.is_empty() {
            spine
        } else {
            owed.ops.extend_from_slice(spine);
            &owed.ops
        };
        match owed.source.take() {
            Some(source) => state.copy_apply(source, ops, self.interrupt)?,
            None if !ops.is_empty() => state.apply(ops, self.interrupt)?,
            None => {}
        }
        owed.ops.clear();
        Ok(())
    }

    /// Step `step` with the draws of the group at trie position `i`.
    fn deviation(&self, i: usize, step: usize) -> Result<Option<Op>> {
        let choices = &self.sh.groups[self.sh.order[i]].choices;
        self.sh.plan.bind_step(self.sh.values, step, choices)
    }

    fn finish_leaf(&mut self, i: usize, state: &mut B::State) -> Result<()> {
        state.finish()?;
        let g = self.sh.order[i];
        let t = (self.leaf)(g, state)?;
        self.out.push((g, t));
        Ok(())
    }

    /// The group at trie position `i` from `|0…0>`, on its own.
    fn recompute(&mut self, i: usize, state: &mut B::State) -> Result<()> {
        self.interrupt.check()?;
        let choices = &self.sh.groups[self.sh.order[i]].choices;
        let program = self.sh.plan.bind_trajectory(self.sh.values, choices)?;
        state.set_zero()?;
        state.apply(program.ops(), self.interrupt)?;
        self.finish_leaf(i, state)
    }

    /// Trie positions `lo..hi` (non-empty) share their first `k` deviations; `state`
    /// after what it `owed` has steps `..pos` applied with them.
    fn node(
        &mut self,
        mut lo: usize,
        hi: usize,
        mut k: usize,
        mut pos: usize,
        state: &mut B::State,
        mut owed: Owed<'_, B::State>,
    ) -> Result<()> {
        let end = self.sh.start.len() - 1;
        'node: loop {
            let clean = (self.sh.keys[lo].len() == k).then_some(lo);
            let mut a = lo + usize::from(clean.is_some());
            while a < hi {
                let keys = &self.sh.keys;
                let mut b = a + 1;
                while b < hi && keys[b][k] == keys[a][k] {
                    b += 1;
                }
                let step = keys[a][k].step;
                if b == hi && clean.is_none() {
                    // The node's last continuation goes on in place (owing its ops, so
                    // they run together with the next ones).
                    let spine = &self.sh.spine[self.sh.start[pos]..self.sh.start[step]];
                    owed.ops.extend_from_slice(spine);
                    owed.ops.extend(self.deviation(a, step)?);
                    lo = a;
                    k += 1;
                    pos = step + 1;
                    continue 'node;
                }
                self.flush(state, &mut owed, pos, step)?;
                pos = step;
                match self.take()? {
                    Some(mut copy) => {
                        let r = self.deviation(a, step).and_then(|dev| {
                            let owed = Owed {
                                source: Some(&*state),
                                ops: dev.into_iter().collect(),
                            };
                            self.node(a, b, k + 1, step + 1, &mut copy, owed)
                        });
                        self.give(copy);
                        r?;
                    }
                    None => {
                        // At the bound: finish the spine, then the rest from |0…0>.
                        if let Some(c) = clean {
                            self.flush(state, &mut owed, pos, end)?;
                            self.finish_leaf(c, state)?;
                        }
                        for i in a..hi {
                            self.recompute(i, state)?;
                        }
                        return Ok(());
                    }
                }
                a = b;
            }
            let c = clean.ok_or_else(|| Error::invalid("trajectory trie without a leaf"))?;
            self.flush(state, &mut owed, pos, end)?;
            return self.finish_leaf(c, state);
        }
    }
}

/// What a state still owes before it holds its node's prefix: a copy of `source` (when
/// set), then `ops`. Owing lets a copy and the ops after it run as one pass, and a
/// deviation join the cache-blocked run of the spine's ops that follow it.
struct Owed<'s, S> {
    source: Option<&'s S>,
    ops: Vec<Op>,
}

/// Runs every group of `groups` (trajectories of `plan` at `values`) to its final state
/// sharing prefixes as the module docs say, and returns `leaf(g, final state of group
/// g)` for every group `g`, in order. A walk holds at most
/// [`state_bound`]`(backend, n, max_states, concurrent items)` states.
pub fn walk_groups<B: Backend, T: Send>(
    backend: &B,
    plan: &Plan,
    values: &[f64],
    groups: &[TrajectoryGroup],
    max_states: usize,
    interrupt: &Interrupt<'_>,
    leaf: &(dyn Fn(usize, &B::State) -> Result<T> + Sync),
) -> Result<Vec<T>> {
    if groups.is_empty() {
        return Ok(Vec::new());
    }
    let n = plan.num_qubits();
    let at_once = backend.concurrent_items(n).max(1);
    let bound = state_bound(backend, n, max_states, at_once);
    let sh = Shared::new(plan, values, groups, bound)?;
    let chunks = if at_once > 1 {
        (at_once * 4).min(groups.len())
    } else {
        1
    };
    let bounds: Vec<usize> = (0..=chunks).map(|c| c * groups.len() / chunks).collect();
    let parts = backend.for_each_item(n, chunks, interrupt, &|c, state| {
        let mut walk = Walk {
            backend,
            sh: &sh,
            leaf,
            interrupt,
            spare: Vec::new(),
            live: 1,
            out: Vec::new(),
        };
        let owed = Owed {
            source: None,
            ops: Vec::new(),
        };
        walk.node(bounds[c], bounds[c + 1], 0, 0, state, owed)?;
        Ok(walk.out)
    })?;
    let mut out: Vec<Option<T>> = (0..groups.len()).map(|_| None).collect();
    for (g, t) in parts.into_iter().flatten() {
        out[g] = Some(t);
    }
    out.into_iter()
        .map(|t| t.ok_or_else(|| Error::invalid("a trajectory group was not simulated")))
        .collect()
}

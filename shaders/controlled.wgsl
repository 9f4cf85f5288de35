// 1-qubit dense gate with any number of control qubits (matrix in the header): one
// work item per amplitude pair whose controls are all 1 (the target and controls are
// spread out of the work index).

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    let i0 = spread(t);
    let i1 = i0 | (1u << hp(TARGETS));
    let a0 = load(i0);
    let a1 = load(i1);
    store(i0, cmul(hm(0u), a0) + cmul(hm(1u), a1));
    store(i1, cmul(hm(2u), a0) + cmul(hm(3u), a1));
}

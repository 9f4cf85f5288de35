// 1-qubit dense gate without controls (matrix in the header): one work item per amplitude pair.

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    let q = hp(TARGETS);
    let low = t & ((1u << q) - 1u);
    let i0 = ((t ^ low) << 1u) | low;
    let i1 = i0 | (1u << q);
    let a0 = load(i0);
    let a1 = load(i1);
    store(i0, cmul(hm(0u), a0) + cmul(hm(1u), a1));
    store(i1, cmul(hm(2u), a0) + cmul(hm(3u), a1));
}

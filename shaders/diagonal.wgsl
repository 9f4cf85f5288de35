// Diagonal gate (optionally controlled): one work item per amplitude whose controls
// are all 1. Diagonal bits j < K come from virtual target positions. When the part of
// the diagonal this dispatch uses has at most 16 entries it is in the header;
// otherwise it is read from `mats`, with the bits of page qubits outside the bound
// slots fixed per dispatch in DIAG_BASE.

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    let i = spread(t);
    var d = 0u;
    let k = hp(K);
    for (var j = 0u; j < k; j++) {
        d |= ((i >> hp(TARGETS + j)) & 1u) << j;
    }
    var f: cplx;
    if (hp(INLINE) != 0u) {
        f = hm(d);
    } else {
        f = mats[hp(MAT) + (d | hp(DIAG_BASE))];
    }
    store(i, cmul(f, load(i)));
}

// 2-qubit dense gate (optionally controlled; matrix in the header): one work item per group of 4 amplitudes.

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    let base = spread(t);
    let b0 = 1u << hp(TARGETS);
    let b1 = 1u << hp(TARGETS + 1u);
    var idx = array<u32, 4>(base, base | b0, base | b1, base | b0 | b1);
    var a: array<cplx, 4>;
    for (var c = 0u; c < 4u; c++) {
        a[c] = load(idx[c]);
    }
    for (var r = 0u; r < 4u; r++) {
        var acc = cplx(0.0, 0.0);
        for (var c = 0u; c < 4u; c++) {
            acc += cmul(hm(r * 4u + c), a[c]);
        }
        store(idx[r], acc);
    }
}

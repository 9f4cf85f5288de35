// k-qubit dense gate, k <= 6 (optionally controlled): one work item per group of 2^k
// amplitudes, gathered into registers, multiplied by the matrix, scattered back.

const MAX_DIM: u32 = 64u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    let base = spread(t);
    let k = hp(K);
    let dim = 1u << k;
    var idx: array<u32, MAX_DIM>;
    var a: array<cplx, MAX_DIM>;
    for (var c = 0u; c < dim; c++) {
        var i = base;
        for (var j = 0u; j < k; j++) {
            if (((c >> j) & 1u) != 0u) {
                i |= 1u << hp(TARGETS + j);
            }
        }
        idx[c] = i;
        a[c] = load(i);
    }
    let m = hp(MAT);
    for (var r = 0u; r < dim; r++) {
        var acc = cplx(0.0, 0.0);
        let row = m + r * dim;
        for (var c = 0u; c < dim; c++) {
            acc += cmul(mats[row + c], a[c]);
        }
        store(idx[r], acc);
    }
}

// Sampling, level 1 of the probability tree: the sum of |a|^2 over each leaf block
// of a page, one workgroup per block, written to work[OUT + block].

@group(0) @binding(3) var<storage, read_write> work: array<real>;

const BLOCK: u32 = 1u; // amplitudes per leaf block
const OUT: u32 = 2u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let b = wid.y * nwg.x + wid.x;
    if (b >= hp(COUNT)) {
        return;
    }
    let len = hp(BLOCK);
    let base = b * len;
    var s = real(0.0);
    for (var e = lid; e < len; e += WG) {
        s += norm2(page_a[base + e]);
    }
    let total = workgroup_sum(lid, s);
    if (lid == 0u) {
        work[hp(OUT) + b] = total;
    }
}

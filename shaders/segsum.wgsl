// Segmented sum: out[s] = sum of work[s * LEN .. (s + 1) * LEN], one workgroup per
// segment (COUNT segments).

@group(0) @binding(3) var<storage, read_write> work: array<real>;
@group(0) @binding(4) var<storage, read_write> out: array<real>;

const LEN: u32 = 1u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let seg = wid.y * nwg.x + wid.x;
    if (seg >= hp(COUNT)) {
        return;
    }
    let len = hp(LEN);
    let base = seg * len;
    var s = real(0.0);
    for (var e = lid; e < len; e += WG) {
        s += work[base + e];
    }
    let total = workgroup_sum(lid, s);
    if (lid == 0u) {
        out[seg] = total;
    }
}

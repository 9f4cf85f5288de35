// Sampling, upper levels of the probability tree: each entry of the next level is
// the sum of FAN consecutive entries of the level below, both inside `work`.

@group(0) @binding(3) var<storage, read_write> work: array<real>;

const IN_OFF: u32 = 1u;
const IN_LEN: u32 = 2u;
const OUT_OFF: u32 = 3u;
const FAN: u32 = 4u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    let fan = hp(FAN);
    let start = t * fan;
    let end = min(start + fan, hp(IN_LEN));
    let in_off = hp(IN_OFF);
    var s = real(0.0);
    for (var e = start; e < end; e++) {
        s += work[in_off + e];
    }
    work[hp(OUT_OFF) + t] = s;
}

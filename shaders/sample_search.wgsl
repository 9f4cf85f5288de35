// Sampling, inverse-CDF descent through the probability tree. Shot s starts with
// target = u[s] * total and walks from the top level down to level 1, picking in each
// block the first entry whose running sum exceeds the target (or the last non-zero
// one when rounding leaves the target above the block's sum). It leaves the leaf
// block in out[3s + 2] and the residual target in aux[s].

@group(0) @binding(3) var<storage, read_write> work: array<real>;
@group(0) @binding(4) var<storage, read_write> out: array<u32>;
@group(0) @binding(5) var<storage, read_write> aux: array<real>;

const NLEV: u32 = 1u;
const FAN: u32 = 2u;
const LOFF: u32 = 32u; // level offsets in work, level 0 = leaf block sums
const LLEN: u32 = 64u; // level lengths

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let s = thread_id(wid, nwg, lid);
    if (s >= hp(COUNT)) {
        return;
    }
    let nlev = hp(NLEV);
    let fan = hp(FAN);
    let top_off = hp(LOFF + nlev - 1u);
    let top_len = hp(LLEN + nlev - 1u);
    var total = real(0.0);
    for (var e = 0u; e < top_len; e++) {
        total += work[top_off + e];
    }
    var target_ = aux[s] * total;
    var blk = 0u;
    for (var lv = nlev; lv > 0u; lv--) {
        let off = hp(LOFF + lv - 1u);
        let len = hp(LLEN + lv - 1u);
        let start = blk * fan;
        let end = min(start + fan, len);
        var acc = real(0.0);
        var chosen = start;
        var last_nz = start;
        var last_v = real(0.0);
        var found = false;
        for (var e = start; e < end; e++) {
            let v = work[off + e];
            if (v > 0.0) {
                last_nz = e;
                last_v = v;
            }
            if (!found && acc + v > target_) {
                chosen = e;
                found = true;
                target_ -= acc;
            }
            acc += v;
        }
        if (!found) {
            chosen = last_nz;
            target_ = last_v;
        }
        blk = chosen;
    }
    out[3u * s + 2u] = blk;
    aux[s] = target_;
}

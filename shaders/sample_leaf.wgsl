// Sampling, last step: for the shots whose leaf block lies in this page, scan the
// block's amplitudes for the first one whose running |a|^2 sum exceeds the residual
// target (or the last non-zero one), and write the basis index as two u32 words
// (low, high) to out[3s], out[3s + 1].

@group(0) @binding(4) var<storage, read_write> out: array<u32>;
@group(0) @binding(5) var<storage, read_write> aux: array<real>;

const BLOCK: u32 = 1u;       // amplitudes per leaf block
const PAGE_BLOCKS: u32 = 2u; // leaf blocks per page
const PAGE: u32 = 3u;        // page index
const SHIFT: u32 = 4u;       // log2 of the page size

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let s = thread_id(wid, nwg, lid);
    if (s >= hp(COUNT)) {
        return;
    }
    let blk = out[3u * s + 2u];
    let pb = hp(PAGE_BLOCKS);
    let page = hp(PAGE);
    if (blk / pb != page) {
        return;
    }
    let len = hp(BLOCK);
    let start = (blk % pb) * len;
    let target_ = aux[s];
    var acc = real(0.0);
    var chosen = start;
    var last_nz = start;
    var found = false;
    for (var e = start; e < start + len; e++) {
        let v = norm2(page_a[e]);
        if (v > 0.0) {
            last_nz = e;
        }
        if (!found && acc + v > target_) {
            chosen = e;
            found = true;
        }
        acc += v;
    }
    if (!found) {
        chosen = last_nz;
    }
    let shift = hp(SHIFT);
    out[3u * s] = chosen | (page << shift);
    out[3u * s + 1u] = select(page >> (32u - shift), 0u, shift == 0u);
}

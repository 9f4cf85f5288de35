// Probabilities |a|^2 of one page, written to work[OUT + i].

@group(0) @binding(3) var<storage, read_write> work: array<real>;

const OUT: u32 = 1u;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    work[hp(OUT) + t] = norm2(page_a[t]);
}

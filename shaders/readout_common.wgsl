// Shared prelude of the readout kernels (prepended to each readout kernel file).
//
// Readouts bind one or two pages read-only, a dispatch header, and scratch buffers
// that each kernel declares with its own element type. `real` is f32 or f64.

alias real = f32;
alias cplx = vec2<real>;

struct Params {
    w: array<vec4<u32>, 32>,
}

@group(0) @binding(0) var<storage, read> page_a: array<cplx>;
@group(0) @binding(1) var<storage, read> page_b: array<cplx>;
@group(0) @binding(2) var<uniform> params: Params;

const WG: u32 = 256u;
const COUNT: u32 = 0u;

fn hp(i: u32) -> u32 {
    return params.w[i >> 2u][i & 3u];
}

fn thread_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
    return (wid.y * nwg.x + wid.x) * WG + lid;
}

fn norm2(a: cplx) -> real {
    return a.x * a.x + a.y * a.y;
}

var<workgroup> shared_sum: array<real, WG>;

// Sums `v` over the workgroup; the result is valid in invocation 0. Must be called
// in uniform control flow.
fn workgroup_sum(lid: u32, v: real) -> real {
    shared_sum[lid] = v;
    workgroupBarrier();
    for (var s = WG / 2u; s > 0u; s >>= 1u) {
        if (lid < s) {
            shared_sum[lid] += shared_sum[lid + s];
        }
        workgroupBarrier();
    }
    return shared_sum[0];
}

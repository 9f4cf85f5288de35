// Shared prelude of the gate kernels (prepended to each gate kernel file).
//
// The state is paged: a dispatch sees up to four pages ("slots") as one virtual
// state of 2^(shift+2) amplitudes, slot = index >> shift. The host binds the pages
// whose page-qubit bits a gate couples to the slots, so a gate across pages is a
// gate on the virtual state. `real` is f32 or f64 (the host substitutes the alias).

alias real = f32;
alias cplx = vec2<real>;

// Dispatch header, bound with a dynamic offset: 64 u32 words, then up to 16 complex
// matrix entries (small matrices and diagonals travel here: uniform reads are cheap
// everywhere, storage gathers are not).
struct Params {
    w: array<vec4<u32>, 16>,
    m: array<vec4<real>, 8>,
}

@group(0) @binding(0) var<storage, read_write> page0: array<cplx>;
@group(0) @binding(1) var<storage, read_write> page1: array<cplx>;
@group(0) @binding(2) var<storage, read_write> page2: array<cplx>;
@group(0) @binding(3) var<storage, read_write> page3: array<cplx>;
@group(1) @binding(0) var<uniform> params: Params;
@group(1) @binding(1) var<storage, read> mats: array<cplx>;

const WG: u32 = 256u;
// Header slots.
const COUNT: u32 = 0u;     // work items of this dispatch
const SHIFT: u32 = 1u;     // log2 of the page size (virtual index bits per slot)
const NSORTED: u32 = 2u;   // number of bit positions spread out of the work index
const CTRL: u32 = 3u;      // virtual control mask (all must be 1)
const K: u32 = 4u;         // number of targets
const MAT: u32 = 5u;       // offset of the matrix / diagonal in `mats`
const DIAG_BASE: u32 = 6u; // diagonal index bits fixed by the pages of this dispatch
const INLINE: u32 = 7u;    // 1: the matrix / diagonal is in the header, not in `mats`
const SLOTS: u32 = 8u;     // log2 of the page slots in use (0: one page, no slot switch)
const SORTED: u32 = 9u;    // ascending bit positions spread out of the work index
const TARGETS: u32 = 41u;  // virtual target positions, targets[0] = lowest matrix bit

fn hp(i: u32) -> u32 {
    return params.w[i >> 2u][i & 3u];
}

// Entry j of the matrix (or diagonal) held in the header.
fn hm(j: u32) -> cplx {
    let v = params.m[j >> 1u];
    return select(v.xy, v.zw, (j & 1u) == 1u);
}

fn thread_id(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
    return (wid.y * nwg.x + wid.x) * WG + lid;
}

fn cmul(a: cplx, b: cplx) -> cplx {
    return cplx(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

fn load(i: u32) -> cplx {
    if (hp(SLOTS) == 0u) {
        return page0[i];
    }
    let shift = hp(SHIFT);
    let off = i & ((1u << shift) - 1u);
    var v: cplx;
    switch (i >> shift) {
        case 0u: { v = page0[off]; }
        case 1u: { v = page1[off]; }
        case 2u: { v = page2[off]; }
        default: { v = page3[off]; }
    }
    return v;
}

fn store(i: u32, v: cplx) {
    if (hp(SLOTS) == 0u) {
        page0[i] = v;
        return;
    }
    let shift = hp(SHIFT);
    let off = i & ((1u << shift) - 1u);
    switch (i >> shift) {
        case 0u: { page0[off] = v; }
        case 1u: { page1[off] = v; }
        case 2u: { page2[off] = v; }
        default: { page3[off] = v; }
    }
}

// Spreads the work index over the free bits: a zero is inserted at every sorted
// position, then the control bits are set.
fn spread(t: u32) -> u32 {
    var i = t;
    let n = hp(NSORTED);
    for (var j = 0u; j < n; j++) {
        let q = hp(SORTED + j);
        let low = i & ((1u << q) - 1u);
        i = ((i ^ low) << 1u) | low;
    }
    return i | hp(CTRL);
}

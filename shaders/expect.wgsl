// Partial sums over one page of up to 4 Pauli terms that share one X mask:
// term t adds Re(i^NY[t] * conj(b[i ^ XL]) * a[i]) * (-1)^(popcount(i & ZL[t]) + SIGN[t]),
// where page_a holds a[i] and page_b is its partner page (page ^ the terms' page X
// bits). One partial per term and workgroup: work[OUT + t * TERM_STRIDE + workgroup].

@group(0) @binding(3) var<storage, read_write> work: array<real>;

const XL: u32 = 1u;
const NT: u32 = 2u;
const OUT: u32 = 3u;
const TERM_STRIDE: u32 = 4u;
const THREADS: u32 = 5u;
const TERMS: u32 = 16u; // per term t: ZL at 16 + 3t, NY at 17 + 3t, SIGN at 18 + 3t

// Term t's contribution of amplitude i, given conj(b) * a = re + i im.
fn term(t: u32, i: u32, re: real, im: real) -> real {
    let base = TERMS + 3u * t;
    let ny = hp(base + 1u) & 3u;
    var v = select(re, -im, ny == 1u);
    v = select(v, -re, ny == 2u);
    v = select(v, im, ny == 3u);
    let odd = ((countOneBits(i & hp(base)) + hp(base + 2u)) & 1u) != 0u;
    return select(v, -v, odd);
}

fn write_partial(t: u32, group: u32, lid: u32, s: real) {
    let total = workgroup_sum(lid, s);
    if (lid == 0u) {
        work[hp(OUT) + t * hp(TERM_STRIDE) + group] = total;
    }
    workgroupBarrier();
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let count = hp(COUNT);
    let xl = hp(XL);
    let nt = hp(NT);
    let stride = hp(THREADS);
    var s0 = real(0.0);
    var s1 = real(0.0);
    var s2 = real(0.0);
    var s3 = real(0.0);
    for (var i = thread_id(wid, nwg, lid); i < count; i += stride) {
        let a = page_a[i];
        let b = page_b[i ^ xl];
        let re = b.x * a.x + b.y * a.y;
        let im = b.x * a.y - b.y * a.x;
        s0 += term(0u, i, re, im);
        if (nt > 1u) {
            s1 += term(1u, i, re, im);
            if (nt > 2u) {
                s2 += term(2u, i, re, im);
                if (nt > 3u) {
                    s3 += term(3u, i, re, im);
                }
            }
        }
    }
    let group = wid.y * nwg.x + wid.x;
    write_partial(0u, group, lid, s0);
    if (nt > 1u) {
        write_partial(1u, group, lid, s1);
    }
    if (nt > 2u) {
        write_partial(2u, group, lid, s2);
    }
    if (nt > 3u) {
        write_partial(3u, group, lid, s3);
    }
}

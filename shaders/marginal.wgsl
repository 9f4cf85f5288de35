// Partial marginal sums of one page. Work item t = (jl, blk): jl enumerates the
// marginal qubits inside the page, blk a stride class of the other in-page bits.
// The item sums |a|^2 over its stride class and writes
// work[(j * NRP + RP) * BK + blk], where j is the full marginal index (page bits of j
// fixed in JPAGE). Summing each run of NRP * BK values (segsum) gives the marginal.

@group(0) @binding(3) var<storage, read_write> work: array<real>;

const BK_BITS: u32 = 1u;  // log2 of the stride classes per jl
const ITEMS: u32 = 2u;    // amplitudes per work item
const NSORTED: u32 = 3u;  // in-page marginal qubits (spread out of the stride index)
const JPAGE: u32 = 4u;    // bits of j given by the page
const NRP: u32 = 5u;      // pages sharing the same JPAGE
const RP: u32 = 6u;       // rank of this page among them
const SORTED: u32 = 32u;  // in-page marginal qubits, ascending
const LQ: u32 = 64u;      // in-page marginal qubit of jl bit u
const LT: u32 = 96u;      // output bit of jl bit u

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
    let t = thread_id(wid, nwg, lid);
    if (t >= hp(COUNT)) {
        return;
    }
    let bk_bits = hp(BK_BITS);
    let bk = 1u << bk_bits;
    let blk = t & (bk - 1u);
    let jl = t >> bk_bits;
    let ml = hp(NSORTED);
    var fixed = 0u;
    var j = hp(JPAGE);
    for (var u = 0u; u < ml; u++) {
        if (((jl >> u) & 1u) != 0u) {
            fixed |= 1u << hp(LQ + u);
            j |= 1u << hp(LT + u);
        }
    }
    var s = real(0.0);
    let items = hp(ITEMS);
    for (var it = 0u; it < items; it++) {
        var i = blk + it * bk;
        for (var v = 0u; v < ml; v++) {
            let q = hp(SORTED + v);
            let low = i & ((1u << q) - 1u);
            i = ((i ^ low) << 1u) | low;
        }
        s += norm2(page_a[i | fixed]);
    }
    work[(j * hp(NRP) + hp(RP)) * bk + blk] = s;
}

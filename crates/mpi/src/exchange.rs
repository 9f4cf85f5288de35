//! The one communicating move: swapping a global qubit with a local one. A rank whose
//! global bit is `b` keeps the half of its slice whose local bit is `b` and trades the
//! other half with the partner rank (the rank number with that bit flipped), chunk by
//! chunk through `MPI_Sendrecv_replace`: no rank holds more than one chunk besides its
//! slice.

use crate::comm;
use mpi::datatype::Equivalence;
use num_complex::Complex;

/// Swaps local bit `p` of `amps` with the global bit the rank shares with `partner`,
/// where this rank's value of that global bit is `bit`. `chunk` (a power of two) bounds
/// the amplitudes moved per message and the scratch this takes.
pub(crate) fn swap_global_local<T>(
    amps: &mut [Complex<T>],
    p: u32,
    bit: bool,
    partner: i32,
    chunk: usize,
) where
    Complex<T>: Equivalence + Copy + Default,
{
    let half = amps.len() / 2;
    let run = 1usize << p;
    // Amplitudes whose bit `p` differs from `bit`: runs of `run` starting at
    // `(h << (p + 1)) | (!bit << p)`.
    let offset = if bit { 0 } else { run };
    let chunk = chunk.clamp(1, half.max(1));
    let bytes = (half * std::mem::size_of::<Complex<T>>()) as u64;
    if run >= chunk {
        // Each chunk lies inside one run: exchange it in place.
        let mut done = 0;
        while done < half {
            let start = (done / run) * 2 * run + offset + done % run;
            comm::swap_with(&mut amps[start..start + chunk], partner);
            done += chunk;
        }
    } else {
        // Runs shorter than a chunk: gather runs into the chunk, exchange, scatter back.
        let mut buf = vec![Complex::<T>::default(); chunk];
        let mut done = 0;
        while done < half {
            let runs = chunk / run;
            let first = done / run;
            for r in 0..runs {
                let start = (first + r) * 2 * run + offset;
                buf[r * run..(r + 1) * run].copy_from_slice(&amps[start..start + run]);
            }
            comm::swap_with(&mut buf[..], partner);
            for r in 0..runs {
                let start = (first + r) * 2 * run + offset;
                amps[start..start + run].copy_from_slice(&buf[r * run..(r + 1) * run]);
            }
            done += chunk;
        }
    }
    comm::count_exchange(bytes);
}

//! A GHZ state, a QFT and samples on the MPI backend: every rank runs this program and
//! gets the same results; rank 0 prints them.
//!
//! ```text
//! cargo build --release -p ferroq --features mpi --example mpi_ghz
//! mpirun -np 4 target/release/examples/mpi_ghz 24
//! ```

use ferroq::{AnyBackend, BackendKind, Circuit, Observable, ParamBinding, Simulator};

fn main() -> ferroq::Result<()> {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let sim = Simulator::new(BackendKind::Mpi)?;
    let (rank, ranks) = match sim.backend() {
        AnyBackend::Mpi(m) => (m.rank(), m.ranks()),
        _ => (0, 1),
    };
    let mut ghz = Circuit::new(n);
    ghz.h(0);
    for q in 1..n {
        ghz.cx(q - 1, q);
    }
    let none = ParamBinding::new();
    let t = std::time::Instant::now();
    let p = sim.run(&ghz, &none)?.probabilities()?;
    // X on every qubit: a parity that needs every global qubit exchanged in.
    let xs = Observable::pauli_string(&"X".repeat(n as usize))?;
    let e = sim.expectation(&ghz, &xs, &none)?;
    let shots = sim.sample(&ghz, 8, &none)?;
    if rank == 0 {
        println!(
            "GHZ-{n} on {ranks} ranks: p(0..0) = {:.6}, p(1..1) = {:.6}, <X..X> = {:.6}, \
             shots {shots:?}, {:.2} s",
            p[0],
            p[(1usize << n) - 1],
            e,
            t.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

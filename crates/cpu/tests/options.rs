//! Validation of [`CpuOptions`] in [`CpuBackend::new`]: bad values are refused with
//! `Error::InvalidArgument` before any thread is started.

use ferroq_core::Error;
use ferroq_cpu::{CpuBackend, CpuOptions, MAX_THREADS};
use std::time::{Duration, Instant};

fn with_threads(threads: usize) -> Result<CpuBackend, Error> {
    CpuBackend::new(CpuOptions {
        threads: Some(threads),
        ..CpuOptions::default()
    })
}

#[test]
fn thread_count_is_bounded_and_refused_at_once() {
    // Regression (issue 19, item 9): `threads=2**40` spent 102 s spawning threads.
    for bad in [MAX_THREADS + 1, 1 << 40, usize::MAX] {
        let start = Instant::now();
        let err = with_threads(bad).unwrap_err();
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(matches!(err, Error::InvalidArgument { .. }), "{err:?}");
        let text = err.to_string();
        assert!(
            text.contains(&format!("at most {MAX_THREADS}")) && text.contains(&bad.to_string()),
            "{text}"
        );
    }
    assert!(matches!(
        with_threads(0),
        Err(Error::InvalidArgument { .. })
    ));
}

#[test]
fn thread_counts_within_the_bound_are_honoured() {
    for ok in [1, 3] {
        assert_eq!(with_threads(ok).unwrap().threads(), ok);
    }
}

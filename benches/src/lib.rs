//! ferroq-bench: placeholder.

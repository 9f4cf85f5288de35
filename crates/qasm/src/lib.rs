//! ferroq-qasm: placeholder, filled in by its issue.

//! ferroq-python: placeholder.

//! ferroq-wgpu: placeholder, filled in by its issue.

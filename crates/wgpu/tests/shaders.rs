//! Every WGSL kernel, in both precisions, parses and validates with naga under exactly
//! the capabilities the backend requests (FLOAT64 only for complex128). No GPU needed.

use ferroq_core::Precision;
use ferroq_wgpu::shaders::Kernel;
use naga::valid::{Capabilities, ValidationFlags, Validator};

fn validate(kernel: Kernel, precision: Precision, caps: Capabilities) -> Result<(), String> {
    let source = kernel.source(precision);
    let module = naga::front::wgsl::parse_str(&source).map_err(|e| {
        format!(
            "{} ({precision}): parse error:\n{}",
            kernel.file(),
            e.emit_to_string(&source)
        )
    })?;
    Validator::new(ValidationFlags::all(), caps)
        .validate(&module)
        .map(|_| ())
        .map_err(|e| {
            format!(
                "{} ({precision}): {}",
                kernel.file(),
                e.emit_to_string(&source)
            )
        })
}

fn requested(precision: Precision) -> Capabilities {
    match precision {
        Precision::Single => Capabilities::empty(),
        Precision::Double => Capabilities::FLOAT64,
    }
}

#[test]
fn every_kernel_validates_in_both_precisions() {
    let mut failures = Vec::new();
    for kernel in Kernel::ALL {
        for precision in [Precision::Single, Precision::Double] {
            if let Err(e) = validate(kernel, precision, requested(precision)) {
                failures.push(e);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn double_precision_really_needs_float64() {
    // The substitution reached the shader: without FLOAT64 the f64 variant is rejected.
    for kernel in Kernel::ALL {
        assert!(
            validate(kernel, Precision::Double, Capabilities::empty()).is_err(),
            "{} validated as f64 without FLOAT64",
            kernel.file()
        );
    }
}

#[test]
fn every_shader_file_is_embedded() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shaders");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("shaders/ exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".wgsl") && !n.ends_with("_common.wgsl"))
        .collect();
    on_disk.sort();
    let mut embedded: Vec<String> = Kernel::ALL.iter().map(|k| k.file().to_string()).collect();
    embedded.sort();
    assert_eq!(on_disk, embedded);
}

//! Amplitudes and reals to and from the device scalar (f32 or f64) as bytes: what
//! uploads write and read-backs return.

use ferroq_core::{Complex64, Precision};

/// Converts complex128 values to the device scalar, as bytes.
pub(crate) fn complex_bytes(precision: Precision, values: &[Complex64]) -> Vec<u8> {
    match precision {
        Precision::Single => values
            .iter()
            .flat_map(|z| [z.re as f32, z.im as f32])
            .flat_map(f32::to_le_bytes)
            .collect(),
        Precision::Double => values
            .iter()
            .flat_map(|z| [z.re, z.im])
            .flat_map(f64::to_le_bytes)
            .collect(),
    }
}

/// Converts reals to the device scalar, as bytes.
pub(crate) fn real_bytes(precision: Precision, values: &[f64]) -> Vec<u8> {
    match precision {
        Precision::Single => values
            .iter()
            .flat_map(|&x| (x as f32).to_le_bytes())
            .collect(),
        Precision::Double => values.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

/// Reals from device bytes.
pub(crate) fn reals(precision: Precision, bytes: &[u8]) -> Vec<f64> {
    match precision {
        Precision::Single => bytemuck::pod_collect_to_vec::<u8, f32>(bytes)
            .into_iter()
            .map(f64::from)
            .collect(),
        Precision::Double => bytemuck::pod_collect_to_vec::<u8, f64>(bytes),
    }
}

//! The WGSL kernels, embedded from the workspace's `shaders/` folder.
//!
//! One kernel shape per file. Gate kernels are prefixed with `gate_common.wgsl` and
//! readout kernels with `readout_common.wgsl` (bindings and helpers). The complex128
//! variant is the same text with the scalar alias `alias real = f32;` replaced by
//! `alias real = f64;`. [`Kernel::source`] gives the exact text the device compiles, so
//! a test can validate every variant with naga without a GPU.

use ferroq_core::Precision;

const GATE_COMMON: &str = include_str!("../../../shaders/gate_common.wgsl");
const READOUT_COMMON: &str = include_str!("../../../shaders/readout_common.wgsl");

/// The line every prelude declares the scalar type with.
pub const SCALAR_ALIAS_F32: &str = "alias real = f32;";
const SCALAR_ALIAS_F64: &str = "alias real = f64;";

/// Header bytes per dispatch (128 `u32`), bound as a uniform with a dynamic offset.
pub const HEADER_BYTES: u64 = 512;
/// Invocations per workgroup in every kernel.
pub const WORKGROUP: u32 = 256;
/// Largest dense block the `densek` kernel holds in registers, in qubits.
pub const MAX_DENSE_QUBITS: usize = 6;

/// The compute kernels, one per WGSL file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// 1-qubit dense gate without controls.
    Dense1,
    /// 1-qubit dense gate with controls.
    Controlled,
    /// 2-qubit dense gate.
    Dense2,
    /// k-qubit dense gate, k <= 6.
    DenseK,
    /// Diagonal gate.
    Diagonal,
    /// `|a|^2` of one page.
    Probs,
    /// Partial marginal sums of one page.
    Marginal,
    /// Partial sums of one Pauli term over one page.
    Expect,
    /// Segmented sum of partials.
    SegSum,
    /// Leaf level of the sampling tree.
    BlockSum,
    /// Upper levels of the sampling tree.
    LevelSum,
    /// Inverse-CDF descent through the sampling tree.
    SampleSearch,
    /// Final in-block search of sampling.
    SampleLeaf,
}

impl Kernel {
    /// Every kernel.
    pub const ALL: [Kernel; 13] = [
        Kernel::Dense1,
        Kernel::Controlled,
        Kernel::Dense2,
        Kernel::DenseK,
        Kernel::Diagonal,
        Kernel::Probs,
        Kernel::Marginal,
        Kernel::Expect,
        Kernel::SegSum,
        Kernel::BlockSum,
        Kernel::LevelSum,
        Kernel::SampleSearch,
        Kernel::SampleLeaf,
    ];

    /// Position in [`Kernel::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// `true` for the kernels that modify the state (gate bind-group layout).
    pub fn is_gate(self) -> bool {
        matches!(
            self,
            Kernel::Dense1
                | Kernel::Controlled
                | Kernel::Dense2
                | Kernel::DenseK
                | Kernel::Diagonal
        )
    }

    /// The file name under `shaders/`.
    pub fn file(self) -> &'static str {
        match self {
            Kernel::Dense1 => "dense1.wgsl",
            Kernel::Controlled => "controlled.wgsl",
            Kernel::Dense2 => "dense2.wgsl",
            Kernel::DenseK => "densek.wgsl",
            Kernel::Diagonal => "diagonal.wgsl",
            Kernel::Probs => "probs.wgsl",
            Kernel::Marginal => "marginal.wgsl",
            Kernel::Expect => "expect.wgsl",
            Kernel::SegSum => "segsum.wgsl",
            Kernel::BlockSum => "blocksum.wgsl",
            Kernel::LevelSum => "levelsum.wgsl",
            Kernel::SampleSearch => "sample_search.wgsl",
            Kernel::SampleLeaf => "sample_leaf.wgsl",
        }
    }

    fn body(self) -> &'static str {
        match self {
            Kernel::Dense1 => include_str!("../../../shaders/dense1.wgsl"),
            Kernel::Controlled => include_str!("../../../shaders/controlled.wgsl"),
            Kernel::Dense2 => include_str!("../../../shaders/dense2.wgsl"),
            Kernel::DenseK => include_str!("../../../shaders/densek.wgsl"),
            Kernel::Diagonal => include_str!("../../../shaders/diagonal.wgsl"),
            Kernel::Probs => include_str!("../../../shaders/probs.wgsl"),
            Kernel::Marginal => include_str!("../../../shaders/marginal.wgsl"),
            Kernel::Expect => include_str!("../../../shaders/expect.wgsl"),
            Kernel::SegSum => include_str!("../../../shaders/segsum.wgsl"),
            Kernel::BlockSum => include_str!("../../../shaders/blocksum.wgsl"),
            Kernel::LevelSum => include_str!("../../../shaders/levelsum.wgsl"),
            Kernel::SampleSearch => include_str!("../../../shaders/sample_search.wgsl"),
            Kernel::SampleLeaf => include_str!("../../../shaders/sample_leaf.wgsl"),
        }
    }

    /// The complete WGSL source compiled for `precision` (prelude + kernel, scalar
    /// alias substituted).
    pub fn source(self, precision: Precision) -> String {
        let prelude = if self.is_gate() {
            GATE_COMMON
        } else {
            READOUT_COMMON
        };
        let text = format!("{prelude}\n{}", self.body());
        match precision {
            Precision::Single => text,
            Precision::Double => text.replace(SCALAR_ALIAS_F32, SCALAR_ALIAS_F64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prelude_declares_the_alias_once() {
        for k in Kernel::ALL {
            assert_eq!(
                k.source(Precision::Single)
                    .matches(SCALAR_ALIAS_F32)
                    .count(),
                1
            );
            let d = k.source(Precision::Double);
            assert_eq!(d.matches(SCALAR_ALIAS_F64).count(), 1, "{}", k.file());
            assert!(!d.contains(SCALAR_ALIAS_F32));
        }
        for (i, k) in Kernel::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
    }
}

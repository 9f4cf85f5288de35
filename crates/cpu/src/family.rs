//! [`Kernels`]: which family of state-update kernels the CPU backend runs, chosen per
//! machine at run time.

use crate::simd::Isa;
use ferroq_core::{Error, Result};

/// Environment variable that picks the kernel family where the options say
/// [`Kernels::Auto`]: `avx512`, `avx2` or `portable` (for side-by-side measurements of
/// the families on one machine, from any front end).
pub const KERNELS_ENV: &str = "FERROQ_KERNELS";

/// A family of state-update kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Kernels {
    /// The widest explicit SIMD family this CPU supports (AVX-512, else AVX2, else the
    /// portable kernels), unless [`KERNELS_ENV`] names another.
    #[default]
    Auto,
    /// 512-bit kernels (x86-64 with AVX-512F, AVX2 and FMA).
    Avx512,
    /// 256-bit kernels (x86-64 with AVX2 and FMA).
    Avx2,
    /// Portable Rust kernels (auto-vectorised for the build's baseline CPU).
    Portable,
}

impl Kernels {
    /// Every family, widest first.
    pub const ALL: [Kernels; 3] = [Kernels::Avx512, Kernels::Avx2, Kernels::Portable];

    /// The family's name as [`KERNELS_ENV`] and reports spell it.
    pub fn name(self) -> &'static str {
        match self {
            Kernels::Auto => "auto",
            Kernels::Avx512 => "avx512",
            Kernels::Avx2 => "avx2",
            Kernels::Portable => "portable",
        }
    }

    /// Whether this CPU runs the family ([`Kernels::Auto`] and the portable kernels run
    /// everywhere).
    pub fn supported(self) -> bool {
        match self {
            Kernels::Auto | Kernels::Portable => true,
            Kernels::Avx512 => Isa::Avx512.supported(),
            Kernels::Avx2 => Isa::Avx2.supported(),
        }
    }

    /// The concrete family that runs: [`Kernels::Auto`] resolved against the
    /// environment and this CPU. An explicit family this CPU lacks is an error.
    pub fn resolve(self) -> Result<Kernels> {
        let chosen = match self {
            Kernels::Auto => match std::env::var(KERNELS_ENV) {
                Ok(v) if !v.is_empty() && v != "auto" => v.parse::<Kernels>().map_err(|e| {
                    Error::invalid(format!("environment variable {KERNELS_ENV}: {e}"))
                })?,
                _ => {
                    return Ok(match Isa::best() {
                        Some(Isa::Avx512) => Kernels::Avx512,
                        Some(Isa::Avx2) => Kernels::Avx2,
                        None => Kernels::Portable,
                    })
                }
            },
            k => k,
        };
        if !chosen.supported() {
            return Err(Error::invalid(format!(
                "the {} kernels need CPU features this machine lacks (it has: {})",
                chosen.name(),
                Kernels::ALL
                    .iter()
                    .filter(|k| k.supported())
                    .map(|k| k.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        Ok(chosen)
    }

    /// The SIMD family behind a resolved choice (none: portable).
    pub(crate) fn isa(self) -> Option<Isa> {
        match self {
            Kernels::Avx512 => Some(Isa::Avx512),
            Kernels::Avx2 => Some(Isa::Avx2),
            Kernels::Auto | Kernels::Portable => None,
        }
    }
}

impl std::fmt::Display for Kernels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Kernels {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        [Kernels::Auto]
            .into_iter()
            .chain(Kernels::ALL)
            .find(|k| k.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown kernel family {s:?} (auto, avx512, avx2, portable)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for k in [Kernels::Auto].into_iter().chain(Kernels::ALL) {
            assert_eq!(k.name().parse::<Kernels>(), Ok(k));
        }
        let err = "sse9".parse::<Kernels>().unwrap_err();
        assert!(err.contains("sse9") && err.contains("avx2"), "{err}");
    }

    #[test]
    fn explicit_families_resolve_only_where_supported() {
        assert_eq!(Kernels::Portable.resolve().unwrap(), Kernels::Portable);
        for k in [Kernels::Avx512, Kernels::Avx2] {
            match k.resolve() {
                Ok(r) => assert!(r == k && k.supported()),
                Err(e) => {
                    assert!(!k.supported());
                    assert!(e.to_string().contains(k.name()), "{e}");
                }
            }
        }
    }
}

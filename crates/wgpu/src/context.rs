//! Adapter discovery and choice, the device and queue, and the error plumbing that
//! turns every wgpu failure into a [`ferroq_core::Error`] instead of a panic.

use crate::convert::complex_bytes;
use crate::layout::MAX_PAGE_INDEX_QUBITS;
use crate::pipelines::Pipelines;
use crate::pool::BufferPool;
use crate::WgpuOptions;
use ferroq_core::{Error, Precision, Result};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};

/// Polls (10 ms each) before a read-back mapping counts as failed.
const MAP_WAIT_ROUNDS: u32 = 30_000;
/// Smallest page a caller may force, in qubits (keeps gate remapping always possible).
pub(crate) const MIN_PAGE_QUBITS: u32 = 4;
/// Largest page, in qubits (indices inside a page stay well inside `u32`).
const MAX_PAGE_QUBITS: u32 = 30;

/// What an adapter is and what it can hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdapterSummary {
    /// Adapter (device) name, such as `"llvmpipe (LLVM 15.0.6, 256 bits)"`.
    pub name: String,
    /// Graphics API wgpu reaches it through: `"vulkan"`, `"metal"`, `"dx12"`, `"gl"`.
    pub backend: String,
    /// `"discrete"`, `"integrated"`, `"virtual"`, `"cpu"` or `"other"`.
    pub device_type: String,
    /// Whether the adapter has `SHADER_F64` (needed for complex128).
    pub supports_f64: bool,
    /// Largest storage-buffer binding, in bytes (one page at most).
    pub max_storage_binding_bytes: u64,
    /// Largest buffer, in bytes.
    pub max_buffer_bytes: u64,
}

impl AdapterSummary {
    fn of(adapter: &wgpu::Adapter) -> Self {
        let info = adapter.get_info();
        let limits = adapter.limits();
        AdapterSummary {
            name: info.name,
            backend: info.backend.to_str().to_string(),
            device_type: match info.device_type {
                wgpu::DeviceType::DiscreteGpu => "discrete",
                wgpu::DeviceType::IntegratedGpu => "integrated",
                wgpu::DeviceType::VirtualGpu => "virtual",
                wgpu::DeviceType::Cpu => "cpu",
                wgpu::DeviceType::Other => "other",
            }
            .to_string(),
            supports_f64: adapter.features().contains(wgpu::Features::SHADER_F64),
            max_storage_binding_bytes: limits.max_storage_buffer_binding_size,
            max_buffer_bytes: limits.max_buffer_size,
        }
    }
}

fn instance(backends: wgpu::Backends) -> wgpu::Instance {
    let mut desc = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
    if std::env::var_os("WGPU_BACKEND").is_none() {
        desc.backends = backends;
    }
    wgpu::Instance::new(desc)
}

/// Silences stderr while drivers are probed, where probing would print noise a user
/// cannot act on: without a valid `XDG_RUNTIME_DIR` (a server, a container, CI), the
/// Wayland client library that Vulkan drivers load prints
/// "error: XDG_RUNTIME_DIR is invalid or not set in the environment." once per probe,
/// although nothing is wrong for compute. Only then, only for the probe (stderr is
/// process-wide, so other threads' output in that window is lost too), and restored on
/// drop.
struct QuietProbe {
    #[cfg(unix)]
    active: bool,
}

/// Probes in flight and the saved stderr: the first probe redirects, the last restores,
/// so concurrent probes (threads, tests) never leave stderr pointing at /dev/null.
#[cfg(unix)]
static QUIET: std::sync::Mutex<(usize, i32)> = std::sync::Mutex::new((0, -1));

impl QuietProbe {
    fn new() -> Self {
        #[cfg(unix)]
        {
            let runtime_dir_ok = std::env::var_os("XDG_RUNTIME_DIR")
                .is_some_and(|d| std::path::Path::new(&d).is_dir());
            let wayland_display = std::env::var_os("WAYLAND_DISPLAY").is_some();
            let verbose = std::env::var_os("FERROQ_PROBE_VERBOSE").is_some();
            let Ok(mut quiet) = QUIET.lock() else {
                return QuietProbe { active: false };
            };
            if runtime_dir_ok || wayland_display || verbose {
                return QuietProbe { active: false };
            }
            if quiet.0 == 0 {
                // SAFETY: plain POSIX calls on file descriptors owned here (the duplicate
                // of 2 and /dev/null); fd 2 is restored when the last probe ends.
                unsafe {
                    let saved = libc::dup(2);
                    if saved < 0 {
                        return QuietProbe { active: false };
                    }
                    let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
                    if null < 0 {
                        libc::close(saved);
                        return QuietProbe { active: false };
                    }
                    libc::dup2(null, 2);
                    libc::close(null);
                    quiet.1 = saved;
                }
            }
            quiet.0 += 1;
            QuietProbe { active: true }
        }
        #[cfg(not(unix))]
        QuietProbe {}
    }
}

impl Drop for QuietProbe {
    fn drop(&mut self) {
        #[cfg(unix)]
        if self.active {
            let Ok(mut quiet) = QUIET.lock() else {
                return;
            };
            quiet.0 -= 1;
            if quiet.0 == 0 && quiet.1 >= 0 {
                // SAFETY: `quiet.1` is the duplicate of fd 2 made by the first probe.
                unsafe {
                    libc::dup2(quiet.1, 2);
                    libc::close(quiet.1);
                }
                quiet.1 = -1;
            }
        }
    }
}

/// Runs `f`, turning a panic inside wgpu or a driver into an error.
fn no_panic<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|p| {
        let msg = p
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown panic".into());
        Err(Error::BackendUnavailable {
            reason: format!("wgpu failed while {what}: {msg}"),
        })
    })
}

fn compute_adapters(instance: &wgpu::Instance) -> Vec<wgpu::Adapter> {
    pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()))
        .into_iter()
        .filter(|a| {
            a.get_downlevel_capabilities()
                .flags
                .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS)
        })
        .collect()
}

/// The compute-capable adapters of the primary APIs (Vulkan, Metal, DX12), or of GL
/// when there are none (probing GL is slow and noisy, so it is the fallback).
/// `WGPU_BACKEND` (wgpu's own variable, e.g. `vulkan` or `gl`) overrides the choice.
fn enumerate() -> (wgpu::Instance, Vec<wgpu::Adapter>) {
    let primary = instance(wgpu::Backends::PRIMARY);
    let found = compute_adapters(&primary);
    if !found.is_empty() || std::env::var_os("WGPU_BACKEND").is_some() {
        return (primary, found);
    }
    let secondary = instance(wgpu::Backends::SECONDARY);
    let found = compute_adapters(&secondary);
    (secondary, found)
}

/// The compute-capable adapters wgpu finds (Vulkan, Metal, DX12; GL only when none of
/// those has one), in the order an index in [`WgpuOptions::adapter`] refers to. Empty
/// (never a panic) when there are none.
pub fn adapters() -> Vec<AdapterSummary> {
    no_panic("listing adapters", || {
        let _quiet = QuietProbe::new();
        Ok(enumerate().1.iter().map(AdapterSummary::of).collect())
    })
    .unwrap_or_default()
}

fn choose(selector: Option<&str>) -> Result<wgpu::Adapter> {
    let (instance, found) = enumerate();
    let listing = || {
        found
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let s = AdapterSummary::of(a);
                format!("{i}: {} ({}, {})", s.name, s.backend, s.device_type)
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    if found.is_empty() {
        return Err(Error::BackendUnavailable {
            reason: "no GPU adapter with compute shaders found (on Linux without a GPU, \
                     install Mesa's lavapipe: mesa-vulkan-drivers libvulkan1)"
                .into(),
        });
    }
    match selector.map(str::trim) {
        Some(sel) if !sel.is_empty() => {
            if let Ok(i) = sel.parse::<usize>() {
                return found
                    .get(i)
                    .cloned()
                    .ok_or_else(|| Error::BackendUnavailable {
                        reason: format!("no adapter with index {i}; found [{}]", listing()),
                    });
            }
            let needle = sel.to_lowercase();
            found
                .iter()
                .find(|a| {
                    let s = AdapterSummary::of(a);
                    format!("{} {}", s.name, s.backend)
                        .to_lowercase()
                        .contains(&needle)
                })
                .cloned()
                .ok_or_else(|| Error::BackendUnavailable {
                    reason: format!("no adapter matches `{sel}`; found [{}]", listing()),
                })
        }
        _ => {
            let opts = wgpu::RequestAdapterOptions {
                power_preference: wgpu::PowerPreference::HighPerformance,
                ..Default::default()
            };
            match pollster::block_on(instance.request_adapter(&opts)) {
                Ok(a)
                    if a.get_downlevel_capabilities()
                        .flags
                        .contains(wgpu::DownlevelFlags::COMPUTE_SHADERS) =>
                {
                    Ok(a)
                }
                _ => Ok(found[0].clone()),
            }
        }
    }
}

/// Kinds of failure a guarded GPU operation reports.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The device could not allocate.
    OutOfMemory(String),
    /// Anything else wgpu reported: validation, internal error, lost device.
    Device(String),
    /// An error of ours raised inside the guarded operation.
    Other(Error),
}

impl Failure {
    pub(crate) fn into_error(self) -> Error {
        match self {
            Failure::OutOfMemory(r) => Error::Device {
                reason: format!("out of device memory: {r}"),
            },
            Failure::Device(reason) => Error::Device { reason },
            Failure::Other(e) => e,
        }
    }
}

/// The device, queue, pipelines and limits one backend shares among its states.
pub(crate) struct Ctx {
    pub(crate) device: wgpu::Device,
    pub(crate) queue: wgpu::Queue,
    pub(crate) info: AdapterSummary,
    pub(crate) limits: wgpu::Limits,
    pub(crate) precision: Precision,
    /// Log2 of the amplitudes per page (forced or the largest).
    pub(crate) page_qubits: u32,
    /// Log2 of the most amplitudes one page (one binding) holds.
    pub(crate) max_page_qubits: u32,
    /// Workgroups per grid dimension (the device limit unless a test lowers it).
    pub(crate) max_groups: AtomicU32,
    pub(crate) pipelines: Pipelines,
    /// Three tiny buffers bound to the page slots a dispatch does not use.
    pub(crate) dummies: [wgpu::Buffer; 3],
    /// The amplitude 1 in the device precision, copied into page 0 by resets.
    pub(crate) one: wgpu::Buffer,
    /// The user's cap on the bytes of one state.
    memory_limit: Option<u64>,
    submits: AtomicU64,
    buffers: AtomicU64,
    /// Buffers of dropped small states, reused by the next state of the same layout.
    pub(crate) pool: BufferPool,
    uncaptured: Arc<Mutex<Vec<String>>>,
    lost: Arc<Mutex<Option<String>>>,
}

impl Ctx {
    pub(crate) fn new(options: &WgpuOptions) -> Result<Ctx> {
        let _quiet = QuietProbe::new();
        no_panic("opening the device", || Self::open(options))
    }

    fn open(options: &WgpuOptions) -> Result<Ctx> {
        let adapter = choose(options.adapter.as_deref())?;
        let info = AdapterSummary::of(&adapter);
        let precision = options.precision;
        let mut features = wgpu::Features::empty();
        if precision == Precision::Double {
            if !info.supports_f64 {
                return Err(Error::BackendUnavailable {
                    reason: format!(
                        "adapter `{}` ({}) lacks SHADER_F64, which complex128 needs; \
                         use complex64 (Precision::Single)",
                        info.name, info.backend
                    ),
                });
            }
            features |= wgpu::Features::SHADER_F64;
        }
        let limits = adapter.limits();
        let desc = wgpu::DeviceDescriptor {
            label: Some("ferroq"),
            required_features: features,
            required_limits: limits.clone(),
            experimental_features: wgpu::ExperimentalFeatures::disabled(),
            memory_hints: wgpu::MemoryHints::Performance,
            trace: wgpu::Trace::Off,
        };
        let (device, queue) = pollster::block_on(adapter.request_device(&desc)).map_err(|e| {
            Error::BackendUnavailable {
                reason: format!("adapter `{}` refused a device: {e}", info.name),
            }
        })?;
        let uncaptured = Arc::new(Mutex::new(Vec::new()));
        let sink = uncaptured.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            if let Ok(mut v) = sink.lock() {
                v.push(e.to_string());
            }
        }));
        let lost = Arc::new(Mutex::new(None));
        let lost_sink = lost.clone();
        device.set_device_lost_callback(move |reason, msg| {
            if reason != wgpu::DeviceLostReason::Destroyed {
                if let Ok(mut l) = lost_sink.lock() {
                    *l = Some(format!("device lost ({reason:?}): {msg}"));
                }
            }
        });

        let amp = precision.amplitude_bytes();
        let max_page_bytes = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        let max_page_qubits = (max_page_bytes / amp).max(1).ilog2().min(MAX_PAGE_QUBITS);
        let page_qubits = match options.page_qubits {
            None => max_page_qubits,
            Some(p) if (MIN_PAGE_QUBITS..=max_page_qubits).contains(&p) => p,
            Some(p) => {
                return Err(Error::invalid(format!(
                    "page_qubits must be between {MIN_PAGE_QUBITS} and {max_page_qubits} on \
                     `{}` (one storage binding holds {max_page_bytes} bytes), got {p}",
                    info.name
                )))
            }
        };
        let dummy = |i: usize| {
            device.create_buffer(&wgpu::BufferDescriptor {
                label: Some(["ferroq dummy 1", "ferroq dummy 2", "ferroq dummy 3"][i]),
                size: 32,
                usage: wgpu::BufferUsages::STORAGE,
                mapped_at_creation: false,
            })
        };
        let dummies = [dummy(0), dummy(1), dummy(2)];
        let one = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("ferroq one"),
            size: 16,
            usage: wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let one_bytes = complex_bytes(precision, &[ferroq_core::Complex64::new(1.0, 0.0)]);
        queue.write_buffer(&one, 0, &[one_bytes, vec![0; 16]].concat()[..16]);
        let pipelines = Pipelines::new(&device, precision);
        Ok(Ctx {
            max_groups: AtomicU32::new(limits.max_compute_workgroups_per_dimension.max(1)),
            device,
            queue,
            info,
            limits,
            precision,
            page_qubits,
            max_page_qubits,
            pipelines,
            dummies,
            one,
            memory_limit: options.memory_limit,
            submits: AtomicU64::new(0),
            buffers: AtomicU64::new(0),
            pool: BufferPool::default(),
            uncaptured,
            lost,
        })
    }

    /// Largest qubit count a state may have: at most 2^10 pages of the largest page
    /// size, and (for CPU adapters such as lavapipe) the host memory available.
    pub(crate) fn max_qubits(&self) -> u32 {
        let by_pages = self.max_qubits_by_pages();
        match self.state_budget() {
            Some((bytes, _)) => {
                let fit = (bytes / self.precision.amplitude_bytes()).max(1).ilog2();
                by_pages.min(fit)
            }
            None => by_pages,
        }
    }

    /// Largest qubit count the page indexing supports, whatever the memory.
    pub(crate) fn max_qubits_by_pages(&self) -> u32 {
        (self.max_page_qubits + MAX_PAGE_INDEX_QUBITS).min(48)
    }

    /// Bytes a state may use and which limit that is: the configured memory limit and,
    /// for CPU adapters (lavapipe), the host memory available; `None` when neither
    /// applies (a GPU's own memory is checked by the driver at allocation).
    pub(crate) fn state_budget(&self) -> Option<(u64, String)> {
        let host = (self.info.device_type == "cpu")
            .then(ferroq_core::memory::available_memory)
            .flatten();
        match (self.memory_limit, host) {
            (Some(l), Some(h)) if h < l => Some((
                h,
                format!(
                    "host memory available to the CPU adapter `{}`",
                    self.info.name
                ),
            )),
            (Some(l), _) => Some((l, "configured memory limit".to_string())),
            (None, Some(h)) => Some((
                h,
                format!(
                    "host memory available to the CPU adapter `{}`",
                    self.info.name
                ),
            )),
            (None, None) => None,
        }
    }

    /// Creates a buffer, counting it.
    pub(crate) fn create_buffer(&self, desc: &wgpu::BufferDescriptor<'_>) -> wgpu::Buffer {
        self.buffers.fetch_add(1, Ordering::Relaxed);
        self.device.create_buffer(desc)
    }

    /// Submits one command buffer, counting it.
    pub(crate) fn submit(&self, commands: wgpu::CommandBuffer) {
        self.submits.fetch_add(1, Ordering::Relaxed);
        self.queue.submit([commands]);
    }

    pub(crate) fn stats(&self) -> crate::WgpuStats {
        crate::WgpuStats {
            submits: self.submits.load(Ordering::Relaxed),
            buffers_created: self.buffers.load(Ordering::Relaxed),
        }
    }

    pub(crate) fn max_groups(&self) -> u32 {
        self.max_groups.load(Ordering::Relaxed)
    }

    /// Bytes per real scalar (f32 or f64).
    pub(crate) fn real_bytes(&self) -> u64 {
        self.precision.amplitude_bytes() / 2
    }

    /// Largest scratch buffer one binding may see, in bytes.
    pub(crate) fn max_binding(&self) -> u64 {
        self.limits
            .max_storage_buffer_binding_size
            .min(self.limits.max_buffer_size)
    }

    /// Runs `f` inside out-of-memory, validation and internal error scopes and checks the
    /// device-lost flag and the uncaptured-error log afterwards.
    pub(crate) fn guarded<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T, Failure> {
        let oom = self.device.push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let validation = self.device.push_error_scope(wgpu::ErrorFilter::Validation);
        let internal = self.device.push_error_scope(wgpu::ErrorFilter::Internal);
        let value = f();
        let internal = pollster::block_on(internal.pop());
        let validation = pollster::block_on(validation.pop());
        let oom = pollster::block_on(oom.pop());
        if let Some(e) = oom {
            return Err(Failure::OutOfMemory(e.to_string()));
        }
        if let Some(e) = validation.or(internal) {
            return Err(Failure::Device(e.to_string()));
        }
        self.check_health().map_err(Failure::Device)?;
        value.map_err(Failure::Other)
    }

    /// [`Ctx::guarded`] with failures as [`Error::Device`].
    pub(crate) fn checked<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        self.guarded(f).map_err(Failure::into_error)
    }

    /// A lost device or an uncaptured error since the last check, as its message.
    pub(crate) fn check_health(&self) -> std::result::Result<(), String> {
        if let Some(l) = self.lost.lock().ok().and_then(|l| l.clone()) {
            return Err(l);
        }
        let mut errs = match self.uncaptured.lock() {
            Ok(e) => e,
            Err(_) => return Err("error log poisoned".into()),
        };
        if errs.is_empty() {
            Ok(())
        } else {
            let msg = errs.join("; ");
            errs.clear();
            Err(msg)
        }
    }

    /// Blocks until the queue is idle.
    pub(crate) fn wait(&self) -> Result<()> {
        self.device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| Error::Device {
                reason: format!("waiting for the GPU failed: {e}"),
            })
    }

    /// Maps the first `size` bytes of a `MAP_READ` buffer and copies them out.
    pub(crate) fn read_back(&self, buffer: &wgpu::Buffer, size: u64) -> Result<Vec<u8>> {
        if size == 0 {
            return Ok(Vec::new());
        }
        let slice = buffer.slice(0..size);
        let (tx, rx) = mpsc::channel();
        slice.map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        // Another thread polling the shared device may be the one that runs the
        // callback, so wait for it rather than expecting it right after our poll.
        let mut mapped = None;
        for _ in 0..MAP_WAIT_ROUNDS {
            self.wait()?;
            match rx.recv_timeout(std::time::Duration::from_millis(10)) {
                Ok(r) => {
                    mapped = Some(r);
                    break;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => continue,
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
        let mapped = mapped.ok_or_else(|| Error::Device {
            reason: "the read-back mapping never completed".into(),
        })?;
        mapped.map_err(|e| Error::Device {
            reason: format!("mapping the read-back buffer failed: {e}"),
        })?;
        let bytes = {
            let view = slice.get_mapped_range().map_err(|e| Error::Device {
                reason: format!("reading the mapped buffer failed: {e:?}"),
            })?;
            view.to_vec()
        };
        buffer.unmap();
        Ok(bytes)
    }
}

//! GPU device copy bandwidth (cargo feature `wgpu`): the device-side counterpart of
//! the host STREAM copy, measured with wgpu directly on the adapter the ferroq wgpu
//! backend uses.
//!
//! ferroq-wgpu does not expose its device, so this opens a second device on the same
//! adapter (found by name) and times `copy_buffer_to_buffer` between two buffers, with
//! the queue drained before the clock stops.

use crate::machine::Bandwidth;
use std::time::Instant;

/// Copies per timed submission (amortises the ~0.1 ms submit-and-wait round trip).
const COPIES_PER_SUBMIT: u32 = 8;

/// Measures the device copy bandwidth of the adapter named `adapter_name` (as in
/// `WgpuBackend::adapter_info().name`), with buffers of at most `max_bytes` each.
/// The best of `repeats` submissions, counted as 2 × buffer bytes per copy.
pub fn device_copy_bandwidth(
    adapter_name: &str,
    max_bytes: u64,
    repeats: usize,
) -> Result<Bandwidth, String> {
    std::panic::catch_unwind(|| measure(adapter_name, max_bytes, repeats))
        .unwrap_or_else(|_| Err("wgpu panicked while measuring the device copy".into()))
}

fn measure(adapter_name: &str, max_bytes: u64, repeats: usize) -> Result<Bandwidth, String> {
    let instance =
        wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
    let adapters = pollster::block_on(instance.enumerate_adapters(wgpu::Backends::all()));
    let adapter = adapters
        .into_iter()
        .find(|a| a.get_info().name == adapter_name)
        .ok_or_else(|| format!("adapter `{adapter_name}` not found"))?;
    let limits = adapter.limits();
    let desc = wgpu::DeviceDescriptor {
        label: Some("ferroq-bench copy"),
        required_features: wgpu::Features::empty(),
        required_limits: limits.clone(),
        experimental_features: wgpu::ExperimentalFeatures::disabled(),
        memory_hints: wgpu::MemoryHints::Performance,
        trace: wgpu::Trace::Off,
    };
    let (device, queue) = pollster::block_on(adapter.request_device(&desc))
        .map_err(|e| format!("adapter `{adapter_name}` refused a device: {e}"))?;
    let size = max_bytes.min(limits.max_buffer_size) / 256 * 256;
    if size == 0 {
        return Err("no room for a copy buffer".into());
    }
    let buffer = |label| {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage: wgpu::BufferUsages::COPY_SRC | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    };
    let (src, dst) = (buffer("bench copy src"), buffer("bench copy dst"));
    let wait = || {
        device
            .poll(wgpu::PollType::wait_indefinitely())
            .map(|_| ())
            .map_err(|e| format!("waiting for the GPU failed: {e}"))
    };
    let submit = |copies: u32| {
        let mut enc = device.create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("bench copy"),
        });
        for _ in 0..copies {
            enc.copy_buffer_to_buffer(&src, 0, &dst, 0, Some(size));
        }
        queue.submit([enc.finish()]);
    };
    // Warm-up: lazy zero-initialisation of both buffers, pipeline of the copy engine.
    submit(1);
    wait()?;
    let mut best = f64::INFINITY;
    for _ in 0..repeats.max(1) {
        let t = Instant::now();
        submit(COPIES_PER_SUBMIT);
        wait()?;
        best = best.min(t.elapsed().as_secs_f64());
    }
    Ok(Bandwidth {
        what: "device copy".into(),
        device: adapter.get_info().name,
        buffer_bytes: size,
        bytes_per_s: 2.0 * size as f64 * f64::from(COPIES_PER_SUBMIT) / best,
    })
}

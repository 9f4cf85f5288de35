//! Submitting a recording: scratch buffers grown on demand and reused, headers and
//! matrices uploaded in one write each, bind groups (page slots cached per state), one
//! command encoder, one submit, and the read-back of the staging buffer. [`Parts`] is
//! the view of a state (context, layout, pages, scratch) that readouts and the program
//! loop record against and flush.

use crate::context::Ctx;
use crate::convert::{complex_bytes, real_bytes};
use crate::encode::{Cmd, Recorder, Src, UNUSED};
use crate::layout::PageLayout;
use crate::pool::Scratch;
use crate::shaders::HEADER_BYTES;
use ferroq_core::{Error, Result};
use std::collections::HashMap;

/// Smallest scratch buffer, in bytes.
const MIN_SCRATCH_BYTES: u64 = 64 << 10;

fn ensure(
    ctx: &Ctx,
    slot: &mut Option<wgpu::Buffer>,
    bytes: u64,
    usage: wgpu::BufferUsages,
    label: &str,
) -> Result<()> {
    // Small recordings share one modest size, so buffers are not regrown run after run.
    let bytes = bytes.max(MIN_SCRATCH_BYTES).next_multiple_of(16);
    if slot.as_ref().is_some_and(|b| b.size() >= bytes) {
        return Ok(());
    }
    // Storage buffers are bound whole, so they must also fit one binding.
    let cap = if usage.contains(wgpu::BufferUsages::STORAGE) {
        ctx.max_binding()
    } else {
        ctx.limits.max_buffer_size
    } / 16
        * 16;
    if bytes > cap {
        return Err(Error::Device {
            reason: format!(
                "{label} needs {bytes} bytes, more than the device allows ({cap} bytes)"
            ),
        });
    }
    *slot = Some(ctx.create_buffer(&wgpu::BufferDescriptor {
        label: Some(label),
        size: bytes.next_power_of_two().min(cap),
        usage,
        mapped_at_creation: false,
    }));
    Ok(())
}

/// What readouts and the program loop need of a state.
pub(crate) struct Parts<'a> {
    pub(crate) ctx: &'a Ctx,
    pub(crate) layout: PageLayout,
    pub(crate) pages: &'a [wgpu::Buffer],
    pub(crate) scratch: &'a mut Scratch,
}

impl Parts<'_> {
    /// Submits the recording (one submit) and returns the bytes it copied back.
    pub(crate) fn flush(&mut self, rec: &mut Recorder) -> Result<Vec<u8>> {
        flush(self.ctx, self.pages, self.scratch, rec)
    }
}

/// Encodes the recording into one command encoder, submits it once, waits, and
/// returns the staging bytes.
pub(crate) fn flush(
    ctx: &Ctx,
    pages: &[wgpu::Buffer],
    scratch: &mut Scratch,
    rec: &mut Recorder,
) -> Result<Vec<u8>> {
    if rec.is_empty() {
        return Ok(Vec::new());
    }
    let result = ctx.guarded(|| submit(ctx, pages, scratch, rec));
    std::mem::take(rec);
    result.map_err(|f| f.into_error())
}

fn submit(
    ctx: &Ctx,
    pages: &[wgpu::Buffer],
    scratch: &mut Scratch,
    rec: &Recorder,
) -> Result<Vec<u8>> {
    use wgpu::BufferUsages as U;
    let real = ctx.real_bytes();
    let align = ctx.limits.min_uniform_buffer_offset_alignment.max(1) as u64;
    let stride = HEADER_BYTES.next_multiple_of(align);
    let mut hbytes = vec![0u8; (rec.headers.len().max(1) as u64 * stride) as usize];
    for (i, h) in rec.headers.iter().enumerate() {
        let at = i * stride as usize;
        hbytes[at..at + HEADER_BYTES as usize].copy_from_slice(bytemuck::cast_slice(&h.0));
    }
    let dbytes = complex_bytes(ctx.precision, &rec.data);
    let abytes = real_bytes(ctx.precision, &rec.aux);
    let s = scratch;
    ensure(
        ctx,
        &mut s.headers,
        hbytes.len() as u64,
        U::UNIFORM | U::COPY_DST,
        "ferroq headers",
    )?;
    ensure(
        ctx,
        &mut s.data,
        dbytes.len() as u64,
        U::STORAGE | U::COPY_DST,
        "ferroq matrices",
    )?;
    ensure(
        ctx,
        &mut s.work,
        rec.work_len * real,
        U::STORAGE | U::COPY_SRC,
        "ferroq work",
    )?;
    ensure(
        ctx,
        &mut s.out,
        rec.out_bytes,
        U::STORAGE | U::COPY_SRC,
        "ferroq out",
    )?;
    ensure(
        ctx,
        &mut s.aux,
        abytes.len() as u64,
        U::STORAGE | U::COPY_DST,
        "ferroq aux",
    )?;
    ensure(
        ctx,
        &mut s.staging,
        rec.staging_bytes,
        U::MAP_READ | U::COPY_DST,
        "ferroq staging",
    )?;
    let (headers, data) = (
        s.headers.as_ref().expect("ensured"),
        s.data.as_ref().expect("ensured"),
    );
    let (work, out, aux) = (
        s.work.as_ref().expect("ensured"),
        s.out.as_ref().expect("ensured"),
        s.aux.as_ref().expect("ensured"),
    );
    let staging = s.staging.as_ref().expect("ensured");
    ctx.queue.write_buffer(headers, 0, &hbytes);
    if !dbytes.is_empty() {
        ctx.queue.write_buffer(data, 0, &dbytes);
    }
    if !abytes.is_empty() {
        ctx.queue.write_buffer(aux, 0, &abytes);
    }
    let header_binding = wgpu::BindingResource::Buffer(wgpu::BufferBinding {
        buffer: headers,
        offset: 0,
        size: wgpu::BufferSize::new(HEADER_BYTES),
    });
    let pl = &ctx.pipelines;
    let gate_params = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: Some("ferroq gate params"),
        layout: &pl.gate_params,
        entries: &[
            wgpu::BindGroupEntry {
                binding: 0,
                resource: header_binding.clone(),
            },
            wgpu::BindGroupEntry {
                binding: 1,
                resource: data.as_entire_binding(),
            },
        ],
    });
    let mut readout_groups: HashMap<[u32; 2], wgpu::BindGroup> = HashMap::new();
    for cmd in &rec.cmds {
        match cmd {
            Cmd::Gate { slots, .. } if !s.gate_groups.contains_key(slots) => {
                let entries: Vec<wgpu::BindGroupEntry> = (0..4)
                    .map(|i| wgpu::BindGroupEntry {
                        binding: i as u32,
                        resource: match slots[i] {
                            UNUSED => ctx.dummies[i - 1].as_entire_binding(),
                            pg => pages[pg as usize].as_entire_binding(),
                        },
                    })
                    .collect();
                let bg = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some("ferroq page slots"),
                    layout: &pl.gate_pages,
                    entries: &entries,
                });
                s.gate_groups.insert(*slots, bg);
            }
            Cmd::Read { pages: pr, .. } if !readout_groups.contains_key(pr) => {
                let bg = ctx.device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some("ferroq readout"),
                    layout: &pl.readout,
                    entries: &[
                        wgpu::BindGroupEntry {
                            binding: 0,
                            resource: pages[pr[0] as usize].as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 1,
                            resource: pages[pr[1] as usize].as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 2,
                            resource: header_binding.clone(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 3,
                            resource: work.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 4,
                            resource: out.as_entire_binding(),
                        },
                        wgpu::BindGroupEntry {
                            binding: 5,
                            resource: aux.as_entire_binding(),
                        },
                    ],
                });
                readout_groups.insert(*pr, bg);
            }
            _ => {}
        }
    }
    let mut encoder = ctx
        .device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("ferroq program"),
        });
    if let Some(clear) = s.pending_init.take() {
        if clear {
            for p in pages {
                encoder.clear_buffer(p, 0, None);
            }
        }
        let amp = ctx.precision.amplitude_bytes();
        encoder.copy_buffer_to_buffer(&ctx.one, 0, &pages[0], 0, amp);
    }
    let mut i = 0;
    while i < rec.cmds.len() {
        if let Cmd::Copy {
            src,
            src_offset,
            dst_offset,
            size,
        } = rec.cmds[i]
        {
            let src = match src {
                Src::Page(pg) => &pages[pg as usize],
                Src::Work => work,
                Src::Out => out,
            };
            encoder.copy_buffer_to_buffer(src, src_offset, staging, dst_offset, size);
            i += 1;
            continue;
        }
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("ferroq kernels"),
            timestamp_writes: None,
        });
        while i < rec.cmds.len() {
            match &rec.cmds[i] {
                Cmd::Gate {
                    kernel,
                    slots,
                    header,
                    grid,
                } => {
                    pass.set_pipeline(pl.get(&ctx.device, *kernel));
                    pass.set_bind_group(0, &s.gate_groups[slots], &[]);
                    pass.set_bind_group(1, &gate_params, &[(*header as u64 * stride) as u32]);
                    pass.dispatch_workgroups(grid[0], grid[1], 1);
                }
                Cmd::Read {
                    kernel,
                    pages: pr,
                    header,
                    grid,
                } => {
                    pass.set_pipeline(pl.get(&ctx.device, *kernel));
                    pass.set_bind_group(
                        0,
                        &readout_groups[pr],
                        &[(*header as u64 * stride) as u32],
                    );
                    pass.dispatch_workgroups(grid[0], grid[1], 1);
                }
                Cmd::Copy { .. } => break,
            }
            i += 1;
        }
    }
    ctx.submit(encoder.finish());
    if rec.staging_bytes == 0 {
        // Validation and allocation errors are already known; the next read waits.
        return Ok(Vec::new());
    }
    ctx.read_back(staging, rec.staging_bytes)
}

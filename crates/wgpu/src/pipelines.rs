//! Bind-group layouts and the compute pipelines, created once per backend (each
//! pipeline on first use) and cached.

use crate::shaders::{Kernel, HEADER_BYTES};
use ferroq_core::Precision;
use std::sync::OnceLock;

/// The two pipeline layouts and the lazily built pipelines.
pub(crate) struct Pipelines {
    precision: Precision,
    /// Gate group 0: four page slots, storage read-write.
    pub(crate) gate_pages: wgpu::BindGroupLayout,
    /// Gate group 1: dispatch header (uniform, dynamic offset) and matrices (storage read).
    pub(crate) gate_params: wgpu::BindGroupLayout,
    /// Readout group 0: two pages read-only, header, three scratch buffers.
    pub(crate) readout: wgpu::BindGroupLayout,
    gate_layout: wgpu::PipelineLayout,
    readout_layout: wgpu::PipelineLayout,
    cache: [OnceLock<wgpu::ComputePipeline>; Kernel::ALL.len()],
}

fn storage(binding: u32, read_only: bool) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Storage { read_only },
            has_dynamic_offset: false,
            min_binding_size: None,
        },
        count: None,
    }
}

fn header(binding: u32) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer {
            ty: wgpu::BufferBindingType::Uniform,
            has_dynamic_offset: true,
            min_binding_size: wgpu::BufferSize::new(HEADER_BYTES),
        },
        count: None,
    }
}

impl Pipelines {
    pub(crate) fn new(device: &wgpu::Device, precision: Precision) -> Self {
        let bgl = |label: &str, entries: &[wgpu::BindGroupLayoutEntry]| {
            device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
                label: Some(label),
                entries,
            })
        };
        let gate_pages = bgl(
            "ferroq gate pages",
            &[
                storage(0, false),
                storage(1, false),
                storage(2, false),
                storage(3, false),
            ],
        );
        let gate_params = bgl("ferroq gate params", &[header(0), storage(1, true)]);
        let readout = bgl(
            "ferroq readout",
            &[
                storage(0, true),
                storage(1, true),
                header(2),
                storage(3, false),
                storage(4, false),
                storage(5, false),
            ],
        );
        let gate_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("ferroq gate layout"),
            bind_group_layouts: &[Some(&gate_pages), Some(&gate_params)],
            immediate_size: 0,
        });
        let readout_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("ferroq readout layout"),
            bind_group_layouts: &[Some(&readout)],
            immediate_size: 0,
        });
        Pipelines {
            precision,
            gate_pages,
            gate_params,
            readout,
            gate_layout,
            readout_layout,
            cache: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// The pipeline of `kernel`, compiled on first use.
    pub(crate) fn get(&self, device: &wgpu::Device, kernel: Kernel) -> &wgpu::ComputePipeline {
        self.cache[kernel.index()].get_or_init(|| {
            let source = kernel.source(self.precision);
            let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
                label: Some(kernel.file()),
                source: wgpu::ShaderSource::Wgsl(source.into()),
            });
            let layout = if kernel.is_gate() {
                &self.gate_layout
            } else {
                &self.readout_layout
            };
            device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
                label: Some(kernel.file()),
                layout: Some(layout),
                module: &module,
                entry_point: Some("main"),
                compilation_options: Default::default(),
                cache: None,
            })
        })
    }
}

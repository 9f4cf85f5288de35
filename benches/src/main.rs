//! `ferroq-bench`: the same circuits on every backend, side by side, against the
//! machine's memory bandwidth. `cargo run --release -p ferroq-bench -- --quick` is the
//! quick check (under a minute on 2 cores); `--help` lists everything.

use clap::Parser;
use ferroq::{AnyBackend, Backend, BackendKind, Precision};
use ferroq_bench::families::{Family, DEFAULT_LAYERS, DEFAULT_SEED, SWEEP_WORK_QUBITS};
use ferroq_bench::machine::{host_copy_bandwidth, Bandwidth, MachineInfo};
use ferroq_bench::report::{Report, METHOD};
use ferroq_bench::runner::{self, make_backend, measure, too_slow, RunConfig};
use ferroq_bench::{families, parse_qubits, plot};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::process::ExitCode;

/// Times ferroq's benchmark circuits on every available backend and prints them side
/// by side with the machine's measured copy bandwidth.
#[derive(Debug, Parser)]
#[command(name = "ferroq-bench", version, about, long_about = None)]
struct Cli {
    /// Quick run, under a minute on 2 cores: n = 12, 16, 20, every family, double and
    /// single precision, 3 timed runs each, smaller bandwidth buffers.
    #[arg(long)]
    quick: bool,
    /// Backends, comma-separated: cpu, wgpu, all [default: cpu, and wgpu when a
    /// hardware GPU adapter is found; `wgpu` also takes a software one like lavapipe].
    #[arg(long, value_delimiter = ',')]
    backends: Vec<String>,
    /// Families, comma-separated: ghz, qft, random, pass-1q-low, pass-1q-high,
    /// pass-2q, pass-diag, sweep, or all [default: all].
    #[arg(long, value_delimiter = ',')]
    families: Vec<String>,
    /// Qubit counts: `20,22,24`, `16-24`, `12-24:4` [default: 16-24:2; quick: 12,16,20].
    #[arg(long)]
    qubits: Option<String>,
    /// Precisions, comma-separated: double, single [default: both].
    #[arg(long, value_delimiter = ',')]
    precision: Vec<String>,
    /// Timed runs per point (runs under 2 ms are repeated more) [default: 5; quick: 3].
    #[arg(long)]
    repeats: Option<usize>,
    /// Untimed warm-up runs per point.
    #[arg(long, default_value_t = 1)]
    warmup: usize,
    /// Layers of the random layered circuit.
    #[arg(long, default_value_t = DEFAULT_LAYERS)]
    layers: u32,
    /// Seed of the random circuit and of the sweep's parameter sets.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// CPU worker threads [default: all cores].
    #[arg(long)]
    threads: Option<usize>,
    /// Largest fused block in qubits, 0 = fusion off [default: the backend's choice].
    /// Single-gate passes always run unfused.
    #[arg(long)]
    fusion: Option<u32>,
    /// GPU adapter: a name substring or an index.
    #[arg(long)]
    adapter: Option<String>,
    /// Write the report as JSON.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Write one CSV row per point.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Draw median time against qubits per backend, precision and family (SVG).
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// Skip the copy-bandwidth measurements (no floor column).
    #[arg(long)]
    no_bandwidth: bool,
    /// Size of each copy-bandwidth buffer in MiB [default: 512; quick: 256].
    #[arg(long)]
    bandwidth_mib: Option<usize>,
    /// The sweep family runs 2^(W - n) parameter sets per call, at most 10,000
    /// [default: 24, i.e. 10,000 sets at n = 10; quick: 20].
    #[arg(long, value_name = "W")]
    sweep_work: Option<u32>,
    /// Stop growing n in a series once one point's timed runs took this long (s).
    #[arg(long, default_value_t = 120.0)]
    max_point_seconds: f64,
    /// Print the circuit FAMILY:N gate by gate (the format of `peers.py
    /// --print-circuit`) and exit.
    #[arg(long, value_name = "FAMILY:N")]
    print_circuit: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferroq-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_families(names: &[String]) -> Result<Vec<Family>, String> {
    if names.is_empty() || names.iter().any(|n| n.eq_ignore_ascii_case("all")) {
        return Ok(Family::ALL.to_vec());
    }
    let mut out: Vec<Family> = names.iter().map(|n| n.parse()).collect::<Result<_, _>>()?;
    out.dedup();
    Ok(out)
}

fn parse_precisions(names: &[String]) -> Result<Vec<Precision>, String> {
    if names.is_empty() {
        return Ok(vec![Precision::Double, Precision::Single]);
    }
    names
        .iter()
        .map(|n| n.parse::<Precision>().map_err(|e| e.to_string()))
        .collect()
}

/// The backends to run: the asked ones, or the CPU plus a hardware GPU if present.
fn choose_backends(names: &[String]) -> Result<Vec<BackendKind>, String> {
    let all = names.iter().any(|n| n.eq_ignore_ascii_case("all"));
    if names.is_empty() || all {
        let hardware_gpu = ferroq::available_backends()
            .iter()
            .any(|b| b.name == "wgpu" && b.available && !b.device.ends_with(", cpu)"));
        let mut kinds = vec![BackendKind::Cpu];
        if hardware_gpu || (all && cfg!(feature = "wgpu")) {
            kinds.push(BackendKind::Wgpu);
        }
        return Ok(kinds);
    }
    let mut kinds = Vec::new();
    for n in names {
        match n.parse::<BackendKind>().map_err(|e| e.to_string())? {
            BackendKind::Auto => return Err("name backends explicitly: cpu, wgpu, all".into()),
            k if !kinds.contains(&k) => kinds.push(k),
            _ => {}
        }
    }
    Ok(kinds)
}

fn run(cli: Cli) -> Result<(), String> {
    if let Some(spec) = &cli.print_circuit {
        let (f, n) = spec
            .split_once(':')
            .ok_or_else(|| format!("--print-circuit takes FAMILY:N, got `{spec}`"))?;
        let family: Family = f.parse()?;
        let n: u32 = n.parse().map_err(|_| format!("bad qubit count `{n}`"))?;
        print!(
            "{}",
            families::describe(&family.circuit(n, cli.layers, cli.seed))
        );
        return Ok(());
    }
    let qubits = parse_qubits(cli.qubits.as_deref().unwrap_or(if cli.quick {
        "12,16,20"
    } else {
        "16-24:2"
    }))?;
    let config = RunConfig {
        families: parse_families(&cli.families)?,
        qubits,
        repeats: cli.repeats.unwrap_or(if cli.quick { 3 } else { 5 }),
        warmup: cli.warmup,
        layers: cli.layers,
        seed: cli.seed,
        fusion: cli.fusion,
        sweep_work_qubits: cli
            .sweep_work
            .unwrap_or(if cli.quick { 20 } else { SWEEP_WORK_QUBITS }),
        max_point_seconds: cli.max_point_seconds,
    };
    let precisions = parse_precisions(&cli.precision)?;
    let kinds = choose_backends(&cli.backends)?;

    let mut unavailable = Vec::new();
    let mut backends: Vec<AnyBackend> = Vec::new();
    for &kind in &kinds {
        for &p in &precisions {
            match make_backend(kind, p, cli.threads, cli.adapter.clone()) {
                Ok(b) => backends.push(b),
                Err(e) => unavailable.push(format!("{kind} {p}: {e}")),
            }
        }
    }
    if backends.is_empty() {
        return Err(format!(
            "no backend could be built: {}",
            unavailable.join("; ")
        ));
    }

    // Under MPI every rank runs every point (the calls are collective); rank 0 reports.
    let quiet = backends
        .iter()
        .any(|b| matches!(b, AnyBackend::Mpi(m) if m.rank() != 0));
    if quiet {
        return run_quietly(&backends, &config);
    }
    let mut machine = MachineInfo::detect();
    // What each backend built for this run reports as its device (the CPU's kernel
    // family and measured fusion width included).
    for b in &backends {
        use ferroq::Backend;
        let caps = b.capabilities();
        let line = format!("{} {}: {}", caps.name, caps.precision, caps.device_name);
        if !machine.backends.contains(&line) {
            machine.backends.push(line);
        }
    }
    let mut bandwidth = Vec::new();
    if !cli.no_bandwidth {
        let mib = cli
            .bandwidth_mib
            .unwrap_or(if cli.quick { 256 } else { 512 });
        let threads = cli.threads.unwrap_or(machine.cores);
        bandwidth.push(host_copy_bandwidth(mib << 20, threads, 5));
        bandwidth.extend(device_bandwidths(&backends, mib as u64, &mut unavailable));
    }
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let mut report = Report {
        machine,
        bandwidth,
        command,
        method: METHOD.into(),
        unavailable,
        records: Vec::new(),
    };
    print!("{}", report.header());

    let total = (backends.len() * config.families.len() * config.qubits.len()) as u64;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} [{elapsed_precise}] {msg}")
            .expect("the template is valid"),
    );
    for backend in &backends {
        let copy_bw = copy_bandwidth_for(backend, &report.bandwidth);
        for &family in &config.families {
            let mut stopped: Option<u32> = None;
            for &n in &config.qubits {
                let label = format!("{} {} {family} n={n}", backend.name(), backend.precision());
                bar.set_message(label.clone());
                if bar.is_hidden() {
                    eprintln!("running {label}");
                }
                let record = match stopped {
                    Some(prev) => {
                        let why = format!("skipped: n={prev} exceeded --max-point-seconds");
                        runner::skipped(backend, family, n, &config, why)
                    }
                    None => measure(backend, family, n, &config, copy_bw),
                };
                if stopped.is_none() && too_slow(&record, &config) {
                    stopped = Some(n);
                }
                report.records.push(record);
                bar.inc(1);
            }
        }
    }
    bar.finish_and_clear();
    print!("\n{}", report.table());
    println!("\n{METHOD}");

    if let Some(path) = &cli.json {
        std::fs::write(path, report.to_json())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = &cli.csv {
        std::fs::write(path, report.to_csv())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = &cli.plot {
        let title = format!(
            "ferroq-bench: {} ({} cores)",
            report.machine.cpu_model, report.machine.cores
        );
        plot::plot_svg(&report.records, &title, path)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// A rank other than 0 under MPI: the same points in the same order, no output.
fn run_quietly(backends: &[AnyBackend], config: &RunConfig) -> Result<(), String> {
    for backend in backends {
        for &family in &config.families {
            let mut stopped = false;
            for &n in &config.qubits {
                if stopped {
                    continue;
                }
                let record = measure(backend, family, n, config, None);
                stopped = too_slow(&record, config);
            }
        }
    }
    Ok(())
}

/// The copy bandwidth that bounds `backend`: host copy for the CPU, device copy for a GPU.
fn copy_bandwidth_for(backend: &AnyBackend, measured: &[Bandwidth]) -> Option<f64> {
    let want = if backend.name() == "cpu" {
        "host copy"
    } else {
        "device copy"
    };
    let device = runner::device_of(backend);
    measured
        .iter()
        .find(|b| b.what == want && (want == "host copy" || device.starts_with(&b.device)))
        .map(|b| b.bytes_per_s)
}

#[cfg(feature = "wgpu")]
fn device_bandwidths(
    backends: &[AnyBackend],
    mib: u64,
    unavailable: &mut Vec<String>,
) -> Vec<Bandwidth> {
    let mut adapters: Vec<(String, bool)> = Vec::new();
    for b in backends {
        if let AnyBackend::Wgpu(w) = b {
            let info = w.adapter_info();
            if !adapters.iter().any(|(n, _)| *n == info.name) {
                adapters.push((info.name, info.device_type == "cpu"));
            }
        }
    }
    let mut out = Vec::new();
    for (name, software) in adapters {
        // At least 1 GiB on a real GPU; the host buffer size on a software adapter.
        let bytes = if software {
            mib << 20
        } else {
            (mib << 20).max(1 << 30)
        };
        match ferroq_bench::gpu::device_copy_bandwidth(&name, bytes, 5) {
            Ok(b) => out.push(b),
            Err(e) => unavailable.push(format!("device copy on {name}: {e}")),
        }
    }
    out
}

#[cfg(not(feature = "wgpu"))]
fn device_bandwidths(_: &[AnyBackend], _: u64, _: &mut Vec<String>) -> Vec<Bandwidth> {
    Vec::new()
}

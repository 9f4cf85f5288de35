//! The report: a header naming the machine, the measured bandwidths, and one row per
//! point — as a text table, JSON or CSV.

use crate::machine::{Bandwidth, MachineInfo};
use crate::runner::Record;
use crate::stats::format_seconds;
use serde::Serialize;
use std::fmt::Write as _;

/// Everything one `ferroq-bench` invocation measured.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The machine.
    pub machine: MachineInfo,
    /// Memory bandwidths measured (host copy; device copy per GPU).
    pub bandwidth: Vec<Bandwidth>,
    /// The command line that produced it.
    pub command: String,
    /// How the numbers are defined.
    pub method: String,
    /// Backends or precisions that could not be run, with the reason.
    pub unavailable: Vec<String>,
    /// One per point.
    pub records: Vec<Record>,
}

/// What the timing and bandwidth columns mean (printed under the table, stored in JSON).
pub const METHOD: &str = "time = median of the timed runs of Backend::run from |0..0> on a \
state allocated before the clock starts (allocation and compilation excluded; GPU runs \
return only once the device is done); sweep = one whole run_batch call; gradient = one whole adjoint gradient (value and Jacobian). spread = \
(max-min)/median. eff GB/s = gates x 2 x state bytes / time (unfused accounting: each \
gate one read + one write of the state); pass GB/s = the same with fused ops instead of \
gates; x floor = time / (gates x 2 x state bytes / copy bandwidth): below 1 beats the \
unfused memory floor. Copy bandwidth = best multi-threaded copy of a large buffer, counted \
as read + write (STREAM Copy).";

impl Report {
    /// The header: machine, cores, memory, backends and adapters, bandwidths.
    pub fn header(&self) -> String {
        let m = &self.machine;
        let mut s = String::new();
        let _ = writeln!(s, "ferroq-bench {} — {}", m.ferroq_version, self.command);
        let mem = m.memory_bytes.map_or("?".into(), |b| {
            format!("{:.1} GiB", b as f64 / 1073741824.0)
        });
        let load = m.load_average.map_or("?".into(), |l| format!("{l:.2}"));
        let _ = writeln!(
            s,
            "machine: {} | {} cores | {mem} RAM | {} | load {load}",
            m.cpu_model, m.cores, m.os
        );
        if !m.vector_extensions.is_empty() {
            let _ = writeln!(s, "vector extensions: {}", m.vector_extensions.join(" "));
        }
        for b in &m.backends {
            let _ = writeln!(s, "backend  {b}");
        }
        for b in &self.bandwidth {
            let _ = writeln!(
                s,
                "{}: {:.1} GB/s ({}, 2 x {} MiB)",
                b.what,
                b.gb_per_s(),
                b.device,
                b.buffer_bytes >> 20
            );
        }
        for u in &self.unavailable {
            let _ = writeln!(s, "skipped: {u}");
        }
        s
    }

    /// The text table, one row per point.
    pub fn table(&self) -> String {
        let head = [
            "backend",
            "prec",
            "family",
            "n",
            "gates",
            "ops",
            "batch",
            "median",
            "spread",
            "compile",
            "eff GB/s",
            "pass GB/s",
            "x floor",
        ];
        let mut rows: Vec<Vec<String>> = Vec::new();
        for r in &self.records {
            // Two decimals below 10, one above: small GPU-emulator rates stay readable.
            let opt = |v: Option<f64>| {
                v.map_or("-".to_string(), |x| {
                    format!("{x:.*}", if x.abs() < 10.0 { 2 } else { 1 })
                })
            };
            let (median, spread) = match r.time {
                Some(t) => (
                    format_seconds(t.median_s),
                    format!("{:.0}%", t.spread * 100.0),
                ),
                None => ("-".into(), "-".into()),
            };
            let mut row = vec![
                r.backend.clone(),
                r.precision.clone(),
                r.family.clone(),
                r.qubits.to_string(),
                r.gates.to_string(),
                r.ops.to_string(),
                r.batch.to_string(),
                median,
                spread,
                if r.time.is_some() {
                    format_seconds(r.compile_s)
                } else {
                    "-".into()
                },
                opt(r.effective_gbs),
                opt(r.pass_gbs),
                opt(r.floor_ratio),
            ];
            if let Some(note) = &r.note {
                row.push(format!("({note})"));
            }
            rows.push(row);
        }
        let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut s = String::new();
        let line = |s: &mut String, cells: &[String]| {
            for (i, cell) in cells.iter().enumerate() {
                let w = widths.get(i).copied().unwrap_or(0);
                let pad = w.saturating_sub(cell.chars().count());
                if i < 3 {
                    let _ = write!(s, "{cell}{}  ", " ".repeat(pad));
                } else if i < widths.len() {
                    let _ = write!(s, "{}{cell}  ", " ".repeat(pad));
                } else {
                    let _ = write!(s, "{cell}");
                }
            }
            let trimmed = s.trim_end().len();
            s.truncate(trimmed);
            s.push('\n');
        };
        line(&mut s, &head.map(String::from));
        for row in &rows {
            line(&mut s, row);
        }
        s
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("the report is always serialisable")
    }

    /// One CSV row per point, with a header row; bandwidths are repeated per row
    /// (`copy_gbs`) so the file stands alone.
    pub fn to_csv(&self) -> String {
        let copy = self
            .bandwidth
            .iter()
            .find(|b| b.what == "host copy")
            .map(Bandwidth::gb_per_s);
        let mut s = String::from(
            "backend,device,precision,family,qubits,gates,ops,batch,state_bytes,samples,\
             median_s,min_s,max_s,spread,compile_s,effective_gbs,pass_gbs,floor_s,\
             floor_ratio,copy_gbs,note\n",
        );
        let num = |v: Option<f64>| v.map_or(String::new(), |x| x.to_string());
        for r in &self.records {
            let t = r.time;
            let fields = [
                csv_field(&r.backend),
                csv_field(&r.device),
                r.precision.clone(),
                r.family.clone(),
                r.qubits.to_string(),
                r.gates.to_string(),
                r.ops.to_string(),
                r.batch.to_string(),
                r.state_bytes.to_string(),
                t.map_or(String::new(), |t| t.samples.to_string()),
                num(t.map(|t| t.median_s)),
                num(t.map(|t| t.min_s)),
                num(t.map(|t| t.max_s)),
                num(t.map(|t| t.spread)),
                num(t.map(|_| r.compile_s)),
                num(r.effective_gbs),
                num(r.pass_gbs),
                num(r.floor_s),
                num(r.floor_ratio),
                num(copy),
                csv_field(r.note.as_deref().unwrap_or("")),
            ];
            s.push_str(&fields.join(","));
            s.push('\n');
        }
        s
    }
}

/// Quotes a CSV field when it holds a comma, a quote or a line break.
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Summary;

    fn report() -> Report {
        let rec = |note: Option<&str>| Record {
            backend: "cpu".into(),
            device: "2 threads".into(),
            precision: "double".into(),
            family: "ghz".into(),
            qubits: 10,
            gates: 10,
            ops: 4,
            batch: 1,
            state_bytes: 16 << 10,
            compile_s: 1e-5,
            time: note.is_none().then(|| Summary::of(&[1e-3, 2e-3]).unwrap()),
            unfused_bytes: 1.0,
            effective_gbs: Some(1.0),
            pass_gbs: Some(0.5),
            floor_s: Some(1e-3),
            floor_ratio: Some(1.5),
            note: note.map(String::from),
        };
        Report {
            machine: MachineInfo::detect(),
            bandwidth: vec![Bandwidth {
                what: "host copy".into(),
                device: "2 threads".into(),
                buffer_bytes: 1 << 20,
                bytes_per_s: 1e10,
            }],
            command: "ferroq-bench --test".into(),
            method: METHOD.into(),
            unavailable: vec![],
            records: vec![rec(None), rec(Some("too big, really"))],
        }
    }

    #[test]
    fn table_json_csv() {
        let r = report();
        let table = r.table();
        assert_eq!(table.lines().count(), 3);
        assert!(table.contains("1.50 ms") && table.contains("(too big, really)"));
        let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
        assert_eq!(json["records"][0]["time"]["median_s"], 1.5e-3);
        let csv = r.to_csv();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3);
        let ncols = lines[0].split(',').count();
        assert_eq!(lines[1].split(',').count(), ncols);
        assert!(lines[2].ends_with("\"too big, really\""));
        assert!(r.header().contains("host copy: 10.0 GB/s"));
    }

    #[test]
    fn csv_quoting() {
        assert_eq!(csv_field("a"), "a");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }
}

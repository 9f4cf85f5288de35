//! `--plot FILE.svg`: run time against qubit count, one line per backend, precision
//! and family, on a log time axis.

use crate::runner::Record;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

/// Distinct colours (the "tab10" set), one per backend and family.
const COLORS: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Draws the records with a time into an SVG file at `path`.
pub fn plot_svg(records: &[Record], title: &str, path: &Path) -> Result<(), String> {
    let mut series: BTreeMap<String, Vec<(u32, f64)>> = BTreeMap::new();
    for r in records {
        if let Some(t) = r.time {
            series
                .entry(format!("{} {} {}", r.backend, r.precision, r.family))
                .or_default()
                .push((r.qubits, t.median_s));
        }
    }
    if series.is_empty() {
        return Err("nothing was timed, so there is nothing to plot".into());
    }
    let (mut n_lo, mut n_hi) = (u32::MAX, 0);
    let (mut t_lo, mut t_hi) = (f64::INFINITY, 0.0f64);
    for points in series.values() {
        for &(n, t) in points {
            n_lo = n_lo.min(n);
            n_hi = n_hi.max(n);
            t_lo = t_lo.min(t);
            t_hi = t_hi.max(t);
        }
    }
    let n_hi = n_hi.max(n_lo + 1);
    let (t_lo, t_hi) = (t_lo.max(1e-9) / 2.0, t_hi.max(1e-9) * 2.0);
    let err = |e: &dyn std::fmt::Display| format!("cannot draw {}: {e}", path.display());

    let height = 480 + 14 * series.len() as u32;
    let root = SVGBackend::new(path, (960, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(64)
        .build_cartesian_2d(n_lo..n_hi, (t_lo..t_hi).log_scale())
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc("qubits")
        .y_desc("median run time (s)")
        .y_label_formatter(&|t| format!("{t:.0e}"))
        .draw()
        .map_err(|e| err(&e))?;
    let mut keys: Vec<String> = Vec::new();
    for (name, points) in &series {
        // Colour by backend and family; double precision thick with filled markers,
        // single precision thin with hollow ones.
        let mut words = name.split(' ');
        let key = format!(
            "{} {}",
            words.next().unwrap_or(""),
            words.nth(1).unwrap_or("")
        );
        let index = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
            keys.push(key);
            keys.len() - 1
        });
        let color = COLORS[index % COLORS.len()];
        let single = name.contains(" single ");
        let style = ShapeStyle::from(&color).stroke_width(if single { 1 } else { 3 });
        chart
            .draw_series(LineSeries::new(points.iter().copied(), style))
            .map_err(|e| err(&e))?
            .label(name.clone())
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], style));
        chart
            .draw_series(points.iter().map(|&p| {
                let marker = ShapeStyle::from(&color);
                Circle::new(p, 3, if single { marker } else { marker.filled() })
            }))
            .map_err(|e| err(&e))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}

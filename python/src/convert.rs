//! Conversions between Python values and owned Rust values, checked on the way in:
//! indices, gate parameters, parameter bindings (single and batched), matrices,
//! observables; and numpy arrays on the way out.

use crate::errors::{raise, type_error, IntoPyResult, Kind};
use crate::observable::PyObservable;
use ferroq::{
    Complex32, Complex64, Error, Matrix, Observable, Param, ParamBinding, ParamSets, StateVector,
};
use numpy::ndarray::Array2;
use numpy::{
    PyArray1, PyArray2, PyArrayDescrMethods, PyArrayMethods, PyUntypedArray, PyUntypedArrayMethods,
};
use pyo3::exceptions::{PyOverflowError, PyTypeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// A Python integer index checked to fit `0..size` of what it indexes (`what` is
/// "qubit" or "classical bit"); the error matches the core's out-of-range message.
pub(crate) fn index(value: i64, what: &str, size: u32) -> PyResult<u32> {
    match u32::try_from(value) {
        Ok(v) if v < size => Ok(v),
        _ => {
            let plural = if what == "qubit" {
                "qubits"
            } else {
                "classical bits"
            };
            Err(raise(
                Kind::QubitIndex,
                format!("{what} {value} is out of range for a circuit of {size} {plural}"),
                &[],
            ))
        }
    }
}

/// A Python integer argument (`int` or any object with `__index__`; `bool` is refused
/// with a `TypeError`), widened to `i128`; `None` when it does not even fit that
/// (the caller reports it as out of range). `what` names the argument in errors.
/// Exceptions other than the type and overflow errors of the conversion (say, one
/// raised by a custom `__index__`) pass through unchanged.
pub(crate) fn int_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Option<i128>> {
    if obj.is_instance_of::<PyBool>() {
        return Err(type_error(format!(
            "{what} must be an int, got bool (write 0 or 1 if you mean an index)"
        )));
    }
    // `operator.index(obj)`: ints as they are, other integer types through `__index__`.
    // SAFETY: `PyNumber_Index` takes a borrowed object and returns a new reference or
    // NULL with an exception set, which `from_owned_ptr_or_err` turns into a `PyErr`.
    let int =
        unsafe { Bound::from_owned_ptr_or_err(obj.py(), pyo3::ffi::PyNumber_Index(obj.as_ptr())) };
    match int.and_then(|i| i.extract::<i128>()) {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => Ok(None),
        Err(e) if e.is_instance_of::<PyTypeError>(obj.py()) => Err(type_error(format!(
            "{what} must be an int, got {}",
            type_name(obj)
        ))),
        Err(e) => Err(e),
    }
}

/// The integer `obj` as text for an error message, shortened when it is huge.
pub(crate) fn int_text(obj: &Bound<'_, PyAny>) -> String {
    let text = obj.str().map(|s| s.to_string()).unwrap_or_default();
    if text.len() > 40 {
        format!(
            "{}... (an integer of {} digits)",
            &text[..12],
            text.trim_start_matches('-').len()
        )
    } else {
        text
    }
}

/// A qubit (or classical bit, `what`) index argument as `i64`: an int (no `bool`);
/// one beyond 64 bits is a `QubitIndexError` naming it, never an `OverflowError`.
pub(crate) fn index_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<i64> {
    match int_arg(obj, &format!("a {what} index"))?.and_then(|v| i64::try_from(v).ok()) {
        Some(v) => Ok(v),
        None => Err(raise(
            Kind::QubitIndex,
            format!("{what} {} is out of range", int_text(obj)),
            &[],
        )),
    }
}

/// A count argument (`what`: qubits, classical bits) in `0..=max`: an int (no `bool`);
/// anything else in range of Python's ints is an `InvalidArgumentError`.
pub(crate) fn count_arg(obj: &Bound<'_, PyAny>, what: &str, max: u32) -> PyResult<u32> {
    match int_arg(obj, what)?.and_then(|v| u32::try_from(v).ok()) {
        Some(v) if v <= max => Ok(v),
        _ => Err(raise(
            Kind::InvalidArgument,
            format!("{what} must be between 0 and {max}, got {}", int_text(obj)),
            &[],
        )),
    }
}

/// A non-negative integer that fits 64 bits (the value of a classical condition).
pub(crate) fn u64_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<u64> {
    match int_arg(obj, what)?.and_then(|v| u64::try_from(v).ok()) {
        Some(v) => Ok(v),
        None => Err(raise(
            Kind::InvalidArgument,
            format!(
                "{what} must be an integer between 0 and 2**64 - 1, got {}",
                int_text(obj)
            ),
            &[],
        )),
    }
}

/// The type name of a Python object, for error messages.
pub(crate) fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// A gate parameter: a number, or a name / affine expression (`"theta"`, `"2*theta + 0.1"`).
pub(crate) fn param(obj: &Bound<'_, PyAny>) -> PyResult<Param> {
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_str()?.parse::<Param>().py();
    }
    match obj.extract::<f64>() {
        Ok(v) => Ok(Param::Value(v)),
        Err(e) if e.is_instance_of::<PyOverflowError>(obj.py()) => Err(raise(
            Kind::Parameter,
            format!(
                "a gate parameter must be a finite float, got {} (too large for a float)",
                int_text(obj)
            ),
            &[],
        )),
        Err(e) if !e.is_instance_of::<PyTypeError>(obj.py()) => Err(e),
        Err(_) => Err(type_error(format!(
            "a gate parameter must be a number or a parameter name or expression such as \
             \"theta\" or \"2*theta + 0.1\", got {}",
            type_name(obj)
        ))),
    }
}

/// Iterates `(key, value)` pairs of a dict or any mapping with `.items()`.
fn mapping_items<'py>(
    obj: &Bound<'py, PyAny>,
    what: &str,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let items: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)> = if let Ok(d) = obj.cast::<PyDict>() {
        d.iter().collect()
    } else if obj.hasattr("items")? {
        obj.call_method0("items")?
            .try_iter()?
            .map(|kv| kv?.extract::<(Bound<'py, PyAny>, Bound<'py, PyAny>)>())
            .collect::<PyResult<_>>()?
    } else {
        return Err(type_error(format!(
            "{what} must be a dict of parameter names to values, got {}",
            type_name(obj)
        )));
    };
    items
        .into_iter()
        .map(|(k, v)| {
            let name = k.extract::<String>().map_err(|_| {
                type_error(format!(
                    "parameter names must be strings, got {}",
                    type_name(&k)
                ))
            })?;
            Ok((name, v))
        })
        .collect()
}

/// Values for named parameters: `None` or a mapping `{"theta": 0.3}`.
pub(crate) fn binding(params: Option<&Bound<'_, PyAny>>) -> PyResult<ParamBinding> {
    let mut b = ParamBinding::new();
    let Some(params) = params.filter(|p| !p.is_none()) else {
        return Ok(b);
    };
    for (name, v) in mapping_items(params, "params")? {
        let value = v.extract::<f64>().map_err(|_| {
            type_error(format!(
                "parameter `{name}` must be a real number, got {}",
                type_name(&v)
            ))
        })?;
        b.set(name, value);
    }
    Ok(b)
}

static NP_ASARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// `numpy.asarray(obj)`.
pub(crate) fn asarray<'py>(obj: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyUntypedArray>> {
    let py = obj.py();
    let f = NP_ASARRAY.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py.import("numpy")?.getattr("asarray")?.unbind())
    })?;
    Ok(f.bind(py).call1((obj,))?.cast_into::<PyUntypedArray>()?)
}

fn shape_text(shape: &[usize]) -> String {
    match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// One batch parameter: a scalar (broadcast) or one value per item.
enum Column {
    Scalar(f64),
    Values(Vec<f64>),
}

/// A real 0-D or 1-D array-like (ints, floats, bools) as a [`Column`].
fn column(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Column> {
    if !obj.hasattr("__len__")? {
        if let Ok(v) = obj.extract::<f64>() {
            return Ok(Column::Scalar(v));
        }
    }
    let arr = asarray(obj)?;
    let kind = arr.dtype().kind();
    if kind == b'c' {
        return Err(type_error(format!(
            "parameter `{name}` must be real, got a complex array (dtype {})",
            arr.dtype()
        )));
    }
    if !matches!(kind, b'b' | b'i' | b'u' | b'f') {
        return Err(type_error(format!(
            "parameter `{name}` must hold real numbers, got dtype {}",
            arr.dtype()
        )));
    }
    match arr.ndim() {
        0 => Ok(Column::Scalar(arr.call_method0("item")?.extract::<f64>()?)),
        1 => {
            let f = arr
                .call_method1("astype", ("float64",))?
                .cast_into::<PyArray1<f64>>()?;
            Ok(Column::Values(f.readonly().as_array().to_vec()))
        }
        _ => Err(raise(
            Kind::InvalidArgument,
            format!(
                "parameter `{name}` must be a 1-D array with one value per batch item, got shape {}",
                shape_text(arr.shape())
            ),
            &[],
        )),
    }
}

/// The parameter sets of a batch as one table: a dict of names to 1-D arrays of one
/// length (scalars broadcast), or a list of dicts naming the same parameters. The values
/// go to Rust as one row-major array; no per-set name maps are built.
pub(crate) fn batch_sets(params: &Bound<'_, PyAny>) -> PyResult<ParamSets> {
    let is_mapping =
        params.cast::<PyDict>().is_ok() || (params.hasattr("items")? && params.hasattr("keys")?);
    if !is_mapping {
        if params.cast::<PyList>().is_ok() || params.cast::<PyTuple>().is_ok() {
            let bindings = params
                .try_iter()?
                .map(|item| binding(Some(&item?)))
                .collect::<PyResult<Vec<ParamBinding>>>()?;
            return ParamSets::from_bindings(&bindings).py();
        }
        return Err(type_error(format!(
            "params must be a dict of parameter names to arrays, or a list of dicts, got {}",
            type_name(params)
        )));
    }
    let mut columns = Vec::new();
    let mut len: Option<(usize, String)> = None;
    for (name, v) in mapping_items(params, "params")? {
        let col = column(&name, &v)?;
        if let Column::Values(vals) = &col {
            match &len {
                None => len = Some((vals.len(), name.clone())),
                Some((n, first)) if *n != vals.len() => {
                    return Err(raise(
                        Kind::InvalidArgument,
                        format!(
                            "parameter arrays differ in length: `{first}` has {n} values but `{name}` has {}",
                            vals.len()
                        ),
                        &[],
                    ))
                }
                _ => {}
            }
        }
        columns.push((name, col));
    }
    let rows = len.map_or(1, |(n, _)| n);
    if columns.is_empty() {
        return Ok(ParamSets::empty_rows(rows));
    }
    let mut values = Vec::new();
    values
        .try_reserve_exact(rows.saturating_mul(columns.len()))
        .map_err(|_| {
            raise(
                Kind::OutOfMemory,
                "the parameter table does not fit in memory".into(),
                &[],
            )
        })?;
    for i in 0..rows {
        for (_, col) in &columns {
            values.push(match col {
                Column::Scalar(v) => *v,
                Column::Values(vs) => vs[i],
            });
        }
    }
    let names = columns.into_iter().map(|(n, _)| n).collect();
    ParamSets::new(names, values).py()
}

/// A square complex matrix from a 2-D array-like of numbers.
pub(crate) fn matrix(obj: &Bound<'_, PyAny>) -> PyResult<Matrix> {
    let arr = asarray(obj)?;
    let kind = arr.dtype().kind();
    if !matches!(kind, b'b' | b'i' | b'u' | b'f' | b'c') {
        return Err(type_error(format!(
            "a gate matrix must hold numbers, got dtype {}",
            arr.dtype()
        )));
    }
    let shape = arr.shape().to_vec();
    if shape.len() != 2 || shape[0] != shape[1] {
        return Err(Error::InvalidMatrix {
            reason: format!(
                "expected a square 2-D array of size 2^k x 2^k, got shape {}",
                shape_text(&shape)
            ),
        })
        .py();
    }
    let c = arr
        .call_method1("astype", ("complex128",))?
        .cast_into::<PyArray2<Complex64>>()?;
    let data: Vec<Complex64> = c.readonly().as_array().iter().copied().collect();
    Matrix::new(shape[0], data).py()
}

/// An observable from an `Observable` or its text form.
pub(crate) fn observable(obj: &Bound<'_, PyAny>) -> PyResult<Observable> {
    if let Ok(o) = obj.cast::<PyObservable>() {
        return Ok(o.get().inner.clone());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s.to_str()?.parse::<Observable>().py();
    }
    Err(type_error(format!(
        "expected an Observable or a string such as \"0.5*ZZI - XIX\", got {}",
        type_name(obj)
    )))
}

/// A list of observables (each an `Observable` or a string).
pub(crate) fn observables(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Observable>> {
    if obj.cast::<PyString>().is_ok() || obj.cast::<PyObservable>().is_ok() {
        return Ok(vec![observable(obj)?]);
    }
    obj.try_iter()
        .map_err(|_| {
            type_error(format!(
                "observables must be a list of Observables or strings, got {}",
                type_name(obj)
            ))
        })?
        .map(|o| observable(&o?))
        .collect()
}

/// Most entries an index list may have (the most classical bits a circuit may have),
/// so an endless iterator is an error rather than a hang.
const MAX_INDEX_LIST: usize = 1 << 20;

/// A list of indices (`what`: "qubits", "clbits", "controls") from an int or an
/// iterable of ints, each read with [`index_arg`] (so no `bool`, and no
/// `OverflowError`); the whole list is read before the caller touches the circuit.
pub(crate) fn int_list(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<i64>> {
    let element = if what == "clbits" {
        "classical bit"
    } else {
        "qubit"
    };
    if obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyBool>() {
        return Ok(vec![index_arg(obj, element)?]);
    }
    if obj.cast::<PyString>().is_ok() || obj.is_instance_of::<PyFloat>() {
        return Err(type_error(format!(
            "{what} must be an int or a sequence of ints, got {}",
            type_name(obj)
        )));
    }
    match obj.try_iter() {
        Ok(items) => {
            let mut out = Vec::new();
            for q in items {
                if out.len() >= MAX_INDEX_LIST {
                    return Err(raise(
                        Kind::InvalidArgument,
                        format!("{what} has more than {MAX_INDEX_LIST} entries"),
                        &[],
                    ));
                }
                out.push(index_arg(&q?, element)?);
            }
            Ok(out)
        }
        Err(_) if obj.hasattr("__index__")? => Ok(vec![index_arg(obj, element)?]),
        Err(_) => Err(type_error(format!(
            "{what} must be an int or a sequence of ints, got {}",
            type_name(obj)
        ))),
    }
}

/// A state vector as a 1-D numpy array (complex64 or complex128), without a copy.
pub(crate) fn statevector_array(py: Python<'_>, sv: StateVector) -> Bound<'_, PyAny> {
    match sv {
        StateVector::Single(v) => PyArray1::<Complex32>::from_vec(py, v).into_any(),
        StateVector::Double(v) => PyArray1::<Complex64>::from_vec(py, v).into_any(),
    }
}

/// A flat row-major buffer of a 2-D result.
pub(crate) enum Table {
    /// Real values (probabilities, expectation values).
    Real(Vec<f64>),
    /// complex64 amplitudes.
    Single(Vec<Complex32>),
    /// complex128 amplitudes.
    Double(Vec<Complex64>),
}

/// A `rows x cols` numpy array from a flat buffer of exactly that many values.
pub(crate) fn table_array(
    py: Python<'_>,
    rows: usize,
    cols: usize,
    table: Table,
) -> PyResult<Bound<'_, PyAny>> {
    fn two_d<T: numpy::Element>(
        py: Python<'_>,
        rows: usize,
        cols: usize,
        v: Vec<T>,
    ) -> PyResult<Bound<'_, PyAny>> {
        let a = Array2::from_shape_vec((rows, cols), v)
            .map_err(|e| raise(Kind::Base, format!("internal shape error: {e}"), &[]))?;
        Ok(PyArray2::from_owned_array(py, a).into_any())
    }
    match table {
        Table::Real(v) => two_d(py, rows, cols, v),
        Table::Single(v) => two_d(py, rows, cols, v),
        Table::Double(v) => two_d(py, rows, cols, v),
    }
}

/// A string as Python's `repr` writes it (single quotes), for `__repr__`s.
pub(crate) fn py_repr(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A list of strings as Python's `repr` writes it: `['a', 'b']`.
pub(crate) fn py_repr_list(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| py_repr(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// Most shots one call may draw (each outcome takes 8 bytes before counting).
pub(crate) const MAX_SHOTS: usize = 1 << 30;

/// Refuses shot counts whose outcome buffer could exhaust memory.
/// Shots drawn when a call does not say.
pub(crate) const DEFAULT_SHOTS: usize = 1024;

/// A shot count from Python (any int: negative or huge is ferroq's own error, not
/// `OverflowError`; `None` is [`DEFAULT_SHOTS`]), checked against [`MAX_SHOTS`].
pub(crate) fn shots_arg(obj: Option<&Bound<'_, PyAny>>) -> PyResult<usize> {
    let Some(obj) = obj else {
        return Ok(DEFAULT_SHOTS);
    };
    let shots = u64_arg(obj, "shots")?;
    let shots = usize::try_from(shots).unwrap_or(usize::MAX);
    check_shots(shots)?;
    Ok(shots)
}

/// Checks a shot count against [`MAX_SHOTS`].
pub(crate) fn check_shots(shots: usize) -> PyResult<()> {
    if shots > MAX_SHOTS {
        return Err(raise(
            Kind::InvalidArgument,
            format!("shots must be at most {MAX_SHOTS}, got {shots}"),
            &[],
        ));
    }
    Ok(())
}

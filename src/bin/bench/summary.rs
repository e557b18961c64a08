//! The `summary` command: the final table of bench/README.md, from the JSON that `run --out`
//! saved (native, and the plain build's beside a profile-guided one) and the wasm figures.

use crate::args::Args;
use crate::twin::f;
use serde_json::Value;

/// `summary`: one row per figure, with its target and verdict.
pub fn summary(a: &Args) -> Result<(), String> {
    let path = a.native.as_deref().ok_or("summary needs --native FILE")?;
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    let b: Value = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
    let read = |p: &Option<String>| -> Option<Value> {
        let p = p.as_deref()?;
        serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
    };
    let wasm = read(&a.wasm);
    let plain = read(&a.plain);
    let n = &b["native"];
    let build = n["build"].as_str().unwrap_or("plain release");
    println!();
    println!("== summary (bench/README.md)");
    println!(
        "   {:<68} {:>10} {:>8}  result",
        "figure", "measured", "target"
    );
    request_rows(&b, n, build);
    if let Some(p) = &plain {
        plain_rows(&b, p);
    }
    simpy_rows(&b);
    flow_rows(&b["flow"]);
    match wasm {
        Some(w) => wasm_rows(&w, n, build, plain.as_ref()),
        None => row("wasm in Chromium", "not run".into(), "", String::new()),
    }
    Ok(())
}

fn yes(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

/// One row of the table.
fn row(name: &str, measured: String, target: &str, verdict: String) {
    println!("   {name:<68} {measured:>10} {target:>8}  {verdict}");
}

/// The request-level rows of one build `n`; the SimPy run of `b` is shared.
fn request_rows(b: &Value, n: &Value, build: &str) {
    let (eps, cpu) = (f(&n["events_per_s"]), f(&n["events_per_cpu_s"]));
    row(
        &format!("request level, native, {build} (M events/s, wall)"),
        format!("{:.2}", eps / 1e6),
        ">= 10",
        yes(eps >= 10e6).into(),
    );
    row(
        &format!("request level, native, {build} (M events per CPU s)"),
        format!("{:.2}", cpu / 1e6),
        ">= 10",
        yes(cpu >= 10e6).into(),
    );
    if let Some(s) = b.get("simpy") {
        for (clock, key) in [
            ("wall", "sim_s_per_wall_s"),
            ("CPU time", "sim_s_per_cpu_s"),
        ] {
            let x = f(&n[key]) / f(&s[key]);
            row(
                &format!("speedup over SimPy, {build} ({clock}, x)"),
                format!("{x:.1}"),
                ">= 100",
                yes(x >= 100.0).into(),
            );
        }
    }
}

/// The plain build's request-level rows beside the profile-guided one's, and their digests.
fn plain_rows(b: &Value, p: &Value) {
    let n = &b["native"];
    request_rows(
        b,
        &p["native"],
        p["native"]["build"].as_str().unwrap_or("plain"),
    );
    let same = p["native"]["digest"] == n["digest"];
    row(
        "both builds give the same report digest",
        if same { "yes".into() } else { "no".into() },
        "yes",
        yes(same).into(),
    );
}

/// The SimPy twin's speed and whether the results agree.
fn simpy_rows(b: &Value) {
    match b.get("simpy") {
        Some(s) => {
            let c = &b["comparison"];
            row(
                "SimPy twin (events/s)",
                format!("{:.0}", f(&s["events_per_s"])),
                "",
                String::new(),
            );
            row(
                "results agree with SimPy",
                if c["agree"].as_bool() == Some(true) {
                    "yes".into()
                } else {
                    "no".into()
                },
                "yes",
                yes(c["agree"].as_bool() == Some(true)).into(),
            );
        }
        None => row("SimPy twin", "not run".into(), "", String::new()),
    }
}

/// The flow-level year, `fl` the `flow` figures of `run`.
fn flow_rows(fl: &Value) {
    if fl["implemented"].as_bool() == Some(true) {
        let ms = f(&fl["ms_per_run"]);
        let cpu_ms = f(&fl["cpu_ms_per_run"]);
        row(
            "flow level, 20 components, 1 year (ms, wall)",
            format!("{ms:.3}"),
            "< 2",
            yes(ms < 2.0).into(),
        );
        row(
            "flow level, 20 components, 1 year (CPU ms)",
            format!("{cpu_ms:.3}"),
            "< 2",
            yes(cpu_ms < 2.0).into(),
        );
    } else {
        row(
            "flow level, 20 components, 1 year (ms)",
            "not implemented".into(),
            "< 2",
            "flow level: not implemented".into(),
        );
    }
}

/// The wasm figures `w` against the native build `n` (and the plain build, when given).
fn wasm_rows(w: &Value, n: &Value, build: &str, plain: Option<&Value>) {
    let native_eps = f(&n["events_per_s"]);
    let eps = f(&w["events_per_s"]);
    let ratio = eps / native_eps;
    let same = w["digest"] == n["digest"];
    row(
        "request level, wasm in Chromium (M events/s)",
        format!("{:.2}", eps / 1e6),
        "",
        String::new(),
    );
    row(
        &format!("wasm / native, {build} (wall, medians)"),
        format!("{ratio:.2}"),
        ">= 0.5",
        yes(ratio >= 0.5).into(),
    );
    if let Some(p) = plain {
        let ratio = eps / f(&p["native"]["events_per_s"]);
        row(
            "wasm / native, plain release (wall, medians)",
            format!("{ratio:.2}"),
            ">= 0.5",
            yes(ratio >= 0.5).into(),
        );
    }
    row(
        "wasm report digest = native digest",
        if same { "yes".into() } else { "no".into() },
        "yes",
        yes(same).into(),
    );
}

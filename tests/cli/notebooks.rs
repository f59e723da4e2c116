//! The notebooks run from a clean state on the pipeline's outputs, and print what results.json says.

use std::process::Command;

use serde_json::Value;

use crate::*;

fn python() -> String {
    std::env::var("DEPTSHARE_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Executes a notebook against `out` and returns everything its cells printed.
fn execute(name: &str, out: &std::path::Path, work: &std::path::Path) -> String {
    let notebook = root().join("notebooks").join(name);
    let run = Command::new(python())
        .args([
            "-m",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=300",
        ])
        .arg("--output-dir")
        .arg(work)
        .arg(&notebook)
        .env("DEPTSHARE_OUT", out)
        .env("DEPTSHARE_DATA", root().join("data"))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{} did not start ({e}); scripts/test sets up the notebook venv",
                python()
            )
        });
    assert!(
        run.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let executed: Value = serde_json::from_slice(&std::fs::read(work.join(name)).unwrap()).unwrap();
    let mut printed = String::new();
    for cell in executed["cells"].as_array().unwrap() {
        for output in cell["outputs"].as_array().into_iter().flatten() {
            assert_ne!(output["output_type"], "error", "{name}: {output}");
            if output["name"] == "stdout" {
                printed.extend(
                    output["text"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|t| t.as_str().unwrap().to_string()),
                );
            }
        }
    }
    printed
}

/// The number printed after `label: ` in a notebook's output.
fn printed_number(printed: &str, label: &str) -> f64 {
    let line = printed
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no `{label}` in {printed}"));
    line[label.len()..].trim().parse().unwrap()
}

#[test]
fn notebooks_execute_and_agree_with_results_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = deptshare(&["run", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", stderr(&run));
    let results: Value = serde_json::from_slice(&std::fs::read(out.join("results.json")).unwrap()).unwrap();
    let share = |study: &str, wave: i64, category: &str| {
        results["estimates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["study"] == study && e["wave"] == wave && e["category"] == category && e["segment"].is_null())
            .unwrap()["share"]
            .as_f64()
            .unwrap()
    };

    let printed = execute("reproduce-56-percent.ipynb", &out, dir.path());
    assert_eq!(
        printed_number(&printed, "communications share:"),
        share("econsultancy", 2010, "communications")
    );
    assert_eq!(
        printed_number(&printed, "marketing share:"),
        share("econsultancy", 2010, "marketing")
    );
    assert!(
        printed.contains("= 56 % for the communications departments"),
        "{printed}"
    );

    let printed = execute("trends-across-waves.ipynb", &out, dir.path());
    assert_eq!(
        printed_number(&printed, "marketing 2025 share:"),
        share("demo-tracker", 2025, "marketing")
    );
}

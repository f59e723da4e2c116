//! A spinner on stderr while large inputs are read and estimated: only on a terminal, never with
//! `--quiet`, never in colour (so `NO_COLOR` holds by construction).

use std::io::IsTerminal;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

static QUIET: OnceLock<bool> = OnceLock::new();

/// Inputs this large take about a second or more to read; smaller ones get no spinner.
const MIN_BYTES: u64 = 8 << 20;

/// Records `--quiet` once, for the whole run.
pub fn set_quiet(quiet: bool) {
    let _ = QUIET.set(quiet);
}

/// Runs `work` with a spinner naming the inputs when they are large and stderr is a terminal.
pub fn while_reading<T>(paths: &[&Path], work: impl FnOnce() -> T) -> T {
    let bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let show = !QUIET.get().copied().unwrap_or(false) && std::io::stderr().is_terminal() && bytes >= MIN_BYTES;
    if !show {
        return work();
    }
    let spinner = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        spinner.set_style(style);
    }
    spinner.set_message(format!(
        "reading and estimating {} file(s), {} MB",
        paths.len(),
        bytes >> 20
    ));
    spinner.enable_steady_tick(Duration::from_millis(120));
    let result = work();
    spinner.finish_and_clear();
    result
}

//! A progress bar on stderr while large inputs are read and estimated: only on a terminal, never
//! with `--quiet`, never in colour (so `NO_COLOR` holds by construction).

use std::io::IsTerminal;
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::ingest;
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: OnceLock<bool> = OnceLock::new();

/// Inputs this large take about a second or more to read (the large-file path reads about
/// 200 MiB/s on 2 cores); smaller ones get no bar.
const MIN_BYTES: u64 = 128 << 20;

/// Records `--quiet` once, for the whole run.
pub fn set_quiet(quiet: bool) {
    let _ = QUIET.set(quiet);
}

/// Runs `work` with a progress bar of the inputs' bytes when they are large and stderr is a
/// terminal. The bar follows `ingest::BYTES_READ` (polled, so readers need not know about it),
/// then spins while the estimates are computed.
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
    let bar = ProgressBar::new(bytes);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} [{bar:30}] {binary_bytes}/{binary_total_bytes} {msg} ({elapsed})")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(format!("reading {} file(s)", paths.len()));
    bar.enable_steady_tick(Duration::from_millis(120));
    let start = ingest::BYTES_READ.load(Ordering::Relaxed);
    let done = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        let poller = scope.spawn(|| {
            while !done.load(Ordering::Relaxed) {
                let read = ingest::BYTES_READ.load(Ordering::Relaxed).saturating_sub(start);
                bar.set_position(read.min(bytes));
                if read >= bytes {
                    bar.set_message("estimating");
                }
                std::thread::park_timeout(Duration::from_millis(100));
            }
        });
        let result = work();
        done.store(true, Ordering::Relaxed);
        poller.thread().unpark();
        result
    });
    bar.finish_and_clear();
    result
}

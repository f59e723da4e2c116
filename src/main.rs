//! The `deptshare` binary: parse, run, print the error chain, map it to an exit code.

use std::process::ExitCode;

use clap::Parser;
use deptshare::cli::Cli;
use deptshare::commands::{UsageError, dispatch};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(outcome) => outcome.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            if error.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

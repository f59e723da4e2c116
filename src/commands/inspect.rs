//! `deptshare inspect FILE`: what the file holds and the command line to read it.

use crate::cli::InspectArgs;
use crate::ingest::{InputSpec, inspect};

use super::Outcome;

pub fn inspect(args: &InspectArgs) -> anyhow::Result<Outcome> {
    let mut spec = InputSpec::new(&args.file);
    spec.format = args.format_in.into();
    spec.sheet = args.sheet.clone();
    print!("{}", inspect::describe(&spec, &super::taxonomy(&args.taxonomy)?)?);
    Ok(Outcome::Success)
}

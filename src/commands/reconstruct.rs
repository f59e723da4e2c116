//! `deptshare reconstruct TABLE --out FILE`: respondent rows that give a published table back.

use crate::cli::ReconstructArgs;
use crate::reconstruct::reconstruct as rebuild;
use crate::report::{OutputFile, write_atomic};
use crate::stats::Group;
use crate::taxonomy::Taxonomy;

use super::{Outcome, UsageError};

pub fn reconstruct(args: &ReconstructArgs) -> anyhow::Result<Outcome> {
    let csv = rebuild(&args.table, &Taxonomy::builtin(), &[Group::communications()], args.n)?;
    let folder = args
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let name = args
        .out
        .file_name()
        .ok_or_else(|| UsageError(format!("--out {}: not a file name", args.out.display())))?;
    write_atomic(folder, &[OutputFile::new(name, csv)])?;
    eprintln!("wrote {}", args.out.display());
    Ok(Outcome::Success)
}

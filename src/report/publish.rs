//! Swapping a whole set of outputs into a folder: every file is written to a staging folder beside
//! it first, then old and new are exchanged by renames under a journal, so a failure before the
//! swap leaves the old set untouched and a run killed during it is finished by the next run.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::OutputFile;
use crate::error::{Error, Result};

/// What the swap moves, written once every new file is staged: its presence means "finish me".
#[derive(Serialize, Deserialize)]
struct Journal {
    /// Files of the new set, relative to the output folder, `manifest.json` last.
    new: Vec<PathBuf>,
    /// Files of the old set that go (replaced or no longer written), relative to the output folder.
    old: Vec<PathBuf>,
}

const JOURNAL: &str = "journal.json";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` into `out` as one set, and removes `stale` (files an earlier run of this tool
/// wrote there that this one does not). Files of anyone else in `out` are left alone.
pub fn publish(out: &Path, files: &[OutputFile], stale: &[PathBuf]) -> Result<()> {
    let names = check_names(files)?;
    std::fs::create_dir_all(out).map_err(io(out))?;
    let (parent, prefix) = staging_place(out)?;
    recover(&parent, &prefix, out);
    let staging = parent.join(format!("{prefix}{}", std::process::id()));
    remove_staging(&staging);
    let staged = stage(&staging, files).and_then(|()| {
        check_targets(out, &names)?;
        let mut new = names.clone();
        // The manifest goes in last: while it is old, the old set is what it describes.
        new.sort_by_key(|p| p == Path::new("manifest.json"));
        let old = names
            .iter()
            .chain(stale.iter().filter(|s| is_plain_relative(s)))
            .filter(|p| std::fs::symlink_metadata(out.join(p)).is_ok_and(|m| m.is_file()))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        write_journal(&staging, &Journal { new, old })
    });
    if let Err(e) = staged {
        remove_staging(&staging);
        return Err(e);
    }
    finish(&staging, out)
}

/// Relative paths without `..`, each named once.
fn check_names(files: &[OutputFile]) -> Result<Vec<PathBuf>> {
    let mut seen = BTreeSet::new();
    for file in files {
        if !is_plain_relative(&file.path) {
            return Err(Error::Invalid(format!(
                "output `{}` is not a plain path inside the output folder",
                file.path.display()
            )));
        }
        if !seen.insert(file.path.clone()) {
            return Err(Error::Invalid(format!(
                "output `{}` would be written twice",
                file.path.display()
            )));
        }
    }
    Ok(files.iter().map(|f| f.path.clone()).collect())
}

fn is_plain_relative(path: &Path) -> bool {
    path.components().count() > 0 && path.components().all(|c| matches!(c, Component::Normal(_)))
}

/// The folder the staging folders go in (beside `out`) and their name up to the process id.
fn staging_place(out: &Path) -> Result<(PathBuf, String)> {
    let out = out.canonicalize().map_err(io(out))?;
    match (out.parent(), out.file_name()) {
        (Some(parent), Some(name)) => Ok((
            parent.to_path_buf(),
            format!(".{}.deptshare-staging-", name.to_string_lossy()),
        )),
        // The root of a file system has nothing beside it.
        _ => Ok((out, ".deptshare-staging-".to_string())),
    }
}

fn stage(staging: &Path, files: &[OutputFile]) -> Result<()> {
    for file in files {
        let path = staging.join("new").join(&file.path);
        let folder = path.parent().unwrap_or(staging);
        std::fs::create_dir_all(folder).map_err(io(folder))?;
        std::fs::write(&path, &file.bytes).map_err(io(&path))?;
    }
    Ok(())
}

/// Every target is free or a file (never a folder or a link), and each folder on the way a real folder.
fn check_targets(out: &Path, names: &[PathBuf]) -> Result<()> {
    for name in names {
        let mut path = out.to_path_buf();
        let parts: Vec<_> = name.components().collect();
        for (i, part) in parts.iter().enumerate() {
            path.push(part);
            let Ok(meta) = std::fs::symlink_metadata(&path) else {
                break;
            };
            let last = i + 1 == parts.len();
            let fits = if last { meta.is_file() } else { meta.is_dir() };
            if !fits {
                return Err(Error::Invalid(format!(
                    "{}: in the way of an output (not a {}); move it and run again",
                    path.display(),
                    if last { "file" } else { "folder" }
                )));
            }
        }
    }
    Ok(())
}

fn write_journal(staging: &Path, journal: &Journal) -> Result<()> {
    let text = serde_json::to_vec(journal).map_err(|e| Error::Invalid(format!("writing the journal: {e}")))?;
    let temp = staging.join("journal.tmp");
    std::fs::write(&temp, text).map_err(io(&temp))?;
    let path = staging.join(JOURNAL);
    std::fs::rename(&temp, &path).map_err(io(&path))
}

/// Old files out to `staging/old`, then new files in; each step may be repeated after a kill.
fn finish(staging: &Path, out: &Path) -> Result<()> {
    let path = staging.join(JOURNAL);
    let text = std::fs::read(&path).map_err(io(&path))?;
    let journal: Journal =
        serde_json::from_slice(&text).map_err(|e| Error::Invalid(format!("{}: not a journal: {e}", path.display())))?;
    let (new, old) = (staging.join("new"), staging.join("old"));
    for name in &journal.old {
        // A new file already moved in is not an old one to move out.
        if journal.new.contains(name) && !new.join(name).exists() {
            continue;
        }
        move_file(&out.join(name), &old.join(name))?;
    }
    for name in &journal.new {
        move_file(&new.join(name), &out.join(name))?;
    }
    remove_staging(staging);
    Ok(())
}

/// Renames `from` to `to` (making its folder) when `from` is still there.
fn move_file(from: &Path, to: &Path) -> Result<()> {
    if std::fs::symlink_metadata(from).is_err() {
        return Ok(());
    }
    if let Some(folder) = to.parent() {
        std::fs::create_dir_all(folder).map_err(io(folder))?;
    }
    std::fs::rename(from, to).map_err(io(to))
}

/// Staging folders of runs that are gone: finished when their journal was written, else removed.
fn recover(parent: &Path, prefix: &str, out: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name.strip_prefix(prefix).and_then(|p| p.parse::<u64>().ok()) else {
            continue;
        };
        let path = entry.path();
        let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if !is_dir || pid == u64::from(std::process::id()) || alive(pid, &path) {
            continue;
        }
        if path.join(JOURNAL).is_file() {
            // Best effort: if it cannot finish, this run's own swap still replaces the set.
            let _ = finish(&path, out);
        }
        remove_staging(&path);
    }
}

/// Whether the run that owns a staging folder may still be writing it: on Linux its process
/// exists; elsewhere, the folder is younger than a day.
fn alive(pid: u64, staging: &Path) -> bool {
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    let age = std::fs::metadata(staging)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    age.is_none_or(|a| a.as_secs() < 24 * 3600)
}

fn remove_staging(staging: &Path) {
    if std::fs::symlink_metadata(staging).is_ok_and(|m| m.is_dir()) {
        let _ = std::fs::remove_dir_all(staging);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    #[test]
    fn a_swap_killed_midway_is_finished_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let old = [
            OutputFile::new("a.txt", "old a"),
            OutputFile::new("gone.txt", "old gone"),
        ];
        publish(&out, &old, &[]).unwrap();
        // A run that staged everything, wrote its journal and moved one old file out, then died.
        let dead = dir.path().join(".out.deptshare-staging-4000000000");
        std::fs::create_dir_all(dead.join("new")).unwrap();
        std::fs::write(dead.join("new/a.txt"), "new a").unwrap();
        std::fs::write(dead.join("new/b.txt"), "new b").unwrap();
        let journal = Journal {
            new: vec!["a.txt".into(), "b.txt".into()],
            old: vec!["a.txt".into(), "gone.txt".into()],
        };
        write_journal(&dead, &journal).unwrap();
        move_file(&out.join("a.txt"), &dead.join("old/a.txt")).unwrap();
        publish(&out, &[OutputFile::new("c.txt", "c")], &[]).unwrap();
        assert!(!dead.exists());
        assert_eq!(
            (
                read(&out.join("a.txt")),
                read(&out.join("b.txt")),
                read(&out.join("c.txt"))
            ),
            ("new a".into(), "new b".into(), "c".into())
        );
        assert!(!out.join("gone.txt").exists());
    }

    #[test]
    fn names_that_leave_the_folder_or_repeat_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in [
            vec![OutputFile::new("../x", "")],
            vec![OutputFile::new("/etc/x", "")],
            vec![OutputFile::new("a", ""), OutputFile::new("a", "")],
        ] {
            assert!(publish(dir.path(), &bad, &[]).is_err());
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

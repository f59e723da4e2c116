//! A respondent in two files of one study is the same person twice: the later row is a rejected
//! row naming the earlier file, whichever reader read either file. The careful reader keeps its
//! ids; the large-file path keeps an 8-byte hash per respondent, so files are compared by hash and
//! only the keys two files share are looked up by name (a large file read again for just those).

use std::collections::{BTreeMap, HashSet};

use super::{RawInput, stream};
use crate::error::Result;
use crate::taxonomy::Taxonomy;

/// The respondents of the files read so far.
#[derive(Default)]
pub struct Repeats {
    /// (study, wave, id) and the first file that has it, for the keys known by name.
    named: BTreeMap<(String, i32, String), String>,
    /// Per file read so far: its study, whether the large-file path read it, and its respondents'
    /// key hashes.
    files: Vec<(String, bool, Keys)>,
}

/// A file's respondent key hashes, sorted (each once) only when another file of its study needs
/// them: a study of one large file never sorts its millions of hashes.
enum Keys {
    Sorted(Vec<u64>),
    /// Every key taken, and the keys of rows rejected after it was taken.
    Unsorted {
        keys: Vec<u64>,
        rejected: Vec<u64>,
    },
}

impl Keys {
    fn sorted(&mut self) -> &[u64] {
        if let Keys::Unsorted { keys, rejected } = self {
            *self = Keys::Sorted(without(std::mem::take(keys), std::mem::take(rejected)));
        }
        match self {
            Keys::Sorted(keys) => keys,
            Keys::Unsorted { .. } => &[],
        }
    }
}

impl Repeats {
    /// Rejects the rows of `input` whose respondent is in an earlier file (`earlier`: the inputs
    /// read before it, in order), then remembers its respondents.
    pub fn check(&mut self, input: &mut RawInput, earlier: &[RawInput], taxonomy: &Taxonomy) -> Result<()> {
        let study = input.spec.study.clone();
        let streamed = input.tally.is_some();
        let mut hashes = key_hashes(input);
        if !self.files.iter().any(|(s, _, _)| *s == study) {
            if !streamed {
                self.remember_named(input);
            }
            self.files.push((study, streamed, hashes));
            return Ok(());
        }
        let shared = self.shared(&study, hashes.sorted());
        if !shared.is_empty() {
            self.name_streamed(&study, &shared, earlier, taxonomy)?;
        }
        let hashes = if !streamed {
            self.reject_named(input);
            key_hashes(input)
        } else if shared.is_empty() {
            hashes
        } else {
            let prior = self.prior(&study, &shared);
            let notes = std::mem::take(&mut input.notes);
            *input = stream::reread(&input.spec, taxonomy, &shared, &prior)?;
            input.notes = notes;
            key_hashes(input)
        };
        if !streamed {
            self.remember_named(input);
        }
        self.files.push((study, streamed, hashes));
        Ok(())
    }

    /// The hashes of `hashes` that an earlier file of `study` also has.
    fn shared(&mut self, study: &str, hashes: &[u64]) -> HashSet<u64> {
        let mut shared = HashSet::new();
        for (_, _, theirs) in self.files.iter_mut().filter(|(s, _, _)| s == study) {
            shared.extend(intersection(theirs.sorted(), hashes));
        }
        shared
    }

    /// The keys among `shared` of the earlier large files of `study`, by name, read again.
    fn name_streamed(
        &mut self,
        study: &str,
        shared: &HashSet<u64>,
        earlier: &[RawInput],
        taxonomy: &Taxonomy,
    ) -> Result<()> {
        let shared = sorted(shared.iter().copied().collect());
        for ((s, streamed, theirs), input) in self.files.iter_mut().zip(earlier) {
            if s != study || !*streamed {
                continue;
            }
            let wanted: HashSet<u64> = intersection(theirs.sorted(), &shared).collect();
            if wanted.is_empty() {
                continue;
            }
            let file = input.spec.path.display().to_string();
            for (wave, id) in stream::exact_keys(&input.spec, taxonomy, &wanted)? {
                self.named
                    .entry((study.to_string(), wave, id))
                    .or_insert_with(|| file.clone());
            }
        }
        Ok(())
    }

    /// The named keys of `study` whose hashes are in `shared`.
    fn prior(&self, study: &str, shared: &HashSet<u64>) -> stream::Prior {
        self.named
            .iter()
            .filter(|((s, wave, id), _)| s == study && shared.contains(&stream::key_hash(*wave, id)))
            .map(|((_, wave, id), file)| ((*wave, id.clone()), file.clone()))
            .collect()
    }

    /// A careful reader's row whose respondent is already named is rejected. Ids a reader made up
    /// from line numbers (`line-N`) are not ids.
    fn reject_named(&mut self, input: &mut RawInput) {
        let answers = std::mem::take(&mut input.answers);
        for answer in answers {
            let key = (input.spec.study.clone(), answer.wave, answer.respondent.clone());
            match self.named.get(&key) {
                Some(first) if !answer.respondent.starts_with("line-") => {
                    let reason = format!(
                        "respondent `{}` in wave {} is already in {first}",
                        answer.respondent, answer.wave
                    );
                    input.summary.rows_accepted -= 1;
                    input.summary.no_answer -= u64::from(answer.labels.is_empty());
                    input.summary.rows_read -= 1;
                    input.reject(answer.line, reason);
                }
                _ => input.answers.push(answer),
            }
        }
    }

    fn remember_named(&mut self, input: &RawInput) {
        let file = input.spec.path.display().to_string();
        for answer in input.answers.iter().filter(|a| !a.respondent.starts_with("line-")) {
            let key = (input.spec.study.clone(), answer.wave, answer.respondent.clone());
            self.named.entry(key).or_insert_with(|| file.clone());
        }
    }
}

/// The key hashes of a file's respondents: from the careful reader's answers, or the large-file
/// path's hashes less those of its rejected rows (a repeated key's first row stays). The
/// large-file path's hash lists are emptied.
fn key_hashes(input: &mut RawInput) -> Keys {
    if input.tally.is_some() {
        let keys = std::mem::take(&mut input.key_hashes).into_iter().flatten().collect();
        let rejected = std::mem::take(&mut input.rejected_key_hashes);
        return Keys::Unsorted { keys, rejected };
    }
    let keys = input
        .answers
        .iter()
        .filter(|a| !a.respondent.starts_with("line-"))
        .map(|a| stream::key_hash(a.wave, &a.respondent))
        .collect();
    Keys::Sorted(sorted(keys))
}

fn sorted(mut keys: Vec<u64>) -> Vec<u64> {
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// `keys` less `rejected`, sorted and each once.
fn without(keys: Vec<u64>, rejected: Vec<u64>) -> Vec<u64> {
    let keys = sorted(keys);
    let mut rejected = rejected;
    rejected.sort_unstable();
    let mut out = Vec::with_capacity(keys.len());
    let mut gone = rejected.into_iter().peekable();
    for key in keys {
        while gone.next_if(|r| *r < key).is_some() {}
        if gone.next_if_eq(&key).is_none() {
            out.push(key);
        }
    }
    out
}

/// The values two sorted lists share.
fn intersection<'a>(a: &'a [u64], b: &'a [u64]) -> impl Iterator<Item = u64> + 'a {
    let (mut i, mut j) = (0, 0);
    std::iter::from_fn(move || {
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    (i, j) = (i + 1, j + 1);
                    return Some(a[i - 1]);
                }
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_lists_intersect_and_subtract() {
        assert_eq!(
            intersection(&[1, 3, 5, 7], &[2, 3, 7, 9]).collect::<Vec<_>>(),
            vec![3, 7]
        );
        assert_eq!(without(vec![5, 1, 3, 3], vec![3]), vec![1, 5]);
    }
}

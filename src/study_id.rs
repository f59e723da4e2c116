//! Study ids: the one check that lets an id become part of a file name (`charts/<id>-bar.en.svg`).

/// Longest id accepted; a file name made from it stays well under every system's limit.
pub const MAX_LEN: usize = 64;

/// An id is ASCII letters, digits, `-`, `_` and `.`, starting with a letter or digit, so it can
/// never name a folder (`/`, `\`), climb out of one (`..`), hide a file (a leading `.`) or start
/// an option (`-`). The reason names the id and what is allowed.
pub fn check(id: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let starts_well = id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if starts_well && id.len() <= MAX_LEN && id.chars().all(allowed) {
        Ok(())
    } else {
        Err(format!(
            "study id `{}` is not allowed: use 1 to {MAX_LEN} ASCII letters, digits, `-`, `_` or `.`, \
             starting with a letter or digit (it becomes part of chart file names)",
            id.escape_debug()
        ))
    }
}

/// The id as a file-name stem, after the check; every file name made from a study id goes through here.
pub fn file_stem(id: &str) -> Result<&str, String> {
    check(id).map(|()| id)
}

/// serde `deserialize_with` for a study id in the config: the TOML error then carries the line.
pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let id = <String as serde::Deserialize>::deserialize(deserializer)?;
    check(&id).map_err(serde::de::Error::custom)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_that_could_leave_a_folder_are_refused() {
        for ok in ["econsultancy", "demo-tracker", "bitkom-2017", "a_b.c", "X1"] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
        let long = "a".repeat(MAX_LEN + 1);
        for bad in [
            "", "../x", "..", ".hidden", "a/b", "a\\b", "-rf", "c:x", "ä", "a b", "a\0", &long,
        ] {
            assert!(check(bad).is_err(), "{bad:?}");
        }
        assert!(check("../../x").unwrap_err().contains("`../../x`"));
        assert_eq!(file_stem("econsultancy"), Ok("econsultancy"));
    }
}

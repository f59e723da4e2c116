//! Label text as questionnaires write it: HTML entities decoded, the matching key (case, umlauts,
//! punctuation and spaces folded), and a label taken apart into its joined parts and its notes.

use unicode_normalization::UnicodeNormalization;

use super::lexicon::{FILLER, FILLER_SUFFIXES, JOINING_CHARS, JOINING_WORDS, NOTE_WORDS};

/// `&amp;`, `&nbsp;`, `&#39;` and friends as the characters they stand for (exports from web tools
/// carry option texts HTML-escaped); anything else is left as written.
pub fn decode_entities(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest[1..]
            .find(';')
            .filter(|end| *end <= 8)
            .and_then(|end| entity(&rest[1..=end]).map(|c| (c, end + 2)));
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn entity(name: &str) -> Option<char> {
    let named = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "auml" => 'ä',
        "ouml" => 'ö',
        "uuml" => 'ü',
        "Auml" => 'Ä',
        "Ouml" => 'Ö',
        "Uuml" => 'Ü',
        "szlig" => 'ß',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            return char::from_u32(code);
        }
    };
    Some(named)
}

/// Lowercase, entities decoded, umlauts spelled out, apostrophes dropped ("Don't" is "dont"),
/// other punctuation and runs of space (non-breaking ones too) folded to one space.
pub fn normalize(label: &str) -> String {
    let label = decode_entities(label);
    let mut out = String::with_capacity(label.len());
    let mut pending_space = false;
    // NFKC first: macOS exports write "Ö" as "O" + a combining diaeresis, some tools full-width "ＰＲ".
    for ch in label.trim().nfkc().flat_map(char::to_lowercase) {
        let spelled = match ch {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
            '\'' | '\u{2019}' | '`' | '\u{b4}' => continue,
            c if c.is_alphanumeric() => {
                push_word_char(&mut out, &mut pending_space, c);
                continue;
            }
            _ => {
                pending_space = !out.is_empty();
                continue;
            }
        };
        for c in spelled.chars() {
            push_word_char(&mut out, &mut pending_space, c);
        }
    }
    out
}

fn push_word_char(out: &mut String, pending_space: &mut bool, c: char) {
    if *pending_space {
        out.push(' ');
        *pending_space = false;
    }
    out.push(c);
}

/// A label without its parenthesised notes, and the notes that may be other names for it
/// (`Human Resources (HR)` is `Human Resources` and `HR`); instructions such as
/// `(please specify)` are dropped. `None` when the label has no parentheses.
pub fn parenthesised(text: &str) -> Option<(String, Vec<String>)> {
    if !text.contains(['(', '[']) {
        return None;
    }
    let (mut outer, mut notes, mut note, mut depth) = (String::new(), Vec::new(), String::new(), 0usize);
    for ch in text.chars() {
        match ch {
            '(' | '[' => {
                depth += 1;
                outer.push(' ');
            }
            ')' | ']' if depth > 0 => {
                depth -= 1;
                if depth == 0 {
                    notes.push(std::mem::take(&mut note));
                }
            }
            c if depth > 0 => note.push(c),
            c => outer.push(c),
        }
    }
    if depth > 0 {
        notes.push(note);
    }
    let names = notes
        .into_iter()
        .filter(|n| !is_instruction(n) && !normalize(n).is_empty())
        .collect();
    Some((outer.trim().to_string(), names))
}

fn is_instruction(note: &str) -> bool {
    let key = normalize(note);
    let words: Vec<&str> = key.split(' ').collect();
    NOTE_WORDS
        .iter()
        .any(|w| words.contains(w) || (w.contains(' ') && format!(" {key} ").contains(&format!(" {w} "))))
}

/// The parts of a label joined by `/`, `&`, `and`, `und` ...; one part when nothing joins.
/// German gender endings (`Inhaber/in`, `Geschäftsführer*innen`) are not joiners.
pub fn joined_parts(text: &str) -> Vec<String> {
    let text = without_gender_endings(text);
    let mut parts = Vec::new();
    for segment in text.split(JOINING_CHARS) {
        let mut current: Vec<&str> = Vec::new();
        for word in segment.split(char::is_whitespace).filter(|w| !w.is_empty()) {
            if JOINING_WORDS.contains(&word.to_lowercase().as_str()) {
                parts.extend((!current.is_empty()).then(|| current.join(" ")));
                current.clear();
            } else {
                current.push(word);
            }
        }
        parts.extend((!current.is_empty()).then(|| current.join(" ")));
    }
    parts
}

/// The key without filler words, then also without German compound endings
/// (`vertriebsabteilung` -> `vertrieb`, linking "s" included); keys that differ from `key`.
pub fn without_filler(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split(' ').filter(|w| !FILLER.contains(w)).collect();
    let mut keys: Vec<String> = Vec::new();
    let mut push = |candidate: String| {
        if !candidate.is_empty() && candidate != key && !keys.contains(&candidate) {
            keys.push(candidate);
        }
    };
    push(words.join(" "));
    // Initials written with dots or spaces ("P.R.", "H R").
    if words.len() > 1 && words.iter().all(|w| w.chars().count() == 1) {
        push(words.concat());
    }
    let stems: Vec<(&str, bool)> = words.iter().map(|w| compound_stem(w)).collect();
    push(stems.iter().map(|(w, _)| *w).collect::<Vec<_>>().join(" "));
    // The linking "s" of German compounds ("Vertriebs-", "Kommunikations-").
    let unlinked: Vec<&str> = stems
        .iter()
        .map(|(w, cut)| if *cut { w.strip_suffix('s').unwrap_or(w) } else { w })
        .collect();
    push(unlinked.join(" "));
    keys
}

/// A word without a filler ending, and whether one was cut.
fn compound_stem(word: &str) -> (&str, bool) {
    FILLER_SUFFIXES
        .iter()
        .find_map(|suffix| word.strip_suffix(suffix).filter(|stem| stem.len() >= 2))
        .map_or((word, false), |stem| (stem, true))
}

/// `Inhaber/in`, `Inhaber/-in`, `Gründer*innen`, `Chef:in`, `Leiter_in` without the ending.
fn without_gender_endings(text: &str) -> String {
    let mut out = text.to_string();
    for mark in ["/-", "/", "*", ":", "_"] {
        for ending in ["innen", "in"] {
            let pattern = format!("{mark}{ending}");
            let mut from = 0;
            while let Some(at) = out[from..].find(&pattern).map(|i| i + from) {
                let end = at + pattern.len();
                let ends_word = out[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
                let after_word = out[..at].chars().next_back().is_some_and(char::is_alphabetic);
                if ends_word && after_word {
                    out.replace_range(at..end, "");
                    from = at;
                } else {
                    from = end;
                }
            }
        }
    }
    out
}

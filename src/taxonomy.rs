//! Department labels to canonical category ids: the built-in English and German
//! aliases, study overrides, compound and joined labels, and "did you mean" suggestions for
//! unknown labels.

// Paths spelled out: the fuzz crate compiles this file by path, where `mod x;` alone would be
// looked for beside it rather than in `taxonomy/`.
#[path = "taxonomy/lexicon.rs"]
mod lexicon;
#[cfg(test)]
#[path = "taxonomy/spellings.rs"]
mod spellings;
#[path = "taxonomy/text.rs"]
mod text;

use std::collections::BTreeMap;

use lexicon::{BUILTIN, NO_ANSWER};
pub use text::{decode_entities, normalize};

/// One canonical category with its display names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub en: String,
    pub de: String,
}

/// One spelling of a category.
#[derive(Debug, Clone)]
struct Alias {
    id: String,
    /// The label as first written, for suggestions and collision messages.
    written: String,
    /// Given by the user (a study's `[taxonomy]`, `--alias`), not the built-in lexicon.
    declared: bool,
}

/// What a label names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// One category (every part of a compound label agrees).
    Known(&'a str),
    /// A label joining parts that name different categories (`Sales & Marketing`), in taxonomy order.
    Several(Vec<&'a str>),
    Unknown,
}

/// Maps raw labels to category ids; matching ignores case, punctuation and umlaut spelling.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    categories: Vec<Category>,
    /// Normalized label -> its category.
    aliases: BTreeMap<String, Alias>,
    /// Ids of the categories a study declares, in the order declared.
    declared: Vec<String>,
}

impl Taxonomy {
    /// The built-in taxonomy of DESIGN.md; every id and display name is also an alias.
    pub fn builtin() -> Self {
        let mut taxonomy = Taxonomy::empty();
        for (id, en, de, aliases) in BUILTIN {
            taxonomy.push_category(id, en, de, false);
            for alias in *aliases {
                taxonomy.insert_alias(alias, id, false);
            }
        }
        taxonomy
    }

    /// No categories at all (`builtin = false`): only what a study declares.
    pub fn empty() -> Self {
        Taxonomy {
            categories: Vec::new(),
            aliases: BTreeMap::new(),
            declared: Vec::new(),
        }
    }

    /// The built-in spellings of `id`, for a study that declares a built-in category with
    /// `builtin = false` ("Vertrieb" still means `sales` once `sales` is declared).
    pub fn adopt_builtin_spellings(&mut self, id: &str) {
        for (_, _, _, aliases) in BUILTIN.iter().filter(|(builtin_id, ..)| *builtin_id == id) {
            for alias in *aliases {
                if !self.aliases.contains_key(&normalize(alias)) {
                    self.insert_alias(alias, id, false);
                }
            }
        }
    }

    /// Adds (or renames) a category; its id and names become (declared) aliases.
    pub fn add_category(&mut self, id: &str, en: &str, de: &str) {
        self.push_category(id, en, de, true);
        if !self.declared.iter().any(|d| d == id) {
            self.declared.push(id.to_string());
        }
    }

    /// The categories a study declares (`[[taxonomy.categories]]`): the estimate stage should report
    /// each at 0 % when nobody chose it, as it does for groups.
    pub fn declared_ids(&self) -> &[String] {
        &self.declared
    }

    fn push_category(&mut self, id: &str, en: &str, de: &str, declared: bool) {
        let category = Category {
            id: id.to_string(),
            en: en.to_string(),
            de: de.to_string(),
        };
        match self.categories.iter_mut().find(|c| c.id == id) {
            Some(existing) => *existing = category,
            None => self.categories.push(category),
        }
        for name in [en, de, id] {
            self.insert_alias(name, id, declared);
        }
    }

    fn insert_alias(&mut self, label: &str, id: &str, declared: bool) {
        // The first spelling stays the one suggestions show ("Vertrieb", not "vertrieb").
        self.aliases
            .entry(normalize(label))
            .and_modify(|entry| {
                entry.id = id.to_string();
                entry.declared |= declared;
            })
            .or_insert_with(|| Alias {
                id: id.to_string(),
                written: label.to_string(),
                declared,
            });
    }

    /// Maps `label` to `id`, replacing any built-in meaning; the id must exist, and two declared
    /// labels that only differ in case or punctuation (`C++`, `C#`) may not name different ids.
    pub fn add_alias(&mut self, label: &str, id: &str) -> Result<(), String> {
        if self.category(id).is_none() {
            return Err(format!(
                "alias `{label}` points to unknown category `{id}`; known: {}",
                self.ids().join(", ")
            ));
        }
        let key = normalize(label);
        if key.is_empty() {
            return Err(format!("alias `{label}` has no letters or digits to match"));
        }
        if let Some(other) = self
            .aliases
            .get(&key)
            .filter(|a| a.declared && a.id != id && a.written != label)
        {
            return Err(format!(
                "aliases `{}` ({}) and `{label}` ({id}) are the same label once case and punctuation \
                 are ignored (`{key}`); keep one of them",
                other.written, other.id
            ));
        }
        self.insert_alias(label, id, true);
        Ok(())
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    /// Category ids in taxonomy order (the order reports list them in).
    pub fn ids(&self) -> Vec<&str> {
        self.categories.iter().map(|c| c.id.as_str()).collect()
    }

    /// Position of a category in taxonomy order; unknown ids sort last.
    pub fn rank(&self, id: &str) -> usize {
        self.categories.iter().position(|c| c.id == id).unwrap_or(usize::MAX)
    }

    /// The display name in `lang` ("en" or "de"), or the id itself when unknown.
    pub fn display<'a>(&'a self, id: &'a str, lang: &str) -> &'a str {
        match (self.category(id), lang) {
            (Some(c), "de") => &c.de,
            (Some(c), _) => &c.en,
            (None, _) => id,
        }
    }

    /// The category `label` names, when it names exactly one.
    pub fn resolve(&self, label: &str) -> Option<&str> {
        match self.lookup(label) {
            Lookup::Known(id) => Some(id),
            _ => None,
        }
    }

    /// What `label` names. A declared spelling is taken as written; otherwise a label joining
    /// parts (`PR / Corporate Communications`) names what every part names, and a part is read
    /// through its parenthesised notes (`Human Resources (HR)`) and filler words (`dept.`, `Abteilung`).
    pub fn lookup(&self, label: &str) -> Lookup<'_> {
        let text = decode_entities(label);
        let key = normalize(&text);
        match self.aliases.get(&key) {
            Some(alias) if alias.declared => return Lookup::Known(&alias.id),
            _ => {}
        }
        let parts = text::joined_parts(&text);
        if let [part] = parts.as_slice() {
            return self.lookup_part(part);
        }
        if parts.len() > 1 {
            let joined = self.combine(parts.iter().map(|p| self.lookup_part(p)));
            if joined != Lookup::Unknown {
                return joined;
            }
        }
        // A built-in spelling that itself holds a joiner ("IT / Digital", "People & Culture").
        self.lookup_part(&text)
    }

    /// One part of a label: an exact spelling, its parenthesised names, or the words left without filler.
    fn lookup_part(&self, text: &str) -> Lookup<'_> {
        let key = normalize(text);
        if let Some(alias) = self.aliases.get(&key) {
            return Lookup::Known(&alias.id);
        }
        if let Some((outer, names)) = text::parenthesised(text) {
            // A note that names nothing known ("Marketing (Brand)") leaves the label to its outer
            // words; outer words that name nothing leave the label unknown ("Xyz (HR)").
            let names = names.iter().map(|n| self.lookup(n)).filter(|l| *l != Lookup::Unknown);
            if outer.is_empty() {
                return self.combine(names);
            }
            return self.combine(std::iter::once(self.lookup(&outer)).chain(names));
        }
        text::without_filler(&key)
            .iter()
            .find_map(|k| self.aliases.get(k))
            .map_or(Lookup::Unknown, |alias| Lookup::Known(&alias.id))
    }

    /// All known and agreeing: that category; known but different: several; any unknown: unknown.
    fn combine<'a>(&'a self, lookups: impl Iterator<Item = Lookup<'a>>) -> Lookup<'a> {
        let mut ids: Vec<&str> = Vec::new();
        for lookup in lookups {
            match lookup {
                Lookup::Known(id) => ids.push(id),
                Lookup::Several(more) => ids.extend(more),
                Lookup::Unknown => return Lookup::Unknown,
            }
        }
        ids.sort_by_key(|id| (self.rank(id), *id));
        ids.dedup();
        match ids.as_slice() {
            [] => Lookup::Unknown,
            [one] => Lookup::Known(one),
            _ => Lookup::Several(ids),
        }
    }

    /// True when a cell holds no department at all: a no-answer spelling ("N/A", "none") that the
    /// study has not declared as an option of its own.
    pub fn is_no_answer(&self, label: &str) -> bool {
        is_no_answer(label) && !self.aliases.get(&normalize(label)).is_some_and(|a| a.declared)
    }

    /// The closest known label, by normalized Jaro-Winkler similarity, when it is close enough.
    pub fn suggest(&self, label: &str) -> Option<String> {
        let wanted = normalize(label);
        let mut best: Option<(f64, &str, &str)> = None;
        for (alias, Alias { id, written, .. }) in &self.aliases {
            let score = strsim::jaro_winkler(&wanted, alias);
            if best.is_none_or(|(b, _, _)| score > b) {
                best = Some((score, id, written));
            }
        }
        let (_, id, written) = best.filter(|(score, _, _)| *score >= 0.8)?;
        // Built-in aliases are stored in lower case; show the category's name as people write it
        // (English or German, whichever is closer to what was typed).
        if written.chars().any(char::is_uppercase) {
            return Some(written.to_string());
        }
        let category = self.category(id)?;
        let closer = |name: &str| strsim::jaro_winkler(&wanted, &normalize(name));
        let name = if closer(&category.de) > closer(&category.en) {
            &category.de
        } else {
            &category.en
        };
        Some(name.clone())
    }
}

/// True when a cell holds no department in any study (`Taxonomy::is_no_answer` also knows the
/// options a study declares).
pub fn is_no_answer(label: &str) -> bool {
    NO_ANSWER.contains(&normalize(label).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_german_labels_resolve() {
        let t = Taxonomy::builtin();
        for (label, id) in [
            ("Marketing", "marketing"),
            ("  PR ", "pr"),
            ("Public Relations", "pr"),
            ("Öffentlichkeitsarbeit", "pr"),
            ("Oeffentlichkeitsarbeit", "pr"),
            ("Unternehmenskommunikation", "pr"),
            ("Vertrieb", "sales"),
            ("Personal", "hr"),
            ("Kundendienst", "customer_service"),
            ("customer_service", "customer_service"),
            ("Customer-Service", "customer_service"),
            ("Geschäftsführung", "executive"),
            ("Cross-functional team", "cross_functional"),
            ("Not reported", "not_reported"),
            ("O\u{308}ffentlichkeitsarbeit", "pr"),
            ("\u{FF30}\u{FF32}", "pr"),
        ] {
            assert_eq!(t.resolve(label), Some(id), "{label}");
        }
        assert_eq!(t.resolve("Marketng"), None);
    }

    #[test]
    fn suggestions_name_the_closest_label() {
        let t = Taxonomy::builtin();
        assert_eq!(t.suggest("Marketng").as_deref(), Some("Marketing"));
        assert_eq!(t.suggest("Vertreib").as_deref(), Some("Vertrieb"));
        assert_eq!(t.suggest("qqqqqqqq"), None);
        assert_eq!(t.suggest("Marketingabteilungg").as_deref(), Some("Marketing"));
    }

    #[test]
    fn config_overrides_replace_builtin_meanings() {
        let mut t = Taxonomy::builtin();
        t.add_alias("Communications", "marketing").unwrap();
        assert_eq!(t.resolve("communications"), Some("marketing"));
        assert!(t.add_alias("x", "nope").is_err());
        t.add_category("social_team", "Social media team", "Social-Media-Team");
        assert_eq!(t.resolve("Social-Media-Team"), Some("social_team"));
    }

    #[test]
    fn no_answer_cells() {
        assert!(is_no_answer(""));
        assert!(is_no_answer(" N/A "));
        assert!(is_no_answer("keine Angabe"));
        assert!(!is_no_answer("HR"));
    }
}

//! Department labels to canonical category ids: the built-in English and German
//! aliases, study overrides, and "did you mean" suggestions for unknown labels.

use std::collections::BTreeMap;

use unicode_normalization::UnicodeNormalization;

/// One canonical category with its display names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Category {
    pub id: String,
    pub en: String,
    pub de: String,
}

/// Maps raw labels to category ids; matching ignores case, punctuation and umlaut spelling.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    categories: Vec<Category>,
    /// Normalized label -> (category id, the label as first written, for suggestions).
    aliases: BTreeMap<String, (String, String)>,
}

const BUILTIN: &[(&str, &str, &str, &[&str])] = &[
    (
        "marketing",
        "Marketing",
        "Marketing",
        &[
            "digital marketing",
            "digital marketing team",
            "marketing team",
            "marketing department",
            "direct marketing",
            "online marketing",
            "marketingabteilung",
            "marketing abteilung",
        ],
    ),
    (
        "pr",
        "PR",
        "PR / Öffentlichkeitsarbeit",
        &[
            "public relations",
            "pr team",
            "pr department",
            "pr or communications team",
            "pr communications",
            "pr and communications",
            "communications",
            "communications team",
            "corporate communications",
            "kommunikation",
            "unternehmenskommunikation",
            "öffentlichkeitsarbeit",
            "presse",
            "pressestelle",
            "pr abteilung",
            "pr kommunikation",
        ],
    ),
    (
        "customer_service",
        "Customer service",
        "Kundendienst",
        &[
            "customer care",
            "customer support",
            "kundendienst",
            "kundenservice",
            "kundenbetreuung",
        ],
    ),
    ("sales", "Sales", "Vertrieb", &["vertrieb", "verkauf", "sales team"]),
    (
        "hr",
        "HR",
        "Personal",
        &[
            "human resources",
            "personal",
            "personalabteilung",
            "personalwesen",
            "hr department",
        ],
    ),
    (
        "it",
        "IT",
        "IT",
        &["information technology", "edv", "it abteilung", "it department"],
    ),
    (
        "executive",
        "Executive / CEO",
        "Geschäftsführung",
        &[
            "management",
            "ceo",
            "ceo owner",
            "owner",
            "leadership",
            "executive team",
            "geschäftsführung",
            "vorstand",
            "unternehmensleitung",
            "geschäftsleitung",
        ],
    ),
    (
        "cross_functional",
        "Cross-functional team",
        "Bereichsübergreifendes Team",
        &[
            "cross functional",
            "multiple departments",
            "several departments",
            "scattered across departments",
            "interdisciplinary team",
            "bereichsübergreifend",
            "bereichsübergreifendes team",
            "abteilungsübergreifend",
            "abteilungsübergreifendes team",
        ],
    ),
    (
        "dedicated_team",
        "Dedicated social media team",
        "Eigenes Social-Media-Team",
        &[
            "dedicated team",
            "dedicated social media department",
            "social media team",
            "social media department",
            "spezialisierte teams",
            "spezialisiertes team",
            "social media abteilung",
        ],
    ),
    (
        "other",
        "Other",
        "Sonstige",
        &["sonstige", "sonstiges", "andere", "other department"],
    ),
    (
        "dont_know",
        "Don't know",
        "Weiß nicht",
        &["dont know", "do not know", "weiss nicht", "unsure", "not sure"],
    ),
    (
        "not_reported",
        "Not reported",
        "Nicht berichtet",
        &["nicht berichtet", "nicht ausgewiesen"],
    ),
];

/// Cells that mean "no answer" rather than a department.
const NO_ANSWER: &[&str] = &["", "na", "n a", "none", "no answer", "keine angabe", "missing"];

impl Taxonomy {
    /// The built-in taxonomy of DESIGN.md; every id and display name is also an alias.
    pub fn builtin() -> Self {
        let mut taxonomy = Taxonomy {
            categories: Vec::new(),
            aliases: BTreeMap::new(),
        };
        for (id, en, de, aliases) in BUILTIN {
            taxonomy.add_category(id, en, de);
            for alias in *aliases {
                taxonomy.insert_alias(alias, id);
            }
        }
        taxonomy
    }

    /// Adds (or renames) a category; its id and names become aliases.
    pub fn add_category(&mut self, id: &str, en: &str, de: &str) {
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
            self.insert_alias(name, id);
        }
    }

    fn insert_alias(&mut self, label: &str, id: &str) {
        // The first spelling stays the one suggestions show ("Vertrieb", not "vertrieb").
        self.aliases
            .entry(normalize(label))
            .and_modify(|entry| entry.0 = id.to_string())
            .or_insert_with(|| (id.to_string(), label.to_string()));
    }

    /// Maps `label` to `id`, replacing any built-in meaning; the id must exist.
    pub fn add_alias(&mut self, label: &str, id: &str) -> Result<(), String> {
        if self.category(id).is_none() {
            return Err(format!(
                "alias `{label}` points to unknown category `{id}`; known: {}",
                self.ids().join(", ")
            ));
        }
        self.insert_alias(label, id);
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

    pub fn resolve(&self, label: &str) -> Option<&str> {
        self.aliases.get(&normalize(label)).map(|(id, _)| id.as_str())
    }

    /// The closest known label, by normalized Jaro-Winkler similarity, when it is close enough.
    pub fn suggest(&self, label: &str) -> Option<String> {
        let wanted = normalize(label);
        let mut best: Option<(f64, &str, &str)> = None;
        for (alias, (id, written)) in &self.aliases {
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

/// True when a cell holds no department at all.
pub fn is_no_answer(label: &str) -> bool {
    NO_ANSWER.contains(&normalize(label).as_str())
}

/// Lowercase, umlauts spelled out, punctuation and runs of space folded to one space.
pub fn normalize(label: &str) -> String {
    let mut out = String::with_capacity(label.len());
    let mut pending_space = false;
    // NFKC first: macOS exports write "Ö" as "O" + a combining diaeresis, some tools full-width "ＰＲ".
    for ch in label.trim().nfkc().flat_map(char::to_lowercase) {
        let spelled = match ch {
            'ä' => "ae",
            'ö' => "oe",
            'ü' => "ue",
            'ß' => "ss",
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

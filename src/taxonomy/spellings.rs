//! Department labels as real questionnaires write them, English and German, each with the
//! category it must resolve to; and labels joining two departments, which must not resolve.

use super::{Lookup, Taxonomy};

/// `(label as written, category id)`.
const SPELLINGS: &[(&str, &str)] = &[
    // marketing
    ("Marketing", "marketing"),
    ("MARKETING", "marketing"),
    ("Marketing dept.", "marketing"),
    ("Marketing Dept", "marketing"),
    ("Marketing department", "marketing"),
    ("The marketing team", "marketing"),
    ("Marketing-Abteilung", "marketing"),
    ("Marketingabteilung", "marketing"),
    ("Abteilung Marketing", "marketing"),
    ("Marketingteam", "marketing"),
    ("Brand Marketing", "marketing"),
    ("Brand management", "marketing"),
    ("Digital Marketing", "marketing"),
    ("Online-Marketing", "marketing"),
    ("Marketing (incl. social ads)", "marketing"),
    ("Marketing / Brand", "marketing"),
    ("Werbung", "marketing"),
    ("Marketing\u{a0}team", "marketing"),
    // pr
    ("PR", "pr"),
    ("P.R.", "pr"),
    ("Public Relations (PR)", "pr"),
    ("PR / Corporate Communications", "pr"),
    ("Corporate Communications", "pr"),
    ("Communications", "pr"),
    ("Comms", "pr"),
    ("Media Relations", "pr"),
    ("Press office", "pr"),
    ("Öffentlichkeitsarbeit", "pr"),
    ("Öffentlichkeitsarbeit / PR", "pr"),
    ("Presse- und Öffentlichkeitsarbeit", "pr"),
    ("Presse &amp; Öffentlichkeitsarbeit", "pr"),
    ("Unternehmenskommunikation", "pr"),
    ("Abteilung Kommunikation", "pr"),
    ("Kommunikationsabteilung", "pr"),
    ("Pressestelle", "pr"),
    ("PR-Abteilung", "pr"),
    ("Public Affairs", "pr"),
    // customer service
    ("Customer Service", "customer_service"),
    ("Customer Service / Support", "customer_service"),
    ("Customer service dept.", "customer_service"),
    ("Customer Care", "customer_service"),
    ("Customer Support", "customer_service"),
    ("Customer Success", "customer_service"),
    ("Kundendienst", "customer_service"),
    ("Kundenservice", "customer_service"),
    ("Kundenservice-Team", "customer_service"),
    ("Call Center", "customer_service"),
    // sales
    ("Sales", "sales"),
    ("Sales dept.", "sales"),
    ("Vertrieb", "sales"),
    ("Vertrieb / Sales", "sales"),
    ("Vertriebsabteilung", "sales"),
    ("Verkauf", "sales"),
    ("Business Development", "sales"),
    // hr
    ("HR", "hr"),
    ("Human Resources (HR)", "hr"),
    ("Human Resources", "hr"),
    ("HR-Abteilung", "hr"),
    ("HR dept", "hr"),
    ("Personal", "hr"),
    ("Personalabteilung", "hr"),
    ("Personalwesen", "hr"),
    ("People & Culture", "hr"),
    ("Recruiting", "hr"),
    // it
    ("IT", "it"),
    ("IT / Digital", "it"),
    ("IT department", "it"),
    ("IT-Abteilung", "it"),
    ("Information Technology (IT)", "it"),
    ("EDV", "it"),
    // executive
    ("Executive Management", "executive"),
    ("Management Board", "executive"),
    ("Board of Directors", "executive"),
    ("C-Suite", "executive"),
    ("C-level", "executive"),
    ("CEO", "executive"),
    ("CEO / Owner", "executive"),
    ("Owner", "executive"),
    ("Founder", "executive"),
    ("Senior management", "executive"),
    ("Inhaber", "executive"),
    ("Inhaber/in", "executive"),
    ("Geschäftsleitung", "executive"),
    ("Geschäftsführung", "executive"),
    ("Geschaeftsfuehrung", "executive"),
    ("Geschäftsführer", "executive"),
    ("Vorstand", "executive"),
    ("Unternehmensleitung", "executive"),
    // cross-functional, dedicated team, other, don't know
    ("Cross-functional team", "cross_functional"),
    ("Abteilungsübergreifend", "cross_functional"),
    ("Mehrere Abteilungen", "cross_functional"),
    ("Social Media Team", "dedicated_team"),
    ("Social-Media-Abteilung", "dedicated_team"),
    ("Other (please specify)", "other"),
    ("Other", "other"),
    ("Other - Write In", "other"),
    ("Sonstige (bitte angeben)", "other"),
    ("Sonstiges", "other"),
    ("Agentur", "other"),
    ("External agency", "other"),
    ("Don't know", "dont_know"),
    ("Don’t know", "dont_know"),
    ("Weiß nicht", "dont_know"),
];

#[test]
fn real_world_spellings_resolve() {
    let t = Taxonomy::builtin();
    assert!(SPELLINGS.len() >= 80, "{} spellings", SPELLINGS.len());
    let wrong: Vec<String> = SPELLINGS
        .iter()
        .filter(|(label, id)| t.resolve(label) != Some(*id))
        .map(|(label, id)| format!("{label:?}: {:?}, expected {id}", t.lookup(label)))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `(label, every department it names)`.
const JOINED: &[(&str, &[&str])] = &[
    ("Marketing & Communications", &["marketing", "pr"]),
    ("Marketing &amp; Communications", &["marketing", "pr"]),
    ("Sales & Marketing", &["marketing", "sales"]),
    ("Sales and Marketing", &["marketing", "sales"]),
    ("Marketing und Vertrieb", &["marketing", "sales"]),
    ("Marketing/PR", &["marketing", "pr"]),
    ("Marketing + PR", &["marketing", "pr"]),
    ("Marketing, PR & Kommunikation", &["marketing", "pr"]),
    ("Marketing oder IT", &["marketing", "it"]),
    ("HR / IT", &["hr", "it"]),
    ("Vertrieb und Kundendienst", &["customer_service", "sales"]),
    ("Marketing (and Sales)", &["marketing", "sales"]),
    ("CEO & Marketing", &["marketing", "executive"]),
];

#[test]
fn labels_joining_departments_are_several() {
    let t = Taxonomy::builtin();
    for (label, ids) in JOINED {
        assert_eq!(t.lookup(label), Lookup::Several(ids.to_vec()), "{label}");
        assert_eq!(t.resolve(label), None, "{label}");
    }
}

#[test]
fn unknown_parts_leave_the_label_unknown() {
    let t = Taxonomy::builtin();
    for label in [
        "Marketng",
        "Marketing / Xyzzy",
        "Xyzzy (HR)",
        "Abteilung",
        "dept.",
        "Team",
        "C++",
    ] {
        assert_eq!(t.lookup(label), Lookup::Unknown, "{label}");
    }
}

#[test]
fn a_declared_alias_is_taken_as_written() {
    let mut t = Taxonomy::builtin();
    t.add_alias("Marketing & Communications", "marketing").unwrap();
    assert_eq!(t.resolve("Marketing &amp; Communications"), Some("marketing"));
    assert_eq!(
        t.lookup("Sales & Marketing"),
        Lookup::Several(vec!["marketing", "sales"])
    );
}

#[test]
fn declared_aliases_that_collide_once_punctuation_is_dropped_are_refused() {
    let mut t = Taxonomy::builtin();
    t.add_category("lang_c", "Language C", "Sprache C");
    t.add_category("lang_cpp", "Language C++", "Sprache C++");
    t.add_alias("C", "lang_c").unwrap();
    let err = t.add_alias("C++", "lang_cpp").unwrap_err();
    assert!(err.contains("`C` (lang_c) and `C++` (lang_cpp)"), "{err}");
    // The same meaning twice is harmless; a built-in meaning may be replaced.
    t.add_alias("c#", "lang_c").unwrap();
    t.add_alias("Communications", "marketing").unwrap();
    assert_eq!(t.resolve("communications"), Some("marketing"));
}

#[test]
fn declared_options_are_answers_not_no_answer() {
    let mut t = Taxonomy::builtin();
    assert!(t.is_no_answer("N/A"));
    t.add_category("not_applicable", "Not applicable", "Nicht zutreffend");
    t.add_alias("N/A", "not_applicable").unwrap();
    assert!(!t.is_no_answer("n/a"));
    assert_eq!(t.resolve("N/A"), Some("not_applicable"));
    assert!(t.is_no_answer(""));
    assert!(t.is_no_answer("none"));
    assert_eq!(t.declared_ids(), ["not_applicable"]);
}

#[test]
fn entities_and_spaces_in_the_key() {
    assert_eq!(super::normalize("R&amp;D"), "r d");
    assert_eq!(super::normalize("Don&#39;t\u{a0}know"), "dont know");
    assert_eq!(super::decode_entities("A &amp; B &unknown; &"), "A & B &unknown; &");
}

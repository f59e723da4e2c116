//! Named groups of categories (`communications = marketing, pr`): parsing `--group`, and checking
//! every group against the taxonomy once, where settings are built, so no stage sees a bad one.

use crate::taxonomy::Taxonomy;

/// A named set of categories, e.g. `communications = marketing, pr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub members: Vec<String>,
}

/// The name of the group every study gets unless configured otherwise.
pub const COMMUNICATIONS: &str = "communications";

impl Group {
    /// The group every study gets unless configured otherwise.
    pub fn communications() -> Self {
        Group {
            name: COMMUNICATIONS.into(),
            members: vec!["marketing".into(), "pr".into()],
        }
    }

    /// Parses `NAME=a,b`.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let (name, members) = text
            .split_once('=')
            .ok_or_else(|| format!("group `{text}` is not NAME=a,b"))?;
        let members: Vec<String> = members
            .split(',')
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if name.trim().is_empty() || members.is_empty() {
            return Err(format!("group `{text}` needs a name and at least one category"));
        }
        Ok(Group {
            name: name.trim().to_string(),
            members,
        })
    }

    /// Every member a category id of `taxonomy`, each once, and a name that is not itself a
    /// category id (its row would be mistaken for the category's in every output).
    pub fn check(&self, taxonomy: &Taxonomy) -> std::result::Result<(), String> {
        let name = &self.name;
        if taxonomy.category(name).is_some() {
            return Err(format!(
                "group name `{name}` is a category id; pick another name, e.g. `{name}_group`"
            ));
        }
        if self.members.is_empty() {
            return Err(format!("group `{name}` has no categories"));
        }
        for (i, member) in self.members.iter().enumerate() {
            if taxonomy.category(member).is_none() {
                return Err(format!(
                    "group `{name}`: unknown category `{member}`{}",
                    hint(member, taxonomy)
                ));
            }
            if self.members[..i].contains(member) {
                return Err(format!("group `{name}` names `{member}` twice"));
            }
        }
        Ok(())
    }
}

/// "did you mean" with the category id (groups take ids, not labels), else the known ids.
fn hint(member: &str, taxonomy: &Taxonomy) -> String {
    let id = taxonomy.resolve(member).map(str::to_string).or_else(|| {
        taxonomy
            .suggest(member)
            .and_then(|s| taxonomy.resolve(&s).map(str::to_string))
    });
    match id {
        Some(id) => format!("; did you mean `{id}`?"),
        None => format!("; categories are: {}", taxonomy.ids().join(", ")),
    }
}

/// The groups of the command line: `communications` first, then each `--group NAME=a,b`.
/// `communications` may be redefined once (in place); any other name given twice is an error.
pub fn groups_from_args(texts: &[String], taxonomy: &Taxonomy) -> std::result::Result<Vec<Group>, String> {
    let mut groups = vec![Group::communications()];
    let mut redefined = false;
    for text in texts {
        let group = Group::parse(text)?;
        group.check(taxonomy)?;
        if group.name == COMMUNICATIONS && !redefined {
            redefined = true;
            groups[0] = group;
        } else if groups.iter().any(|g| g.name == group.name) {
            return Err(format!("group `{}` is given twice", group.name));
        } else {
            groups.push(group);
        }
    }
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(texts: &[&str]) -> std::result::Result<Vec<Group>, String> {
        let texts: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        groups_from_args(&texts, &Taxonomy::builtin())
    }

    #[test]
    fn unknown_members_are_errors_with_the_nearest_id() {
        let message = args(&["comms=marketing,prr"]).unwrap_err();
        assert!(message.contains("unknown category `prr`"), "{message}");
        assert!(message.contains("did you mean `pr`?"), "{message}");
        // A label is not an id, but it says which id it means.
        let label = args(&["comms=Marketing"]).unwrap_err();
        assert!(label.contains("did you mean `marketing`?"), "{label}");
        let far = args(&["comms=zzzzqqq"]).unwrap_err();
        assert!(far.contains("categories are: marketing, pr"), "{far}");
    }

    #[test]
    fn a_group_may_not_take_a_category_id_as_its_name() {
        let message = args(&["marketing=pr"]).unwrap_err();
        assert!(message.contains("group name `marketing` is a category id"), "{message}");
    }

    #[test]
    fn names_are_unique_but_communications_may_be_redefined_once() {
        let groups = args(&["communications=hr", "comms=marketing,sales"]).unwrap();
        let names: Vec<&str> = groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["communications", "comms"]);
        assert_eq!(groups[0].members, ["hr"]);
        let twice = args(&["comms=marketing", "comms=hr"]).unwrap_err();
        assert!(twice.contains("group `comms` is given twice"), "{twice}");
        let again = args(&["communications=hr", "communications=sales"]).unwrap_err();
        assert!(again.contains("`communications` is given twice"), "{again}");
    }

    #[test]
    fn a_member_named_twice_is_an_error() {
        let message = args(&["comms=pr,marketing,pr"]).unwrap_err();
        assert!(message.contains("names `pr` twice"), "{message}");
    }

    #[test]
    fn overridden_taxonomies_check_against_their_own_categories() {
        let mut taxonomy = Taxonomy::builtin();
        taxonomy.add_category("social", "Social media team", "Social-Media-Team");
        let group = Group::parse("digital=social,marketing").unwrap();
        assert_eq!(group.check(&taxonomy), Ok(()));
        assert!(group.check(&Taxonomy::builtin()).is_err());
    }

    #[test]
    fn the_readers_know_the_default_group_by_name() {
        assert_eq!(crate::ingest::aggregate::DEFAULT_GROUP, COMMUNICATIONS);
    }
}

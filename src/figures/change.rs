//! Charts of whole waves: 100 % stacked bars per wave, and the dumbbell chart of the change between two waves.

use std::collections::BTreeSet;

use super::{StudyText, group_label, is_member, lang_id, source_line, subtitle};
use crate::chart::{ChangeChart, ChangeRow, Lang, StackCategory, StackColumn, StackedChart, format_percent};
use crate::stats::{Estimate, Group, Kind};
use crate::taxonomy::Taxonomy;

/// Departments by their share in the latest wave, largest first.
fn departments_by_latest(study: &[&Estimate]) -> Vec<String> {
    let last = study.iter().map(|e| e.wave).max();
    let mut latest: Vec<(&str, f64)> = study
        .iter()
        .filter(|e| e.kind == Kind::Department && Some(e.wave) == last)
        .map(|e| (e.category.as_str(), e.share))
        .collect();
    latest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let mut ids: Vec<String> = latest.iter().map(|(id, _)| id.to_string()).collect();
    // Departments missing from the latest wave still get a place, at the end.
    let rest: BTreeSet<&str> = study
        .iter()
        .filter(|e| e.kind == Kind::Department && !ids.iter().any(|id| id == &e.category))
        .map(|e| e.category.as_str())
        .collect();
    ids.extend(rest.into_iter().map(str::to_string));
    ids
}

/// 100 % stacked bars of every wave of one study (department rows; single choice only).
pub fn stacked_chart(
    study: &[&Estimate],
    text: &StudyText,
    group: Option<&Group>,
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<StackedChart> {
    let ids = departments_by_latest(study);
    let waves: BTreeSet<i32> = study.iter().map(|e| e.wave).collect();
    let columns = waves
        .iter()
        .map(|&wave| StackColumn {
            wave,
            shares: ids
                .iter()
                .map(|id| {
                    study
                        .iter()
                        .find(|e| e.wave == wave && e.kind == Kind::Department && &e.category == id)
                        .map_or(0.0, |e| e.share)
                })
                .collect(),
        })
        .collect();
    let (first, last) = (waves.first()?, study.iter().max_by_key(|e| e.wave)?);
    let lead = lang.pick("All departments per wave:", "Alle Abteilungen je Welle:");
    Some(StackedChart {
        title: format!("{lead} {}, {first}–{}", text.title, last.wave),
        subtitle: subtitle(text, lang),
        source: source_line(text, last, lang),
        categories: ids
            .iter()
            .map(|id| StackCategory {
                label: taxonomy.display(id, lang_id(lang)).to_string(),
                highlight: is_member(group, id),
            })
            .collect(),
        columns,
        group_label: group.map(|g| group_label(g, taxonomy, lang)),
    })
}

/// The two waves to compare: `from`/`to` as given, else the last two; both must have estimates.
pub fn change_waves(study: &[&Estimate], from: Option<i32>, to: Option<i32>) -> Result<(i32, i32), String> {
    let waves: BTreeSet<i32> = study.iter().map(|e| e.wave).collect();
    let listed = || waves.iter().map(i32::to_string).collect::<Vec<_>>().join(", ");
    let mut latest = waves.iter().rev();
    let to = to.or_else(|| latest.next().copied());
    let from = from.or_else(|| waves.iter().rev().find(|&&w| Some(w) < to).copied());
    match (from, to) {
        (Some(f), Some(t)) if waves.contains(&f) && waves.contains(&t) && f != t => Ok((f, t)),
        (Some(f), Some(t)) if f == t => Err(format!("--from and --to are both {f}; pick two different waves")),
        (Some(f), Some(t)) => Err(format!(
            "no estimates for wave {} (waves: {})",
            if waves.contains(&f) { t } else { f },
            listed()
        )),
        _ => Err(format!("a change chart needs two waves; the data has {}", listed())),
    }
}

/// Dumbbell chart of the change between waves `from` and `to`: departments and the group, the group
/// first, then by the later share. Significance is `trend::compare` on just those two waves, so its
/// Holm family is exactly the rows drawn.
pub fn change_chart(
    study: &[&Estimate],
    text: &StudyText,
    group: Option<&Group>,
    (from, to): (i32, i32),
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<ChangeChart> {
    let pair: Vec<Estimate> = study
        .iter()
        .filter(|e| e.wave == from || e.wave == to)
        .map(|e| (*e).clone())
        .collect();
    let level = pair.first()?.level;
    let compared = crate::trend::compare(&pair, level);
    let share = |id: &str, wave: i32| {
        pair.iter()
            .find(|e| e.category == id && e.wave == wave)
            .map(|e| e.share)
    };
    let is_group = |id: &str| group.is_some_and(|g| g.name == id);
    let mut ids: Vec<String> = group
        .filter(|g| share(&g.name, to).is_some())
        .map(|g| g.name.clone())
        .into_iter()
        .collect();
    ids.extend(departments_by_latest(&pair.iter().collect::<Vec<_>>()));
    let mut rows = Vec::new();
    for id in &ids {
        let (Some(a), Some(b)) = (share(id, from), share(id, to)) else {
            continue;
        };
        let significant = compared
            .comparisons
            .iter()
            .any(|c| &c.category == id && c.p_adjusted.is_some_and(|p| p < 1.0 - level));
        rows.push(ChangeRow {
            label: match group.filter(|_| is_group(id)) {
                Some(g) => group_label(g, taxonomy, lang),
                None => taxonomy.display(id, lang_id(lang)).to_string(),
            },
            from: a,
            to: b,
            significant,
            highlight: is_group(id) || is_member(group, id),
        });
    }
    let last = study.iter().find(|e| e.wave == to)?;
    let alpha = format_percent(1.0 - level, 0, lang);
    let lead = lang.pick("Change", "Veränderung");
    Some(ChangeChart {
        title: format!("{lead} {from}–{to}: {}", text.title),
        subtitle: subtitle(text, lang),
        source: source_line(text, last, lang),
        from_wave: from,
        to_wave: to,
        rows,
        significance_note: match (compared.comparisons.is_empty(), lang) {
            (true, _) => lang
                .pick(
                    "no significance test: the shares come without counts",
                    "kein Signifikanztest: die Anteile haben keine Fallzahlen",
                )
                .to_string(),
            (false, Lang::En) => format!("significant at {alpha} after Holm adjustment (two-proportion z-test)"),
            (false, Lang::De) => {
                format!("signifikant auf dem {alpha}-Niveau nach Holm-Korrektur (Zwei-Stichproben-z-Test)")
            }
        },
    })
    .filter(|c| !c.rows.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::*;

    #[test]
    fn stacked_columns_follow_the_latest_order() {
        let rows = study_rows(&[2018, 2019, 2020], 9);
        let refs: Vec<&Estimate> = rows.iter().filter(|e| e.kind == Kind::Department).collect();
        let g = Group::communications();
        let chart = stacked_chart(&refs, &text(), Some(&g), &Taxonomy::builtin(), Lang::En).unwrap();
        assert_eq!(chart.columns.len(), 3);
        assert_eq!(chart.categories.len(), 9);
        assert_eq!(chart.categories[0].label, "Marketing");
        assert!(chart.categories[0].highlight && !chart.categories[2].highlight);
        for col in &chart.columns {
            assert!((col.shares.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        }
        assert_eq!(chart.group_label.as_deref(), Some("Marketing + PR"));
    }

    #[test]
    fn waves_default_to_the_last_two_and_are_checked() {
        let rows = study_rows(&[2017, 2018, 2019], 3);
        let refs: Vec<&Estimate> = rows.iter().collect();
        assert_eq!(change_waves(&refs, None, None), Ok((2018, 2019)));
        assert_eq!(change_waves(&refs, Some(2017), None), Ok((2017, 2019)));
        assert_eq!(change_waves(&refs, None, Some(2018)), Ok((2017, 2018)));
        assert!(change_waves(&refs, Some(2016), None).unwrap_err().contains("wave 2016"));
        assert!(change_waves(&refs, Some(2019), Some(2019)).is_err());
        let one: Vec<&Estimate> = refs.iter().copied().filter(|e| e.wave == 2019).collect();
        assert!(change_waves(&one, None, None).unwrap_err().contains("two waves"));
    }

    #[test]
    fn change_marks_what_holm_keeps() {
        // Wave k moves 7·k of 400 from marketing to PR: 70 by 2010 is significant, 7 is not.
        let rows = study_rows(&(2000..=2010).collect::<Vec<_>>(), 9);
        let refs: Vec<&Estimate> = rows.iter().collect();
        let g = Group::communications();
        let tax = Taxonomy::builtin();
        let chart = change_chart(&refs, &text(), Some(&g), (2000, 2010), &tax, Lang::En).unwrap();
        assert_eq!(chart.rows[0].label, "Marketing + PR");
        assert!(!chart.rows[0].significant, "the group total does not move");
        let pr = chart.rows.iter().find(|r| r.label == "PR").unwrap();
        assert!(pr.significant && pr.highlight, "{pr:?}");
        assert!(chart.rows.iter().filter(|r| r.label == "Sales").all(|r| !r.significant));
        let small = change_chart(&refs, &text(), Some(&g), (2000, 2001), &tax, Lang::De).unwrap();
        assert!(small.rows.iter().all(|r| !r.significant), "7 of 400 is noise");
        assert!(small.significance_note.contains("Holm"));
    }
}

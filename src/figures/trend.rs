//! The trend chart's lines: the group and the top departments (or the ones asked for), group first.

use std::collections::BTreeMap;

use super::{StudyText, group_label, is_member, lang_id, source_line, subtitle, title};
use crate::chart::{Lang, TrendChart, TrendPoint, TrendSeries};
use crate::stats::{Estimate, Group, Kind};
use crate::taxonomy::Taxonomy;

/// Departments drawn by default besides the group: more lines than this turn into a tangle.
pub const TOP_LINES: usize = 5;

/// Category ids to draw: `wanted` in its order, or the group then the top departments by latest share.
fn pick_lines(study: &[&Estimate], group: Option<&Group>, wanted: Option<&[String]>) -> Vec<String> {
    if let Some(wanted) = wanted {
        return wanted.to_vec();
    }
    let Some(last) = study.iter().map(|e| e.wave).max() else {
        return Vec::new();
    };
    let mut latest: Vec<&&Estimate> = study
        .iter()
        .filter(|e| e.wave == last && e.kind == Kind::Department)
        .collect();
    latest.sort_by(|a, b| b.share.total_cmp(&a.share).then_with(|| a.category.cmp(&b.category)));
    let group_row = group.filter(|g| study.iter().any(|e| e.kind == Kind::Group && e.category == g.name));
    group_row
        .map(|g| g.name.clone())
        .into_iter()
        .chain(latest.iter().take(TOP_LINES).map(|e| e.category.clone()))
        .collect()
}

/// Trend chart of one study: a line per chosen category (`wanted` ids, or the group and the
/// top departments); the group's line is the highlighted one, or its members when it is not drawn.
pub fn trend_chart(
    study: &[&Estimate],
    text: &StudyText,
    group: Option<&Group>,
    wanted: Option<&[String]>,
    taxonomy: &Taxonomy,
    lang: Lang,
) -> Option<TrendChart> {
    let ids = pick_lines(study, group, wanted);
    let is_group = |id: &str| group.is_some_and(|g| g.name == id);
    let group_drawn = ids.iter().any(|id| is_group(id));
    let mut by_id: BTreeMap<&str, Vec<TrendPoint>> = BTreeMap::new();
    for e in study.iter().filter(|e| ids.contains(&e.category)) {
        by_id.entry(&e.category).or_default().push(TrendPoint {
            wave: e.wave,
            share: e.share,
            interval: e.ci_low.zip(e.ci_high),
        });
    }
    let series: Vec<TrendSeries> = ids
        .iter()
        .filter_map(|id| {
            let mut points = by_id.remove(id.as_str())?;
            points.sort_by_key(|p| p.wave);
            let (label, highlight) = match group.filter(|_| is_group(id)) {
                Some(g) => (group_label(g, taxonomy, lang), true),
                None => (
                    taxonomy.display(id, lang_id(lang)).to_string(),
                    !group_drawn && is_member(group, id),
                ),
            };
            Some(TrendSeries {
                label,
                points,
                highlight,
            })
        })
        .collect();
    let first = study.iter().map(|e| e.wave).min()?;
    let last = study.iter().max_by_key(|e| e.wave)?;
    if series.is_empty() {
        return None;
    }
    Some(TrendChart {
        title: title(text, lang, &format!("{first}–{}", last.wave)),
        subtitle: subtitle(text, lang),
        source: source_line(text, last, lang),
        series,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_rows::*;
    use super::*;

    #[test]
    fn group_and_top_five_by_default_or_the_asked_ones() {
        let rows = study_rows(&(2000..2020).collect::<Vec<_>>(), 9);
        let refs: Vec<&Estimate> = rows.iter().collect();
        let tax = Taxonomy::builtin();
        let g = Group::communications();
        let chart = trend_chart(&refs, &text(), Some(&g), None, &tax, Lang::En).unwrap();
        let labels: Vec<&str> = chart.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels[0], "Marketing + PR");
        assert_eq!(labels.len(), 1 + TOP_LINES);
        assert!(chart.series[0].highlight && !chart.series[1].highlight);
        assert_eq!(chart.series[0].points.len(), 20);
        assert!(chart.title.ends_with("Tracker, 2000–2019"), "{}", chart.title);

        let wanted = vec!["hr".to_string(), "pr".to_string(), "nope".to_string()];
        let chart = trend_chart(&refs, &text(), Some(&g), Some(&wanted), &tax, Lang::De).unwrap();
        let labels: Vec<&str> = chart.series.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["Personal", "PR / Öffentlichkeitsarbeit"]);
        assert!(
            chart.series[1].highlight,
            "a member is highlighted when the group is not drawn"
        );
        let none = vec!["nope".to_string()];
        assert!(trend_chart(&refs, &text(), Some(&g), Some(&none), &tax, Lang::En).is_none());
    }
}

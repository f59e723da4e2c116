//! The study config (TOML): inputs, taxonomy overrides, groups, estimation, charts and published figures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::ingest::{Choice, InputFormat, InputSpec};
use crate::stats::{Base, CiMethod, Group, LonelyPsu};
use crate::taxonomy::Taxonomy;

/// The file as written; paths inside it are relative to the file's folder.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StudyConfig {
    pub title: String,
    #[serde(default)]
    pub estimation: Estimation,
    /// Groups by name; when absent, `communications = [marketing, pr]`.
    pub groups: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub charts: Charts,
    #[serde(default)]
    pub taxonomy: TaxonomyOverrides,
    pub inputs: Vec<Input>,
    #[serde(default)]
    pub published: Vec<Published>,
    /// Weighting each wave to population margins.
    pub weighting: Option<WeightingConfig>,
}

/// `[weighting]`: the targets file and how to fit them (see `stats::calibrate`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeightingConfig {
    /// `variable,level,target` CSV, relative to the config's folder.
    pub targets: PathBuf,
    #[serde(default)]
    pub method: crate::stats::calibrate::Method,
    /// `[LOW, HIGH]` on the ratio new/design weight (logit needs them).
    pub bounds: Option<[f64; 2]>,
    #[serde(default = "default_max_iter")]
    pub max_iter: usize,
    #[serde(default = "default_epsilon")]
    pub epsilon: f64,
    /// The studies weighted; default every study with respondent-level inputs.
    pub studies: Option<Vec<String>>,
}

fn default_max_iter() -> usize {
    crate::stats::calibrate::DEFAULT_MAX_ITER
}

fn default_epsilon() -> f64 {
    crate::stats::calibrate::DEFAULT_EPSILON
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Estimation {
    /// Interval method; default Wilson, or logit when an input has weights or a design.
    /// The names below are checked as they are read (`parsed`), so a typo's error has its line.
    #[serde(default, deserialize_with = "parsed_opt::<CiMethod, _>")]
    pub ci: Option<String>,
    #[serde(default = "default_level")]
    pub level: f64,
    /// A stratum with one PSU: `fail` (as R's default) or `adjust`.
    #[serde(default = "default_lonely_psu", deserialize_with = "parsed::<LonelyPsu, _>")]
    pub lonely_psu: String,
    /// `answered` (default) or `all`: whether no-answer respondents are in the base.
    #[serde(default = "default_base", deserialize_with = "parsed::<Base, _>")]
    pub base: String,
    /// Segment pairs: p-value adjustment (`none`, `holm`, `fdr`) and the level letters mark.
    #[serde(default)]
    pub adjust: crate::stats::segments::Adjust,
    #[serde(default = "default_sig_level")]
    pub sig_level: f64,
}

fn default_sig_level() -> f64 {
    0.05
}

impl Default for Estimation {
    fn default() -> Self {
        Estimation {
            ci: None,
            level: default_level(),
            lonely_psu: default_lonely_psu(),
            base: default_base(),
            adjust: Default::default(),
            sig_level: default_sig_level(),
        }
    }
}

/// A name that must parse as a `T` (a method, a theme): checked while the TOML is read, so the
/// error carries the line and column of the value.
fn parsed<'de, T, D>(deserializer: D) -> std::result::Result<String, D::Error>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
    D: serde::Deserializer<'de>,
{
    let text = String::deserialize(deserializer)?;
    text.parse::<T>().map_err(serde::de::Error::custom)?;
    Ok(text)
}

fn parsed_opt<'de, T, D>(deserializer: D) -> std::result::Result<Option<String>, D::Error>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
    D: serde::Deserializer<'de>,
{
    parsed::<T, D>(deserializer).map(Some)
}

fn parsed_list<'de, T, D>(deserializer: D) -> std::result::Result<Vec<String>, D::Error>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
    D: serde::Deserializer<'de>,
{
    let list = Vec::<String>::deserialize(deserializer)?;
    for text in &list {
        text.parse::<T>().map_err(serde::de::Error::custom)?;
    }
    Ok(list)
}

fn default_base() -> String {
    Base::Answered.as_str().to_string()
}

fn default_lonely_psu() -> String {
    LonelyPsu::Fail.as_str().to_string()
}

fn default_level() -> f64 {
    0.95
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Charts {
    #[serde(default = "default_theme", deserialize_with = "parsed::<crate::chart::Theme, _>")]
    pub theme: String,
    #[serde(default = "default_langs", deserialize_with = "parsed_list::<crate::chart::Lang, _>")]
    pub langs: Vec<String>,
    #[serde(default = "default_size", deserialize_with = "parsed::<crate::chart::Size, _>")]
    pub size: String,
}

impl Default for Charts {
    fn default() -> Self {
        Charts {
            theme: default_theme(),
            langs: default_langs(),
            size: default_size(),
        }
    }
}

fn default_theme() -> String {
    "light".into()
}
fn default_langs() -> Vec<String> {
    vec!["en".into(), "de".into()]
}
fn default_size() -> String {
    "1920x1080".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyOverrides {
    /// false: only the declared categories (built-in spellings of a declared built-in id still count).
    #[serde(default = "default_true")]
    pub builtin: bool,
    #[serde(default)]
    pub categories: Vec<CategoryDef>,
    /// Raw label -> category id.
    #[serde(default)]
    pub aliases: BTreeMap<String, String>,
}

impl Default for TaxonomyOverrides {
    fn default() -> Self {
        TaxonomyOverrides {
            builtin: true,
            categories: Vec::new(),
            aliases: BTreeMap::new(),
        }
    }
}

fn default_true() -> bool {
    true
}

impl TaxonomyOverrides {
    /// The taxonomy these overrides describe; a problem names the table it is in.
    pub fn build(&self) -> std::result::Result<Taxonomy, String> {
        build_taxonomy(self)
    }

    /// The `[taxonomy]` table of a TOML file (a study config or a file holding only that table).
    pub fn read(file: &Path) -> Result<TaxonomyOverrides> {
        #[derive(Deserialize)]
        struct OnlyTaxonomy {
            #[serde(default)]
            taxonomy: TaxonomyOverrides,
        }
        let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
            path: file.to_path_buf(),
            source,
        })?;
        let parsed: OnlyTaxonomy = toml::from_str(&text).map_err(|e| Error::Config {
            path: file.to_path_buf(),
            reason: e.to_string().trim_end().to_string(),
        })?;
        Ok(parsed.taxonomy)
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub id: String,
    pub en: String,
    pub de: String,
}

/// One respondent-level file of one study.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// Checked as it is read (see `study_id`), so a bad id is refused with its line.
    #[serde(deserialize_with = "crate::study_id::deserialize")]
    pub study: String,
    pub title: String,
    /// The title in German, for German charts (the English title is used when absent).
    #[serde(default)]
    pub title_de: String,
    #[serde(default)]
    pub question: String,
    /// The question in German, for German charts (the English text is used when absent).
    #[serde(default)]
    pub question_de: String,
    #[serde(default)]
    pub source: String,
    pub path: PathBuf,
    #[serde(default = "default_format")]
    pub format: InputFormat,
    #[serde(default = "default_choice")]
    pub choice: Choice,
    #[serde(default = "default_sep")]
    pub multi_sep: String,
    pub wave: Option<i32>,
    pub wave_col: Option<String>,
    pub dept_col: Option<String>,
    pub respondent_col: Option<String>,
    pub weight_col: Option<String>,
    pub strata_col: Option<String>,
    pub psu_col: Option<String>,
    pub fpc_col: Option<String>,
    /// `"shared"`: the waves are one panel design (the same strata and PSUs every wave).
    #[serde(default, skip_serializing_if = "crate::stats::Waves::is_independent")]
    pub waves: crate::stats::Waves,
    /// Segment column for estimates by segment.
    pub by: Option<String>,
    /// Decimal mark of the file's numbers, `","` or `"."` (default: decided from the file).
    pub decimal: Option<crate::ingest::rules::Decimal>,
    /// Keep unfinished responses in the base.
    #[serde(default)]
    pub include_incomplete: bool,
    /// Any rejected row is an error.
    #[serde(default)]
    pub strict: bool,
    /// The sheet of a spreadsheet input (default: the first).
    pub sheet: Option<String>,
}

impl Input {
    /// The question text for charts in `lang` ("en" or "de").
    pub fn question_in(&self, lang: &str) -> &str {
        in_lang(lang, &self.question, &self.question_de)
    }

    /// The study's title for charts in `lang` ("en" or "de").
    pub fn title_in(&self, lang: &str) -> &str {
        in_lang(lang, &self.title, &self.title_de)
    }

    /// Settings that cannot work together, refused as the command line refuses the same flags.
    fn check(&self) -> std::result::Result<(), String> {
        let refuse = |reason: &str| {
            Err(format!(
                "[[inputs]] `{}` ({}): {reason}",
                self.study,
                self.path.display()
            ))
        };
        if let (Some(wave), Some(column)) = (self.wave, &self.wave_col) {
            return refuse(&format!(
                "`wave = {wave}` and `wave_col = \"{column}\"` together: give one (a fixed wave for a file \
                 without a wave column, or the column)"
            ));
        }
        if let Some(wave) = self.wave.filter(|w| *w < 1) {
            return refuse(&format!("`wave = {wave}` is not a year or wave number (1 or more)"));
        }
        if self.multi_sep.is_empty() {
            return refuse("`multi_sep` is empty (it would split every label into characters)");
        }
        if self.fpc_col.is_some() && self.weight_col.is_none() {
            return refuse("`fpc_col` needs `weight_col`: give the sampling weights explicitly");
        }
        if self.waves == crate::stats::Waves::Shared && self.psu_col.is_none() {
            return refuse("`waves = \"shared\"` needs `psu_col`: the units asked in every wave");
        }
        Ok(())
    }

    /// Weights or any design column: the input is not a simple random sample.
    fn has_design(&self) -> bool {
        self.weight_col.is_some() || self.strata_col.is_some() || self.psu_col.is_some() || self.fpc_col.is_some()
    }
}

/// The German text on German charts when there is one, else the English.
fn in_lang<'a>(lang: &str, english: &'a str, german: &'a str) -> &'a str {
    if lang == "de" && !german.is_empty() {
        german
    } else {
        english
    }
}

fn default_format() -> InputFormat {
    InputFormat::Auto
}

fn default_choice() -> Choice {
    Choice::Single
}
fn default_sep() -> String {
    ";".into()
}

/// A published table whose figures must come out of the inputs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    pub path: PathBuf,
}

/// A config checked and resolved: paths absolute-or-relative to the cwd, methods parsed.
#[derive(Debug, Clone)]
pub struct Study {
    pub file: PathBuf,
    pub raw: StudyConfig,
    pub method: CiMethod,
    pub lonely_psu: LonelyPsu,
    pub base: Base,
    pub groups: Vec<Group>,
    pub taxonomy: Taxonomy,
    /// Studies weighted to population margins, by id.
    pub weighting: BTreeMap<String, crate::stats::calibrate::Weighting>,
}

impl Study {
    /// Reads and validates a config; every problem names the file.
    pub fn load(file: &Path) -> Result<Study> {
        let mut raw = read_config(file)?;
        resolve_paths(&mut raw, file.parent().unwrap_or(Path::new("")));
        let mut study = Study::check(file, raw).map_err(|reason| Error::Config {
            path: file.to_path_buf(),
            reason,
        })?;
        study.weighting = study.weighting_settings()?;
        Ok(study)
    }

    /// `[weighting]` read into one `Weighting` per weighted study (its targets file read and checked).
    fn weighting_settings(&self) -> Result<BTreeMap<String, crate::stats::calibrate::Weighting>> {
        let Some(w) = &self.raw.weighting else {
            return Ok(BTreeMap::new());
        };
        let config = |reason: String| Error::Config {
            path: self.file.clone(),
            reason,
        };
        let respondent_level: Vec<&str> = self
            .raw
            .inputs
            .iter()
            .filter(|i| i.format != InputFormat::Aggregate)
            .map(|i| i.study.as_str())
            .collect();
        let studies: Vec<String> = match &w.studies {
            Some(list) => {
                if let Some(s) = list.iter().find(|s| !respondent_level.contains(&s.as_str())) {
                    return Err(config(format!(
                        "[weighting] studies names `{s}`, which has no respondent-level input"
                    )));
                }
                list.clone()
            }
            None => respondent_level.iter().map(|s| s.to_string()).collect(),
        };
        if studies.is_empty() {
            return Err(config(match &w.studies {
                Some(_) => "[weighting] studies = [] weights nothing: name a study or leave `studies` out".to_string(),
                None => "[weighting] but no respondent-level input to weight".to_string(),
            }));
        }
        let targets = crate::weighting::read_targets(&w.targets)?;
        let mut weighting = crate::stats::calibrate::Weighting::new(targets, w.method);
        weighting.bounds = w.bounds.map(|[low, high]| (low, high));
        weighting.max_iter = w.max_iter;
        weighting.epsilon = w.epsilon;
        weighting
            .check()
            .map_err(|reason| config(format!("[weighting]: {reason}")))?;
        Ok(studies.into_iter().map(|s| (s, weighting.clone())).collect())
    }

    /// Parses the methods and checks the settings once, before any work starts. Only the first
    /// problem is reported, so this order decides which one a file with several problems shows.
    fn check(file: &Path, raw: StudyConfig) -> std::result::Result<Study, String> {
        let method = interval_method(&raw)?;
        let lonely_psu = raw.estimation.lonely_psu.parse::<LonelyPsu>()?;
        let base = raw.estimation.base.parse::<Base>()?;
        check_level(raw.estimation.level)?;
        check_charts(&raw.charts)?;
        if raw.inputs.is_empty() {
            return Err("no [[inputs]]".into());
        }
        raw.inputs.iter().try_for_each(Input::check)?;
        let taxonomy = build_taxonomy(&raw.taxonomy)?;
        let groups = config_groups(raw.groups.as_ref(), &taxonomy)?;
        Ok(Study {
            file: file.to_path_buf(),
            raw,
            method,
            lonely_psu,
            base,
            groups,
            taxonomy,
            weighting: BTreeMap::new(),
        })
    }

    pub fn input_specs(&self) -> Vec<InputSpec> {
        self.raw
            .inputs
            .iter()
            .map(|i| InputSpec {
                path: i.path.clone(),
                format: i.format,
                study: i.study.clone(),
                dept_col: i.dept_col.clone(),
                wave_col: i.wave_col.clone(),
                wave: i.wave,
                respondent_col: i.respondent_col.clone(),
                choice: i.choice,
                multi_sep: i.multi_sep.clone(),
                weight_col: i.weight_col.clone(),
                strata_col: i.strata_col.clone(),
                psu_col: i.psu_col.clone(),
                fpc_col: i.fpc_col.clone(),
                waves: i.waves,
                decimal: i.decimal,
                by_col: i.by.clone(),
                calibration_cols: Vec::new(),
                include_incomplete: i.include_incomplete,
                strict: i.strict,
                sheet: i.sheet.clone(),
            })
            .collect()
    }

    /// `path` as the config names it: relative to the config's folder (the config itself by its
    /// file name), so outputs that name files are the same bytes from any working folder.
    pub fn relative(&self, path: &Path) -> PathBuf {
        if path == self.file {
            return self.file.file_name().map_or_else(|| path.to_path_buf(), PathBuf::from);
        }
        let folder = self.file.parent().unwrap_or(Path::new(""));
        path.strip_prefix(folder)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
    }

    /// The config with its paths as written (relative to its folder), for the manifest.
    pub fn as_written(&self) -> StudyConfig {
        let mut raw = self.raw.clone();
        for input in &mut raw.inputs {
            input.path = self.relative(&input.path);
        }
        for published in &mut raw.published {
            published.path = self.relative(&published.path);
        }
        raw
    }

    /// Every path the config resolved (inputs, published tables, the config), longest first, with
    /// its written form: for rewriting the text of outputs that name them.
    pub fn path_names(&self) -> Vec<(String, String)> {
        let paths = self.raw.inputs.iter().map(|i| &i.path);
        let paths = paths.chain(self.raw.published.iter().map(|p| &p.path));
        let mut names: Vec<(String, String)> = paths
            .chain(std::iter::once(&self.file))
            .map(|p| (p.display().to_string(), self.relative(p).display().to_string()))
            .collect();
        names.sort_by_key(|(full, _)| std::cmp::Reverse(full.len()));
        names.dedup();
        names
    }

    /// Study ids in the order the config first names them.
    pub fn study_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for input in &self.raw.inputs {
            if !ids.contains(&input.study.as_str()) {
                ids.push(&input.study);
            }
        }
        ids
    }

    /// The first input of a study (title, question, source).
    pub fn input_for(&self, study: &str) -> Option<&Input> {
        self.raw.inputs.iter().find(|i| i.study == study)
    }
}

/// The file as written; a TOML error keeps its own line and column but not its trailing newline,
/// which would leave a blank line in the message.
fn read_config(file: &Path) -> Result<StudyConfig> {
    let text = std::fs::read_to_string(file).map_err(|source| Error::Io {
        path: file.to_path_buf(),
        source,
    })?;
    toml::from_str(&text).map_err(|e| Error::Config {
        path: file.to_path_buf(),
        reason: e.to_string().trim_end().to_string(),
    })
}

/// Paths in the file are relative to its folder, so a study runs the same from any working directory.
fn resolve_paths(raw: &mut StudyConfig, folder: &Path) {
    for input in &mut raw.inputs {
        input.path = folder.join(&input.path);
    }
    for published in &mut raw.published {
        published.path = folder.join(&published.path);
    }
    if let Some(weighting) = &mut raw.weighting {
        weighting.targets = folder.join(&weighting.targets);
    }
}

/// The `ci` the file asks for; otherwise Wilson, or logit once any input has weights or a design,
/// because Wilson's interval assumes a simple random sample.
fn interval_method(raw: &StudyConfig) -> std::result::Result<CiMethod, String> {
    match &raw.estimation.ci {
        Some(ci) => ci.parse::<CiMethod>(),
        None if raw.inputs.iter().any(Input::has_design) || raw.weighting.is_some() => Ok(CiMethod::Logit),
        None => Ok(CiMethod::Wilson),
    }
}

/// A confidence level is a fraction; `95` (a percentage) is the usual slip and would give nonsense
/// intervals, and below one half the quantiles some methods need are undefined (statrs panics).
fn check_level(level: f64) -> std::result::Result<(), String> {
    if level_in_range(level) {
        Ok(())
    } else {
        // 95 reads as 95, 1e-17 not as 0.00000000000000001.
        let shown = if level.abs() >= 1e-4 || level == 0.0 {
            level.to_string()
        } else {
            format!("{level:e}")
        };
        Err(format!(
            "estimation.level {shown} is not at least 0.5 and below 1 (a fraction such as 0.95)"
        ))
    }
}

/// The confidence levels accepted from a config and the command line: 0.5 <= level < 1.
pub fn level_in_range(level: f64) -> bool {
    (0.5..1.0).contains(&level)
}

/// Theme, size and languages parse, each language once (two would write the same chart files);
/// no language at all means no charts.
fn check_charts(charts: &Charts) -> std::result::Result<(), String> {
    charts
        .theme
        .parse::<crate::chart::Theme>()
        .map_err(|e| format!("[charts] theme: {e}"))?;
    charts
        .size
        .parse::<crate::chart::Size>()
        .map_err(|e| format!("[charts] size: {e}"))?;
    for (i, lang) in charts.langs.iter().enumerate() {
        lang.parse::<crate::chart::Lang>()
            .map_err(|e| format!("[charts] langs: {e}"))?;
        if charts.langs[..i].contains(lang) {
            return Err(format!("[charts] langs: `{lang}` is listed twice"));
        }
    }
    Ok(())
}

/// `[groups]`, or `communications` when absent; each checked against the study's own taxonomy.
fn config_groups(
    groups: Option<&BTreeMap<String, Vec<String>>>,
    taxonomy: &Taxonomy,
) -> std::result::Result<Vec<Group>, String> {
    let Some(map) = groups else {
        // A study without marketing or pr (`builtin = false`) has no default group; a category
        // declared as `communications` would collide with it.
        let communications = Group::communications();
        if !communications.members.iter().all(|m| taxonomy.category(m).is_some()) {
            return Ok(Vec::new());
        }
        communications.check(taxonomy).map_err(|e| {
            format!("{e} (the default group `communications` = marketing + pr; declare `[groups]` to replace it)")
        })?;
        return Ok(vec![communications]);
    };
    let groups: Vec<Group> = map
        .iter()
        .map(|(name, members)| Group {
            name: name.clone(),
            members: members.clone(),
        })
        .collect();
    for group in &groups {
        group.check(taxonomy).map_err(|e| format!("[groups]: {e}"))?;
    }
    Ok(groups)
}

fn build_taxonomy(overrides: &TaxonomyOverrides) -> std::result::Result<Taxonomy, String> {
    let mut taxonomy = if overrides.builtin {
        Taxonomy::builtin()
    } else {
        Taxonomy::empty()
    };
    for (i, c) in overrides.categories.iter().enumerate() {
        if c.id.trim().is_empty() {
            return Err(format!(
                "[[taxonomy.categories]]: empty category id (the one named `{}`)",
                c.en
            ));
        }
        if overrides.categories[..i].iter().any(|d| d.id == c.id) {
            return Err(format!("[[taxonomy.categories]]: `{}` is declared twice", c.id));
        }
        taxonomy.add_category(&c.id, &c.en, &c.de);
        if !overrides.builtin {
            taxonomy.adopt_builtin_spellings(&c.id);
        }
    }
    if taxonomy.ids().is_empty() {
        return Err("[taxonomy]: builtin = false declares no [[taxonomy.categories]]".into());
    }
    for (label, id) in &overrides.aliases {
        taxonomy
            .add_alias(label, id)
            .map_err(|e| format!("[taxonomy.aliases]: {e}"))?;
    }
    Ok(taxonomy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Study> {
        let dir = tempfile::tempdir().map_err(|source| Error::Io {
            path: "tmp".into(),
            source,
        })?;
        let file = dir.path().join("study.toml");
        std::fs::write(&file, text).map_err(|source| Error::Io {
            path: file.clone(),
            source,
        })?;
        Study::load(&file)
    }

    const INPUT: &str = "title = \"t\"\n[[inputs]]\nstudy = \"s\"\ntitle = \"s\"\npath = \"x.csv\"\n";

    #[test]
    fn interval_method_defaults_to_wilson_and_to_logit_under_a_design() {
        assert_eq!(load(INPUT).unwrap().method, CiMethod::Wilson);
        let weighted = format!("{INPUT}weight_col = \"w\"\n");
        assert_eq!(load(&weighted).unwrap().method, CiMethod::Logit);
        let chosen =
            format!("{INPUT}weight_col = \"w\"\n[estimation]\nci = \"korn-graubard\"\nlonely_psu = \"adjust\"\n");
        let study = load(&chosen).unwrap();
        assert_eq!(
            (study.method, study.lonely_psu),
            (CiMethod::KornGraubard, LonelyPsu::Adjust)
        );
    }

    #[test]
    fn groups_are_checked_against_the_study_taxonomy() {
        let typo = format!("{INPUT}[groups]\ncomms = [\"marketing\", \"prr\"]\n");
        let message = load(&typo).unwrap_err().to_string();
        assert!(
            message.contains("study.toml: [groups]: group `comms`: unknown category `prr`"),
            "{message}"
        );
        assert!(message.contains("did you mean `pr`?"), "{message}");
        let named = format!("{INPUT}[groups]\npr = [\"marketing\"]\n");
        assert!(load(&named).unwrap_err().to_string().contains("is a category id"));
        let own = format!(
            "{INPUT}[groups]\ndigital = [\"social\", \"marketing\"]\n\
             [[taxonomy.categories]]\nid = \"social\"\nen = \"Social\"\nde = \"Social\"\n"
        );
        let study = load(&own).unwrap();
        assert_eq!(study.groups, [Group::parse("digital=social,marketing").unwrap()]);
    }

    #[test]
    fn config_errors_name_the_file() {
        let message = load("title = 1").unwrap_err().to_string();
        assert!(message.contains("study.toml"), "{message}");
        let typo = format!("{INPUT}wieght_col = \"w\"\n");
        assert!(
            load(&typo)
                .unwrap_err()
                .to_string()
                .contains("unknown field `wieght_col`")
        );
        let level = format!("{INPUT}[estimation]\nlevel = 95\n");
        assert!(
            load(&level)
                .unwrap_err()
                .to_string()
                .contains("not at least 0.5 and below 1")
        );
    }
}

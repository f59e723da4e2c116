//! What a chart shows: the data and words of each kind, independent of how it is drawn.

/// One bar of a share chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// Share in 0..=1.
    pub share: f64,
    /// Confidence interval (low, high) in 0..=1.
    pub interval: Option<(f64, f64)>,
    /// Drawn in the accent colour (e.g. the "communications" departments).
    pub highlight: bool,
}

/// Horizontal bar chart of shares, sorted by share descending.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub title: String,
    /// The question text.
    pub subtitle: String,
    pub source: String,
    /// Any order; the chart sorts by share descending (stable, ties by label).
    pub bars: Vec<Bar>,
    /// E.g. "Marketing + PR = 56 %", drawn with a bracket next to the highlighted bars.
    pub group_note: Option<String>,
}

/// One wave of a trend series.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub wave: i32,
    pub share: f64,
    pub interval: Option<(f64, f64)>,
}

/// One line of a trend chart.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendSeries {
    pub label: String,
    pub points: Vec<TrendPoint>,
    /// Drawn thicker and on top.
    pub highlight: bool,
}

/// Shares over survey waves, one line per series, labelled at the right end.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    pub title: String,
    pub subtitle: String,
    pub source: String,
    pub series: Vec<TrendSeries>,
}

/// One category of a 100 % stacked chart.
#[derive(Debug, Clone, PartialEq)]
pub struct StackCategory {
    pub label: String,
    /// Part of the highlighted group: drawn in the accent family at the bottom of the stack.
    pub highlight: bool,
}

/// One wave of a 100 % stacked chart: `shares[i]` belongs to `categories[i]`.
#[derive(Debug, Clone, PartialEq)]
pub struct StackColumn {
    pub wave: i32,
    pub shares: Vec<f64>,
}

/// 100 % stacked bars, one per wave (single-choice questions only).
#[derive(Debug, Clone, PartialEq)]
pub struct StackedChart {
    pub title: String,
    pub subtitle: String,
    pub source: String,
    /// Bottom to top after the highlighted ones, which always go to the bottom.
    pub categories: Vec<StackCategory>,
    pub columns: Vec<StackColumn>,
    /// Label of the highlighted group ("Marketing + PR"); the chart adds its share in the last wave.
    pub group_label: Option<String>,
}

/// One category of a dumbbell chart.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub label: String,
    pub from: f64,
    pub to: f64,
    /// The change is significant after Holm adjustment.
    pub significant: bool,
    pub highlight: bool,
}

/// Dumbbell chart: each category's share in two waves, significant changes marked.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeChart {
    pub title: String,
    pub subtitle: String,
    pub source: String,
    pub from_wave: i32,
    pub to_wave: i32,
    /// Drawn in the given order (the caller sorts).
    pub rows: Vec<ChangeRow>,
    /// Explains the significance mark, e.g. "significant at 5 % after Holm adjustment".
    pub significance_note: String,
}

/// One small multiple: a bar chart without its own header.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub bars: Vec<Bar>,
    /// E.g. "Marketing + PR = 56 %", drawn under the panel title.
    pub note: Option<String>,
}

/// Small multiples of bar charts on one shared share axis (segments, published studies).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelChart {
    pub title: String,
    pub subtitle: String,
    pub source: String,
    pub panels: Vec<Panel>,
    /// Keep the bars in the given order in every panel instead of sorting each by share.
    pub keep_order: bool,
}

/// Any chart this module draws.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    Bar(BarChart),
    Trend(TrendChart),
    Stacked(StackedChart),
    Change(ChangeChart),
    Panels(PanelChart),
}

impl Chart {
    /// The chart's title (also the SVG `<title>`).
    pub fn title(&self) -> &str {
        match self {
            Chart::Bar(c) => &c.title,
            Chart::Trend(c) => &c.title,
            Chart::Stacked(c) => &c.title,
            Chart::Change(c) => &c.title,
            Chart::Panels(c) => &c.title,
        }
    }
}

//! Number formatting for people (percent in English and German) and "nice" axis ticks.

use super::theme::Lang;

/// Narrow no-break space, used between number and `%` in German.
const NNBSP: char = '\u{202F}';

/// Percent text for people: En "35%" / "35.5%", De "35 %" / "35,5 %" with U+202F narrow
/// no-break space; `decimals` digits. Rounds half away from zero.
pub fn format_percent(share: f64, decimals: usize, lang: Lang) -> String {
    let pct = share * 100.0;
    let number = if pct.is_finite() {
        let decimals = decimals.min(12);
        let factor = 10f64.powi(decimals as i32);
        // A tiny relative nudge so that 12.5 stored as 12.4999999 still rounds up.
        let mut rounded = (pct * factor * (1.0 + 1e-12)).round() / factor;
        if rounded == 0.0 {
            rounded = 0.0; // no "-0"
        }
        format!("{rounded:.decimals$}")
    } else {
        "–".to_string()
    };
    match lang {
        Lang::En => format!("{number}%"),
        Lang::De => format!("{}{NNBSP}%", number.replace('.', ",")),
    }
}

/// Decimals the chart uses for a share: whole percent, or one decimal when the percent
/// value is not within 0.05 of a whole number.
pub(crate) fn auto_decimals(share: f64) -> usize {
    let pct = share * 100.0;
    if (pct - pct.round()).abs() < 0.05 { 0 } else { 1 }
}

/// `format_percent` with [`auto_decimals`].
pub(crate) fn percent_auto(share: f64, lang: Lang) -> String {
    format_percent(share, auto_decimals(share), lang)
}

/// Tick values `0, step, 2·step, …, max` for a share axis whose data reach `data_max`.
///
/// `fits(step)` tells whether ticks `step` apart have room for their labels; the smallest
/// fitting step with at most `max_ticks` intervals wins.
pub(crate) fn share_ticks(data_max: f64, max_ticks: usize, fits: impl Fn(f64) -> bool) -> Vec<f64> {
    const STEPS: [f64; 9] = [0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0];
    let data_max = if data_max.is_finite() && data_max > 0.0 {
        data_max.min(1.0)
    } else {
        0.1
    };
    let mut chosen = 1.0;
    for step in STEPS {
        let n = (data_max / step - 1e-9).ceil().max(1.0);
        if n as usize <= max_ticks.max(1) && fits(step) {
            chosen = step;
            break;
        }
    }
    let n = ((data_max / chosen - 1e-9).ceil().max(1.0)) as usize;
    (0..=n).map(|i| i as f64 * chosen).collect()
}

/// Integer step between labelled waves so that `fits(step)` holds (1, 2, 5, 10, 20, 50, …).
pub(crate) fn wave_step(fits: impl Fn(i64) -> bool) -> i64 {
    let mut base = 1i64;
    loop {
        for m in [1, 2, 5] {
            let step = base * m;
            if fits(step) || step >= 1_000_000_000 {
                return step;
            }
        }
        base *= 10;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_en_de() {
        assert_eq!(format_percent(0.35, 0, Lang::En), "35%");
        assert_eq!(format_percent(0.35, 0, Lang::De), "35\u{202F}%");
        assert_eq!(format_percent(0.355, 1, Lang::En), "35.5%");
        assert_eq!(format_percent(0.355, 1, Lang::De), "35,5\u{202F}%");
        assert_eq!(format_percent(0.56, 0, Lang::En), "56%");
        assert_eq!(format_percent(0.0, 0, Lang::En), "0%");
        assert_eq!(format_percent(1.0, 0, Lang::De), "100\u{202F}%");
        assert_eq!(format_percent(-0.0001, 0, Lang::En), "0%");
        assert_eq!(format_percent(0.125, 0, Lang::En), "13%");
        assert_eq!(format_percent(0.19, 2, Lang::En), "19.00%");
        assert_eq!(format_percent(f64::NAN, 0, Lang::En), "–%");
    }

    #[test]
    fn auto_percent() {
        assert_eq!(percent_auto(0.35, Lang::En), "35%");
        assert_eq!(percent_auto(0.3504, Lang::En), "35%");
        assert_eq!(percent_auto(0.355, Lang::De), "35,5\u{202F}%");
        assert_eq!(percent_auto(0.025, Lang::En), "2.5%");
    }

    #[test]
    fn ticks() {
        let t = share_ticks(0.45, 6, |_| true);
        assert_eq!(t.len(), 6);
        assert!((t[5] - 0.5).abs() < 1e-12);
        let t = share_ticks(0.0, 6, |_| true);
        assert!(t.len() >= 2);
        let t = share_ticks(1.0, 6, |_| true);
        assert!((t[t.len() - 1] - 1.0).abs() < 1e-12);
        let t = share_ticks(0.45, 6, |s| s >= 0.25);
        assert_eq!(t.len(), 3);
        assert_eq!(wave_step(|s| s >= 3), 5);
        assert_eq!(wave_step(|_| true), 1);
    }
}

//! Durations as users write them in models (`30m`, `2000h`, `1.5d`, `1h30m`), held in hours.

use std::fmt;

/// A non-negative length of time, stored in hours.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Hours(f64);

impl Hours {
    /// The duration in hours.
    pub fn hours(self) -> f64 {
        self.0
    }

    /// Builds a duration from hours; `None` unless finite and non-negative.
    pub fn from_hours(hours: f64) -> Option<Self> {
        (hours.is_finite() && hours >= 0.0).then_some(Self(hours))
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.0 * 60.0;
        if minutes < 1.0 {
            write!(f, "{}s", trim(minutes * 60.0))
        } else if minutes < 60.0 {
            write!(f, "{}m", trim(minutes))
        } else {
            write!(f, "{}h", trim(self.0))
        }
    }
}

fn trim(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// What a duration may be written as, for error messages.
pub(crate) const DURATION_HELP: &str =
    "write a number with a unit: s, m, h, d, w or y (e.g. `30m`, `2000h`, `1.5d`, `1h30m`)";

/// Parses `30m`, `2000h`, `1.5d`, `1h30m`; `None` when the text is not such a duration.
pub(crate) fn parse_duration(text: &str) -> Option<Hours> {
    let hours = parse_units(text, |unit| {
        Some(match unit {
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0 / 3600.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 1.0 / 60.0,
            "h" | "hr" | "hrs" | "hour" | "hours" => 1.0,
            "d" | "day" | "days" => 24.0,
            "w" | "week" | "weeks" => 168.0,
            "y" | "year" | "years" => 8760.0,
            _ => return None,
        })
    })?;
    Hours::from_hours(hours)
}

/// Parses a sum of numbers each followed by a unit, like `1h30m` or `1.5d` (spaces allowed
/// between terms), where `unit` gives each unit's size (`None`: not a unit); `None` when the
/// text is not such a sum. Linear in the text.
pub fn parse_units(text: &str, unit: impl Fn(&str) -> Option<f64>) -> Option<f64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_len =
            rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if number_len == 0 {
            return None;
        }
        let value: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(rest.len());
        total += value * unit(&rest[..unit_len])?;
        rest = rest[unit_len..].trim_start();
    }
    Some(total)
}

//! Text styling shared by the human renderers: colour on or off, and number formatting.

use anstyle::{AnsiColor, Style};

/// How human output is rendered.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Emit ANSI colour codes (the CLI turns this off for pipes and under `NO_COLOR`).
    pub color: bool,
}

pub(crate) const DOWN: Style =
    Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red))).bold();
pub(crate) const DEGRADED: Style =
    Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow))).bold();
pub(crate) const UP: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
pub(crate) const HEADING: Style = Style::new().bold();
pub(crate) const DIM: Style = Style::new().dimmed();

impl Options {
    /// `text` wrapped in `style` when colour is on.
    pub(crate) fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_owned()
        }
    }
}

/// `1234567` as `1,234,567`.
pub(crate) fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Money per hour, rounded to whole units: `120,000/h`.
pub(crate) fn per_hour(cost: f64) -> String {
    format!("{}/h", thousands(cost.round().max(0.0) as u64))
}

/// `"s"` unless `n` is one: `format!("{n} function{}", plural_suffix(n))`.
pub(crate) fn plural_suffix(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

//! Plots of a traffic simulation's mean time series with plotters: per function, offered load
//! and goodput per second (top panel), and the queue lengths of the busiest components (bottom
//! panel), the fault window shaded. Both formats carry titles, axes, tick labels and legends: SVG
//! names the `sans-serif` family and leaves the glyphs to the viewer; PNG rasterises them with a
//! font compiled into the binary (crates/cli/assets/fonts), so no system font is read at run time.

use std::path::Path;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, ScaleFont, point};
use anyhow::{Context, bail, ensure};
use blastradius_report::TrafficHeader;
use blastradius_sim::{TrafficTotals, summarize_traffic};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{BackendColor, BackendCoord, BackendTextStyle, DrawingErrorKind};

const SIZE: (u32, u32) = (1000, 700);
/// Components drawn in the queue panel.
const MAX_COMPONENTS: usize = 6;
/// Liberation Sans Regular 2.1.5 (SIL OFL 1.1; source and licence in crates/cli/assets/fonts).
static FONT: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");

/// Draws the means of `totals` to `path`, SVG or PNG by its extension.
pub(crate) fn traffic(
    path: &Path,
    header: &TrafficHeader,
    totals: &TrafficTotals,
) -> anyhow::Result<()> {
    let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("svg" | "png")) {
        bail!("--plot {}: the file name must end in .svg or .png", path.display());
    }
    register_font()?;
    let result = if extension.as_deref() == Some("svg") {
        draw(&SVGBackend::new(path, SIZE).into_drawing_area(), header, totals)
    } else {
        draw(&Png::new(BitMapBackend::new(path, SIZE))?.into_drawing_area(), header, totals)
    };
    result.with_context(|| format!("cannot draw {}", path.display()))
}

/// Registers the bundled font as plotters' `sans-serif` family, once per process. Plotters
/// measures text with it for both formats (caption heights, legend boxes); [`Png`] draws it.
fn register_font() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    ensure!(registered, "the bundled font (crates/cli/assets/fonts) is not a TrueType font");
    Ok(())
}

/// The bitmap backend with its text drawn here. Plotters 0.3.7 rasterises each glyph at the
/// caret but drops the glyph's left bearing, so letters sit unevenly and words run together; this
/// places every glyph's outline where the font says. Measuring text (layout boxes, anchors) stays
/// plotters' own, and so does everything that is not text.
struct Png<'a> {
    bitmap: BitMapBackend<'a>,
    font: FontRef<'static>,
}

impl<'a> Png<'a> {
    fn new(bitmap: BitMapBackend<'a>) -> anyhow::Result<Png<'a>> {
        let font = FontRef::try_from_slice(FONT)
            .context("the bundled font (crates/cli/assets/fonts) is not a TrueType font")?;
        Ok(Png { bitmap, font })
    }
}

type PngError = DrawingErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>;

impl DrawingBackend for Png<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.bitmap.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), PngError> {
        self.bitmap.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), PngError> {
        self.bitmap.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, colour: BackendColor) -> Result<(), PngError> {
        self.bitmap.draw_pixel(point, colour)
    }

    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), PngError> {
        self.bitmap.draw_line(from, to, style)
    }

    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), PngError> {
        self.bitmap.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), PngError> {
        self.bitmap.blit_bitmap(pos, size, src)
    }

    /// Anchors the text by plotters' layout box, as plotters does, then draws the glyphs along a
    /// baseline half the font size below the box's top (plotters' own convention).
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), PngError> {
        let colour = style.color();
        if colour.alpha == 0.0 {
            return Ok(());
        }
        let ((min_x, min_y), (max_x, max_y)) =
            style.layout_box(text).map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => min_x - max_x,
            HPos::Center => (min_x - max_x) / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => (min_y - max_y) / 2,
            VPos::Bottom => min_y - max_y,
        };
        let transform = style.transform();
        let (width, height) = self.get_size();
        let font = self.font.as_scaled(style.size() as f32);
        let baseline = style.size() as f32 / 2.0;
        let mut caret = 0.0_f32;
        let mut previous = None;
        let mut pixels = Vec::new();
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(previous) = previous {
                caret += font.kern(previous, id);
            }
            previous = Some(id);
            let glyph = id.with_scale_and_position(font.scale(), point(caret, baseline));
            caret += font.h_advance(id);
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let (left, top) = (bounds.min.x as i32, bounds.min.y as i32);
                outline.draw(|x, y, coverage| {
                    pixels.push((left + x as i32, top + y as i32, coverage));
                });
            }
        }
        for (x, y, coverage) in pixels {
            let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && y >= 0 && x < width as i32 && y < height as i32 {
                let ink = BackendColor { alpha: colour.alpha * f64::from(coverage), ..colour };
                self.bitmap.draw_pixel((x, y), ink)?;
            }
        }
        Ok(())
    }
}

/// A series to draw: name, colour, points.
type Line = (String, RGBColor, Vec<(f64, f64)>);

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    header: &TrafficHeader,
    totals: &TrafficTotals,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let summary = summarize_traffic(totals);
    let bucket = header.bucket_seconds;
    let time = |i: usize| (i as f64 + 0.5) * bucket;
    let mut rates: Vec<Line> = Vec::new();
    for (index, (id, series)) in header.functions.iter().zip(&summary.functions).enumerate() {
        let colour = Palette99::pick(index).to_rgba();
        let colour = RGBColor(colour.0, colour.1, colour.2);
        let points = |values: &[f64]| {
            values.iter().enumerate().map(|(i, v)| (time(i), v / bucket)).collect()
        };
        rates.push((format!("{id} offered/s"), lighter(colour), points(&series.offered)));
        rates.push((format!("{id} goodput/s"), colour, points(&series.goodput)));
    }
    let mut busiest: Vec<usize> = (0..summary.components.len()).collect();
    let peak = |i: &usize| summary.components[*i].queue.iter().copied().fold(0.0, f64::max);
    busiest.sort_by(|a, b| peak(b).total_cmp(&peak(a)).then(a.cmp(b)));
    let queues: Vec<Line> = busiest
        .iter()
        .take(MAX_COMPONENTS)
        .enumerate()
        .map(|(k, &i)| {
            let colour = Palette99::pick(k + 20).to_rgba();
            let points = summary.components[i]
                .queue
                .iter()
                .enumerate()
                .map(|(j, &q)| (time(j), q))
                .collect();
            (
                format!("{} queue", header.components[i]),
                RGBColor(colour.0, colour.1, colour.2),
                points,
            )
        })
        .collect();
    root.fill(&WHITE).map_err(plot_error)?;
    let (top, bottom) = root.split_vertically(SIZE.1 / 2);
    panel(&top, header, &rates, "Offered load and goodput per second")?;
    panel(&bottom, header, &queues, "Queue length of the busiest components")?;
    root.present().map_err(plot_error)?;
    Ok(())
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    header: &TrafficHeader,
    lines: &[Line],
    title: &str,
) -> anyhow::Result<()>
where
    DB::ErrorType: 'static,
{
    let y_max =
        lines.iter().flat_map(|(_, _, p)| p.iter().map(|&(_, y)| y)).fold(0.0, f64::max).max(1.0)
            * 1.05;
    let x_max = header.horizon_seconds;
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .caption(title, ("sans-serif", 18))
        .x_label_area_size(35)
        .y_label_area_size(55)
        .build_cartesian_2d(0.0..x_max, 0.0..y_max)
        .map_err(plot_error)?;
    chart.configure_mesh().x_desc("seconds").light_line_style(WHITE).draw().map_err(plot_error)?;
    if let Some((start, end)) = header.fault_window {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(start, 0.0), (end.min(x_max), y_max)],
                RED.mix(0.12).filled(),
            )))
            .map_err(plot_error)?;
    }
    for (name, colour, points) in lines {
        let series = chart
            .draw_series(LineSeries::new(points.iter().copied(), colour.stroke_width(2)))
            .map_err(plot_error)?;
        let colour = *colour;
        series.label(name.as_str()).legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
        });
    }
    if !lines.is_empty() {
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .position(SeriesLabelPosition::UpperRight)
            .draw()
            .map_err(plot_error)?;
    }
    Ok(())
}

fn plot_error<E: std::error::Error + Send + Sync + 'static>(error: E) -> anyhow::Error {
    anyhow::Error::new(error)
}

/// `colour` halfway to white, for offered load behind goodput.
fn lighter(colour: RGBColor) -> RGBColor {
    let half = |c: u8| ((u16::from(c) + 255) / 2) as u8;
    RGBColor(half(colour.0), half(colour.1), half(colour.2))
}

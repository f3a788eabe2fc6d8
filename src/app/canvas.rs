//! Sharp `<canvas>` drawing on HiDPI screens.
//!
//! The canvas's backing store is sized to its CSS box times `devicePixelRatio`, and its 2-D
//! context is scaled by the same factor. [`HiDpiCanvas`] then reports the CSS size to plotters, so the
//! charts lay out in CSS pixels (their fonts keep their size in CSS pixels) while the browser
//! rasterises every line and glyph at the screen's full resolution.
//!
//! [`HiDpiCanvas`] also measures text with the canvas's `measureText`. plotters 0.3.7 measures
//! text in the browser by adding a `<span>` to the page and reading its size, which forces a
//! layout of the whole page for every label.

use js_sys::{Function, Reflect};
use plotters::coord::Shift;
use plotters::prelude::{DrawingArea, IntoDrawingArea};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

/// The error type of plotters-canvas, which that crate does not export by name.
type CanvasError = <CanvasBackend as DrawingBackend>::ErrorType;

/// A plotters backend over a canvas whose context is scaled from CSS to device pixels.
pub struct HiDpiCanvas {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
    css_size: (u32, u32),
}

/// Returns the canvas with id `id`, or `None` where it is missing.
pub fn canvas_by_id(id: &str) -> Option<HtmlCanvasElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into()
        .ok()
}

/// Returns the screen's device pixels per CSS pixel, 1 where the browser reports none.
pub fn device_pixel_ratio() -> f64 {
    let ratio = web_sys::window().map_or(1.0, |window| window.device_pixel_ratio());
    if ratio.is_finite() && ratio > 0.0 {
        ratio
    } else {
        1.0
    }
}

/// Sizes the backing store of `canvas` to its CSS box times `devicePixelRatio`, scales its
/// context to match and returns the context with the CSS size. Returns `None` for a canvas that
/// is hidden or has no 2-D context.
pub fn prepare(canvas: &HtmlCanvasElement) -> Option<(CanvasRenderingContext2d, (u32, u32))> {
    let css_width = u32::try_from(canvas.client_width())
        .ok()
        .filter(|&width| width > 0)?;
    let css_height = u32::try_from(canvas.client_height())
        .ok()
        .filter(|&height| height > 0)?;
    let ratio = device_pixel_ratio();
    let backing_width = (f64::from(css_width) * ratio).round().max(1.0) as u32;
    let backing_height = (f64::from(css_height) * ratio).round().max(1.0) as u32;

    // Assigning the size clears the canvas and resets the context, so only do it on a change.
    if canvas.width() != backing_width {
        canvas.set_width(backing_width);
    }
    if canvas.height() != backing_height {
        canvas.set_height(backing_height);
    }

    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    let scale_x = f64::from(backing_width) / f64::from(css_width);
    let scale_y = f64::from(backing_height) / f64::from(css_height);
    context
        .set_transform(scale_x, 0.0, 0.0, scale_y, 0.0, 0.0)
        .ok()?;
    Some((context, (css_width, css_height)))
}

impl HiDpiCanvas {
    /// Prepares the canvas with id `id` and wraps it, or returns `None` for a missing or hidden
    /// canvas.
    pub fn new(id: &str) -> Option<Self> {
        let canvas = canvas_by_id(id)?;
        let (context, css_size) = prepare(&canvas)?;
        let inner = CanvasBackend::with_canvas_object(canvas)?;
        Some(Self {
            inner,
            context,
            css_size,
        })
    }

    /// Returns the whole canvas as a plotters drawing area in CSS pixels.
    pub fn into_area(self) -> DrawingArea<Self, Shift> {
        self.into_drawing_area()
    }
}

impl DrawingBackend for HiDpiCanvas {
    type ErrorType = CanvasError;

    fn get_size(&self) -> (u32, u32) {
        self.css_size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vertices: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.fill_polygon(vertices, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        position: BackendCoord,
    ) -> Result<(), DrawingErrorKind<CanvasError>> {
        self.inner.draw_text(text, style, position)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<CanvasError>> {
        match measure_text(&self.context, text, style) {
            Some(size) => Ok(size),
            None => self.inner.estimate_text_size(text, style),
        }
    }
}

/// Measures `text` in the font of `style` with `measureText`, in CSS pixels, before any
/// rotation. The height is the font's ascent plus descent, close to the line box that plotters
/// measures otherwise. Returns `None` where the browser does not provide the numbers.
///
/// `measureText` is called through `Reflect` because web-sys's `TextMetrics` feature is not
/// enabled, and enabling it would rebuild web-sys and everything on top of it.
fn measure_text<S: BackendTextStyle>(
    context: &CanvasRenderingContext2d,
    text: &str,
    style: &S,
) -> Option<(u32, u32)> {
    // The same font string as plotters-canvas 0.3.1 sets before `fillText`.
    let size = style.size();
    context.set_font(&format!(
        "{} {size}px {}",
        style.style().as_str(),
        style.family().as_str()
    ));
    let measure: Function = Reflect::get(context, &JsValue::from_str("measureText"))
        .ok()?
        .dyn_into()
        .ok()?;
    let metrics = measure.call1(context, &JsValue::from_str(text)).ok()?;
    let number = |name: &str| {
        Reflect::get(&metrics, &JsValue::from_str(name))
            .ok()?
            .as_f64()
    };

    let width = number("width")?;
    let height = match (
        number("fontBoundingBoxAscent"),
        number("fontBoundingBoxDescent"),
    ) {
        (Some(ascent), Some(descent)) => ascent + descent,
        _ => 1.2 * size,
    };
    Some((width.ceil().max(0.0) as u32, height.ceil().max(0.0) as u32))
}

//! Draws the tokens in flight onto the canvas over the diagram. One canvas instead of an
//! SVG element per token: on these 2-core machines SVG tokens stop holding 60 fps near
//! 1,000 tokens, a canvas holds it past 2,000 (see TOOLCHAIN.md and BENCHMARKS.md).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::geometry::{view_transform, Viewport};
use crate::sim::{clamped, MessageId, MessageKind};
use crate::tokens::PlacedToken;

const TOKEN_SIZE: f64 = 6.5;
/// Text beside a retried or duplicated token: dark enough on both themes' canvas.
const TAG_COLOUR: &str = "#b45309";
/// At most this many tokens get their words drawn in one frame.
const MAX_TAGS: usize = 80;
/// The ring around the selected message's tokens, in view units.
const RING_RADIUS: f64 = 13.0;
/// The selection colour of the page (`--selected`), which no token uses.
pub const RING_COLOUR: &str = "#7c3aed";

pub struct Painter {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    /// The canvas size last set, in device pixels; resizing clears the canvas, so it is
    /// done only when the element's size really changed.
    size: (u32, u32),
    /// Each kind's token, drawn once at the current scale; see `paint`.
    sprites: Vec<(MessageKind, HtmlCanvasElement)>,
    /// Device pixels per view unit the sprites were drawn for.
    sprite_scale: f64,
    /// Sprites are square, this many device pixels a side.
    sprite_side: f64,
    /// Nothing is drawn on the canvas: a frame with no tokens has nothing to clear.
    blank: bool,
}

/// Drawing order, bottom first.
const KINDS: [MessageKind; 4] = [
    MessageKind::Command,
    MessageKind::Event,
    MessageKind::Query,
    MessageKind::QueryResponse,
];

impl Painter {
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()
            .flatten()?
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(Self {
            canvas: canvas.clone(),
            context,
            size: (0, 0),
            sprites: Vec::new(),
            sprite_scale: 0.0,
            sprite_side: 0.0,
            blank: true,
        })
    }

    /// Clears the canvas and stamps every token from its kind's sprite. Thousands of
    /// anti-aliased shapes in one path are rasterised edge by edge each frame; a stamp of
    /// a ready bitmap at a whole-pixel position is a copy, which is what lets the canvas
    /// keep 60 fps with thousands of tokens in software raster.
    ///
    /// The tokens of `marked` (the selected or previewed message) get a ring, so the eye
    /// finds them among the others.
    pub fn paint(&mut self, tokens: &[PlacedToken], marked: Option<MessageId>, viewport: Viewport) {
        // Reading the canvas's size forces a layout if the page changed since the last one:
        // on the first frame after the page is built, a whole page's layout inside this
        // frame's script, and the same again after it. Until a token flies there is
        // nothing to size, draw or clear.
        if tokens.is_empty() && self.blank {
            return;
        }
        self.blank = tokens.is_empty();
        let canvas = &self.canvas;
        let css_width = canvas.client_width() as f64;
        let css_height = canvas.client_height() as f64;
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        let wanted = (
            (css_width * ratio).round() as u32,
            (css_height * ratio).round() as u32,
        );
        if wanted != self.size {
            canvas.set_width(wanted.0);
            canvas.set_height(wanted.1);
            self.size = wanted;
        }
        let ctx = &self.context;
        let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        ctx.clear_rect(0.0, 0.0, wanted.0 as f64, wanted.1 as f64);
        if tokens.is_empty() {
            return;
        }
        let (scale, offset_x, offset_y) = view_transform((css_width, css_height), viewport);
        let px = scale * ratio;
        if (px - self.sprite_scale).abs() > 1e-9 || self.sprites.is_empty() {
            self.draw_sprites(px);
        }
        let half = self.sprite_side / 2.0;
        let ctx = &self.context;
        let device = |at: crate::geometry::Point| {
            (
                (offset_x * ratio) + at.x * px,
                (offset_y * ratio) + at.y * px,
            )
        };
        for (kind, sprite) in &self.sprites {
            for token in tokens.iter().filter(|t| t.kind == *kind) {
                let (cx, cy) = device(token.at);
                let faded = token.opacity < 1.0;
                if faded {
                    ctx.set_global_alpha(clamped(token.opacity, 0.0, 1.0));
                }
                let _ = ctx.draw_image_with_html_canvas_element(
                    sprite,
                    (cx - half).round(),
                    (cy - half).round(),
                );
                if faded {
                    ctx.set_global_alpha(1.0);
                }
            }
        }
        // Words cost far more than stamps: a bounded number a frame, enough for a lesson's
        // handful of tokens (a crowd's tags would only overlap).
        let tagged = tokens
            .iter()
            .filter_map(|t| Some((t.at, t.tag()?)))
            .take(MAX_TAGS);
        let mut font_set = false;
        for (at, tag) in tagged {
            if !font_set {
                ctx.set_font(&format!(
                    "600 {}px system-ui, sans-serif",
                    crate::sim::fixed(11.0 * px, 0)
                ));
                ctx.set_fill_style_str(TAG_COLOUR);
                font_set = true;
            }
            let (cx, cy) = device(at);
            let _ = ctx.fill_text(&tag, cx + 9.0 * px, cy - 7.0 * px);
        }
        let Some(marked) = marked else {
            return;
        };
        ctx.begin_path();
        for token in tokens.iter().filter(|t| t.message == marked) {
            let (cx, cy) = device(token.at);
            let r = RING_RADIUS * px;
            ctx.move_to(cx + r, cy);
            let _ = ctx.arc(cx, cy, r, 0.0, std::f64::consts::TAU);
        }
        ctx.set_line_width(3.0 * ratio);
        ctx.set_stroke_style_str(RING_COLOUR);
        ctx.stroke();
    }

    /// Draws one token of each kind, centred on its own small canvas, `px` device pixels per
    /// view unit.
    fn draw_sprites(&mut self, px: f64) {
        self.sprites.clear();
        // Marked as drawn for `px` only once every kind has its sprite, so a failure is
        // retried on the next frame instead of leaving a kind undrawn.
        self.sprite_scale = 0.0;
        // The widest shape (the query triangle) plus its stroke, and a pixel of margin for
        // anti-aliasing.
        let side = ((TOKEN_SIZE * 1.15 + 1.6) * 2.0 * px).ceil() + 2.0;
        self.sprite_side = side;
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        for kind in KINDS {
            let Some(sprite) = document
                .create_element("canvas")
                .ok()
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
            else {
                return;
            };
            sprite.set_width(side as u32);
            sprite.set_height(side as u32);
            let Some(ctx) = sprite
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
            else {
                return;
            };
            let _ = ctx.set_transform(px, 0.0, 0.0, px, side / 2.0, side / 2.0);
            let (fill, stroke) = colours(kind);
            ctx.begin_path();
            trace_shape(&ctx, kind, 0.0, 0.0);
            ctx.set_line_width(1.6);
            ctx.set_stroke_style_str(stroke);
            ctx.set_fill_style_str(if kind == MessageKind::QueryResponse {
                "#ffffff"
            } else {
                fill
            });
            ctx.fill();
            ctx.stroke();
            self.sprites.push((kind, sprite));
        }
        self.sprite_scale = px;
    }
}

/// Token colours; the shapes carry the meaning, colours only help.
fn colours(kind: MessageKind) -> (&'static str, &'static str) {
    match kind {
        MessageKind::Command => ("#2f6fde", "#173a78"),
        MessageKind::Event => ("#e08a1e", "#7a4300"),
        MessageKind::Query | MessageKind::QueryResponse => ("#1f9e89", "#0b5247"),
    }
}

/// Square for a command, circle for an event, triangle for a query (hollow on the way back).
fn trace_shape(ctx: &CanvasRenderingContext2d, kind: MessageKind, x: f64, y: f64) {
    let s = TOKEN_SIZE;
    match kind {
        MessageKind::Command => {
            ctx.move_to(x - s, y - s);
            ctx.line_to(x + s, y - s);
            ctx.line_to(x + s, y + s);
            ctx.line_to(x - s, y + s);
            ctx.close_path();
        }
        MessageKind::Event => {
            ctx.move_to(x + s, y);
            let _ = ctx.arc(x, y, s, 0.0, std::f64::consts::TAU);
        }
        MessageKind::Query | MessageKind::QueryResponse => {
            ctx.move_to(x, y - s * 1.15);
            ctx.line_to(x + s * 1.1, y + s * 0.85);
            ctx.line_to(x - s * 1.1, y + s * 0.85);
            ctx.close_path();
        }
    }
}

//! Draws the tokens in flight onto the canvas over the diagram. One canvas instead of an
//! SVG element per token: on these 2-core machines SVG tokens stop holding 60 fps near
//! 1,000 tokens, a canvas holds it past 2,000 (see TOOLCHAIN.md and BENCHMARKS.md).

use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::geometry::view_transform;
use crate::sim::MessageKind;
use crate::tokens::PlacedToken;

const TOKEN_SIZE: f64 = 6.5;

pub struct Painter {
    context: CanvasRenderingContext2d,
    /// The canvas size last set, in device pixels; resizing clears the canvas, so it is
    /// done only when the element's size really changed.
    size: (u32, u32),
}

impl Painter {
    pub fn new(canvas: &HtmlCanvasElement) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()
            .flatten()?
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        Some(Self {
            context,
            size: (0, 0),
        })
    }

    /// Clears the canvas and draws every token, batched by kind: one path and one fill
    /// per kind rather than one per token.
    pub fn paint(&mut self, canvas: &HtmlCanvasElement, tokens: &[PlacedToken]) {
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
        let (scale, offset_x, offset_y) = view_transform((css_width, css_height));
        let _ = ctx.set_transform(
            scale * ratio,
            0.0,
            0.0,
            scale * ratio,
            offset_x * ratio,
            offset_y * ratio,
        );
        for kind in [
            MessageKind::Command,
            MessageKind::Event,
            MessageKind::Query,
            MessageKind::QueryResponse,
        ] {
            let (fill, stroke) = colours(kind);
            ctx.begin_path();
            let mut any = false;
            for token in tokens.iter().filter(|t| t.kind == kind) {
                any = true;
                trace_shape(ctx, kind, token.at.x, token.at.y);
            }
            if !any {
                continue;
            }
            ctx.set_line_width(1.6);
            ctx.set_stroke_style_str(stroke);
            if kind == MessageKind::QueryResponse {
                ctx.set_fill_style_str("#ffffff");
            } else {
                ctx.set_fill_style_str(fill);
            }
            ctx.fill();
            ctx.stroke();
        }
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

//! The app's one animation loop, in the manner of leptos-use's `use_raf_fn`: a single
//! `requestAnimationFrame` chain that hands each frame's elapsed milliseconds to one
//! callback. It stops when the owning component is cleaned up; the callback itself must
//! use `try_*` accessors so a frame that lands after unmount does nothing.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::sim::clamped;

/// Frames further apart than this (a background tab, a debugger pause) count as this
/// long, so the simulation never lurches through minutes of traffic in one frame.
pub const MAX_FRAME_MS: f64 = 100.0;

/// Starts the loop. `on_frame` receives the milliseconds since the previous frame and
/// returns whether to keep going.
pub fn use_animation_frame(mut on_frame: impl FnMut(f64) -> bool + 'static) {
    let running = Arc::new(AtomicBool::new(true));
    let stop = Arc::clone(&running);
    on_cleanup(move || stop.store(false, Ordering::Relaxed));

    let slot: FrameSlot = Rc::new(RefCell::new(None));
    let next = Rc::clone(&slot);
    let mut previous: Option<f64> = None;
    *slot.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
        if !running.load(Ordering::Relaxed) {
            return;
        }
        let elapsed = previous.map_or(0.0, |p| clamped(timestamp - p, 0.0, MAX_FRAME_MS));
        previous = Some(timestamp);
        if on_frame(elapsed) && running.load(Ordering::Relaxed) {
            schedule(&next);
        }
    }));
    schedule(&slot);
}

/// The frame callback, shared so that it can schedule itself again.
type FrameSlot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

fn schedule(slot: &FrameSlot) {
    if let Some(closure) = slot.borrow().as_ref() {
        let _ = window().request_animation_frame(closure.as_ref().unchecked_ref());
    }
}

/// Whether the user asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    window()
        .match_media("(prefers-reduced-motion: reduce)")
        .ok()
        .flatten()
        .is_some_and(|query| query.matches())
}

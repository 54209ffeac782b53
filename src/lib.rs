//! Contrail: an airline's microservices, simulated and animated in the browser.
//!
//! `sim` is the pure simulation core (no browser, no clock, no globals). `geometry` and
//! `tokens` are pure functions of the topology and the simulation's hops, `listing` of
//! what the message log shows, and `share` of a shared link's run. The rest is the thin Leptos UI that drives the simulation
//! from one animation loop and draws what it did.

pub mod animation;
pub mod app;
pub mod asyncapi;
pub mod asyncapi_worker;
#[cfg(feature = "bench")]
pub mod bench_hooks;
pub mod bench_mode;
pub mod components;
pub mod compose;
pub mod diagram_focus;
pub mod diagram_markup;
pub mod diagram_table;
pub mod dom_patch;
pub mod engine;
pub mod file_save;
pub mod flow;
pub mod geometry;
pub mod link_codec;
pub mod listing;
pub mod live;
pub mod loaded;
pub mod log_markup;
pub mod markup;
pub mod model_edit_markup;
pub mod model_files;
pub mod model_reader;
pub mod narration;
pub mod on_demand;
pub mod page_run;
pub mod painter;
pub mod refresh;
pub mod share;
pub mod sim;
pub mod simulation_page;
pub mod tokens;
pub mod worker_ops;

pub use app::App;

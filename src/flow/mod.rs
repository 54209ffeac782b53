//! Reading a flow end to end: a message's causal chain, where its time went, the sequence
//! view, the Trace panel's tree, and the exports (Mermaid, OpenTelemetry, JSON Lines and
//! a standalone SVG). Pure functions of the simulation, tested natively; the components
//! only bind their results.

pub mod chain;
pub mod exports;
pub mod mermaid;
pub mod otlp;
pub mod sequence;
pub mod svg_export;
pub mod timing;
pub mod trace_tree;

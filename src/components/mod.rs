//! The Leptos components, one per file, named for what the user sees.

pub mod controls;
pub mod diagram;
pub mod json_view;
pub mod legend;
pub mod message_log;
pub mod notice;
pub mod payload_inspector;
pub mod service_inspector;

pub use controls::Controls;
pub use diagram::Diagram;
pub use json_view::JsonView;
pub use legend::Legend;
pub use message_log::MessageLog;
pub use notice::Notice;
pub use payload_inspector::PayloadInspector;
pub use service_inspector::ServiceInspector;

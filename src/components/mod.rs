//! The Leptos components, one per file, named for what the user sees.

pub mod composer;
pub mod composer_form;
pub mod controls;
pub mod dead_letter_list;
pub mod dead_letters;
pub mod diagram;
pub mod diagram_table;
pub mod fault_controls;
pub mod flow_exports;
pub mod inspected_message;
pub mod json_view;
pub mod keyboard_shortcuts;
pub mod legend;
pub mod message_log;
pub mod model_editor;
pub mod model_picker;
pub mod narration;
pub mod notice;
pub mod payload_inspector;
pub mod sequence_view;
pub mod service_inspector;
pub mod share_link;
pub mod trace_panel;
pub mod view_options;
pub mod what_if;

pub use composer::Composer;
pub use composer_form::ComposerForm;
pub use controls::Controls;
pub use dead_letter_list::DeadLetterList;
pub use dead_letters::DeadLetters;
pub use diagram::Diagram;
pub use diagram_table::DiagramTable;
pub use fault_controls::FaultControls;
pub use flow_exports::FlowExports;
pub use inspected_message::InspectedMessage;
pub use json_view::JsonView;
pub use keyboard_shortcuts::KeyboardShortcuts;
pub use legend::Legend;
pub use message_log::MessageLog;
pub use model_editor::ModelEditor;
pub use model_picker::ModelPicker;
pub use narration::Narration;
pub use notice::Notice;
pub use payload_inspector::PayloadInspector;
pub use sequence_view::SequenceView;
pub use service_inspector::ServiceInspector;
pub use share_link::ShareLink;
pub use trace_panel::TracePanel;
pub use view_options::{StageView, ViewOptions};
pub use what_if::WhatIf;

/// The value of `attribute` on the click's target or its nearest ancestor that has it,
/// parsed: one click handler on a container serves all of its rows or edges.
pub(crate) fn clicked_attribute<T: std::str::FromStr>(
    ev: &web_sys::Event,
    attribute: &str,
) -> Option<T> {
    use wasm_bindgen::JsCast;
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let holder = target.closest(&format!("[{attribute}]")).ok()??;
    holder.get_attribute(attribute)?.parse().ok()
}

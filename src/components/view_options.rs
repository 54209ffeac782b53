use leptos::prelude::*;

/// The sizes the diagram's text can take, as multiples of its normal size.
pub const TEXT_SCALES: [f64; 4] = [1.0, 1.25, 1.5, 2.0];

/// What the main view shows: the diagram, the sequence view, or both side by side.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StageView {
    #[default]
    Diagram,
    Sequence,
    Both,
    /// The diagram as a table, in the diagram's place.
    Table,
}

impl StageView {
    pub fn shows_sequence(self) -> bool {
        matches!(self, StageView::Sequence | StageView::Both)
    }
}

/// How the flow is shown: the diagram, the sequence view, both or a table, the text size,
/// whether tokens move, and
/// Present mode, where the diagram has the screen to itself for a projector. Sits beside
/// the step caption, which Present mode keeps.
#[component]
pub fn ViewOptions(
    /// Whether the diagram has the screen to itself.
    present: RwSignal<bool>,
    /// The diagram's text size, as a multiple of its normal size.
    text_scale: RwSignal<f64>,
    /// The diagram, the sequence view, both, or the diagram as a table.
    stage_view: RwSignal<StageView>,
    /// Whether tokens stand still at the middle of their hop instead of gliding.
    reduce_motion: RwSignal<bool>,
) -> impl IntoView {
    view! {
        <div class="control-group view-controls" role="group" aria-label="View">
                <label title="The diagram shows who talks to whom; the sequence, in what order and who waited">
                    <span>"Show"</span>
                    <select class="stage-views" on:change:target=move |ev| {
                        stage_view.set(match ev.target().value().as_str() {
                            "sequence" => StageView::Sequence,
                            "both" => StageView::Both,
                            "table" => StageView::Table,
                            _ => StageView::Diagram,
                        });
                    }>
                        <option value="diagram">"Diagram"</option>
                        <option value="sequence">"Sequence"</option>
                        <option value="both">"Side by side"</option>
                        <option value="table">"Table"</option>
                    </select>
                </label>
                <label>
                    <span>"Text size"</span>
                    <select on:change:target=move |ev| {
                        if let Some(scale) = crate::sim::read_decimal(&ev.target().value()) {
                            text_scale.set(scale);
                        }
                    }>
                        {TEXT_SCALES
                            .into_iter()
                            .map(|scale| view! {
                                <option value=crate::sim::plain(scale, 3) selected=move || (text_scale.get() - scale).abs() < 1e-9>
                                    {format!("{}%", crate::sim::fixed(scale * 100.0, 0))}
                                </option>
                            })
                            .collect::<Vec<_>>()}
                    </select>
                </label>
                <label title="Tokens stand at the middle of each hop, with how far they have come, instead of gliding">
                    <input
                        type="checkbox"
                        prop:checked=reduce_motion
                        on:change:target=move |ev| reduce_motion.set(ev.target().checked())
                    />
                    "Reduce motion"
                </label>
                <button
                    aria-pressed=move || present.get().to_string()
                    title="The diagram fills the screen; Escape leaves"
                    on:click=move |_| present.update(|p| *p = !*p)
                >
                    "Present"
                </button>
            </div>
    }
}

use leptos::prelude::*;
use wasm_bindgen::JsCast;

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

    /// The view a value of the "Show" list names; anything else is the diagram.
    pub fn parse(value: &str) -> Self {
        match value {
            "sequence" => StageView::Sequence,
            "both" => StageView::Both,
            "table" => StageView::Table,
            _ => StageView::Diagram,
        }
    }
}

/// The view controls as fixed markup: one element with two delegated handlers costs the
/// first load far less than a view and a handler per control. `reduce_motion` is where the
/// checkbox starts (the system's setting); the text size starts at 100 %.
pub(crate) fn view_options_markup(reduce_motion: bool) -> String {
    let mut html = String::from(concat!(
        r#"<label title="The diagram shows who talks to whom; the sequence, in what order and who waited">"#,
        r#"<span>Show</span><select class="stage-views" data-view="stage">"#,
        r#"<option value="diagram">Diagram</option><option value="sequence">Sequence</option>"#,
        r#"<option value="both">Side by side</option><option value="table">Table</option>"#,
        r#"</select></label><label><span>Text size</span><select data-view="text">"#,
        r#"<option value="1" selected>100%</option><option value="1.25">125%</option>"#,
        r#"<option value="1.5">150%</option><option value="2">200%</option>"#,
        r#"</select></label>"#,
    ));
    html.push_str(concat!(
        r#"<label title="Tokens stand at the middle of each hop, with how far they have come, instead of gliding">"#,
        r#"<input type="checkbox" data-view="motion""#,
    ));
    if reduce_motion {
        html.push_str(" checked");
    }
    html.push_str(concat!(
        r#">Reduce motion</label>"#,
        r#"<button type="button" data-view="present" aria-pressed="false" title="The diagram fills the screen; Escape leaves">Present</button>"#,
    ));
    html
}

/// The sizes the diagram's text can take, as the text size list's values: multiples of its
/// normal size, written into the page's style as they are (no number is read, which would
/// bring a parser into the first load).
const TEXT_SCALES: [&str; 4] = ["1", "1.25", "1.5", "2"];

/// `value` if it is one of the text size list's, else nothing.
fn text_scale(value: &str) -> Option<&'static str> {
    TEXT_SCALES.into_iter().find(|scale| *scale == value)
}

fn first(selector: &str) -> Option<web_sys::Element> {
    document().query_selector(selector).ok().flatten()
}

/// Turns Present mode on or off: a class on the page, which the stylesheet lays out, and
/// the Present button's pressed state. Escape leaves it from anywhere on the page. Nothing
/// in the page reads the mode back, so it is written where it shows and kept nowhere else.
pub fn set_present(on: bool) {
    if let Some(page) = first(".app:not(#boot)") {
        let _ = page.class_list().toggle_with_force("present", on);
    }
    if let Some(button) = first("[data-view=present]") {
        let _ = button.set_attribute("aria-pressed", if on { "true" } else { "false" });
    }
}

/// Whether Present mode is on, as the Present button says.
fn presenting() -> bool {
    first("[data-view=present]")
        .and_then(|b| b.get_attribute("aria-pressed"))
        .as_deref()
        == Some("true")
}

/// How the flow is shown: the diagram, the sequence view, both or a table, the text size,
/// whether tokens move, and
/// Present mode, where the diagram has the screen to itself for a projector. Sits beside
/// the step caption, which Present mode keeps.
#[component]
pub fn ViewOptions(
    /// The diagram, the sequence view, both, or the diagram as a table.
    stage_view: WriteSignal<StageView>,
    /// Whether tokens stand still at the middle of their hop instead of gliding.
    reduce_motion: RwSignal<bool>,
) -> impl IntoView {
    let markup = view_options_markup(reduce_motion.get_untracked());
    let change = move |ev: leptos::ev::Event| {
        let Some(target) = ev.target() else {
            return;
        };
        if let Some(input) = target.dyn_ref::<web_sys::HtmlInputElement>() {
            reduce_motion.set(input.checked());
        } else if let Some(select) = target.dyn_ref::<web_sys::HtmlSelectElement>() {
            let value = select.value();
            if select.get_attribute("data-view").as_deref() == Some("stage") {
                stage_view.set(StageView::parse(&value));
            } else if let (Some(scale), Some(page)) = (text_scale(&value), first(".app:not(#boot)"))
            {
                // The diagram's labels are sized from this one property (see the stylesheet).
                let _ = page.set_attribute("style", &format!("--text-scale: {scale}"));
            }
        }
    };
    view! {
        <div
            class="control-group view-controls"
            role="group"
            aria-label="View"
            inner_html=markup
            on:change=change
            on:click=move |ev| {
                if crate::components::clicked_attribute::<String>(&ev, "data-view").as_deref()
                    == Some("present")
                {
                    set_present(!presenting());
                }
            }
        ></div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_controls_start_at_the_diagram_and_normal_text_and_the_motion_asked_for() {
        // Each text size's value is the factor the page writes, its words the percentage.
        let html = view_options_markup(false);
        assert_eq!(html.matches("<option").count(), 4 + TEXT_SCALES.len());
        assert_eq!(html.matches(" selected").count(), 1);
        assert!(html.contains(r#"<option value="1" selected>100%</option>"#));
        for value in TEXT_SCALES {
            let scale = crate::sim::read_decimal(value).unwrap();
            let words = crate::sim::fixed(scale * 100.0, 0);
            assert!(
                html.contains(&format!(r#"<option value="{value}""#)),
                "{value}"
            );
            assert!(html.contains(&format!(">{words}%</option>")), "{words}");
            assert_eq!(text_scale(value), Some(value));
        }
        // Only the list's own values reach the page's style.
        for other in ["3", "1.50", "1; color: red", ""] {
            assert_eq!(text_scale(other), None, "{other}");
        }
        assert!(!html.contains(" checked"));
        assert!(view_options_markup(true).contains(r#"data-view="motion" checked>"#));
        assert!(html.contains(r#"aria-pressed="false""#));
    }

    #[test]
    fn every_choice_of_the_show_list_names_its_view() {
        for (value, view) in [
            ("diagram", StageView::Diagram),
            ("sequence", StageView::Sequence),
            ("both", StageView::Both),
            ("table", StageView::Table),
        ] {
            assert!(view_options_markup(false).contains(&format!(r#"value="{value}""#)));
            assert_eq!(StageView::parse(value), view);
        }
    }
}

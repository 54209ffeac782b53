//! The page: which model runs. Everything derived from a model lives in one
//! [`SimulationPage`], built again whenever another model is loaded or a link is opened, so
//! nothing computed for the last model survives into the next.

use leptos::html::Div;
use leptos::prelude::*;
use leptos::tachys::view::{any_view::AnyViewState, Mountable, Render};

use crate::bench_mode::{self, Mode};
use crate::link_codec;
use crate::loaded::{LoadedModel, Start};
use crate::model_reader::read_link;
use crate::on_demand::on_demand;
use crate::simulation_page::SimulationPage;

/// The whole app: the page for the model in use, and the share links that choose it.
#[component]
pub fn App() -> impl IntoView {
    // Each start is numbered, so that a link that unpacks late knows whether it is still
    // the latest. A new start builds a new page instead of patching the last one's DOM (the
    // diagram mounts its contents itself, and a patched page would keep the last model's).
    let start = RwSignal::new((0u64, Start::fresh(LoadedModel::airline())));
    let begin = move |next: Start| start.update(|(n, s)| (*n, *s) = (*n + 1, next));
    // A model chosen in the page is not the link in the address any more: drop the link,
    // so a reload opens what is on screen, not the run the link described.
    let on_start = Callback::new(move |next: Start| {
        if let Ok(history) = window().history() {
            let location = window().location();
            let page = format!(
                "{}{}",
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            if location.hash().is_ok_and(|h| !h.is_empty()) {
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&page));
            }
        }
        begin(next);
    });
    // A `#pako:` link in the address (on load, or pasted into this tab, which changes only
    // the fragment) chooses the model and the run; Copy link's own replaceState fires no
    // hashchange.
    let open_fragment = move || {
        let fragment = window().location().hash().unwrap_or_default();
        if bench_mode::current_mode().0 != Mode::Airline
            || !fragment.starts_with(link_codec::LINK_PREFIX)
        {
            return;
        }
        begin(Start {
            opening_link: true,
            ..Start::fresh(LoadedModel::airline())
        });
        // Only this opening may replace the page: a later link, or a model picked meanwhile,
        // wins over a link that unpacks late.
        let opening = start.with_untracked(|(n, _)| *n);
        leptos::task::spawn_local(async move {
            let Some(opened) = link_codec::unpack(&fragment).await else {
                return;
            };
            let read = match opened {
                Ok(text) => on_demand!(read_link(text))
                    .await
                    .unwrap_or_else(|missing| Err(missing.to_string())),
                Err(why) => Err(why),
            };
            let next = read.unwrap_or_else(|why| Start::refused_link(&why));
            if start.try_with_untracked(|(n, _)| *n) == Some(opening) {
                begin(next);
            }
        });
    };
    open_fragment();
    let hash_change = window_event_listener(leptos::ev::hashchange, move |_| open_fragment());
    on_cleanup(move || hash_change.remove());
    // Each start builds a page of its own in place of the last, whose owner, and with it
    // everything it computed, the effect disposes as it runs again. Built and mounted by
    // hand, as `part_holder` mounts a part: a keyed `<For>` of one item did the same with a
    // keyed list's machinery, 4.9 KB gzip of the first load.
    let host = NodeRef::<Div>::new();
    let shown = StoredValue::new_local(None::<AnyViewState>);
    Effect::new(move |_| {
        let (number, next) = start.with(|(n, s)| (*n, s.clone()));
        let Some(host) = host.get() else {
            return;
        };
        let build = move || {
            // A start that came meanwhile builds its own page.
            if start.try_with_untracked(|(n, _)| *n) != Some(number) {
                return;
            }
            if let Some(Some(mut last)) = shown.try_update_value(Option::take) {
                last.unmount();
            }
            // index.html's boot page (a header, and the airline's diagram, which the page's
            // Diagram takes over) stays on screen until the page is here to take its place.
            let boot = document().get_element_by_id("boot");
            let mut page = untrack(|| {
                view! { <SimulationPage start=next on_start in_place_of=boot /> }
                    .into_any()
                    .build()
            });
            page.mount(&host, None);
            shown.set_value(Some(page));
        };
        // Loading, the page is built in a task after the one that instantiated the wasm and
        // set the app up: together they ran past 50 ms, blocking input, on a busy machine.
        if document().get_element_by_id("boot").is_some() {
            set_timeout(build, std::time::Duration::ZERO);
        } else {
            build();
        }
    });
    view! { <div class="page-host" node_ref=host></div> }
}

//! The page: which model runs. Everything derived from a model lives in one
//! [`SimulationPage`], built again whenever another model is loaded or a link is opened, so
//! nothing computed for the last model survives into the next.

use leptos::prelude::*;

use crate::bench_mode::{self, Mode};
use crate::link_codec;
use crate::loaded::{LoadedModel, Start};
use crate::simulation_page::SimulationPage;

/// The whole app: the page for the model in use, and the share links that choose it.
#[component]
pub fn App() -> impl IntoView {
    // Each start is numbered: the page is keyed by it, so a new start builds a new page
    // instead of patching the last one's DOM (the diagram mounts its contents itself, and a
    // patched page would keep the last model's).
    let start = RwSignal::new((0u64, Start::fresh(LoadedModel::airline())));
    let begin = move |next: Start| start.update(|(n, s)| (*n, *s) = (*n + 1, next));
    let on_start = Callback::new(begin);
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
        leptos::task::spawn_local(async move {
            let Some(opened) = link_codec::unpack(&fragment).await else {
                return;
            };
            let next = opened
                .and_then(|text| Start::from_link(&text))
                .unwrap_or_else(|why| Start::refused_link(&why));
            if start.try_get_untracked().is_some() {
                begin(next);
            }
        });
    };
    open_fragment();
    let hash_change = window_event_listener(leptos::ev::hashchange, move |_| open_fragment());
    on_cleanup(move || hash_change.remove());
    view! {
        <For
            each=move || [start.get()]
            key=|(n, _)| *n
            children=move |(_, start)| view! { <SimulationPage start on_start /> }
        />
    }
}

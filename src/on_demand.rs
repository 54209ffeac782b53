//! Parts of the page most people never open, each fetched as a wasm chunk of its own the
//! first time it is shown, so that the first load carries only what the first screen needs.
//!
//! The release build (`split` feature) marks each part as a split point for `wasm-split`
//! (`scripts/split-wasm.sh`, run by trunk after it builds); every other build, `trunk serve`
//! and the browser tests among them, calls the same function directly. Either way the page
//! mounts it with `part_holder`, so it is written once.

/// The future of a call to a part: a function marked, in the release build, as a split
/// point that may fail to load,
///
/// ```ignore
/// #[cfg_attr(
///     all(feature = "split", target_arch = "wasm32"),
///     leptos::wasm_split::wasm_split(details, wasm_split_path = ::leptos::wasm_split, fallible)
/// )]
/// fn details_part(live: LiveSim) -> Result<AnyView, PartMissing> { … }
/// ```
///
/// and called as `on_demand!(details_part(live))`. The release build makes it async and
/// splits it off; elsewhere the same call runs when the future is first polled, so every
/// build awaits it the same way. Arguments and the result cross the chunk boundary by value:
/// give a part concrete types (signals, handles, `AnyView`), not generics.
macro_rules! on_demand {
    ($call:expr) => {{
        #[cfg(all(feature = "split", target_arch = "wasm32"))]
        let later = $call;
        #[cfg(not(all(feature = "split", target_arch = "wasm32")))]
        let later = async move { $call };
        later
    }};
}
pub(crate) use on_demand;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use leptos::html::Div;
use leptos::prelude::*;
use leptos::reactive::spawn_local_scoped_with_cancellation;
use leptos::tachys::view::{any_view::AnyViewState, Mountable, Render};

/// A part's chunk did not arrive (offline, or the site was updated meanwhile). The load is
/// not remembered as failed: the next time the part is wanted, it is fetched again.
#[derive(Debug)]
pub struct PartMissing;

impl From<leptos::wasm_split::SplitLoaderError> for PartMissing {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        PartMissing
    }
}

impl fmt::Display for PartMissing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("This part of the page could not be fetched. Check the connection and open it again; the run goes on meanwhile.")
    }
}

/// A view part on its way: `Box::pin(on_demand!(part(…)))`.
pub type PartLoading = Pin<Box<dyn Future<Output = Result<AnyView, PartMissing>>>>;

/// An empty `div.part` (`display: contents`, so the part lays out as if it stood in its
/// place) that the part fills once its chunk has arrived, or that says it did not. The part
/// is built under the caller's owner and goes with it: when the caller's view is rebuilt (a
/// new selection), the holder is emptied and a load still under way is dropped, so an older
/// part never lands beside the newer one. Cheaper than `Suspend`, which would bring its own
/// machinery to the first load.
pub fn part_holder(part: PartLoading) -> impl IntoView {
    let holder = NodeRef::<Div>::new();
    // Keeps the part's view state, and so its handlers, as long as the holder shows it.
    let built = StoredValue::new_local(None::<AnyViewState>);
    // Leptos may keep the same `div` for the next part of the same place: leave it empty.
    on_cleanup(move || {
        if let Some(Some(holder)) = holder.try_get_untracked() {
            holder.set_text_content(None);
        }
    });
    spawn_local_scoped_with_cancellation(async move {
        let loaded = part.await;
        let Some(Some(holder)) = holder.try_get_untracked() else {
            return;
        };
        match loaded {
            Ok(view) => {
                let mut state = view.build();
                state.mount(&holder, None);
                built.try_set_value(Some(state));
            }
            Err(missing) => {
                let said = document().create_element("p").expect("a p element");
                said.set_class_name("empty part-missing");
                said.set_attribute("role", "status").ok();
                said.set_text_content(Some(&missing.to_string()));
                holder.append_child(&said).ok();
            }
        }
    });
    view! { <div class="part" node_ref=holder></div> }
}

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::link_codec;
use crate::on_demand::{on_demand, PartMissing};
use crate::page_run::PageRun;

/// "Copy link": puts a link to this exact run (model, seed and every input so far) in the
/// address bar and on the clipboard, and shows it in a field to copy by hand when the
/// clipboard is not allowed. The run travels in the fragment, so it never reaches a server.
#[component]
pub fn ShareLink(
    /// The run so far, which the link describes.
    run: PageRun,
    /// Changes when the run is replaced by another (Reset, Step back): a link copied before
    /// describes a run no longer on screen.
    #[prop(into)]
    run_replaced: Signal<u32>,
) -> impl IntoView {
    let link = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    Effect::new(move |previous: Option<u32>| {
        let now = run_replaced.get();
        if previous.is_some_and(|p| p != now) && link.get_untracked().is_some() {
            link.set(None);
            status.set("The run changed: Copy link makes a link to this one".into());
        }
        now
    });
    let copy = move |_| {
        spawn_local(async move {
            if let Err(missing) = on_demand!(copy_link_part(run, link, status)).await {
                let _ = status.try_set(missing.to_string());
            }
        });
    };
    view! {
        <div class="share-link" role="group" aria-label="Share">
            <button on:click=copy title="A link that opens this exact run, paused where it is now">
                "Copy link"
            </button>
            // Always there, hidden until there is a link: cheaper than a view made on demand.
            <input
                class="share-url"
                type="text"
                aria-label="Share link"
                readonly
                hidden=move || link.with(Option::is_none)
                prop:value=move || link.get().unwrap_or_default()
                on:focus=move |ev| {
                    use wasm_bindgen::JsCast;
                    if let Some(field) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        field.select();
                    }
                }
            />
            <span class="share-status" role="status">{move || status.get()}</span>
        </div>
    }
}

/// Packs the run into a link, puts it in the address bar and on the clipboard, and says
/// which: a part of its own, fetched on the first Copy link, since most visitors never share.
#[cfg_attr(
    all(feature = "split", target_arch = "wasm32"),
    leptos::wasm_split::wasm_split(copy_link, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn copy_link_part(
    run: PageRun,
    link: RwSignal<Option<String>>,
    status: RwSignal<String>,
) -> Result<(), PartMissing> {
    let Some(json) = run.run_json() else {
        return Ok(());
    };
    spawn_local(async move {
        let fragment = match link_codec::pack(&json).await {
            Ok(fragment) => fragment,
            Err(error) => {
                status.set(format!("No link: {error}."));
                return;
            }
        };
        // The page may have been replaced (another model) while the link was packed.
        let Some(window) = web_sys::window().filter(|_| link.try_get_untracked().is_some()) else {
            return;
        };
        let location = window.location();
        let page = format!(
            "{}{}{}",
            location.origin().unwrap_or_default(),
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        );
        let url = format!("{page}{fragment}");
        // Replaced, not pushed: Back should leave the page, not step through links.
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
        let copied =
            wasm_bindgen_futures::JsFuture::from(window.navigator().clipboard().write_text(&url))
                .await
                .is_ok();
        let _ = link.try_set(Some(url));
        let _ = status.try_set(if copied {
            "Link copied".into()
        } else {
            "Copy it from the field".into()
        });
    });
    Ok(())
}

fn main() {
    console_error_panic_hook::set_once();
    // index.html shows a header while the wasm loads; the app takes its place.
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(contrail::App);
}

fn main() {
    console_error_panic_hook::set_once();
    // Mount in a task of its own, so compiling and instantiating the wasm and building the
    // page are two shorter tasks instead of one long one that blocks input while loading.
    leptos::prelude::set_timeout(
        || leptos::mount::mount_to_body(contrail::App),
        std::time::Duration::ZERO,
    );
}

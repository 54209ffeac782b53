fn main() {
    console_error_panic_hook::set_once();
    // Mounted at once, in the task that instantiated the wasm, which has room for the app's
    // own set-up: the page itself is built in a task of its own (see `App`).
    leptos::mount::mount_to_body(contrail::App);
}

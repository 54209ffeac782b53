//! Browser tests: the real components mounted in headless Chromium, asserted on the DOM.
#![cfg(target_arch = "wasm32")]

use contrail::components::JsonView;
use contrail::App;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn fresh_container() -> HtmlElement {
    let container = document()
        .create_element("div")
        .unwrap()
        .unchecked_into::<HtmlElement>();
    document().body().unwrap().append_child(&container).unwrap();
    container
}

/// Lets the reactive system flush its effects into the DOM.
async fn settle() {
    TimeoutFuture::new(0).await;
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into::<Element>())
        .collect()
}

fn one(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

fn button(root: &Element, name: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default().trim() == name)
        .unwrap_or_else(|| panic!("no button named {name:?}"))
        .unchecked_into::<HtmlElement>()
}

/// Tells an element its value changed, as the browser does after the user changes it: the
/// event bubbles, so a handler on a container hears it.
fn changed(element: &Element) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

/// Clicks any element, SVG included (SVG elements have no `click()`).
fn click(element: &Element) {
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

fn text(element: &Element) -> String {
    element.text_content().unwrap_or_default()
}

/// Presses Step until `selector` matches something in `root`, or gives up.
async fn step_until(root: &Element, selector: &str) -> Element {
    for _ in 0..400 {
        if let Some(found) = one(root, selector) {
            return found;
        }
        button(root, "Step").click();
        settle().await;
    }
    panic!("stepping never produced {selector}");
}

/// Steps until the simulation has nothing left to do (Step then raises a notice).
async fn step_to_quiet(root: &Element) {
    for _ in 0..400 {
        button(root, "Step").click();
        settle().await;
        if let Some(notice) = one(root, "[role=alert]") {
            if text(&notice).contains("Nothing is scheduled") {
                button(&notice, "Dismiss").click();
                settle().await;
                return;
            }
        }
    }
    panic!("the simulation never went quiet");
}

async fn mounted_paused_app() -> (HtmlElement, impl Drop) {
    let container = fresh_container();
    let handle = leptos::mount::mount_to(container.clone(), App);
    // Over a boot page the page is built a task later, and shown one after that.
    for _ in 0..3 {
        settle().await;
    }
    button(&container, "Pause").click();
    settle().await;
    assert!(
        all(&container, "button")
            .iter()
            .any(|b| text(b).trim() == "Play"),
        "paused"
    );
    (container, handle)
}

#[wasm_bindgen_test]
async fn the_diagram_draws_every_service_and_tells_edge_kinds_apart_without_colour() {
    let (root, _app) = mounted_paused_app().await;
    for id in [
        "mobile-app",
        "booking",
        "loyalty",
        "flights",
        "revenue",
        "broker",
    ] {
        assert!(
            one(&root, &format!("svg [data-service=\"{id}\"]")).is_some(),
            "node {id}"
        );
    }
    let mut dashes = Vec::new();
    let mut ends = Vec::new();
    for kind in ["command", "event", "query"] {
        let edges = all(
            &root,
            &format!("svg g.edge[data-kind=\"{kind}\"]:not(.dead-end)"),
        );
        assert!(!edges.is_empty(), "there are {kind} edges");
        for edge in &edges {
            assert!(edge
                .get_attribute("data-from")
                .is_some_and(|f| !f.is_empty()));
            assert!(edge.get_attribute("data-to").is_some_and(|t| !t.is_empty()));
        }
        let line = one(&edges[0], ".edge-line").unwrap();
        dashes.push(line.get_attribute("stroke-dasharray").unwrap());
        ends.push(line.get_attribute("marker-end").unwrap());
        if kind == "query" {
            assert!(
                line.get_attribute("marker-start").is_some(),
                "a query's line marks both ends"
            );
        } else {
            assert!(line.get_attribute("marker-start").is_none());
        }
    }
    dashes.dedup();
    ends.dedup();
    assert_eq!(dashes.len(), 3, "three line styles: {dashes:?}");
    assert_eq!(ends.len(), 3, "three arrowheads: {ends:?}");
    let dead_end =
        one(&root, "svg g.dead-end[data-kind=\"event\"]").expect("an event nobody hears is drawn");
    assert!(text(&dead_end).contains("no subscribers"));
    assert_eq!(all(&root, ".legend [data-kind]").len(), 3);
}

#[wasm_bindgen_test]
async fn selecting_a_log_entry_fills_the_inspector_with_its_json() {
    let (root, _app) = mounted_paused_app().await;
    let inspector = one(&root, "[aria-label=\"Payload inspector\"]").unwrap();
    assert!(text(&inspector).contains("Select a message"));
    button(&root, "Book FL123").click();
    settle().await;
    let entry = step_until(&root, ".log-entry[data-type=\"BookingCreated\"]").await;
    let id = entry.get_attribute("data-message-id").unwrap();
    assert_eq!(entry.get_attribute("data-kind").as_deref(), Some("event"));
    one(&entry, "button")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    let details = one(&inspector, ".message-details").expect("details shown");
    assert_eq!(details.get_attribute("data-message-id"), Some(id));
    let shown = text(&inspector);
    for expected in [
        "BookingCreated",
        "\"bookingId\"",
        "\"BK12345\"",
        "\"passengerDetails\"",
        "\"John\"",
        "800",
    ] {
        assert!(
            shown.contains(expected),
            "inspector shows {expected}: {shown}"
        );
    }
    assert!(
        all(&inspector, ".json-key").len() > 10,
        "keys are marked up as keys"
    );
    assert!(
        !all(&inspector, "details.json-branch").is_empty(),
        "objects collapse"
    );
    // The causation link walks back to the command that caused the event.
    let caused_by = all(&inspector, "dt")
        .into_iter()
        .find(|dt| text(dt) == "Caused by")
        .expect("a parent");
    let link = caused_by.next_element_sibling().unwrap();
    one(&link, "button")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    let parent = one(&inspector, ".message-details").unwrap();
    assert_ne!(
        parent.get_attribute("data-message-id"),
        entry.get_attribute("data-message-id")
    );
}

#[wasm_bindgen_test]
async fn a_query_shows_both_its_request_and_its_response() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "Check John's points").click();
    settle().await;
    step_until(&root, ".log-entry[data-kind=\"queryResponse\"]").await;
    let request = one(&root, ".log-entry[data-kind=\"query\"]").unwrap();
    assert!(request
        .get_attribute("data-type")
        .unwrap()
        .contains("/points"));
    one(&request, "button")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    let inspector = one(&root, "[aria-label=\"Payload inspector\"]").unwrap();
    let shown = text(&inspector);
    assert!(shown.contains("Request #"), "{shown}");
    assert!(shown.contains("Response #"), "{shown}");
    assert!(
        shown.contains("\"points\""),
        "the answer carries the balance: {shown}"
    );
    assert_eq!(
        all(&inspector, "ul.json-view").len(),
        2,
        "request and response payloads"
    );
}

#[wasm_bindgen_test]
async fn a_query_leaves_the_service_state_unchanged_and_a_booking_does_not() {
    let (root, _app) = mounted_paused_app().await;
    click(&one(&root, "svg [data-service=\"loyalty\"]").unwrap());
    settle().await;
    let inspector = one(&root, "[aria-label=\"Service inspector\"]").unwrap();
    assert!(text(&inspector).contains("Loyalty"));
    let state = || text(&one(&inspector, ".service-state").unwrap());
    let changed = || text(&one(&inspector, ".state-changed").unwrap());
    let before = (state(), changed());
    assert!(!before.0.is_empty());

    button(&root, "Check John's points").click();
    settle().await;
    step_to_quiet(&root).await;
    assert!(
        one(&root, ".log-entry[data-kind=\"queryResponse\"]").is_some(),
        "the query ran"
    );
    assert_eq!((state(), changed()), before, "a query changes nothing");

    button(&root, "Book FL123").click();
    settle().await;
    step_to_quiet(&root).await;
    assert_ne!(
        state(),
        before.0,
        "a booking credits points, so the check above can fail"
    );
}

#[wasm_bindgen_test]
async fn a_bad_traffic_rate_is_explained_and_nothing_is_lost() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "Book FL123").click();
    settle().await;
    let rate = one(&root, ".traffic input[type=number]")
        .unwrap()
        .unchecked_into::<HtmlInputElement>();
    rate.set_value("100000");
    rate.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    button(&root, "Start traffic").click();
    settle().await;
    let notice = one(&root, "[role=alert]").expect("a message");
    assert!(text(&notice).contains("100000"), "{}", text(&notice));
    assert!(
        all(&root, "button")
            .iter()
            .any(|b| text(b).trim() == "Start traffic"),
        "traffic stays off"
    );
    step_until(&root, ".log-entry[data-type=\"CreateBooking\"]").await;
}

#[wasm_bindgen_test]
async fn hostile_payload_strings_stay_text() {
    let container = fresh_container();
    let hostile =
        "<img src=x onerror=\"window.__contrailPwned=1\"><script>window.__contrailPwned=1</script>";
    let value = serde_json::json!({ "firstName": hostile, "<b>key</b>": [hostile] });
    let _handle = leptos::mount::mount_to(
        container.clone(),
        move || view! { <JsonView value=value.clone() /> },
    );
    settle().await;
    assert!(one(&container, "img").is_none());
    assert!(one(&container, "script").is_none());
    assert!(one(&container, "b").is_none());
    assert!(text(&container).contains(hostile));
    assert!(text(&container).contains("<b>key</b>"));
    let pwned = js_sys_free_get("__contrailPwned");
    assert!(pwned.is_undefined());
}

fn js_sys_free_get(name: &str) -> wasm_bindgen::JsValue {
    let window: wasm_bindgen::JsValue = web_sys::window().unwrap().into();
    web_sys::js_sys::Reflect::get(&window, &name.into()).unwrap()
}

#[wasm_bindgen_test]
async fn the_log_filters_by_kind_and_by_service() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "Book FL123").click();
    settle().await;
    step_to_quiet(&root).await;
    let kinds = |root: &Element| {
        let mut kinds: Vec<String> = all(root, ".log-entry")
            .iter()
            .filter_map(|e| e.get_attribute("data-kind"))
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
    };
    assert!(
        kinds(&root).len() >= 3,
        "a booking uses several kinds: {:?}",
        kinds(&root)
    );

    let select = |label: &str, value: &str| {
        let select = one(&root, &format!("select[aria-label=\"{label}\"]"))
            .unwrap()
            .unchecked_into::<web_sys::HtmlSelectElement>();
        select.set_value(value);
        changed(&select);
    };
    select("Filter by kind", "event");
    settle().await;
    assert_eq!(kinds(&root), vec!["event".to_string()]);

    select("Filter by kind", "all");
    select("Filter by service", "revenue");
    settle().await;
    let entries = all(&root, ".log-entry");
    assert!(!entries.is_empty());
    for entry in &entries {
        assert!(text(entry).contains("revenue"), "{}", text(entry));
    }
    assert!(one(&root, ".log-entry[data-type=\"CreateBooking\"]").is_none());
}

#[wasm_bindgen_test]
async fn clicking_an_edge_selects_the_last_message_that_travelled_it() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "Book FL123").click();
    settle().await;
    step_to_quiet(&root).await;
    let edge = one(
        &root,
        "svg g.edge[data-kind=\"command\"][data-to=\"revenue\"]",
    )
    .unwrap();
    click(&edge);
    settle().await;
    let inspector = one(&root, "[aria-label=\"Payload inspector\"]").unwrap();
    assert!(
        text(&inspector).contains("AdjustFlightPricing"),
        "{}",
        text(&inspector)
    );
    assert!(text(&inspector).contains("\"ReassessPricing\""));
}

#[wasm_bindgen_test]
async fn copy_reports_what_happened() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "List tiers").click();
    settle().await;
    let entry = step_until(&root, ".log-entry[data-kind=\"query\"]").await;
    one(&entry, "button")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    button(&root, "Copy JSON").click();
    let status = one(&root, ".copy-status").unwrap();
    for _ in 0..50 {
        if !text(&status).is_empty() {
            break;
        }
        TimeoutFuture::new(20).await;
    }
    // Headless Chromium may grant or refuse the clipboard; either way the user is told.
    let said = text(&status);
    assert!(
        said == "Copied" || said.contains("refused") || said.contains("not available"),
        "{said:?}"
    );
}

fn log_ids(root: &Element) -> Vec<u64> {
    all(root, ".log-entry")
        .iter()
        .filter_map(|e| e.get_attribute("data-message-id")?.parse().ok())
        .collect()
}

fn log_summary(root: &Element) -> String {
    text(&one(root, ".log-count").unwrap())
}

fn log_note(root: &Element) -> String {
    text(&one(root, ".log-empty").unwrap())
}

/// The log's pager buttons stay focusable when they have nowhere to go.
fn is_disabled(button: &HtmlElement) -> bool {
    button.get_attribute("aria-disabled").as_deref() == Some("true")
}

#[wasm_bindgen_test]
async fn the_log_pages_back_to_every_kept_message_and_forward_to_the_newest() {
    let (root, _app) = mounted_paused_app().await;
    for _ in 0..60 {
        button(&root, "Check John's points").click();
    }
    settle().await;
    step_to_quiet(&root).await;

    let newest = log_ids(&root);
    assert_eq!(newest.len(), 100, "one page");
    assert_eq!(log_summary(&root), "Newest 100 of 120");
    assert!(is_disabled(&button(&root, "Newer")));
    assert!(is_disabled(&button(&root, "Newest")));

    button(&root, "Older").click();
    settle().await;
    let older = log_ids(&root);
    assert_eq!(older.len(), 20);
    assert!(
        older.iter().all(|id| id < &newest[0]),
        "{older:?} before {}",
        newest[0]
    );
    assert_eq!(log_summary(&root), "1 to 20 of 120");
    assert!(
        is_disabled(&button(&root, "Older")),
        "nothing older is kept"
    );
    button(&root, "Older").click();
    settle().await;
    assert_eq!(
        log_ids(&root),
        older,
        "a button with nowhere to go does nothing"
    );

    // A paged log stays put while new messages come.
    button(&root, "List tiers").click();
    step_to_quiet(&root).await;
    assert_eq!(log_ids(&root), older);

    // Newer continues from the page shown: the 100 after it, which no longer end at the
    // newest message; once more, and it is the newest page again.
    button(&root, "Newer").click();
    settle().await;
    assert_eq!(log_ids(&root), newest);
    assert_eq!(log_summary(&root), "21 to 120 of 122");
    assert!(!is_disabled(&button(&root, "Newest")));
    button(&root, "Newer").click();
    settle().await;
    let back = log_ids(&root);
    assert_eq!(
        &back[..98],
        &newest[2..],
        "the newest page, with the tiers query"
    );
    assert_eq!(log_summary(&root), "Newest 100 of 122");
    assert!(is_disabled(&button(&root, "Newer")));
    assert!(is_disabled(&button(&root, "Newest")));

    // A new filter starts from the newest messages, not from the page shown.
    button(&root, "Older").click();
    settle().await;
    assert_eq!(log_summary(&root), "1 to 22 of 122");
    let kind = one(&root, "select[aria-label=\"Filter by kind\"]")
        .unwrap()
        .unchecked_into::<web_sys::HtmlSelectElement>();
    kind.set_value("query");
    changed(&kind);
    settle().await;
    assert_eq!(log_summary(&root), "Newest 100 of 122");
    kind.set_value("all");
    changed(&kind);
    settle().await;

    // Reset takes a paged log back to the newest page: ids start again.
    button(&root, "Older").click();
    settle().await;
    button(&root, "Reset").click();
    settle().await;
    assert_eq!(log_summary(&root), "No messages yet");
    assert_eq!(log_note(&root), "No messages yet: press a scenario button.");
    for _ in 0..30 {
        button(&root, "Check John's points").click();
    }
    step_to_quiet(&root).await;
    assert_eq!(log_summary(&root), "60 messages");
    assert!(is_disabled(&button(&root, "Newest")));
}

#[wasm_bindgen_test]
async fn in_flight_only_lists_the_messages_whose_tokens_are_on_the_diagram() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "Book FL123").click();
    settle().await;
    step_until(&root, ".log-entry[data-type=\"BookingCreated\"]").await;
    let everything = log_ids(&root).len();

    let checkbox = one(&root, ".log-in-flight input")
        .unwrap()
        .unchecked_into::<HtmlInputElement>();
    checkbox.set_checked(true);
    changed(&checkbox);
    settle().await;
    let in_flight = all(&root, ".log-entry");
    assert!(!in_flight.is_empty() && in_flight.len() < everything);
    // A subset of what the log listed unfiltered: the filter only takes away.
    let listed = log_ids(&root);
    checkbox.set_checked(false);
    changed(&checkbox);
    settle().await;
    let unfiltered = log_ids(&root);
    assert!(listed.iter().all(|id| unfiltered.contains(id)));
    checkbox.set_checked(true);
    changed(&checkbox);
    settle().await;
    assert_eq!(log_ids(&root), listed);

    step_to_quiet(&root).await;
    assert!(all(&root, ".log-entry").is_empty());
    assert_eq!(log_note(&root), "No matching message is in flight now.");
}

fn caption(root: &Element) -> String {
    text(&one(root, ".step-caption").expect("the step caption"))
}

#[wasm_bindgen_test]
async fn each_step_is_captioned_and_step_back_replays_to_the_step_before() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "Step back").click();
    settle().await;
    assert!(
        caption(&root).starts_with("No step yet"),
        "{}",
        caption(&root)
    );
    button(&root, "Book FL123").click();
    settle().await;
    assert!(caption(&root).starts_with("Book FL123: Mobile App sent the command CreateBooking"));
    let mut captions = Vec::new();
    for _ in 0..6 {
        button(&root, "Step").click();
        settle().await;
        captions.push(caption(&root));
    }
    for (i, c) in captions.iter().enumerate() {
        assert!(c.starts_with(&format!("Step {} · 12:00:", i + 1)), "{c}");
    }
    let rows = all(&root, ".log-entry").len();
    let clock = text(&one(&root, ".clock-time").unwrap());
    button(&root, "Step back").click();
    settle().await;
    assert_eq!(caption(&root), captions[4]);
    button(&root, "Step").click();
    settle().await;
    assert_eq!(caption(&root), captions[5], "the same step again");
    assert_eq!(all(&root, ".log-entry").len(), rows);
    assert_eq!(text(&one(&root, ".clock-time").unwrap()), clock);
    // Back to the first step, then no further.
    for _ in 0..5 {
        button(&root, "Step back").click();
        settle().await;
    }
    assert_eq!(caption(&root), captions[0]);
    button(&root, "Step back").click();
    settle().await;
    assert!(caption(&root).contains("first step"), "{}", caption(&root));
    button(&root, "Reset").click();
    settle().await;
    assert!(caption(&root).starts_with("Press a scenario button"));
}

#[wasm_bindgen_test]
async fn a_selected_message_marks_its_route_and_a_folded_log_stays_readable() {
    let (root, _app) = mounted_paused_app().await;
    button(&root, "Book FL123").click();
    settle().await;
    let entry = step_until(&root, ".log-entry[data-type=\"LoyaltyPointsCredited\"]").await;
    assert!(
        all(&root, "svg g.edge.marked").is_empty(),
        "nothing marked yet"
    );
    click(&one(&entry, "button").unwrap());
    settle().await;
    // Into the broker, then along the dead-end stub: nobody subscribes.
    let marked: Vec<String> = all(&root, "svg g.edge.marked")
        .iter()
        .map(|e| e.get_attribute("data-to").unwrap_or_default())
        .collect();
    assert_eq!(marked, ["broker", ""], "the edge in and the stub");
    assert!(one(&root, "svg g.dead-end.marked").is_some());
    let labels: Vec<String> = all(&root, "g.edge.marked .edge-label")
        .iter()
        .map(text)
        .collect();
    assert_eq!(labels.len(), 2);
    assert!(labels.iter().all(|l| l.contains("LoyaltyPointsCredited")));
    // Reset forgets the selection, and the marks with it.
    button(&root, "Reset").click();
    settle().await;
    assert!(all(&root, "svg g.edge.marked").is_empty());
}

#[wasm_bindgen_test]
async fn the_broker_inspector_says_who_gets_what() {
    let (root, _app) = mounted_paused_app().await;
    click(&one(&root, "[data-service=\"broker\"]").unwrap());
    settle().await;
    let routes = one(&root, ".broker-routes").expect("the broker's routes");
    let pairs: Vec<(String, String)> = all(&routes, "dt")
        .iter()
        .map(|dt| (text(dt), text(&dt.next_element_sibling().unwrap())))
        .collect();
    let to = |message: &str| {
        pairs
            .iter()
            .find(|(m, _)| m == message)
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| panic!("{message} in {pairs:?}"))
    };
    assert_eq!(to("CreateBooking (command)"), "→ booking");
    assert_eq!(to("BookingCreated (event)"), "→ loyalty, flights");
    assert_eq!(to("LoyaltyPointsCredited (event)"), "→ nobody");
    click(&one(&root, "[data-service=\"loyalty\"]").unwrap());
    settle().await;
    assert!(
        one(&root, ".broker-routes").is_none(),
        "only the broker has them"
    );
    // The details are a part mounted into a holder the next selection may reuse: the
    // broker's must have gone, not stayed beside Loyalty's.
    let shown: Vec<String> = all(&root, ".service-inspector .service-details")
        .iter()
        .filter_map(|d| d.get_attribute("data-service"))
        .collect();
    assert_eq!(shown, ["loyalty"], "one service's details at a time");
}

#[wasm_bindgen_test]
async fn a_share_link_packs_and_unpacks_in_the_browser_and_a_damaged_one_says_so() {
    use contrail::link_codec::{pack, unpack, LINK_PREFIX};
    let json = r#"{"contrailLink":1,"model":"airline","seed":7,"inputs":["step",{"at":1250}]}"#;
    let fragment = pack(json).await.unwrap();
    assert!(fragment.starts_with(LINK_PREFIX), "{fragment}");
    let packed = &fragment[LINK_PREFIX.len()..];
    assert!(packed
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    assert_eq!(unpack(&fragment).await, Some(Ok(json.to_string())));
    assert_eq!(unpack("#section-2").await, None, "not a share link");
    let cut = &fragment[..fragment.len() - 6];
    let error = unpack(cut).await.unwrap().unwrap_err();
    assert!(error.contains("cut short or corrupted"), "{error}");
    let error = unpack("#pako:***").await.unwrap().unwrap_err();
    assert!(error.contains("base64url"), "{error}");
}

#[wasm_bindgen_test]
async fn copy_link_shows_a_link_that_unpacks_to_the_run() {
    use contrail::components::ShareLink;
    let container = fresh_container();
    let run = r#"{"contrailLink":1,"model":"airline","seed":3,"inputs":[]}"#;
    let config = contrail::sim::SimConfig {
        seed: 3,
        ..Default::default()
    };
    let page_run = contrail::page_run::PageRun {
        model: StoredValue::new(contrail::loaded::LoadedModel::airline()),
        sim: StoredValue::new_local(contrail::sim::Sim::airline(config.clone())),
        config: StoredValue::new(config),
        journal: StoredValue::new_local(Default::default()),
    };
    let run_replaced = RwSignal::new(0u32);
    let _handle = leptos::mount::mount_to(container.clone(), move || {
        view! { <ShareLink run=page_run run_replaced /> }
    });
    settle().await;
    let shown_link = |container: &Element| {
        one(container, "input.share-url").filter(|field| !field.has_attribute("hidden"))
    };
    assert!(shown_link(&container).is_none(), "no link before Copy link");
    let button = all(&container, "button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("Copy link"))
        .unwrap();
    button.unchecked_into::<HtmlElement>().click();
    let mut field = None;
    for _ in 0..100 {
        TimeoutFuture::new(20).await;
        field = shown_link(&container);
        if field.is_some() {
            break;
        }
    }
    let field = field
        .expect("the link field appears")
        .unchecked_into::<HtmlInputElement>();
    assert_eq!(
        field.get_attribute("aria-label").as_deref(),
        Some("Share link")
    );
    let link = field.value();
    let fragment = &link[link.find('#').unwrap()..];
    assert_eq!(
        contrail::link_codec::unpack(fragment).await,
        Some(Ok(run.to_string()))
    );
    let location = web_sys::window().unwrap().location();
    assert_eq!(
        location.hash().unwrap(),
        fragment,
        "the address bar holds it"
    );
    let status = text(&one(&container, ".share-status").unwrap());
    assert!(
        ["Link copied", "Copy it from the field"].contains(&status.as_str()),
        "a status says what happened: {status:?}"
    );
    // Reset or Step back replace the run: the link shown was to the run before.
    run_replaced.set(1);
    settle().await;
    assert!(
        shown_link(&container).is_none(),
        "a link to a run no longer on screen is not offered"
    );
    let status = text(&one(&container, ".share-status").unwrap());
    assert!(status.contains("The run changed"), "{status:?}");
    // Leave the runner's page as it was.
    location.set_hash("").unwrap();
}

#[wasm_bindgen_test]
async fn the_composer_offers_what_the_sender_may_send_and_sends_it_into_the_run() {
    let (root, _app) = mounted_paused_app().await;
    TimeoutFuture::new(50).await; // the panels arrive a task after the diagram
    let region = one(&root, "section[aria-label=\"Composer\"]").expect("a Composer region");
    assert!(
        all(&region, "select").is_empty(),
        "closed at first: the form comes when the composer is opened"
    );
    one(&region, "summary")
        .unwrap()
        .unchecked_into::<HtmlElement>()
        .click();
    for _ in 0..20 {
        if !all(&region, "select").is_empty() {
            break;
        }
        settle().await;
    }
    let selects = all(&region, "select");
    assert_eq!(selects.len(), 2, "Sender and Message");
    let labels: Vec<String> = all(&selects[1], "option").iter().map(text).collect();
    assert!(
        labels.contains(&"Command: CreateBooking".to_string()),
        "{labels:?}"
    );
    assert!(
        labels.iter().all(|l| !l.ends_with("BookingCreated")),
        "{labels:?}"
    );
    let textarea = one(&region, "textarea")
        .unwrap()
        .unchecked_into::<web_sys::HtmlTextAreaElement>();
    assert!(textarea
        .value()
        .contains("\"commandType\": \"CreateBooking\""));
    // Broken JSON: the live check places it, Send refuses it, the text stays.
    textarea.set_value("{\n  \"a\": \n}");
    textarea
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    settle().await;
    let check = one(&region, ".composer-check").unwrap();
    assert_eq!(check.get_attribute("data-check").as_deref(), Some("error"));
    assert!(
        text(&check).contains("line 3, column 1"),
        "{}",
        text(&check)
    );
    button(&region, "Send").click();
    settle().await;
    let alert = one(&region, "[role=\"alert\"]").expect("refused");
    assert!(text(&alert).contains("not JSON"), "{}", text(&alert));
    assert_eq!(textarea.value(), "{\n  \"a\": \n}");
    assert!(one(&root, ".log-entry").is_none(), "nothing was sent");
    // Back to the example, and sent: the run has its first message.
    let message = selects[1]
        .clone()
        .unchecked_into::<web_sys::HtmlSelectElement>();
    message.set_value("1");
    changed(&message);
    message.set_value("0");
    changed(&message);
    settle().await;
    assert!(textarea.value().contains("CreateBooking"));
    button(&region, "Send").click();
    settle().await;
    assert!(one(&region, "[role=\"alert\"]").is_none());
    step_until(&root, ".log-entry[data-type=\"CreateBooking\"]").await;
}

/// Chooses what the main view shows (`diagram`, `sequence` or `both`).
async fn show_view(root: &Element, value: &str) {
    let select = one(root, "select.stage-views")
        .expect("the Show menu")
        .unchecked_into::<web_sys::HtmlSelectElement>();
    select.set_value(value);
    // As a browser sends it: a change bubbles to the view controls' one handler.
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("change", &init).unwrap();
    select.dispatch_event(&event).unwrap();
    settle().await;
}

#[wasm_bindgen_test]
async fn the_sequence_view_and_the_trace_panel_mark_the_chain_the_log_marks() {
    let (root, _app) = mounted_paused_app().await;
    assert!(
        one(&root, "[aria-label=Sequence]").is_none(),
        "the sequence view is not drawn until it is chosen"
    );
    show_view(&root, "both").await;
    let region = one(&root, "[aria-label=Sequence]").expect("the Sequence region");
    button(&root, "Book FL123").click();
    settle().await;
    step_until(
        &root,
        ".seq-arrow[data-kind=\"event\"][data-from=\"booking\"]",
    )
    .await;
    let event = one(
        &region,
        ".seq-arrow[data-kind=\"event\"][data-from=\"booking\"]",
    )
    .unwrap();
    assert_eq!(event.get_attribute("data-to").as_deref(), Some("broker"));
    let id = event.get_attribute("data-message-id").unwrap();
    // Nothing is selected yet: nothing is marked anywhere.
    assert!(all(&root, "[data-chain]").is_empty());
    // A click on the arrow selects the message: the log, the diagram and the Trace panel agree.
    click(&one(&event, ".seq-hit").unwrap());
    settle().await;
    settle().await;
    let selector = format!("[data-message-id=\"{id}\"][data-chain=\"selected\"]");
    assert!(one(&region, &selector).is_some(), "the sequence marks it");
    assert!(
        one(&root, &format!(".log-entry{selector}")).is_some(),
        "the log marks it"
    );
    let trace = one(&root, "[aria-label=Trace]").expect("the Trace region");
    assert!(one(&trace, &format!(".trace-row{selector}")).is_some());
    let cause = one(&trace, ".trace-row[data-chain=\"cause\"]").expect("its cause is listed");
    assert!(text(&cause).contains("CreateBooking"), "{}", text(&cause));
    let cause_id = cause.get_attribute("data-message-id").unwrap();
    assert!(
        one(
            &root,
            &format!(".log-entry[data-message-id=\"{cause_id}\"][data-chain=\"cause\"]")
        )
        .is_some(),
        "the log marks the cause as the Trace panel does"
    );
    assert!(
        one(
            &root,
            ".diagram .edge[data-chain=\"selected\"][data-from=\"booking\"][data-to=\"broker\"]"
        )
        .is_some(),
        "the diagram marks the edge it travelled"
    );
    // Diagram only again: the sequence view goes, the marks stay in the other views.
    show_view(&root, "diagram").await;
    assert!(one(&root, "[aria-label=Sequence]").is_none());
    assert!(one(&root, &format!(".log-entry{selector}")).is_some());
}

/// Presses `key` on `element`, as the keyboard would.
fn press(element: &Element, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn the_diagram_is_one_tab_stop_the_arrows_move_and_narration_and_the_table_follow() {
    let (root, _app) = mounted_paused_app().await;
    let stops = all(&root, ".diagram [tabindex=\"0\"]");
    assert_eq!(stops.len(), 1, "one tab stop");
    let first = stops[0].clone();
    assert_eq!(
        first.get_attribute("data-service").as_deref(),
        Some("mobile-app")
    );
    first.unchecked_ref::<HtmlElement>().focus().unwrap();
    press(&first, "ArrowRight");
    settle().await;
    let moved = document()
        .active_element()
        .expect("something has the focus");
    assert_ne!(moved, first, "the arrow moved the focus");
    assert!(
        moved.closest(".diagram").unwrap().is_some(),
        "within the diagram"
    );
    let stops = all(&root, ".diagram [tabindex=\"0\"]");
    assert_eq!(stops, vec![moved.clone()], "the tab stop moved with it");
    // Enter on an edge nothing has travelled selects nothing, and says so.
    assert!(
        moved.get_attribute("data-edge-index").is_some(),
        "right of the Mobile App is the broker's event edge to it"
    );
    press(&moved, "Enter");
    settle().await;
    let said = text(&one(&root, "[aria-label=\"Narration\"] .narration-text").unwrap());
    assert_eq!(said, "No message has travelled this edge yet in this run.");
    // On a service, its inspector.
    press(&moved, "Home");
    settle().await;
    press(&document().active_element().unwrap(), "Enter");
    settle().await;
    let inspector = one(&root, "[aria-label=\"Service inspector\"]").expect("the inspector");
    assert!(
        text(&inspector).contains("Mobile App"),
        "{}",
        text(&inspector)
    );

    // Narration speaks each step, in words; the table says what the diagram says.
    button(&root, "Book FL123").click();
    settle().await;
    let narration = || text(&one(&root, "[aria-label=\"Narration\"] .narration-text").unwrap());
    assert!(
        narration().starts_with("Mobile App sent the command CreateBooking"),
        "{}",
        narration()
    );
    let mut busy_seen = false;
    for step in 1..=8 {
        button(&root, "Step").click();
        settle().await;
        assert!(
            narration().starts_with(&format!("Step {step}: ")),
            "{}",
            narration()
        );
        for node in all(&root, "g.node") {
            let id = node.get_attribute("data-service").unwrap();
            let row = one(&root, &format!("tr[data-row-service=\"{id}\"]")).expect("a row");
            let cells = all(&row, "td");
            assert_eq!(text(&cells[0]), node.get_attribute("data-status").unwrap());
            assert_eq!(
                text(&cells[1]),
                node.get_attribute("data-queue-depth").unwrap()
            );
            busy_seen |= text(&cells[0]) != "idle";
        }
    }
    assert!(busy_seen, "the table followed a service at work");
    let table = one(&root, "table.diagram-table").unwrap();
    assert_eq!(text(&one(&table, "caption").unwrap()), "Diagram as a table");
}

/// index.html's boot page with the prerendered airline diagram, as the release build has it,
/// with `edit` applied to its markup.
fn boot_page(edit: impl Fn(&str) -> String) -> Element {
    let boot = document().create_element("div").unwrap();
    boot.set_id("boot");
    boot.set_inner_html(&edit(include_str!(
        "../assets/prerendered/airline-diagram.html"
    )));
    document().body().unwrap().append_child(&boot).unwrap();
    boot
}

/// The diagram's nodes with their status and whether they are selected, as drawn.
fn drawn_nodes(root: &Element) -> Vec<(String, String, bool)> {
    all(root, ".diagram-svg .node")
        .iter()
        .map(|n| {
            (
                n.get_attribute("data-service").unwrap_or_default(),
                n.get_attribute("data-status").unwrap_or_default(),
                n.class_list().contains("selected"),
            )
        })
        .collect()
}

#[wasm_bindgen_test]
async fn the_app_takes_over_the_prerendered_drawing_and_draws_on_it() {
    let boot = boot_page(str::to_string);
    let prerendered = one(&boot, ".diagram-svg").unwrap();
    let (root, _app) = mounted_paused_app().await;
    assert!(
        document().get_element_by_id("boot").is_none(),
        "the boot page is gone"
    );
    let drawn = one(&root, ".diagram-svg").unwrap();
    assert!(
        drawn.is_same_node(Some(&prerendered)),
        "the drawing is index.html's own"
    );
    assert_eq!(all(&root, ".diagram-drawing > svg").len(), 1);
    // Later changes are patched onto it as onto a drawing of the app's own.
    click(&one(&root, "[data-service=\"loyalty\"]").unwrap());
    settle().await;
    let nodes = drawn_nodes(&root);
    assert_eq!(nodes.len(), 6);
    assert!(nodes.contains(&("loyalty".into(), "idle".into(), true)));
    assert_eq!(nodes.iter().filter(|n| n.2).count(), 1, "{nodes:?}");
    button(&root, "Book FL123").click();
    step_until(&root, ".diagram-svg .node.busy").await;
    assert_eq!(all(&root, ".diagram-drawing > svg").len(), 1);
    assert_eq!(all(&root, ".diagram-svg .node").len(), 6);
}

#[wasm_bindgen_test]
async fn the_page_is_built_hidden_a_task_after_the_app_and_takes_the_boot_pages_place_whole() {
    let boot = boot_page(str::to_string);
    let prerendered = one(&boot, ".diagram-svg").unwrap();
    let container = fresh_container();
    let _handle = leptos::mount::mount_to(container.clone(), App);
    // The mounting task's own effects, without the tasks after it: the app is set up, and
    // the boot page is all there is to see.
    for _ in 0..20 {
        let resolved = web_sys::js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL);
        wasm_bindgen_futures::JsFuture::from(resolved)
            .await
            .unwrap();
    }
    assert!(
        one(&container, ".app").is_none(),
        "the page is built in a task of its own"
    );
    assert!(boot.is_connected() && prerendered.is_connected());
    settle().await;
    let page = one(&container, ".app").expect("the page is built");
    assert!(
        page.has_attribute("hidden"),
        "hidden while the boot page shows"
    );
    assert!(boot.is_connected() && prerendered.is_connected());
    assert!(one(&page, "button").is_some(), "its controls are built");
    assert!(one(&page, ".diagram-svg").is_none(), "not its diagram yet");
    settle().await;
    assert!(
        !page.has_attribute("hidden"),
        "shown in the boot page's place"
    );
    assert!(!boot.is_connected(), "the boot page is gone");
    assert!(one(&page, ".diagram-svg").is_some_and(|svg| svg.is_same_node(Some(&prerendered))));
}

#[wasm_bindgen_test]
async fn a_prerendered_drawing_that_differs_from_the_apps_is_not_taken_over() {
    // As if index.html were left from an older build: one service named otherwise.
    let boot = boot_page(|html| html.replace(">Mobile App<", ">Mobile Client<"));
    let prerendered = one(&boot, ".diagram-svg").unwrap();
    let (root, _app) = mounted_paused_app().await;
    let drawn = one(&root, ".diagram-svg").unwrap();
    assert!(
        !drawn.is_same_node(Some(&prerendered)),
        "the app drew its own"
    );
    assert_eq!(all(&root, ".diagram-drawing > svg").len(), 1);
    assert!(text(&drawn).contains("Mobile App") && !text(&drawn).contains("Mobile Client"));
    assert_eq!(drawn_nodes(&root).len(), 6);
}

//! `dom_patch` against a real DOM: elements stay in place when only their contents change,
//! only what differs is touched, and text is never parsed as markup.
#![cfg(target_arch = "wasm32")]

use contrail::dom_patch::{patch_children, patch_keyed};
use contrail::markup::{Element, Node};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn item(id: u32, text: &str, selected: bool) -> Node {
    Element::new("li")
        .attr("data-id", id.to_string())
        .attr_if(selected, "aria-current", "true")
        .child(Element::new("span").text(text))
        .into()
}

fn list() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let list = document.create_element("ol").unwrap();
    document.body().unwrap().append_child(&list).unwrap();
    list
}

#[wasm_bindgen_test]
fn patching_keeps_elements_and_changes_only_what_differs() {
    let list = list();
    let first = vec![
        item(1, "one", false),
        item(2, "two", true),
        item(3, "three", false),
    ];
    patch_children(&list, &[], &first);
    assert_eq!(list.child_element_count(), 3);
    assert_eq!(list.text_content().unwrap(), "onetwothree");
    let kept = list.first_element_child().unwrap();
    let second = list.children().item(1).unwrap();
    assert_eq!(
        second.get_attribute("aria-current").as_deref(),
        Some("true")
    );

    // An attribute set by someone else on an element whose description did not change
    // stays: nothing unchanged is written.
    second.set_attribute("data-untouched", "yes").unwrap();
    let next = vec![item(9, "nine", false), item(2, "two", false)];
    patch_children(&list, &first, &next);
    assert_eq!(list.child_element_count(), 2, "the third row is gone");
    assert!(
        list.first_element_child()
            .unwrap()
            .is_same_node(Some(&kept)),
        "the row element stays"
    );
    assert_eq!(kept.get_attribute("data-id").as_deref(), Some("9"));
    assert_eq!(list.text_content().unwrap(), "ninetwo");
    let second = list.children().item(1).unwrap();
    assert_eq!(
        second.get_attribute("aria-current"),
        None,
        "a dropped attribute is removed"
    );
    assert_eq!(
        second.get_attribute("data-untouched").as_deref(),
        Some("yes")
    );
    list.remove();
}

#[wasm_bindgen_test]
fn text_is_never_parsed_as_markup() {
    let list = list();
    let hostile = "<img src=x onerror=alert(1)>";
    patch_children(&list, &[], &[item(1, hostile, false)]);
    assert!(list.query_selector("img").unwrap().is_none());
    assert_eq!(list.text_content().unwrap(), hostile);
    list.remove();
}

#[wasm_bindgen_test]
fn an_svg_and_what_is_inside_it_are_svg_elements() {
    let list = list();
    let svg: Node = Element::new("svg")
        .attr("viewBox", "0 0 10 10")
        .child(Element::new("path").attr("d", "M0 0 L10 10"))
        .into();
    patch_children(&list, &[], &[svg]);
    let svg_ns = Some("http://www.w3.org/2000/svg".to_string());
    let drawn = list.first_element_child().unwrap();
    assert_eq!(drawn.namespace_uri(), svg_ns);
    assert_eq!(drawn.first_element_child().unwrap().namespace_uri(), svg_ns);
    assert_eq!(
        list.namespace_uri().as_deref(),
        Some("http://www.w3.org/1999/xhtml"),
        "the list itself stays HTML"
    );
    list.remove();
}

#[wasm_bindgen_test]
fn a_keyed_patch_adds_and_removes_at_the_ends_and_keeps_the_rest_untouched() {
    let list = list();
    let keyed = |ids: &[u32], selected: u32| -> Vec<(u64, Node)> {
        ids.iter()
            .map(|&id| (u64::from(id), item(id, &format!("n{id}"), id == selected)))
            .collect()
    };
    let first = keyed(&[1, 2, 3, 4], 0);
    patch_keyed(&list, &[], &first);
    assert_eq!(list.text_content().unwrap(), "n1n2n3n4");
    let three = list.children().item(2).unwrap();
    // The window slides: 1 and 2 go, 5 and 6 come, and 4 is selected.
    let second = keyed(&[3, 4, 5, 6], 4);
    patch_keyed(&list, &first, &second);
    assert_eq!(list.text_content().unwrap(), "n3n4n5n6");
    assert!(
        list.first_element_child()
            .unwrap()
            .is_same_node(Some(&three)),
        "3 is the same element, moved to the front by the removals"
    );
    assert_eq!(
        list.children()
            .item(1)
            .unwrap()
            .get_attribute("aria-current")
            .as_deref(),
        Some("true")
    );
    // Something in the middle appears and something else goes.
    let third = keyed(&[3, 5, 6, 7], 0);
    let mut with_middle = third.clone();
    with_middle.insert(1, (4, item(4, "n4 again", false)));
    patch_keyed(&list, &second, &with_middle);
    assert_eq!(list.text_content().unwrap(), "n3n4 againn5n6n7");
    patch_keyed(&list, &with_middle, &third);
    assert_eq!(list.text_content().unwrap(), "n3n5n6n7");
    patch_keyed(&list, &third, &[]);
    assert_eq!(list.child_element_count(), 0);
}

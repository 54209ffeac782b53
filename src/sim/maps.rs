//! Maps built by insertion rather than `collect()`.
//!
//! `FromIterator` for `BTreeMap` (and so for `serde_json::Map`) sorts its input with a
//! comparator closure that is a distinct type for every iterator type, so each `collect()`
//! site carried its own copy of the standard library's stable sort: twelve copies, about
//! 30 KB of a 590 KB wasm. Inserting one by one gives the same map (a later duplicate key
//! wins, as with `collect()`) with one `insert` per key and value type. The maps and sets
//! are the sorted vectors of [`super::sorted`], for the same reason.

use super::sorted::{SortedMap, SortedSet};

use serde_json::{Map, Value};

/// The same map `items.into_iter().collect()` would give.
pub fn map_of<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> SortedMap<K, V> {
    let mut map = SortedMap::new();
    for (key, value) in items {
        map.insert(key, value);
    }
    map
}

/// The same set `items.into_iter().collect()` would give.
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> SortedSet<T> {
    let mut set = SortedSet::new();
    for item in items {
        set.insert(item);
    }
    set
}

/// The same JSON object `items.into_iter().collect()` would give.
pub fn object_of(items: impl IntoIterator<Item = (String, Value)>) -> Map<String, Value> {
    let mut object = Map::new();
    for (key, value) in items {
        object.insert(key, value);
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn maps_match_what_collect_gives_duplicates_included() {
        let items = [("b", 1), ("a", 2), ("b", 3)];
        let collected: BTreeMap<&str, i32> = items.into_iter().collect();
        assert!(map_of(items).iter().eq(collected.iter()));
        let collected: BTreeSet<&str> = items.iter().map(|&(k, _)| k).collect();
        assert!(set_of(items.iter().map(|&(k, _)| k))
            .iter()
            .eq(collected.iter()));
        let json_items = || items.iter().map(|&(k, v)| (k.to_string(), Value::from(v)));
        let collected: Map<String, Value> = json_items().collect();
        assert_eq!(object_of(json_items()), collected);
    }
}

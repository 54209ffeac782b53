//! Maps and sets kept as vectors sorted by key.
//!
//! They iterate in key order, as `BTreeMap` and `BTreeSet` do, so runs and the JSON built
//! from them stay the same. Why not the B-tree: its node code is compiled again for every
//! key and value type (insert, remove, rebalance, drop), and the simulation's dozen map
//! types brought about 50 KB of it to the page's first load. A sorted vector needs a binary
//! search and a slice move. The maps here hold a few thousand entries at most, and their
//! keys mostly arrive in order (message ids), so the insert is at the end.

use std::borrow::Borrow;

/// A map from `K` to `V`, iterated in key order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub const fn new() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// Inserts or replaces; returns the value that was there.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|at| &self.entries[at].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        Some(&mut self.entries[at].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        let at = self.find(key).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// The value under `key`, inserted from `make` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let at = match self.find(&key) {
            Ok(at) => at,
            Err(at) => {
                self.entries.insert(at, (key, make()));
                at
            }
        };
        &mut self.entries[at].1
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(|(k, v)| (k, v))
    }

    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() {
            None
        } else {
            Some(self.entries.remove(0))
        }
    }
}

impl<K, V> SortedMap<K, V> {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

/// As a JSON object (or any serde map), in key order, as `BTreeMap` serialises.
impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for SortedMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.entries.iter().map(|(k, v)| (k, v)))
    }
}

/// A set of `T`, iterated in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

impl<T> Default for SortedSet<T> {
    fn default() -> Self {
        SortedSet { items: Vec::new() }
    }
}

impl<T: Ord> SortedSet<T> {
    pub const fn new() -> Self {
        SortedSet { items: Vec::new() }
    }

    fn find<Q: Ord + ?Sized>(&self, item: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
    {
        self.items.binary_search_by(|it| it.borrow().cmp(item))
    }

    /// Adds `item`; false if it was already there.
    pub fn insert(&mut self, item: T) -> bool {
        match self.find(&item) {
            Ok(_) => false,
            Err(at) => {
                self.items.insert(at, item);
                true
            }
        }
    }

    pub fn contains<Q: Ord + ?Sized>(&self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        self.find(item).is_ok()
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, item: &Q) -> bool
    where
        T: Borrow<Q>,
    {
        match self.find(item) {
            Ok(at) => {
                self.items.remove(at);
                true
            }
            Err(_) => false,
        }
    }

    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }

    pub fn pop_first(&mut self) -> Option<T> {
        if self.items.is_empty() {
            None
        } else {
            Some(self.items.remove(0))
        }
    }
}

impl<T: Ord> Extend<T> for SortedSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.insert(item);
        }
    }
}

impl<T> SortedSet<T> {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T> IntoIterator for SortedSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

// proptest is a native dev-dependency only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        PopFirst,
        Bump(u8),
        RetainEven,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
            any::<u8>().prop_map(Op::Remove),
            Just(Op::PopFirst),
            any::<u8>().prop_map(Op::Bump),
            Just(Op::RetainEven),
        ]
    }

    proptest! {
        /// Whatever is done to both, the sorted map answers as the B-tree map it replaced.
        #[test]
        fn the_sorted_map_and_set_behave_as_the_btree_ones(ops in prop::collection::vec(op(), 0..200)) {
            let mut ours = SortedMap::new();
            let mut theirs = BTreeMap::new();
            let mut our_set = SortedSet::new();
            let mut their_set = BTreeSet::new();
            for op in ops {
                match op {
                    Op::Insert(k, v) => {
                        prop_assert_eq!(ours.insert(k, v), theirs.insert(k, v));
                        prop_assert_eq!(our_set.insert(k), their_set.insert(k));
                    }
                    Op::Remove(k) => {
                        prop_assert_eq!(ours.remove(&k), theirs.remove(&k));
                        prop_assert_eq!(our_set.remove(&k), their_set.remove(&k));
                    }
                    Op::PopFirst => {
                        prop_assert_eq!(ours.pop_first(), theirs.pop_first());
                        prop_assert_eq!(our_set.pop_first(), their_set.pop_first());
                    }
                    Op::Bump(k) => {
                        // Wrapping: an inserted value may already be u16::MAX.
                        let ours = ours.get_or_insert_with(k, || 7);
                        *ours = ours.wrapping_add(1);
                        let theirs = theirs.entry(k).or_insert_with(|| 7);
                        *theirs = theirs.wrapping_add(1);
                    }
                    Op::RetainEven => {
                        ours.retain(|k, _| k % 2 == 0);
                        theirs.retain(|k, _| k % 2 == 0);
                    }
                }
                prop_assert!(ours.iter().eq(theirs.iter()));
                prop_assert!(our_set.iter().eq(their_set.iter()));
                prop_assert_eq!(ours.first_key_value(), theirs.first_key_value());
                prop_assert_eq!(our_set.first(), their_set.first());
                prop_assert_eq!(ours.len(), theirs.len());
                for k in [0u8, 1, 100, 255] {
                    prop_assert_eq!(ours.get(&k), theirs.get(&k));
                    prop_assert_eq!(ours.contains_key(&k), theirs.contains_key(&k));
                    prop_assert_eq!(our_set.contains(&k), their_set.contains(&k));
                }
            }
        }
    }

    #[test]
    fn string_keys_are_found_by_str() {
        let mut map = SortedMap::new();
        map.insert("b".to_string(), 2);
        map.insert("a".to_string(), 1);
        assert_eq!(map.get("a"), Some(&1));
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b"]);
        let mut set = SortedSet::new();
        set.insert("x".to_string());
        assert!(set.contains("x"));
        assert!(set.remove("x"));
        assert!(set.is_empty());
    }
}

//! `json!`, as serde_json writes it (MIT OR Apache-2.0; the token muncher below is its
//! `json_internal!`, without the arms that only explain mistakes), with one change: a value
//! that cannot become JSON becomes `null` instead of a panic. serde_json's macro unwraps
//! `to_value`, and that one unwrap linked `serde_json::Error`'s `Debug`, and with it the
//! standard library's escaping of strings for `{:?}`, into the first load: 2.9 KB gzip. No
//! value the app writes can fail (strings, numbers, lists, maps keyed by text, `Value`s).

/// A JSON [`serde_json::Value`] from JSON-like syntax, like `serde_json::json!`.
#[macro_export]
macro_rules! json {
    ($($json:tt)+) => {
        $crate::__json_internal!($($json)+)
    };
}

#[macro_export]
#[doc(hidden)]
macro_rules! __json_internal {
    // The inside of an array: its elements, one by one, into a `vec!`.
    (@array [$($elems:expr,)*]) => {
        vec![$($elems,)*]
    };
    (@array [$($elems:expr),*]) => {
        vec![$($elems),*]
    };
    (@array [$($elems:expr,)*] null $($rest:tt)*) => {
        $crate::__json_internal!(@array [$($elems,)* $crate::__json_internal!(null)] $($rest)*)
    };
    (@array [$($elems:expr,)*] true $($rest:tt)*) => {
        $crate::__json_internal!(@array [$($elems,)* $crate::__json_internal!(true)] $($rest)*)
    };
    (@array [$($elems:expr,)*] false $($rest:tt)*) => {
        $crate::__json_internal!(@array [$($elems,)* $crate::__json_internal!(false)] $($rest)*)
    };
    (@array [$($elems:expr,)*] [$($array:tt)*] $($rest:tt)*) => {
        $crate::__json_internal!(@array [$($elems,)* $crate::__json_internal!([$($array)*])] $($rest)*)
    };
    (@array [$($elems:expr,)*] {$($map:tt)*} $($rest:tt)*) => {
        $crate::__json_internal!(@array [$($elems,)* $crate::__json_internal!({$($map)*})] $($rest)*)
    };
    (@array [$($elems:expr,)*] $next:expr, $($rest:tt)*) => {
        $crate::__json_internal!(@array [$($elems,)* $crate::__json_internal!($next),] $($rest)*)
    };
    (@array [$($elems:expr,)*] $last:expr) => {
        $crate::__json_internal!(@array [$($elems,)* $crate::__json_internal!($last)])
    };
    (@array [$($elems:expr),*] , $($rest:tt)*) => {
        $crate::__json_internal!(@array [$($elems,)*] $($rest)*)
    };

    // The inside of an object: each entry inserted into `$object`. The key's tokens are
    // gathered in `(...)`, then moved to `[...]` once its value is known.
    (@object $object:ident () () ()) => {};
    (@object $object:ident [$($key:tt)+] ($value:expr) , $($rest:tt)*) => {
        let _ = $object.insert(($($key)+).into(), $value);
        $crate::__json_internal!(@object $object () ($($rest)*) ($($rest)*));
    };
    (@object $object:ident [$($key:tt)+] ($value:expr)) => {
        let _ = $object.insert(($($key)+).into(), $value);
    };
    (@object $object:ident ($($key:tt)+) (: null $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object [$($key)+] ($crate::__json_internal!(null)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: true $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object [$($key)+] ($crate::__json_internal!(true)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: false $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object [$($key)+] ($crate::__json_internal!(false)) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: [$($array:tt)*] $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object [$($key)+] ($crate::__json_internal!([$($array)*])) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: {$($map:tt)*} $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object [$($key)+] ($crate::__json_internal!({$($map)*})) $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr , $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object [$($key)+] ($crate::__json_internal!($value)) , $($rest)*);
    };
    (@object $object:ident ($($key:tt)+) (: $value:expr) $copy:tt) => {
        $crate::__json_internal!(@object $object [$($key)+] ($crate::__json_internal!($value)));
    };
    (@object $object:ident () (($key:expr) : $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object ($key) (: $($rest)*) (: $($rest)*));
    };
    (@object $object:ident ($($key:tt)*) ($tt:tt $($rest:tt)*) $copy:tt) => {
        $crate::__json_internal!(@object $object ($($key)* $tt) ($($rest)*) ($($rest)*));
    };

    (null) => {
        ::serde_json::Value::Null
    };
    (true) => {
        ::serde_json::Value::Bool(true)
    };
    (false) => {
        ::serde_json::Value::Bool(false)
    };
    ([]) => {
        ::serde_json::Value::Array(vec![])
    };
    ([ $($tt:tt)+ ]) => {
        ::serde_json::Value::Array($crate::__json_internal!(@array [] $($tt)+))
    };
    ({}) => {
        ::serde_json::Value::Object(::serde_json::Map::new())
    };
    ({ $($tt:tt)+ }) => {
        ::serde_json::Value::Object({
            let mut object = ::serde_json::Map::new();
            $crate::__json_internal!(@object object () ($($tt)+) ($($tt)+));
            object
        })
    };
    // Any other value: a number, a string, a variable, a `Value`.
    ($other:expr) => {
        $crate::sim::json_value(&$other)
    };
}

/// `value` as JSON, or `null` if it has none (a map keyed by something other than text).
#[doc(hidden)]
pub fn json_value<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

#[cfg(test)]
mod tests {
    #[test]
    fn writes_what_serde_json_writes() {
        let name = "Jane";
        let seats = vec![1, 2];
        let price: f64 = 462.0;
        let nested = serde_json::json!({"k": [1, "two"]});
        let key = "dynamic";
        let ours = crate::json!({
            "null": null, "yes": true, "no": false, "empty": [], "none": {},
            "name": name, "seats": seats, "price": price, "sum": 1 + 2,
            "nested": nested, "list": [null, true, false, [1], {"a": 1}, name, 2.5,],
            (key): "by an expression",
        });
        let theirs = serde_json::json!({
            "null": null, "yes": true, "no": false, "empty": [], "none": {},
            "name": name, "seats": seats, "price": price, "sum": 1 + 2,
            "nested": nested, "list": [null, true, false, [1], {"a": 1}, name, 2.5,],
            (key): "by an expression",
        });
        assert_eq!(ours, theirs);
        assert_eq!(ours.to_string(), theirs.to_string(), "in the same order");
        assert_eq!(crate::json!(name), serde_json::json!(name));
        assert_eq!(crate::json!([]), serde_json::json!([]));
    }

    #[test]
    fn a_value_without_json_is_null_not_a_panic() {
        let keyed_by_pairs = std::collections::BTreeMap::from([((1, 2), "a")]);
        assert!(serde_json::to_value(&keyed_by_pairs).is_err());
        assert_eq!(
            crate::json!({ "map": keyed_by_pairs })["map"],
            serde_json::Value::Null
        );
    }
}

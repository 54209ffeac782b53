//! A small reader of JSON text that the build wrote itself (the airline's model as Rust,
//! `airline::model_literal`), so the page starts without serde_json's parser: about 10 KB of
//! wasm that nothing else in the first load needs. It gives up (`None`) on anything that is
//! not JSON rather than explaining why: text from a person goes through the model reader,
//! which says where and what is wrong.

use serde_json::{Map, Number, Value};

/// The value `text` holds, or `None` if it is not exactly one JSON value. Numbers read as
/// serde_json reads them where a literal needs it: integers as integers, and numbers with a
/// fraction or an exponent as `f64` (exactly, up to 15 significant digits).
pub fn read_json(text: &str) -> Option<Value> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        at: 0,
    };
    let value = reader.value(0)?;
    reader.skip_space();
    (reader.at == reader.bytes.len()).then_some(value)
}

/// Deeper than any model's payload; a bound, so no text can exhaust the stack.
const MAX_DEPTH: usize = 64;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        while matches!(self.bytes.get(self.at), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.at += 1;
        }
    }

    fn next(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// Skips space, then takes `b` if it comes next.
    fn take(&mut self, b: u8) -> bool {
        self.skip_space();
        let found = self.bytes.get(self.at) == Some(&b);
        self.at += usize::from(found);
        found
    }

    fn word(&mut self, word: &str, value: Value) -> Option<Value> {
        let end = self.at + word.len();
        (self.bytes.get(self.at..end)? == word.as_bytes()).then(|| {
            self.at = end;
            value
        })
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_space();
        match *self.bytes.get(self.at)? {
            b'{' => {
                self.at += 1;
                let mut map = Map::new();
                if !self.take(b'}') {
                    loop {
                        self.skip_space();
                        if self.next()? != b'"' {
                            return None;
                        }
                        let key = self.string()?;
                        if !self.take(b':') {
                            return None;
                        }
                        map.insert(key, self.value(depth + 1)?);
                        if self.take(b'}') {
                            break;
                        }
                        if !self.take(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Object(map))
            }
            b'[' => {
                self.at += 1;
                let mut list = Vec::new();
                if !self.take(b']') {
                    loop {
                        list.push(self.value(depth + 1)?);
                        if self.take(b']') {
                            break;
                        }
                        if !self.take(b',') {
                            return None;
                        }
                    }
                }
                Some(Value::Array(list))
            }
            b'"' => {
                self.at += 1;
                self.string().map(Value::String)
            }
            b't' => self.word("true", Value::Bool(true)),
            b'f' => self.word("false", Value::Bool(false)),
            b'n' => self.word("null", Value::Null),
            _ => self.number(),
        }
    }

    /// The rest of a string whose opening quote was taken.
    fn string(&mut self) -> Option<String> {
        let mut out = Vec::new();
        loop {
            match self.next()? {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let c = match self.next()? {
                        b'u' => {
                            let high = self.hex4()?;
                            if (0xD800..0xDC00).contains(&high) {
                                if self.next()? != b'\\' || self.next()? != b'u' {
                                    return None;
                                }
                                let low = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&low) {
                                    return None;
                                }
                                char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?
                            } else {
                                char::from_u32(high)?
                            }
                        }
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b @ (b'"' | b'\\' | b'/') => char::from(b),
                        _ => return None,
                    };
                    let mut buffer = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                }
                b if b < 0x20 => return None,
                b => out.push(b),
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = std::str::from_utf8(self.bytes.get(self.at..self.at + 4)?).ok()?;
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.at;
        while matches!(
            self.bytes.get(self.at),
            Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
        ) {
            self.at += 1;
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
        if text.contains(['.', 'e', 'E']) {
            let x = super::read_decimal(text)?;
            return Number::from_f64(x).map(Value::Number);
        }
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || (digits.len() > 1 && digits.starts_with('0'))
        {
            return None;
        }
        if text.starts_with('-') {
            text.parse::<i64>().ok().map(Value::from)
        } else {
            text.parse::<u64>().ok().map(Value::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::read_json;

    #[test]
    fn reads_what_serde_json_reads() {
        for text in [
            r#"{"commandType":"CreateBooking","passengers":["P1","P2"],"n":{"a":[],"b":{}}}"#,
            r#" [ 1 , -2 , 0 , 800.0 , 74.5 , -0.25 , 1e3 , 2.5E-2 , 18446744073709551615 ] "#,
            r#"{"t":true,"f":false,"z":null,"s":"a \"quoted\" \\ \/ \n\t\r\b\f word"}"#,
            r#""caf\u00e9 \ud83d\ude00 raw é ✈""#,
            r#"{"b":1,"a":2,"c":3}"#,
            "{}",
            "[]",
            "\"\"",
            "0",
        ] {
            let ours = read_json(text);
            let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(ours.as_ref(), Some(&theirs), "{text}");
            // Key order and number kinds too (`800.0` stays a float, `1` an integer).
            assert_eq!(
                serde_json::to_string(&ours.unwrap()).unwrap(),
                serde_json::to_string(&theirs).unwrap()
            );
        }
    }

    #[test]
    fn refuses_what_is_not_json() {
        for text in [
            "",
            "{",
            "[1,]",
            r#"{"a" 1}"#,
            r#"{"a":1,}"#,
            r#"{a:1}"#,
            "01",
            "-",
            "1 2",
            "tru",
            r#""open"#,
            r#""\x""#,
            r#""\ud83d""#,
            "\"line\nbreak\"",
            "NaN",
        ] {
            assert_eq!(read_json(text), None, "{text:?}");
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(read_json(&deep), None, "nesting is bounded");
    }
}

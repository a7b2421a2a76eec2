//! Node's `querystring` module: what `ctx.query` parses with and `ctx.query = …` writes.
//!
//! Koa 2 reads the query with Node's built-in
//! [`querystring.parse`](https://github.com/nodejs/node/blob/v20.20.2/lib/querystring.js)
//! (see `get query` in koa's `lib/request.js`). Its rules, kept here:
//! - pairs split on `&`, key from value on the first `=`; a pair without `=` has value `""`;
//! - `+` means space, then percent-escapes are decoded; a malformed escape stays as it was;
//! - a key that repeats collects its values into an array (`a=1&a=2` → `{ a: ['1', '2'] }`);
//! - at most 1,000 keys are read (Node's `maxKeys`), so a hostile query cannot make a
//!   huge map.
//!
//! Decoding is what the `form_urlencoded` crate does (the same WHATWG rules), so we
//! delegate that part; grouping and the key limit are Node's and live here.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Node's `maxKeys` default.
const MAX_KEYS: usize = 1000;

/// A parsed query string: keys in first-seen order, each with one or more values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// `(key, values)` in the order keys first appear.
    entries: Vec<(String, Vec<String>)>,
}

/// The characters Node's `querystring.escape` leaves alone: `A-Z a-z 0-9 - _ . ! ~ * ' ( )`.
const QUERY_ESCAPE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

impl Query {
    /// `querystring.parse(text)`.
    pub fn parse(text: &str) -> Self {
        let mut query = Query::default();
        for (key, value) in form_urlencoded::parse(text.as_bytes()) {
            if let Some((_, values)) = query.entries.iter_mut().find(|(k, _)| *k == key) {
                values.push(value.into_owned());
            } else if query.entries.len() < MAX_KEYS {
                query
                    .entries
                    .push((key.into_owned(), vec![value.into_owned()]));
            }
        }
        query
    }

    /// The first value of `key`, as `ctx.query.key` reads for a single value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.get_all(key)?.first().map(String::as_str)
    }

    /// Every value of `key`.
    pub fn get_all(&self, key: &str) -> Option<&[String]> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, values)| values.as_slice())
    }

    /// Sets `key` to one value (replacing any it had), like `query.key = value`.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => *values = vec![value],
            None => self.entries.push((key, vec![value])),
        }
    }

    /// Adds a value to `key`, like pushing onto `query.key` as an array.
    pub fn append(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => self.entries.push((key, vec![value])),
        }
    }

    /// `(key, values)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// True when there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The query as `JSON.stringify(ctx.query)` writes it: one value as a string, several
    /// as an array.
    pub fn to_json(&self) -> serde_json::Value {
        let mut map = serde_json::Map::new();
        for (key, values) in &self.entries {
            let value = match values.as_slice() {
                [one] => serde_json::Value::String(one.clone()),
                many => serde_json::Value::from(many.to_vec()),
            };
            map.insert(key.clone(), value);
        }
        serde_json::Value::Object(map)
    }
}

impl fmt::Display for Query {
    /// `querystring.stringify(query)`: `key=value` pairs joined by `&`, arrays repeated.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (key, values) in &self.entries {
            for value in values {
                if !first {
                    f.write_str("&")?;
                }
                first = false;
                write!(
                    f,
                    "{}={}",
                    utf8_percent_encode(key, QUERY_ESCAPE),
                    utf8_percent_encode(value, QUERY_ESCAPE)
                )?;
            }
        }
        Ok(())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Query {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut query = Query::default();
        for (key, value) in pairs {
            query.append(key, value);
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_become_arrays_and_plus_is_space() {
        let query = Query::parse("a=1&b=x+y&a=2&flag&=v&c=%ZZ");
        assert_eq!(query.get_all("a").unwrap(), ["1", "2"]);
        assert_eq!(query.get("b"), Some("x y"));
        assert_eq!(query.get("flag"), Some(""));
        assert_eq!(query.get(""), Some("v"));
        assert_eq!(query.get("c"), Some("%ZZ"));
        assert_eq!(
            query.to_json().to_string(),
            r#"{"a":["1","2"],"b":"x y","flag":"","":"v","c":"%ZZ"}"#
        );
    }

    #[test]
    fn stringify_escapes_like_node() {
        let query: Query = [("a b", "1&2"), ("k", "ü"), ("k", "x")]
            .into_iter()
            .collect();
        assert_eq!(query.to_string(), "a%20b=1%262&k=%C3%BC&k=x");
    }

    #[test]
    fn at_most_a_thousand_keys_are_read() {
        let text: Vec<String> = (0..2000).map(|i| format!("k{i}=v")).collect();
        assert_eq!(Query::parse(&text.join("&")).iter().count(), 1000);
    }
}

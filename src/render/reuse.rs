//! Template variables written over the ones the same context held for the
//! last page or card, reusing their strings, lists and maps.
//!
//! Every page and card puts its view into a Tera context as serde_json
//! values, and those values were made afresh and dropped again for each
//! of tens of thousands of pages: at 1,000 briefings, inserting map keys
//! and dropping the trees cost about a tenth of a build. Consecutive pages
//! made with one template have views of one shape, so here each field is
//! written into the value the last page left under the same name: a string
//! is overwritten in the room it has, a list keeps its items, a map is
//! searched rather than rebuilt.
//!
//! What is written is exactly what `serde_json::to_value` would make. A map
//! that the last value had more keys in, or that a view wrote one key of
//! twice, cannot be told apart by counting keys, so such a value is made
//! afresh instead: the rare case pays, never the output.

use std::hash::BuildHasher;

use serde::ser::{self, Serialize};
use serde_json::{Map, Value};
use tera::Context;

/// What the writing keeps between values so that it need not allocate:
/// the hashes of the keys each map being written has had so far.
#[derive(Default)]
pub(super) struct Scratch {
    keys: Vec<u64>,
    /// Whether every map written so far ended with exactly the keys written
    /// into it.
    exact: bool,
}

type Error = serde_json::Error;

/// Writes `view` into `target`, which then holds what
/// `serde_json::to_value(view)` makes.
pub(super) fn write<T: Serialize + ?Sized>(
    target: &mut Value,
    view: &T,
    scratch: &mut Scratch,
) -> Result<(), Error> {
    scratch.exact = true;
    let mark = scratch.keys.len();
    let written = view.serialize(Writer {
        target: &mut *target,
        scratch: &mut *scratch,
    });
    scratch.keys.truncate(mark);
    if written.is_err() || !scratch.exact {
        *target = serde_json::to_value(view)?;
    }
    // Compared as JSON text, which shows the order of each map's keys
    // (maps compared as values are equal in any order).
    #[cfg(debug_assertions)]
    debug_assert_eq!(
        serde_json::to_string(&*target)?,
        serde_json::to_string(&serde_json::to_value(view)?)?,
        "a value written over another differs from the value made afresh"
    );
    Ok(())
}

/// Sets variable `name` of `context` to `view`, over what it held.
pub(super) fn set<T: Serialize + ?Sized>(
    context: &mut Context,
    name: &str,
    view: &T,
    scratch: &mut Scratch,
) -> Result<(), Error> {
    match context.get_mut(name) {
        Some(held) => write(held, view, scratch),
        None => {
            context.insert(name, view);
            Ok(())
        }
    }
}

/// Sets each field of `view`, a struct or a map, that `read` says is read
/// as a variable of `context`, over what each held, and takes out the
/// variables named in `last` that are not set so. `last` is left naming
/// the fields set. A field not read is not serialised.
pub(super) fn set_fields<T: Serialize + ?Sized>(
    context: &mut Context,
    view: &T,
    read: &dyn Fn(&str) -> bool,
    last: &mut Vec<String>,
    scratch: &mut Scratch,
) -> Result<(), Error> {
    let mut names = Vec::with_capacity(last.len());
    view.serialize(Fields {
        context: &mut *context,
        read,
        names: &mut names,
        scratch,
    })?;
    for name in last.iter() {
        if !names.contains(name) {
            context.remove(name);
        }
    }
    *last = names;
    Ok(())
}

fn hash(key: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// Writes one value over `target`.
struct Writer<'a> {
    target: &'a mut Value,
    scratch: &'a mut Scratch,
}

impl Writer<'_> {
    fn set(self, value: Value) -> Result<(), Error> {
        *self.target = value;
        Ok(())
    }
}

/// The value serde_json makes of what `serialize` gives it.
fn fresh<R>(
    serialize: impl FnOnce(serde_json::value::Serializer) -> Result<R, Error>,
) -> Result<R, Error> {
    serialize(serde_json::value::Serializer)
}

impl<'a> ser::Serializer for Writer<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = SeqWriter<'a>;
    type SerializeTuple = SeqWriter<'a>;
    type SerializeTupleStruct = SeqWriter<'a>;
    type SerializeTupleVariant =
        Afresh<'a, <serde_json::value::Serializer as ser::Serializer>::SerializeTupleVariant>;
    type SerializeMap = MapWriter<'a>;
    type SerializeStruct = MapWriter<'a>;
    type SerializeStructVariant =
        Afresh<'a, <serde_json::value::Serializer as ser::Serializer>::SerializeStructVariant>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.set(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.set(Value::Number(v.into()))
    }
    // What views rarely hold goes through serde_json itself.
    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        let value = fresh(|s| ser::Serializer::serialize_i128(s, v))?;
        self.set(value)
    }
    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        let value = fresh(|s| ser::Serializer::serialize_u128(s, v))?;
        self.set(value)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        let value = fresh(|s| ser::Serializer::serialize_f32(s, v))?;
        self.set(value)
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        let value = fresh(|s| ser::Serializer::serialize_f64(s, v))?;
        self.set(value)
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        match self.target {
            Value::String(held) => {
                held.clear();
                held.push_str(v);
                Ok(())
            }
            target => {
                *target = Value::String(v.to_owned());
                Ok(())
            }
        }
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let value = fresh(|s| ser::Serializer::serialize_bytes(s, v))?;
        self.set(value)
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.set(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.set(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        self.set(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let value =
            fresh(|s| ser::Serializer::serialize_newtype_variant(s, name, index, variant, value))?;
        self.set(value)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqWriter<'a>, Error> {
        if !self.target.is_array() {
            *self.target = Value::Array(Vec::with_capacity(len.unwrap_or(0)));
        }
        let Value::Array(items) = self.target else {
            unreachable!("made a list above");
        };
        Ok(SeqWriter {
            items,
            next: 0,
            scratch: self.scratch,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqWriter<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<SeqWriter<'a>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        let inner =
            fresh(|s| ser::Serializer::serialize_tuple_variant(s, name, index, variant, len))?;
        Ok(Afresh {
            target: self.target,
            inner,
        })
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<MapWriter<'a>, Error> {
        if !self.target.is_object() {
            *self.target = Value::Object(Map::new());
        }
        let Value::Object(map) = self.target else {
            unreachable!("made a map above");
        };
        Ok(MapWriter {
            map,
            mark: self.scratch.keys.len(),
            writes: 0,
            key: None,
            fields: false,
            scratch: self.scratch,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<MapWriter<'a>, Error> {
        let mut writer = self.serialize_map(Some(len))?;
        writer.fields = true;
        Ok(writer)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        let inner =
            fresh(|s| ser::Serializer::serialize_struct_variant(s, name, index, variant, len))?;
        Ok(Afresh {
            target: self.target,
            inner,
        })
    }
}

/// A list written over the items a list held.
struct SeqWriter<'a> {
    items: &'a mut Vec<Value>,
    next: usize,
    scratch: &'a mut Scratch,
}

impl SeqWriter<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        match self.items.get_mut(self.next) {
            Some(held) => value.serialize(Writer {
                target: held,
                scratch: self.scratch,
            })?,
            None => self.items.push(serde_json::to_value(value)?),
        }
        self.next += 1;
        Ok(())
    }

    fn finish(self) -> Result<(), Error> {
        self.items.truncate(self.next);
        Ok(())
    }
}

impl ser::SerializeSeq for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTuple for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for SeqWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.item(value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A map written over the entries a map held: each key written is looked
/// up and its value written over, or added. Whether the map ends with only
/// the keys written is told by counting; the hashes of the keys written
/// tell a key written twice, which would make the count wrong.
struct MapWriter<'a> {
    map: &'a mut Map<String, Value>,
    /// Where this map's key hashes start in the scratch.
    mark: usize,
    writes: usize,
    /// A key given alone, for the value to follow.
    key: Option<String>,
    /// Whether the keys are a struct's field names, each written once (a
    /// struct with a flattened field comes as a map): they need no check
    /// for a key written twice, which debug builds make anyway by comparing
    /// with serde_json.
    fields: bool,
    scratch: &'a mut Scratch,
}

impl MapWriter<'_> {
    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        if !self.fields {
            self.scratch.keys.push(hash(key));
        }
        self.writes += 1;
        // In a map of a few keys, walking them and comparing for equality
        // (most differ in length, and are told apart without `memcmp`)
        // takes fewer steps than hashing the key: with no walk, here and in
        // tera's lookups, a build at 1,000 briefings took 11% more
        // instructions; walking maps of up to 48 keys gained nothing more.
        let held = if self.map.len() <= FEW {
            self.map
                .iter_mut()
                .find(|(name, _)| name.as_str() == key)
                .map(|(_, held)| held)
        } else {
            self.map.get_mut(key)
        };
        match held {
            Some(held) => value.serialize(Writer {
                target: held,
                scratch: self.scratch,
            }),
            None => {
                // A new key goes at the end of the map (serde_json keeps
                // keys in the order they came, `preserve_order`): that is
                // where a fresh value has it only when every key already
                // there was written before it.
                if self.map.len() + 1 != self.writes {
                    self.scratch.exact = false;
                }
                self.map
                    .insert(key.to_owned(), serde_json::to_value(value)?);
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<(), Error> {
        let keys = &mut self.scratch.keys[self.mark..];
        // A struct writes its fields in one order on every page, so the
        // keys it finds are where a fresh value has them; any other map
        // (a view's map of names, say) may come in another order than the
        // last, and its keys' order is checked.
        let in_order = self.fields
            || (self.map.len() == keys.len()
                && self.map.keys().zip(keys.iter()).all(|(k, &h)| hash(k) == h));
        keys.sort_unstable();
        let twice = keys.windows(2).any(|pair| pair[0] == pair[1]);
        if twice || !in_order || self.map.len() != self.writes {
            self.scratch.exact = false;
        }
        self.scratch.keys.truncate(self.mark);
        Ok(())
    }
}

/// Up to how many keys a map is walked rather than searched for a key.
const FEW: usize = 16;

/// A map key as text, as serde_json writes keys: a string as it is, any
/// other key through serde_json's own map.
fn key_text<K: Serialize + ?Sized>(key: &K) -> Result<String, Error> {
    if let Ok(text) = key.serialize(KeyText) {
        return Ok(text);
    }
    let mut map = fresh(|s| ser::Serializer::serialize_map(s, Some(1)))?;
    ser::SerializeMap::serialize_entry(&mut map, key, &())?;
    match ser::SerializeMap::end(map)? {
        Value::Object(map) => Ok(map
            .into_iter()
            .next()
            .map(|(key, _)| key)
            .unwrap_or_default()),
        _ => Err(ser::Error::custom("a map key made no map")),
    }
}

impl ser::SerializeMap for MapWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key_text(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ser::Error::custom("a map value came before its key"))?;
        self.entry(&key, value)
    }
    fn serialize_entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(
        &mut self,
        key: &K,
        value: &V,
    ) -> Result<(), Error> {
        let key = key_text(key)?;
        self.entry(&key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

impl ser::SerializeStruct for MapWriter<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.entry(key, value)
    }
    fn end(self) -> Result<(), Error> {
        self.finish()
    }
}

/// A variant with fields, made by serde_json and put in place whole.
struct Afresh<'a, C> {
    target: &'a mut Value,
    inner: C,
}

impl<C> ser::SerializeTupleVariant for Afresh<'_, C>
where
    C: ser::SerializeTupleVariant<Ok = Value, Error = Error>,
{
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.inner.serialize_field(value)
    }
    fn end(self) -> Result<(), Error> {
        *self.target = self.inner.end()?;
        Ok(())
    }
}

impl<C> ser::SerializeStructVariant for Afresh<'_, C>
where
    C: ser::SerializeStructVariant<Ok = Value, Error = Error>,
{
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.inner.serialize_field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        *self.target = self.inner.end()?;
        Ok(())
    }
}

/// The fields of a page's view, each set as a variable of its own.
struct Fields<'a> {
    context: &'a mut Context,
    read: &'a dyn Fn(&str) -> bool,
    names: &'a mut Vec<String>,
    scratch: &'a mut Scratch,
}

impl Fields<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), Error> {
        if !(self.read)(name) {
            return Ok(());
        }
        set(self.context, name, value, self.scratch)?;
        if !self.names.iter().any(|n| n == name) {
            self.names.push(name.to_owned());
        }
        Ok(())
    }
}

fn not_fields() -> Error {
    ser::Error::custom("a page's view must be a struct or a map of its fields")
}

/// Refuses every value but a struct or a map: [`Fields`] and [`KeyText`]
/// take one kind of value each.
macro_rules! refuse {
    ($error:expr; $($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Error> {
            Err($error)
        })*
    };
}

impl<'a> ser::Serializer for Fields<'a> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = FieldsMap<'a>;
    type SerializeStruct = FieldsMap<'a>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    refuse! { not_fields();
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_str(&str); serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<(), Error> {
        Err(not_fields())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_fields())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_fields())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_fields())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_fields())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<FieldsMap<'a>, Error> {
        Ok(FieldsMap {
            fields: self,
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<FieldsMap<'a>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_fields())
    }
}

struct FieldsMap<'a> {
    fields: Fields<'a>,
    key: Option<String>,
}

impl ser::SerializeMap for FieldsMap<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key_text(key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| ser::Error::custom("a map value came before its key"))?;
        self.fields.field(&key, value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

impl ser::SerializeStruct for FieldsMap<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.fields.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

/// A map key that is a string, as text; any other key is refused, to be
/// written by serde_json.
struct KeyText;

fn not_text() -> Error {
    ser::Error::custom("not a string")
}

impl ser::Serializer for KeyText {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    refuse! { not_text();
        serialize_bool(bool); serialize_i8(i8); serialize_i16(i16); serialize_i32(i32);
        serialize_i64(i64); serialize_u8(u8); serialize_u16(u16); serialize_u32(u32);
        serialize_u64(u64); serialize_f32(f32); serialize_f64(f64); serialize_char(char);
        serialize_bytes(&[u8]); serialize_none(); serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_owned())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(not_text())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(not_text())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(not_text())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(not_text())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(not_text())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(not_text())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(not_text())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(not_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize, Clone)]
    struct Speaker {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    }

    #[derive(Serialize, Clone)]
    enum Tone {
        Positive,
        Count(u32),
        Pair(u8, char),
        Named { score: f64 },
    }

    #[derive(Serialize, Clone)]
    struct Card {
        text: String,
        speaker: Speaker,
        sources: Vec<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        image: Option<BTreeMap<String, u32>>,
        tone: Tone,
        #[serde(flatten)]
        extra: BTreeMap<String, serde_json::Value>,
        by_number: BTreeMap<u32, bool>,
        bytes: Vec<u8>,
        big: u128,
        letter: char,
        nothing: (),
    }

    fn card(n: usize) -> Card {
        let mut extra = BTreeMap::new();
        for k in 0..n % 3 {
            extra.insert(
                format!("extra{k}"),
                serde_json::json!({ "k": k, "list": [k, k] }),
            );
        }
        Card {
            text: "é".repeat(n % 5 + 1),
            speaker: Speaker {
                name: format!("speaker {n}"),
                role: (n % 2 == 0).then(|| "minister".into()),
            },
            sources: (0..n % 4).map(|k| format!("src{k}")).collect(),
            image: (n % 3 == 1)
                .then(|| BTreeMap::from([("width".into(), 640), ("height".into(), n as u32)])),
            tone: match n % 4 {
                0 => Tone::Positive,
                1 => Tone::Count(n as u32),
                2 => Tone::Pair(7, 'x'),
                _ => Tone::Named {
                    score: if n % 8 == 3 { f64::NAN } else { 0.5 },
                },
            },
            extra,
            by_number: (0..n % 3).map(|k| (k as u32, k % 2 == 0)).collect(),
            bytes: vec![n as u8; n % 3],
            big: n as u128 * 1_000,
            letter: ['a', 'ß', '中'][n % 3],
            nothing: (),
        }
    }

    /// A map with one key written twice: serde_json keeps the last.
    struct Twice(u32);

    impl Serialize for Twice {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use ser::SerializeMap;
            let mut map = serializer.serialize_map(None)?;
            map.serialize_entry("a", &0)?;
            map.serialize_entry("a", &self.0)?;
            map.end()
        }
    }

    #[test]
    fn each_value_written_over_another_is_the_value_made_afresh() {
        let mut scratch = Scratch::default();
        let mut target = Value::Null;
        // Every order of shapes: fields coming and going, lists growing
        // and shrinking, variants changing kind, keys of other types.
        for n in [0, 1, 2, 3, 4, 5, 6, 7, 11, 3, 0, 10, 1, 9, 2] {
            let view = card(n);
            write(&mut target, &view, &mut scratch).unwrap();
            assert_eq!(target, serde_json::to_value(&view).unwrap(), "card {n}");
        }
        // From and to other kinds of value altogether.
        for view in [
            serde_json::json!("text"),
            serde_json::json!([1, "two", null]),
            serde_json::json!({ "text": 3 }),
            serde_json::to_value(card(4)).unwrap(),
            serde_json::json!(null),
            serde_json::to_value(card(5)).unwrap(),
        ] {
            write(&mut target, &view, &mut scratch).unwrap();
            assert_eq!(target, view);
        }
    }

    #[test]
    fn a_map_that_keeps_a_key_from_before_is_made_afresh() {
        let mut scratch = Scratch::default();
        // A key the last value had and this one lacks.
        let mut target = serde_json::json!({ "a": 1, "b": 2, "c": 3 });
        write(
            &mut target,
            &BTreeMap::from([("a", 5), ("c", 6)]),
            &mut scratch,
        )
        .unwrap();
        assert_eq!(target, serde_json::json!({ "a": 5, "c": 6 }));
        // As many keys as before, one of them written twice: counting alone
        // would keep `b`.
        let mut target = serde_json::json!({ "a": 1, "b": 2 });
        write(&mut target, &Twice(9), &mut scratch).unwrap();
        assert_eq!(target, serde_json::json!({ "a": 9 }));
        // The same, nested below a map that is itself exact.
        let mut target = serde_json::json!({ "outer": { "a": 1, "b": 2 }, "x": 1 });
        let view = BTreeMap::from([("outer", serde_json::to_value(Twice(4)).unwrap())]);
        write(&mut target, &view, &mut scratch).unwrap();
        assert_eq!(target, serde_json::json!({ "outer": { "a": 4 } }));
        let mut target = serde_json::json!({ "outer": { "a": 1, "b": 2 } });
        #[derive(Serialize)]
        struct Outer {
            outer: Twice,
        }
        write(&mut target, &Outer { outer: Twice(4) }, &mut scratch).unwrap();
        assert_eq!(target, serde_json::json!({ "outer": { "a": 4 } }));
    }

    #[test]
    fn strings_and_lists_are_written_in_the_room_they_had() {
        let mut scratch = Scratch::default();
        let mut target = Value::Null;
        write(&mut target, &card(6), &mut scratch).unwrap();
        let room = |target: &Value| {
            (
                target["speaker"]["name"].as_str().unwrap().as_ptr(),
                target["sources"].as_array().unwrap().as_ptr(),
            )
        };
        let before = room(&target);
        // Same shape, other words: no string or list is made again.
        write(&mut target, &card(18), &mut scratch).unwrap();
        assert_eq!(target["speaker"]["name"], "speaker 18");
        assert_eq!(room(&target), before);
    }

    #[test]
    fn keys_come_in_the_order_a_fresh_value_has_them() {
        // card(10) has an image where card(6) had none: the key is new
        // and belongs between two that are there. A view's map (`extra`,
        // flattened) comes in its own order, which may not be the last's.
        let mut scratch = Scratch::default();
        for (first, second) in [(6, 10), (10, 6), (1, 2), (2, 1), (4, 5)] {
            let mut target = Value::Null;
            write(&mut target, &card(first), &mut scratch).unwrap();
            write(&mut target, &card(second), &mut scratch).unwrap();
            assert_eq!(
                serde_json::to_string(&target).unwrap(),
                serde_json::to_string(&card(second)).unwrap(),
                "card({first}) then card({second})"
            );
        }
        let mut target = serde_json::json!({ "b": 1, "a": 2 });
        let view = indexmap::IndexMap::from([("a", 3), ("b", 4)]);
        write(&mut target, &view, &mut scratch).unwrap();
        assert_eq!(serde_json::to_string(&target).unwrap(), r#"{"a":3,"b":4}"#);
    }

    #[test]
    fn a_pages_fields_replace_the_last_pages_and_what_it_lacks_is_taken_out() {
        #[derive(Serialize)]
        struct Page<'a> {
            title: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            related: Option<Vec<u32>>,
            #[serde(flatten)]
            card: Speaker,
        }
        let mut scratch = Scratch::default();
        let mut context = Context::new();
        context.insert("site", &serde_json::json!({ "title": "Desk" }));
        let mut names = Vec::new();
        let first = Page {
            title: "One",
            related: Some(vec![1, 2]),
            card: Speaker {
                name: "Ann".into(),
                role: Some("mayor".into()),
            },
        };
        let all = |_: &str| true;
        set_fields(&mut context, &first, &all, &mut names, &mut scratch).unwrap();
        assert_eq!(context.get("related"), Some(&serde_json::json!([1, 2])));
        assert_eq!(context.get("role"), Some(&serde_json::json!("mayor")));
        let second = Page {
            title: "Two",
            related: None,
            card: Speaker {
                name: "Bo".into(),
                role: None,
            },
        };
        set_fields(&mut context, &second, &all, &mut names, &mut scratch).unwrap();
        assert_eq!(context.get("title"), Some(&serde_json::json!("Two")));
        assert_eq!(context.get("name"), Some(&serde_json::json!("Bo")));
        assert_eq!(context.get("related"), None);
        assert_eq!(context.get("role"), None);
        assert_eq!(
            context.get("site"),
            Some(&serde_json::json!({ "title": "Desk" }))
        );
        assert_eq!(names, ["title", "name"]);
        // A field no template reads is not set, and the last page's is
        // taken out.
        let unread = |name: &str| name != "title";
        set_fields(&mut context, &first, &unread, &mut names, &mut scratch).unwrap();
        assert_eq!(context.get("title"), None);
        assert_eq!(context.get("name"), Some(&serde_json::json!("Ann")));
        assert_eq!(names, ["related", "name", "role"]);
        // Only a struct or a map has fields to set.
        assert!(set_fields(&mut context, &[1, 2], &all, &mut names, &mut scratch).is_err());
        assert!(set_fields(&mut context, "text", &all, &mut names, &mut scratch).is_err());
    }
}

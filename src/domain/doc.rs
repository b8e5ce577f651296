//! What every stored document has in common, shaped for CouchDB replication:
//! `_id` made on the device, `_rev` kept when present, a `type`, a `schema` version,
//! created/updated times and an `audience`. Fields this version does not know are kept in
//! `extra` and written back untouched, so an older app never drops what a newer one added.

use super::time::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;

/// Who may see an item. Private is the default; changing it is always explicit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    #[default]
    Private,
    Partner,
    Group,
    Facilitator,
}

impl Audience {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Private => "private",
            Audience::Partner => "partner",
            Audience::Group => "group",
            Audience::Facilitator => "facilitator",
        }
    }

    /// Plain words shown on every item.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Private => "Private — only you",
            Audience::Partner => "Shared with your partner",
            Audience::Group => "Shared with your group",
            Audience::Facilitator => "Shared with your facilitator",
        }
    }
}

/// The common fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Header {
    /// `_id`
    pub id: String,
    /// `_rev`, written only when present.
    pub rev: Option<String>,
    /// `type`
    pub doc_type: String,
    pub schema: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Private when missing.
    pub audience: Audience,
}

impl Header {
    pub fn new(id: String, doc_type: &str, schema: u32, at: Timestamp) -> Self {
        Header { id, rev: None, doc_type: doc_type.to_owned(), schema, created_at: at, updated_at: at, audience: Audience::Private }
    }

    /// A new document's header, for the audience it is shared with.
    pub fn shared(id: String, doc_type: &str, schema: u32, audience: Audience, at: Timestamp) -> Self {
        Header { audience, ..Header::new(id, doc_type, schema, at) }
    }

    /// Whether `suffix` after `prefix` makes a database name CouchDB accepts: only
    /// `a-z 0-9 _ $ ( ) + / -`, at most 238 characters in all. Routing sends nothing to a shared
    /// database whose name the server would refuse (documents would sit unsent, and nobody could
    /// tell why).
    pub fn is_valid_db_suffix(prefix: &str, suffix: &str) -> bool {
        !suffix.is_empty()
            && prefix.len() + suffix.len() <= 238
            && suffix.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'$' | b'(' | b')' | b'+' | b'/' | b'-'))
    }

    fn read(f: &mut Fields) -> Result<Self, String> {
        Ok(Header {
            id: f.required("_id")?,
            rev: f.or_default("_rev")?,
            doc_type: f.required("type")?,
            schema: f.required("schema")?,
            created_at: f.required("created_at")?,
            updated_at: f.required("updated_at")?,
            audience: f.or_default("audience")?,
        })
    }

    fn write(&self, out: &mut Map<String, Value>) {
        out.insert("_id".into(), self.id.clone().into());
        if let Some(rev) = &self.rev {
            out.insert("_rev".into(), rev.clone().into());
        }
        out.insert("type".into(), self.doc_type.clone().into());
        out.insert("schema".into(), self.schema.into());
        out.insert("created_at".into(), self.created_at.to_rfc3339().into());
        out.insert("updated_at".into(), self.updated_at.to_rfc3339().into());
        out.insert("audience".into(), self.audience.as_str().into());
    }
}

/// A kind of document this app knows how to read and write.
///
/// Documents are read and written field by field ([`Fields`], [`Document::write`]) rather than with
/// `#[derive(Serialize, Deserialize)]` and `#[serde(flatten)]` for the header and `extra`: flatten
/// buffers every field in serde's generic `Content` form and compiles a visitor per document type,
/// which cost several KB of wasm per type. Here each document type is a few plain calls per field,
/// and each field type's `Deserialize` is shared by every document.
pub trait Document: Sized {
    /// The `type` field.
    const TYPE: &'static str;
    /// The newest schema version this build writes and understands.
    const SCHEMA: u32;
    fn header(&self) -> &Header;
    /// For the revision a save gave it.
    fn header_mut(&mut self) -> &mut Header;
    /// Fields this version does not know, written back as they came.
    fn extra(&self) -> &Extra;
    /// Reads the document from its stored fields: the header, its own fields, and last
    /// [`Fields::rest`] as its `extra`.
    fn read(fields: &mut Fields) -> Result<Self, String>;
    /// Writes the document's own fields; the header and `extra` are written by [`encode`].
    fn write(&self, out: &mut Map<String, Value>);
}

/// A stored document's JSON object while it is read: each known field is taken out by name, and
/// what is left is the document's [`Extra`]. Missing, wrong and present-but-null fields behave as
/// they did with serde's derive: required fields must be there, `or_default` fields take their
/// default only when missing, and `Option` fields accept null.
pub struct Fields(Map<String, Value>);

impl Fields {
    /// The fields of a JSON object; anything else is refused.
    pub fn object(value: Value) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(Fields(map)),
            other => Err(serde_json::from_value::<Map<String, Value>>(other).err().map(|e| e.to_string()).unwrap_or_default()),
        }
    }

    /// A field that must be there.
    pub fn required<T: DeserializeOwned>(&mut self, key: &str) -> Result<T, String> {
        let value = self.0.remove(key).ok_or_else(|| format!("missing field `{key}`"))?;
        T::deserialize(value).map_err(|e| e.to_string())
    }

    /// A field that takes its default when missing.
    pub fn or_default<T: DeserializeOwned + Default>(&mut self, key: &str) -> Result<T, String> {
        match self.0.remove(key) {
            Some(value) => T::deserialize(value).map_err(|e| e.to_string()),
            None => Ok(T::default()),
        }
    }

    /// The common fields.
    pub fn header(&mut self) -> Result<Header, String> {
        Header::read(self)
    }

    /// Every field not taken so far: read it last.
    pub fn rest(&mut self) -> Extra {
        std::mem::take(&mut self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// Not a JSON object of the expected shape.
    Malformed { id: Option<String>, reason: String },
    WrongType { id: String, found: String },
    /// Written by a newer version of Tandem: kept as it is, shown once the app is updated.
    NewerSchema { id: String, found: u32, supported: u32 },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Malformed { id, reason } => {
                write!(f, "entry {} could not be read: {reason}", id.as_deref().unwrap_or("without an id"))
            }
            DecodeError::WrongType { id, found } => write!(f, "entry {id} is a {found}, not what was expected"),
            DecodeError::NewerSchema { id, .. } => {
                write!(f, "entry {id} was made by a newer version of Tandem; update the app to see it")
            }
        }
    }
}

/// Reads a stored document, checking its type and schema version.
/// Migrations from older schema versions go here, one step per version, when there are any.
pub fn decode<D: Document>(value: &Value) -> Result<D, DecodeError> {
    let id = value.get("_id").and_then(Value::as_str).map(str::to_owned);
    let found_type = value.get("type").and_then(Value::as_str).unwrap_or_default();
    if found_type != D::TYPE {
        return Err(DecodeError::WrongType { id: id.unwrap_or_default(), found: found_type.to_owned() });
    }
    let schema = value.get("schema").and_then(Value::as_u64).unwrap_or(0);
    if schema > u64::from(D::SCHEMA) {
        return Err(DecodeError::NewerSchema {
            id: id.unwrap_or_default(),
            found: u32::try_from(schema).unwrap_or(u32::MAX),
            supported: D::SCHEMA,
        });
    }
    // Schema 1 is the first: no migration steps exist yet.
    let mut fields = Fields(value.as_object().cloned().unwrap_or_default());
    D::read(&mut fields).map_err(|reason| DecodeError::Malformed { id, reason })
}

pub fn encode<D: Document>(doc: &D) -> Value {
    // Unknown fields first: a known field of the same name (which `decode` never leaves in
    // `extra`) is written over it.
    let mut out = doc.extra().clone();
    doc.header().write(&mut out);
    doc.write(&mut out);
    Value::Object(out)
}

/// Unknown fields, kept as they came.
pub type Extra = Map<String, Value>;

/// A value kept as JSON that is not a document (a form's draft): written and read field by field
/// like documents (see [`Document`]) rather than with serde's derive, which compiled a
/// serializer and a visitor per draft type. Missing fields take their defaults, unknown ones are
/// ignored, a field of the wrong type makes the whole value unreadable.
pub trait JsonValue: Sized {
    fn to_json(&self) -> Value;
    fn from_json(value: Value) -> Result<Self, String>;
}

/// The quick mood's draft: the score picked, if any.
impl JsonValue for Option<u8> {
    fn to_json(&self) -> Value {
        (*self).into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        Option::<u8>::deserialize(value).map_err(|e| e.to_string())
    }
}

/// A one-field form's draft: the text as typed (missing or null reads as empty).
impl JsonValue for String {
    fn to_json(&self) -> Value {
        self.clone().into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::String(s) => Ok(s),
            Value::Null => Ok(String::new()),
            other => Err(format!("expected text, found {}", crate::json_text::print(&other))),
        }
    }
}

/// Decodes many documents, keeping the readable ones and reporting the rest.
pub fn decode_all<D: Document>(values: &[Value]) -> (Vec<D>, Vec<DecodeError>) {
    let mut ok = Vec::with_capacity(values.len());
    let mut bad = Vec::new();
    for v in values {
        match decode::<D>(v) {
            Ok(d) => ok.push(d),
            Err(e) => bad.push(e),
        }
    }
    (ok, bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::checkin::CheckIn;
    use crate::domain::mood::MoodEntry;
    use serde_json::json;

    fn stored_checkin() -> Value {
        json!({"_id": "checkin:2026-11-22", "type": "checkin", "schema": 1, "day": "2026-11-22",
               "created_at": "2026-11-22T08:00:00.000Z", "updated_at": "2026-11-22T08:00:00.000Z"})
    }

    #[test]
    fn missing_optional_fields_take_defaults_and_are_written_as_before() {
        let c: CheckIn = decode(&stored_checkin()).unwrap();
        assert_eq!((c.header.rev.as_deref(), c.header.audience, c.win.as_str(), c.mood), (None, Audience::Private, "", None));
        let mut expected = stored_checkin();
        for (k, v) in [("audience", json!("private")), ("how_i_feel", json!("")), ("win", json!("")), ("challenge", json!(""))] {
            expected[k] = v;
        }
        assert_eq!(encode(&c), expected, "no _rev and no mood written when there are none");
    }

    #[test]
    fn null_is_none_for_options_and_an_error_elsewhere() {
        let mut v = stored_checkin();
        v["_rev"] = Value::Null;
        v["mood"] = Value::Null;
        let c: CheckIn = decode(&v).unwrap();
        assert_eq!((c.header.rev, c.mood), (None, None));
        assert!(c.extra.is_empty(), "known fields are never kept as extra");
        v["win"] = Value::Null;
        assert!(matches!(decode::<CheckIn>(&v), Err(DecodeError::Malformed { .. })));
    }

    #[test]
    fn wrong_types_and_missing_required_fields_are_malformed() {
        for (key, bad) in [("day", json!(5)), ("schema", json!("1")), ("audience", json!("everyone")), ("created_at", json!("yesterday"))] {
            let mut v = stored_checkin();
            v[key] = bad;
            assert!(matches!(decode::<CheckIn>(&v), Err(DecodeError::Malformed { .. })), "{key}");
        }
        let mut v = stored_checkin();
        v.as_object_mut().unwrap().remove("day");
        let Err(DecodeError::Malformed { reason, .. }) = decode::<CheckIn>(&v) else { panic!("decoded without a day") };
        assert_eq!(reason, "missing field `day`");
        let mood = json!({"_id": "mood:1", "type": "mood", "schema": 1, "day": "2026-11-22", "score": 11,
                          "created_at": "2026-11-22T08:00:00.000Z", "updated_at": "2026-11-22T08:00:00.000Z"});
        assert!(decode::<MoodEntry>(&mood).is_err(), "scores are 1 to 10");
    }
}

#[cfg(test)]
mod draft_tests {
    use super::*;
    use crate::domain::checkin::CheckInDraft;
    use crate::domain::mood::MoodDraft;
    use crate::domain::time::LocalDay;
    use serde_json::json;

    #[test]
    fn drafts_are_written_as_before() {
        let d = MoodDraft { score: Some(6), emotions: vec!["sad".into()], tags: vec![], note: "n".into(), tag_input: "t".into() };
        assert_eq!(d.to_json(), json!({"score": 6, "emotions": ["sad"], "tags": [], "note": "n", "tag_input": "t"}));
        assert_eq!(MoodDraft::default().to_json()["score"], Value::Null);
        let c = CheckInDraft { day: LocalDay::from_ymd(2026, 11, 22), how_i_feel: "ok".into(), ..Default::default() };
        assert_eq!(c.to_json(), json!({"day": "2026-11-22", "how_i_feel": "ok", "win": "", "challenge": ""}));
        assert_eq!(CheckInDraft::default().to_json()["day"], Value::Null);
        assert_eq!(Some(3u8).to_json(), json!(3));
        assert_eq!(None::<u8>.to_json(), Value::Null);
    }

    #[test]
    fn drafts_read_with_defaults_and_refuse_wrong_types() {
        let d = MoodDraft { score: Some(6), emotions: vec!["sad".into()], tags: vec!["x".into()], note: "n".into(), tag_input: "t".into() };
        assert_eq!(MoodDraft::from_json(d.to_json()), Ok(d));
        assert_eq!(MoodDraft::from_json(json!({"note": "only", "unknown": 1})), Ok(MoodDraft { note: "only".into(), ..Default::default() }));
        assert_eq!(CheckInDraft::from_json(json!({"day": null})), Ok(CheckInDraft::default()));
        assert_eq!(MoodDraft::from_json(json!({"score": "7"})), Err("invalid type: string \"7\", expected u8".to_string()));
        assert!(CheckInDraft::from_json(json!({"day": "2026-13-01"})).is_err());
        assert!(CheckInDraft::from_json(json!(5)).is_err());
        assert_eq!(Option::<u8>::from_json(json!(null)), Ok(None));
        assert_eq!(String::from_json("2026-10-19".to_string().to_json()), Ok("2026-10-19".into()));
        assert_eq!(String::from_json(json!(null)), Ok(String::new()));
        assert!(String::from_json(json!(5)).is_err());
        assert!(Option::<u8>::from_json(json!(300)).is_err());
    }
}

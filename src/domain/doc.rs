//! What every stored document has in common, shaped for CouchDB replication:
//! `_id` made on the device, `_rev` kept when present, a `type`, a `schema` version,
//! created/updated times and an `audience`. Fields this version does not know are kept in
//! `extra` and written back untouched, so an older app never drops what a newer one added.

use super::time::Timestamp;
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

/// The common fields. Document structs embed it with `#[serde(flatten)]`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    #[serde(rename = "_id")]
    pub id: String,
    #[serde(rename = "_rev", default, skip_serializing_if = "Option::is_none")]
    pub rev: Option<String>,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub schema: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default)]
    pub audience: Audience,
}

impl Header {
    pub fn new(id: String, doc_type: &str, schema: u32, at: Timestamp) -> Self {
        Header { id, rev: None, doc_type: doc_type.to_owned(), schema, created_at: at, updated_at: at, audience: Audience::Private }
    }
}

/// A kind of document this app knows how to read and write.
pub trait Document: Serialize + for<'de> Deserialize<'de> {
    /// The `type` field.
    const TYPE: &'static str;
    /// The newest schema version this build writes and understands.
    const SCHEMA: u32;
    fn header(&self) -> &Header;
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
    D::deserialize(value).map_err(|e| DecodeError::Malformed { id, reason: e.to_string() })
}

pub fn encode<D: Document>(doc: &D) -> Value {
    // Serialising plain structs of strings, numbers and maps into a Value cannot fail.
    serde_json::to_value(doc).unwrap_or(Value::Null)
}

/// Unknown fields, kept as they came.
pub type Extra = Map<String, Value>;

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

//! Which remote database a local document belongs in.
//!
//! The app keeps one local store for everything the person can see; each remote database sees
//! only its own share of it. A mistake here is a privacy leak, so the rules fail closed: a
//! document meant for the partner or the facilitator that cannot be placed is kept on the device
//! ([`Home::Nowhere`]), never put in the person's private database where it would mix partner
//! data in with theirs. Anything not known to be shared is private.
//!
//! Only the document's own fields are read (its `_id`, `type` and `pair_id`), so routing a
//! deletion works from the document's last body (see `sync::replicate::routing_body`).

use super::partner::{is_valid_pair_id, PAIRING_TYPE, PARTNER_CHECKIN_TYPE, PARTNER_REPLY_TYPE, REPAIR_REQUEST_TYPE, URGENT_NOTE_TYPE, URGENT_RECEIPT_TYPE};
use super::questionnaire::QUESTIONNAIRE_TYPE;
use serde_json::Value;

/// Types written to the person's care database, shared with facilitators only.
pub const CARE_TYPES: [&str; 2] = [QUESTIONNAIRE_TYPE, REPAIR_REQUEST_TYPE];

/// Types written to the pair's database; each carries `pair_id`.
pub const PAIR_TYPES: [&str; 4] = [PARTNER_CHECKIN_TYPE, PARTNER_REPLY_TYPE, URGENT_NOTE_TYPE, URGENT_RECEIPT_TYPE];

/// Types written to a group's database; each carries `group_id`.
pub const GROUP_TYPES: [&str; 4] = ["post", "group-reaction", "attendance", "norms-agreement"];

/// A report of a group post goes to the facilitator only: the reporter's care database.
pub const GROUP_REPORT_TYPE: &str = "post-report";

/// Types this device receives but never sends: the facilitator's notices (a pairing; a group's
/// settings and a membership notice) are written by the facilitator's app itself.
pub const RECEIVED_ONLY_TYPES: [&str; 3] = [PAIRING_TYPE, "group", "group-membership"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Home {
    /// The person's own database (`userdb-…`).
    Private,
    /// The person's care database (`tandem-care-…`), shared with facilitators only.
    Care,
    /// A pair's database, by pair id (see `partner::pair_db_name`).
    Pair(String),
    /// A group's database, by group id (`tandem-group-<id>`).
    Group(String),
    /// Pushed nowhere: kept on this device only.
    Nowhere,
}

/// Where `doc` is pushed to.
pub fn home(doc: &Value) -> Home {
    let Some(obj) = doc.as_object() else { return Home::Nowhere };
    // Design documents are the server's (validation rules); local documents never replicate.
    let id = obj.get("_id").and_then(Value::as_str).unwrap_or_default();
    if id.starts_with("_design/") || id.starts_with("_local/") {
        return Home::Nowhere;
    }
    let doc_type = obj.get("type").and_then(Value::as_str).unwrap_or_default();
    if CARE_TYPES.contains(&doc_type) || doc_type == GROUP_REPORT_TYPE {
        Home::Care
    } else if GROUP_TYPES.contains(&doc_type) {
        match obj.get("group_id").and_then(Value::as_str) {
            Some(group_id) if super::group::is_valid_group_id(group_id) => Home::Group(group_id.to_owned()),
            _ => Home::Nowhere,
        }
    } else if PAIR_TYPES.contains(&doc_type) {
        match obj.get("pair_id").and_then(Value::as_str) {
            Some(pair_id) if is_valid_pair_id(pair_id) => Home::Pair(pair_id.to_owned()),
            // Without a usable pair, there is no right place: the private database is the wrong one.
            _ => Home::Nowhere,
        }
    } else if RECEIVED_ONLY_TYPES.contains(&doc_type) {
        // The facilitator's app writes pairings into each member's care database itself.
        Home::Nowhere
    } else {
        Home::Private
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::encode;
    use crate::domain::partner::{self, CheckInFrequency, PartnerCheckInDraft, Reaction, ReactionChange};
    use crate::domain::time::{LocalDay, Now, Timestamp};
    use serde_json::json;

    fn now() -> Now {
        Now { at: Timestamp::parse_rfc3339("2026-11-22T20:00:00Z").unwrap(), utc_offset_minutes: 0 }
    }

    #[test]
    fn care_types_go_to_the_care_database() {
        assert_eq!(home(&json!({"_id": "questionnaire:alex", "type": "questionnaire", "answers": {}})), Home::Care);
        let r = partner::request_repair("", "alex", "p1", now(), || "repair-request:1".into()).unwrap();
        assert_eq!(home(&encode(&r)), Home::Care, "even with a pair id: the partner must not see it");
        assert_eq!(home(&json!({"type": "repair-request"})), Home::Care, "no pair needed");
    }

    #[test]
    fn partner_types_go_to_their_pair() {
        let c = partner::send_checkin(&PartnerCheckInDraft { how_im_doing: "ok".into(), ..Default::default() }, "alex", "k3j4", now(), || "partner-checkin:1".into()).unwrap();
        let r = partner::send_reply("you've got this", "sam", "k3j4", "partner-checkin:1", now(), || "partner-reply:1".into()).unwrap();
        let Some(ReactionChange::Add(reaction)) = partner::toggle_reaction(&[], "sam", "k3j4", "partner-checkin:1", "alex", Reaction::Celebrate, now()) else { panic!("nothing to remove") };
        let n = partner::send_urgent("", "alex", "k3j4", now(), || "urgent-note:1".into()).unwrap();
        let receipt = partner::receipt_for(&n, None, "sam", now(), false).unwrap();
        for doc in [encode(&c), encode(&r), encode(&reaction), encode(&n), encode(&receipt)] {
            assert_eq!(home(&doc), Home::Pair("k3j4".into()), "{doc}");
        }
    }

    #[test]
    fn pairings_and_server_documents_go_nowhere() {
        let p = partner::Pairing::new("k3j4", vec!["alex".into(), "sam".into()], vec![], 0, CheckInFrequency::Weekly, LocalDay::parse("2026-11-22").unwrap(), now());
        assert_eq!(home(&encode(&p)), Home::Nowhere);
        assert_eq!(home(&json!({"_id": "_design/tandem", "validate_doc_update": "function () {}"})), Home::Nowhere);
        assert_eq!(home(&json!({"_id": "_design/x", "type": "mood"})), Home::Nowhere, "the id decides first");
        assert_eq!(home(&json!({"_id": "_local/checkpoint", "type": "partner-checkin", "pair_id": "p"})), Home::Nowhere);
    }

    #[test]
    fn everything_else_is_private() {
        for t in ["mood", "checkin", "goal", "review", "values", "something-newer"] {
            assert_eq!(home(&json!({"_id": format!("{t}:1"), "type": t})), Home::Private, "{t}");
        }
        assert_eq!(home(&json!({"_id": "x"})), Home::Private, "no type: not known to be shared");
        assert_eq!(home(&json!({})), Home::Private);
        assert_eq!(home(&json!({"type": "Partner-Checkin", "pair_id": "p"})), Home::Private, "types are exact words");
    }

    #[test]
    fn partner_documents_without_a_usable_pair_stay_on_the_device() {
        for t in PAIR_TYPES {
            for pair_id in [json!(null), json!(""), json!(5), json!(["p"]), json!({"id": "p"}), json!("Has Spaces"), json!("a:b")] {
                assert_eq!(home(&json!({"_id": "x", "type": t, "pair_id": pair_id})), Home::Nowhere, "{t} {pair_id}");
            }
            assert_eq!(home(&json!({"_id": "x", "type": t})), Home::Nowhere, "{t} without pair_id");
        }
    }

    #[test]
    fn malformed_documents_never_panic() {
        for doc in [json!(null), json!(5), json!("partner-checkin"), json!([{"type": "partner-checkin"}]), json!(true)] {
            assert_eq!(home(&doc), Home::Nowhere, "{doc}");
        }
        for doc in [json!({"_id": 5, "type": "mood"}), json!({"_id": null, "type": 7}), json!({"type": {"partner-checkin": 1}}), json!({"_id": ["_design/x"]})] {
            assert_eq!(home(&doc), Home::Private, "{doc}");
        }
        assert_eq!(home(&json!({"_id": 5, "type": "urgent-note", "pair_id": "p"})), Home::Pair("p".into()));
    }

    #[test]
    fn no_partner_or_care_type_ever_maps_to_private() {
        let shapes = [json!(null), json!(""), json!("p1"), json!(0), json!([]), json!("UPPER")];
        for t in PAIR_TYPES.iter().chain(&CARE_TYPES).chain(&RECEIVED_ONLY_TYPES) {
            for pair_id in &shapes {
                for id in [json!("x:1"), json!("_design/x"), json!(null)] {
                    let with = json!({"_id": id, "type": t, "pair_id": pair_id, "author": "alex"});
                    let mut without = with.clone();
                    if let Some(o) = without.as_object_mut() {
                        o.remove("pair_id");
                    }
                    for doc in [with, without] {
                        assert_ne!(home(&doc), Home::Private, "{doc}");
                    }
                }
            }
        }
    }

    #[test]
    fn group_types_go_to_their_group_and_reports_to_the_facilitator() {
        for t in GROUP_TYPES {
            assert_eq!(home(&json!({"type": t, "group_id": "g1", "author": "alex"})), Home::Group("g1".into()), "{t}");
            assert_eq!(home(&json!({"type": t, "author": "alex"})), Home::Nowhere, "{t} without a group stays here");
            assert_eq!(home(&json!({"type": t, "group_id": "Not Valid!"})), Home::Nowhere, "{t} with an unusable group id");
        }
        assert_eq!(home(&json!({"type": "post-report", "group_id": "g1", "post_id": "post:1"})), Home::Care, "reports never go to the group");
        assert_eq!(home(&json!({"type": "group", "group_id": "g1"})), Home::Nowhere);
        assert_eq!(home(&json!({"type": "group-membership", "group_id": "g1"})), Home::Nowhere);
    }
}

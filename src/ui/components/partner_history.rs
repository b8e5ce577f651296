//! Both partners' check-ins in one history, newest first, each with replies and reactions
//! ("Encourage", "Celebrate", "Thinking of you" on the partner's: one of each per person, tapped
//! again to undo; on my own, what my partner gave, in words).

use crate::domain::doc::{Fields, JsonValue};
use crate::domain::partner::{may_react, reactions_on, reactions_received, replies_to, send_reply, toggle_reaction, Pairing, PartnerProblem, PartnerReply, Reaction, ReactionChange, PARTNER_REPLY_TYPE};
use crate::domain::time::hhmm_at;
use crate::ui::draft::use_draft;
use crate::ui::platform;
use crate::ui::routes::partner::{element_id, PartnerData};
use crate::ui::storage::{delete_docs, loaded, save_docs, upsert, use_storage};
use leptos::prelude::*;
use serde_json::Value;

/// The reply being written: which item it answers and the words so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplyDraft {
    pub to: String,
    pub text: String,
}

impl JsonValue for ReplyDraft {
    fn to_json(&self) -> Value {
        let mut out = serde_json::Map::new();
        out.insert("to".into(), self.to.clone().into());
        out.insert("text".into(), self.text.clone().into());
        out.into()
    }
    fn from_json(value: Value) -> Result<Self, String> {
        let mut f = Fields::object(value)?;
        Ok(ReplyDraft { to: f.or_default("to")?, text: f.or_default("text")? })
    }
}

#[component]
pub fn PartnerHistory(
    data: PartnerData,
    me: String,
    pairing: Pairing,
    /// The pairing has ended: the check-ins and replies to read, nothing to send.
    #[prop(optional)]
    ended: bool,
) -> impl IntoView {
    let storage = use_storage();
    let draft = use_draft::<ReplyDraft>("partner-reply");
    let problem = RwSignal::new(None::<String>);
    // A refused reply marks its field (described by the problem above) and takes focus there.
    let reply_problems = super::save_status::FormProblems::new();
    let pair_id = pairing.pair_id.clone();
    let list_pair = pair_id.clone();
    let checkins = Memo::new(move |_| {
        let mut all: Vec<_> = loaded(data.checkins).into_iter().filter(|c| c.pair_id == list_pair).collect();
        crate::domain::order::sort_by(&mut all, |a, b| b.header.created_at.cmp(&a.header.created_at));
        all
    });
    let replies = Memo::new(move |_| loaded(data.replies));
    let (me_react, pair_react) = (me.clone(), pair_id.clone());
    let react = move |to: String, to_author: String, kind: Reaction| {
        let now = platform::now();
        match toggle_reaction(&replies.get_untracked(), &me_react, &pair_react, &to, &to_author, kind, now) {
            None => {}
            Some(ReactionChange::Add(r)) => {
                let write = save_docs(storage, vec![r], Vec::new());
                leptos::task::spawn_local(async move {
                    match write.await {
                        Ok(saved) => upsert(data.replies, &saved),
                        Err(m) => {
                            problem.try_set(Some(m));
                        }
                    }
                });
            }
            Some(ReactionChange::Remove(ids)) => delete_docs(data.replies, ids, problem),
        }
    };
    let (me_reply, pair_reply) = (me.clone(), pair_id.clone());
    let reply = move |to: String| {
        let now = platform::now();
        let typed = draft.value.get_untracked();
        let text = if typed.to == to { typed.text.clone() } else { String::new() };
        match send_reply(&text, &me_reply, &pair_reply, &to, now, || platform::new_id(PARTNER_REPLY_TYPE, now)) {
            Ok(r) => {
                let write = save_docs(storage, vec![r], vec![draft.delete_op()]);
                leptos::task::spawn_local(async move {
                    match write.await {
                        Ok(saved) => {
                            upsert(data.replies, &saved);
                            problem.try_set(None);
                            reply_problems.clear();
                            draft.after_save(&typed, true, String::new());
                        }
                        Err(m) => {
                            problem.try_set(Some(m));
                            reply_problems.clear();
                        }
                    }
                });
            }
            Err(ps) => {
                problem.set(Some(ps.iter().map(ToString::to_string).collect::<Vec<_>>().join(" ")));
                reply_problems.refuse(&ps, |p| matches!(p, PartnerProblem::Empty | PartnerProblem::TooLong(_)).then(|| element_id("reply", &to)));
            }
        }
    };
    let offset = platform::now().utc_offset_minutes;

    view! {
        <section class="card partner-history" aria-labelledby="partner-history-title">
            <h2 id="partner-history-title">"Check-ins"</h2>
            <p role="alert" id="partner-history-problem">{move || problem.get()}</p>
            {move || checkins.with(Vec::is_empty).then(|| view! { <p class="hint">"Your check-ins and your partner's will show here."</p> })}
            <ul class="partner-history__list" aria-label="Partner check-ins">
                {move || checkins.get().into_iter().map(|c| {
                    let mine = c.author == me;
                    let who = if mine { "You".to_owned() } else { c.author.clone() };
                    let id = c.header.id.clone();
                    let field_id = element_id("reply", &id);
                    let (react_to, reply_to, input_to, text_to) = (id.clone(), id.clone(), id.clone(), id.clone());
                    let me_r = me.clone();
                    let me_name = me.clone();
                    let react = react.clone();
                    let reply = reply.clone();
                    view! {
                        <li class="partner-entry">
                            <h3 class="partner-entry__who">{format!("{who} · {} {}", c.day.short_label(), hhmm_at(c.header.created_at, offset))}</h3>
                            {(!c.how_im_doing.is_empty()).then(|| view! { <p><strong>"How I'm doing: "</strong>{c.how_im_doing.clone()}</p> })}
                            {(!c.goal_progress.is_empty()).then(|| view! { <p class="partner-entry__goals"><strong>"Progress on my goals: "</strong>{c.goal_progress.clone()}</p> })}
                            {(!c.need_this_week.is_empty()).then(|| view! { <p><strong>"What I need this week: "</strong>{c.need_this_week.clone()}</p> })}
                            {(!ended && may_react(&c.author, &me)).then(|| view! {
                            <div class="partner-entry__reactions">
                                {Reaction::ALL.into_iter().map(|kind| {
                                    let (to, me_r, author) = (react_to.clone(), me_r.clone(), c.author.clone());
                                    let (to_state, author_state) = (to.clone(), author.clone());
                                    let state = move || replies.with(|all| reactions_on(all, &to_state, &author_state, &me_r).into_iter().find(|(k, _, _)| *k == kind).map(|(_, who, mine)| (who.len(), mine)));
                                    let state2 = state.clone();
                                    let react = react.clone();
                                    view! {
                                        <button type="button" class="secondary reaction" aria-pressed=move || state().is_some_and(|(_, mine)| mine).to_string()
                                            on:click=move |_| react(to.clone(), author.clone(), kind)>
                                            {kind.label()}
                                            <span class="reaction__count">{move || state2().map(|(n, _)| format!(" {n}")).unwrap_or_default()}</span>
                                        </button>
                                    }
                                }).collect_view()}
                            </div>
                            })}
                            // My own check-in: what my partner gave it, in words, with nothing to press.
                            {mine.then(|| {
                                let (to, author) = (react_to.clone(), c.author.clone());
                                view! { <p class="partner-entry__reacted">{move || replies.with(|all| reactions_received(all, &to, &author))}</p> }
                            })}
                            <ul class="partner-entry__replies" aria-label="Replies">
                                {move || replies.with(|all| replies_to(all, &reply_to).into_iter().filter(|r| r.reaction.is_none()).map(|r: &PartnerReply| {
                                    let who = if r.author == me_name { "You".to_owned() } else { r.author.clone() };
                                    view! { <li><strong>{format!("{who}: ")}</strong>{r.text.clone()}</li> }
                                }).collect_view())}
                            </ul>
                            {(!ended).then(|| view! {
                            <div class="field partner-entry__reply">
                                <label for=field_id.clone()>{if mine { "Add a note".to_owned() } else { format!("Reply to {who}") }}</label>
                                <div class="add-tag__row">
                                    <input id=field_id.clone() type="text" autocomplete="off" aria-invalid=reply_problems.invalid(field_id.clone())
                                        aria-describedby=move || reply_problems.names(&field_id).then_some("partner-history-problem")
                                        prop:value=move || { draft.replaced.track(); draft.value.with_untracked(|d| if d.to == input_to { d.text.clone() } else { String::new() }) }
                                        on:input=move |ev| { let v = event_target_value(&ev); let to = text_to.clone(); draft.edit(ev.time_stamp(), |d| { d.to = to; d.text = v }) } />
                                    <button type="button" class="secondary" on:click=move |_| reply(id.clone())>"Send reply"</button>
                                </div>
                            </div>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

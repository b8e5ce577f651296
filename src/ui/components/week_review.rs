//! The weekly review: for each goal of the week, done / partly / not this time, what helped and
//! what got in the way; unfinished goals carry over to the next week with one tap.

use super::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::domain::draft_keys;
use crate::domain::goal::{carry_over, carry_target, in_week, is_carried, Goal, GoalStatus};
use crate::domain::review::{done_by_review, save_review, week_to_review, Outcome, Review, ReviewDraft, ReviewEntryDraft, ReviewProblem, REVIEW_TEXT_MAX_CHARS};
use crate::domain::time::hhmm_at;
use crate::domain::week::Week;
use crate::ui::draft::use_draft_then;
use crate::ui::platform;
use crate::ui::storage::{loaded, save_docs, upsert, use_storage, DocList, Loading};
use leptos::prelude::*;

/// Writes the review's documents, the goals it moves to Done and the draft's deletion in one batch:
/// never a review saved as done while its goal stays on the board. Both come back with their new
/// revisions (the board's next move of a goal is made from it).
pub async fn write_review<S: crate::store::Store>(store: &S, reviews: Vec<Review>, done: Vec<Goal>, clear_draft: crate::store::Op) -> Result<(Vec<Review>, Vec<Goal>), crate::store::StoreError> {
    crate::ui::storage::apply_docs(store, reviews, done, vec![clear_draft]).await
}

fn blank(d: &ReviewDraft) -> bool {
    d.entries.iter().all(|e| e.outcome.is_none() && e.helped.trim().is_empty() && e.in_the_way.trim().is_empty())
}

#[component]
pub fn WeekReview(
    goals: RwSignal<Loading<DocList<Goal>>>,
    reviews: RwSignal<Loading<DocList<Review>>>,
    /// The current week.
    week: Memo<Week>,
) -> impl IntoView {
    let storage = use_storage();
    let review_week = Memo::new(move |_| {
        let current = week.get();
        Week::containing(week_to_review(&loaded(goals), &loaded(reviews), current.start()), current.week_start())
    });
    // What the form shows: the draft's answers for this week over the saved ones.
    let form = move |d: &ReviewDraft| d.for_week(review_week.get_untracked().start(), &loaded(goals), &loaded(reviews));
    let draft = use_draft_then::<ReviewDraft>(draft_keys::REVIEW, Box::new(|_| {}));
    let problems = FormProblems::new();
    let carry_problem = RwSignal::new(None::<String>);
    let saves = Saves::new();
    let edit = move |t: f64, goal_id: String, change: Box<dyn FnOnce(&mut ReviewEntryDraft)>| {
        draft.edit(t, move |d| {
            *d = form(d);
            if let Some(e) = d.entry_mut(&goal_id) {
                change(e)
            }
        })
    };
    let week_goals = Memo::new(move |_| {
        let start = review_week.get().start();
        let mut list: Vec<Goal> = loaded(goals).into_iter().filter(|g| in_week(g, start)).collect();
        crate::domain::order::sort_by(&mut list, |a, b| a.header.created_at.cmp(&b.header.created_at));
        list
    });
    let save = move |submitted: ReviewDraft| {
        let now = platform::now();
        let filled = form(&submitted);
        match save_review(&filled, &loaded(goals), &loaded(reviews), now) {
            Err(ps) => {
                // The person is taken to the first goal to answer, or the first text that is too long.
                let shown = week_goals.get_untracked();
                problems.refuse(&ps, |p| match p {
                    ReviewProblem::NothingAnswered => Some("review-outcome-0".to_owned()),
                    ReviewProblem::TooLong(t) => {
                        let (which, text): (&str, fn(&ReviewEntryDraft) -> &String) =
                            if t.field == "What helped" { ("helped", |e| &e.helped) } else { ("way", |e| &e.in_the_way) };
                        let too_long = |g: &Goal| filled.entries.iter().any(|e| e.goal_id == g.header.id && e.outcome.is_some() && crate::domain::text::checked(t.field, text(e), REVIEW_TEXT_MAX_CHARS).is_err());
                        shown.iter().position(too_long).map(|i| format!("review-{which}-{i}"))
                    }
                })
            }
            Ok(docs) => {
                // A goal answered "Done" moves to Done on the board too.
                let done = done_by_review(&docs, &loaded(goals), now);
                let sync = use_context::<crate::ui::sync::SyncContext>();
                let clear = draft.delete_op();
                saves.run(async move {
                    let written = match storage.store() {
                        Ok(store) => write_review(&*store, docs, done, clear).await.map_err(|e| e.user_message()),
                        Err(e) => Err(e.user_message()),
                    };
                    match written {
                        Ok((saved, moved)) => {
                            if let Some(sync) = sync {
                                sync.changed();
                            }
                            problems.clear();
                            upsert(reviews, &saved);
                            upsert(goals, &moved);
                            let at = saved.first().map(|r| hhmm_at(r.header.updated_at, now.utc_offset_minutes)).unwrap_or_default();
                            draft.after_save(&submitted, true, at);
                        }
                        Err(m) => problems.failed(m),
                    }
                })
            }
        }
    };
    let carry = move |goal: Goal| {
        let now = platform::now();
        let into = carry_target(goal.week, week.get_untracked().start());
        let Some(carried) = carry_over(&goal, into, now) else { return };
        let write = save_docs(storage, vec![carried], Vec::new());
        leptos::task::spawn_local(async move {
            match write.await {
                Ok(saved) => {
                    carry_problem.try_set(None);
                    upsert(goals, &saved);
                }
                Err(m) => {
                    carry_problem.try_set(Some(m));
                }
            }
        });
    };
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.with(blank), None));

    let goal_part = move |(i, goal): (usize, Goal)| {
        let gid = goal.header.id.clone();
        let entry = move |gid: String| move || draft.value.with(|d| form(d).entries.into_iter().find(|e| e.goal_id == gid));
        let outcome_of = entry(gid.clone());
        let text_of = move |gid: String, which: fn(&ReviewEntryDraft) -> String| {
            let get = entry(gid);
            move || {
                draft.replaced.track();
                untrack(&get).map(|e| which(&e)).unwrap_or_default()
            }
        };
        let all_goals = move || loaded(goals);
        let carried_goal = goal.clone();
        let carried = move || is_carried(&carried_goal, &all_goals());
        let can_carry_goal = goal.clone();
        let outcome_for_carry = entry(gid.clone());
        let can_carry = move || can_carry_goal.status != GoalStatus::Done && outcome_for_carry().and_then(|e| e.outcome) != Some(Outcome::Done);
        let into = carry_target(goal.week, week.get_untracked().start());
        let target = Week::containing(into, week.get_untracked().week_start()).label();
        // Reviewing a week that is over, "next week" is the one under way: say so.
        let into_this_week = (into == week.get_untracked().start()).then(|| format!("Last week is over, so it goes into this week, {target}."));
        let hint_id = format!("review-carry-{i}");
        let (g_helped, g_way, g_carry) = (gid.clone(), gid.clone(), goal.clone());
        view! {
            <fieldset class="review-goal">
                <legend>{goal.title.clone()}</legend>
                <fieldset class="review-goal__outcome" id=format!("review-outcome-{i}") tabindex="-1"
                    aria-describedby=problems.described(format!("review-outcome-{i}"), None)>
                    <legend>"How did it go?"</legend>
                    {Outcome::ALL.into_iter().map(|o| {
                        let (gid, current) = (gid.clone(), outcome_of.clone());
                        view! {
                            <label class="radio">
                                <input type="radio" name=format!("review-outcome-{i}")
                                    prop:checked=move || current().and_then(|e| e.outcome) == Some(o)
                                    on:change=move |ev| edit(ev.time_stamp(), gid.clone(), Box::new(move |e| e.outcome = Some(o))) />
                                <span>{o.label()}</span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="field">
                    <label for=format!("review-helped-{i}")>"What helped"</label>
                    <textarea id=format!("review-helped-{i}") rows="2" aria-invalid=problems.invalid(format!("review-helped-{i}"))
                        aria-describedby=problems.described(format!("review-helped-{i}"), None)
                        prop:value=text_of(gid.clone(), |e| e.helped.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(ev.time_stamp(), g_helped.clone(), Box::new(move |e| e.helped = v)) } />
                </div>
                <div class="field">
                    <label for=format!("review-way-{i}")>"What got in the way"</label>
                    <textarea id=format!("review-way-{i}") rows="2" aria-invalid=problems.invalid(format!("review-way-{i}"))
                        aria-describedby=problems.described(format!("review-way-{i}"), None)
                        prop:value=text_of(gid.clone(), |e| e.in_the_way.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); edit(ev.time_stamp(), g_way.clone(), Box::new(move |e| e.in_the_way = v)) } />
                </div>
                {move || if carried() {
                    Some(view! { <p class="review-goal__carried">{format!("Carried over to {target}.")}</p> }.into_any())
                } else if can_carry() {
                    let g = g_carry.clone();
                    let hint = into_this_week.clone();
                    Some(view! {
                        <button type="button" class="secondary" aria-describedby=hint.as_ref().map(|_| hint_id.clone())
                            on:click=move |_| carry(g.clone())>"Carry over to next week"</button>
                        {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
                    }.into_any())
                } else {
                    None
                }}
            </fieldset>
        }
    };

    view! {
        <section class="card week-review" role="region" aria-label="Weekly review">
            <h2>"Weekly review"</h2>
            <p class="week-review__week">{move || {
                let (rw, current) = (review_week.get(), week.get());
                if rw == current { format!("This week, {}", rw.label()) } else { format!("Week of {} — not reviewed yet", rw.label()) }
            }}</p>
            {move || if week_goals.with(Vec::is_empty) {
                view! { <p class="hint">"No goals this week yet. Add one with New goal, then come back at the week's end."</p> }.into_any()
            } else {
                view! {
                    <form class="week-review__form" on:submit=move |ev| {
                        ev.prevent_default();
                        save(draft.value.get_untracked());
                    }>
                        {move || week_goals.get().into_iter().enumerate().map(goal_part).collect_view()}
                        <FormFooter label="Save review" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
                    </form>
                }.into_any()
            }}
            <p role="alert">{move || carry_problem.get()}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::doc::{decode, encode, JsonValue};
    use crate::domain::goal::{save_goal, Column, GoalDraft};
    use crate::domain::review::REVIEW_TYPE;
    use crate::domain::time::{LocalDay, Now, Timestamp};
    use crate::store::memory::MemoryStore;
    use crate::store::{Op, Store};

    fn now(s: &str) -> Now {
        Now { at: Timestamp::parse_rfc3339(s).unwrap(), utc_offset_minutes: 0 }
    }

    /// A goal of the week of 16 Nov saved in `store`, a review calling it done, and the goal moved to Done.
    async fn reviewed(store: &MemoryStore) -> (Vec<Review>, Vec<Goal>) {
        let week = LocalDay::parse("2026-11-16").unwrap();
        let draft = GoalDraft { title: "Call my sister".into(), ..Default::default() };
        let goal = save_goal(None, &draft, week, now("2026-11-16T09:00:00Z"), || "goal:a".into()).unwrap();
        store.apply(vec![Op::PutDoc(encode(&goal))]).await.unwrap();
        let goals = vec![goal.clone()];
        let answers = ReviewDraft { week: Some(week), entries: vec![ReviewEntryDraft { goal_id: "goal:a".into(), outcome: Some(Outcome::Done), ..Default::default() }] };
        store.put_draft(draft_keys::REVIEW, &answers.to_json()).await.unwrap();
        let at = now("2026-11-22T18:00:00Z");
        let reviews = save_review(&answers, &goals, &[], at).unwrap();
        let done = done_by_review(&reviews, &goals, at);
        (reviews, done)
    }

    #[test]
    fn the_review_and_the_goals_it_moves_to_done_land_together_with_their_new_revisions() {
        futures_executor::block_on(async {
            let store = MemoryStore::new();
            let (reviews, done) = reviewed(&store).await;
            let (saved, moved) = write_review(&store, reviews, done, Op::DeleteDraft(draft_keys::REVIEW.into())).await.unwrap();
            let goal = decode::<Goal>(&store.get_doc("goal:a").await.unwrap().unwrap()).unwrap();
            assert_eq!(goal.column(), Column::Done);
            assert_eq!(moved[0].header.rev, goal.header.rev, "the board's goal carries its new revision: the next move is made from it");
            let review = decode::<Review>(&store.get_doc(&saved[0].header.id).await.unwrap().unwrap()).unwrap();
            assert_eq!((review.header.doc_type.as_str(), &saved[0].header.rev), (REVIEW_TYPE, &review.header.rev));
            assert_eq!(store.get_draft(draft_keys::REVIEW).await, Ok(None));
        });
    }

    #[test]
    fn when_a_goal_cannot_be_moved_the_review_is_not_saved_either() {
        futures_executor::block_on(async {
            let store = MemoryStore::new();
            let (reviews, mut done) = reviewed(&store).await;
            // A goal the store refuses (here: it has lost its id).
            done[0].header.id.clear();
            let review_id = reviews[0].header.id.clone();
            assert!(write_review(&store, reviews, done, Op::DeleteDraft(draft_keys::REVIEW.into())).await.is_err());
            assert_eq!(store.get_doc(&review_id).await, Ok(None), "no review saved while its goal stays where it was");
            assert!(store.get_draft(draft_keys::REVIEW).await.unwrap().is_some(), "the answers are still kept as a draft");
            let goal = decode::<Goal>(&store.get_doc("goal:a").await.unwrap().unwrap()).unwrap();
            assert_eq!(goal.column(), Column::ThisWeek);
        });
    }
}

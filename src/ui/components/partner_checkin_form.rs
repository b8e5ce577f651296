//! The partner check-in: "How I'm doing", "Progress on my goals" (my goals shared with my partner,
//! with the follow-up prompts from the goals work), "What I need this week", and "Send check-in".

use super::save_status::{status_of, FormFooter, FormProblems, Saves};
use crate::domain::doc::Audience;
use crate::domain::goal::{in_week, Goal, GoalStatus};
use crate::domain::partner::{send_checkin, Pairing, PartnerCheckIn, PartnerCheckInDraft, PartnerProblem, PARTNER_CHECKIN_TYPE};
use crate::domain::progress::Progress;
use crate::domain::prompts::follow_up_prompts;
use crate::domain::time::hhmm_at;
use crate::domain::values::Values;
use crate::domain::week::Week;
use crate::ui::draft::use_draft;
use crate::ui::platform;
use crate::ui::storage::{load_docs_into, loaded, save_docs, use_storage, DocList, Loading};
use leptos::prelude::*;

pub const DRAFT_KEY: &str = "partner-checkin";

#[component]
pub fn PartnerCheckInForm(me: String, pairing: Pairing, on_sent: Callback<PartnerCheckIn>) -> impl IntoView {
    let storage = use_storage();
    let sync = use_context::<crate::ui::sync::SyncContext>();
    let draft = use_draft::<PartnerCheckInDraft>(DRAFT_KEY);
    let problems = FormProblems::new();
    let saves = Saves::new();
    let goals = RwSignal::new(Loading::<DocList<Goal>>::Pending);
    let values = RwSignal::new(Loading::<DocList<Values>>::Pending);
    let progress = RwSignal::new(Loading::<DocList<Progress>>::Pending);
    load_docs_into(storage, goals);
    load_docs_into(storage, values);
    load_docs_into(storage, progress);
    let now = platform::now();
    // This week's goals I shared with my partner, and what my partner is prompted to ask.
    let shared = Memo::new(move |_| {
        let start = loaded(progress).first().map(|p| p.week_start).unwrap_or_default();
        let week = Week::current(now, start).start();
        let goals: Vec<Goal> = loaded(goals).into_iter().filter(|g| in_week(g, week) && g.header.audience == Audience::Partner).collect();
        let prompts: Vec<String> = follow_up_prompts(&goals, loaded(values).first(), week, platform::lowercase).into_iter().map(|p| p.text).collect();
        (goals, prompts)
    });
    let add_goals = move |t: f64| {
        let lines: Vec<String> = shared.with_untracked(|(goals, _)| {
            goals
                .iter()
                .map(|g| {
                    let state = match g.status {
                        GoalStatus::Done => "done",
                        GoalStatus::Doing => "doing",
                        GoalStatus::Planned => "not started",
                    };
                    format!("{} — {state}", g.title)
                })
                .collect()
        });
        draft.edit(t, |d| {
            let mut text = d.goal_progress.trim_end().to_owned();
            for line in lines {
                if !text.contains(&line) {
                    if !text.is_empty() {
                        text.push('\n');
                    }
                    text.push_str(&line);
                }
            }
            d.goal_progress = text;
        });
        draft.replaced.notify();
    };
    let (author, pair_id) = (me.clone(), pairing.pair_id.clone());
    let save = move |submitted: PartnerCheckInDraft| {
        let now = platform::now();
        let checkin = match send_checkin(&submitted, &author, &pair_id, now, || platform::new_id(PARTNER_CHECKIN_TYPE, now)) {
            Ok(c) => c,
            Err(ps) => {
                return problems.refuse(&ps, |p| {
                    let id = match p {
                        PartnerProblem::Empty => "partner-doing",
                        PartnerProblem::TooLong(t) => match t.field {
                            "Progress on my goals" => "partner-goals",
                            "What I need this week" => "partner-need",
                            _ => "partner-doing",
                        },
                        PartnerProblem::NotPaired | PartnerProblem::NotSignedIn => return None,
                    };
                    Some(id.to_owned())
                })
            }
        };
        let write = save_docs(storage, vec![checkin], vec![draft.delete_op()]);
        saves.run(async move {
            match write.await {
                Ok(mut sent) => {
                    problems.clear();
                    let at = sent.first().map(|c| hhmm_at(c.header.created_at, now.utc_offset_minutes)).unwrap_or_default();
                    draft.after_save(&submitted, true, at);
                    if let Some(c) = sent.pop() {
                        on_sent.try_run(c);
                    }
                    // Other parts of the app count check-ins too (the due dot on Partner): they reload.
                    if let Some(sync) = sync {
                        sync.arrivals.try_update(|n| *n += 1);
                    }
                }
                Err(m) => problems.failed(m),
            }
        })
    };
    let status = Memo::new(move |_| status_of(draft.write.get(), draft.value.with(PartnerCheckInDraft::is_blank), None));
    let field = move |id: &'static str, label: &'static str, get: fn(&PartnerCheckInDraft) -> &String, set: fn(&mut PartnerCheckInDraft, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <textarea id=id rows="3" aria-invalid=problems.invalid(id) aria-describedby=problems.described(id, None)
                    prop:value=draft.text(get)
                    prop:disabled=move || !draft.ready.get()
                    on:input=move |ev| { let v = event_target_value(&ev); draft.edit(ev.time_stamp(), |d| set(d, v)) } />
            </div>
        }
    };

    view! {
        <form class="card partner-checkin" aria-labelledby="partner-checkin-title" on:submit=move |ev| {
            ev.prevent_default();
            save(draft.value.get_untracked());
        }>
            <h2 id="partner-checkin-title">"Partner check-in"</h2>
            {field("partner-doing", "How I'm doing", |d| &d.how_im_doing, |d, v| d.how_im_doing = v)}
            {move || shared.with(|(goals, prompts)| (!goals.is_empty()).then(|| view! {
                <div class="partner-checkin__goals">
                    <p class="hint">"Goals you shared with your partner this week:"</p>
                    <ul>{goals.iter().map(|g| view! { <li>{g.title.clone()}</li> }).collect_view()}</ul>
                    {(!prompts.is_empty()).then(|| view! {
                        <p class="hint">"Your partner may ask:"</p>
                        <ul class="partner-checkin__prompts">{prompts.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                    })}
                    <button type="button" class="secondary" on:click=move |ev| add_goals(ev.time_stamp())>"Add my goals"</button>
                </div>
            }))}
            {field("partner-goals", "Progress on my goals", |d| &d.goal_progress, |d, v| d.goal_progress = v)}
            {field("partner-need", "What I need this week", |d| &d.need_this_week, |d, v| d.need_this_week = v)}
            <p class="audience">"Who sees this: " <strong>{Audience::Partner.label()}</strong></p>
            <FormFooter label="Send check-in" busy=Signal::derive(move || saves.pending() || !draft.ready.get()) problems=problems status=status />
        </form>
    }
}

//! The group's session that matters now: when it is (in the reader's own time), who leads it, a
//! "Join session" link to the program's video meeting, "I'm here" while attendance is open, and a
//! kind word after a session the person missed. The rest of the schedule folds away below.

use crate::domain::group::{Group, Session};
use crate::domain::group_feed::{current_session, missed_session, session_label};
use crate::domain::group_rules::{attendance_streak, can_check_in_attendance, leader_for, record_attendance};
use crate::ui::platform;
use crate::ui::routes::group::GroupData;
use crate::ui::storage::{loaded, save_docs, upsert, use_storage};
use leptos::prelude::*;

/// When a session is, on this device's clock (its offset on that day, which daylight saving may change).
pub fn local_session_label(s: &Session) -> String {
    session_label(s, platform::offset_at(s.starts))
}

fn leader_words(group: &Group, s: &Session, me: &str) -> String {
    match leader_for(group, &s.id) {
        Some(l) if l == me => "You lead the peer-led segment.".to_owned(),
        Some(l) => format!("{l} leads the peer-led segment."),
        None => String::new(),
    }
}

#[component]
pub fn SessionCard(data: GroupData, me: String, group: Group) -> impl IntoView {
    let storage = use_storage();
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Attendance opens and closes with the clock: look again each minute while the screen is open.
    let minute = RwSignal::new(platform::now());
    let tick = gloo_timers::callback::Interval::new(30_000, move || {
        minute.try_set(platform::now());
    });
    // Dropped (and so stopped) with the screen.
    let _tick = StoredValue::new_local(tick);
    let (g, me_now) = (group.clone(), me.clone());
    let here = move |session_id: String| {
        match record_attendance(&g, &session_id, &me_now, platform::now()) {
            Ok(a) => {
                busy.set(true);
                let write = save_docs(storage, vec![a], Vec::new());
                leptos::task::spawn_local(async move {
                    match write.await {
                        Ok(saved) => {
                            upsert(data.attendance, &saved);
                            problem.try_set(None);
                        }
                        Err(m) => {
                            problem.try_set(Some(m));
                        }
                    }
                    busy.try_set(false);
                });
            }
            Err(p) => problem.set(Some(p.to_string())),
        }
    };
    let here = StoredValue::new(here);
    let upcoming: Vec<Session> = group.sessions_in_order().into_iter().cloned().collect();
    let (g_all, me_all) = (group.clone(), me.clone());

    view! {
        <section class="card group-session" aria-labelledby="group-session-title">
            <h2 id="group-session-title">"Session"</h2>
            {move || {
                let now = minute.get();
                let Some(s) = current_session(&group, now).cloned() else {
                    return view! { <p>"No sessions are scheduled yet. Your facilitator adds them."</p> }.into_any();
                };
                let open = can_check_in_attendance(&s, now);
                let over = s.ends() <= now.at;
                let marked = loaded(data.attendance).iter().any(|a| a.group_id == group.group_id && a.author == me && a.session_id == s.id);
                let since = loaded(data.memberships).iter().find(|m| m.group_id == group.group_id).map(|m| m.header.created_at);
                let missed = missed_session(&group, &me, since, &loaded(data.posts), &loaded(data.attendance), now).map(local_session_label);
                let when = if open { "Now" } else if over { "Last session" } else { "Next session" };
                let streak = attendance_streak(&me, &group, &loaded(data.attendance), now);
                let id = s.id.clone();
                view! {
                    {missed.map(|m| view! {
                        <p class="notice group-session__missed" role="status">{format!("We missed you on {m} (if you were there and didn't press “I'm here”, never mind). No need to explain — you're welcome back any time, and the group is glad when you come.")}</p>
                    })}
                    <p class="group-session__when"><strong>{format!("{when}: ")}</strong>{local_session_label(&s)}</p>
                    <p>{leader_words(&group, &s, &me)}</p>
                    {(!over).then(|| s.safe_meeting_link().map(|href| view! {
                        <p><a class="button secondary" href=href.to_owned() target="_blank" rel="noopener noreferrer">"Join session"</a></p>
                    }))}
                    {if marked {
                        view! { <p class="group-session__here" role="status">"You're marked here. Thank you for coming."</p> }.into_any()
                    } else if open && group.is_member(&me) {
                        view! { <button type="button" class="primary" prop:disabled=move || busy.get() on:click=move |_| here.with_value(|f| f(id.clone()))>"I'm here"</button> }.into_any()
                    } else if !over {
                        view! { <p class="hint">"“I'm here” opens 15 minutes before the session starts."</p> }.into_any()
                    } else {
                        ().into_any()
                    }}
                    {(streak > 1).then(|| view! { <p class="hint">{format!("You've been at {streak} sessions in a row.")}</p> })}
                }.into_any()
            }}
            <p role="alert">{move || problem.get()}</p>
            {(!upcoming.is_empty()).then(|| view! {
                <details class="group-session__all">
                    <summary>"All sessions"</summary>
                    <ul aria-label="All sessions">
                        {upcoming.iter().map(|s| view! { <li>{format!("{} — {}", local_session_label(s), leader_words(&g_all, s, &me_all))}</li> }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}

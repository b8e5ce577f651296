//! The goal board: "This week", "Doing", "Done", "Carried over". Goals move by buttons ("Move to
//! Doing", "Move to Done") — keyboard and screen-reader users never need a drag — and by dragging
//! a card's handle, with pointer events so touch and mouse work alike.

use crate::domain::goal::{board, Column, Goal};
use crate::domain::week::Week;
use crate::ui::platform;
use crate::ui::routes::goals::{focus_soon, moved_message};
use crate::ui::routes::partner::element_id;
use crate::ui::storage::{loaded, save_docs, upsert, use_storage, DocList, Loading};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// A card being dragged: where the pointer went down and how far it has moved.
#[derive(Clone, Debug, PartialEq)]
struct Drag {
    id: String,
    x: i32,
    y: i32,
    dx: i32,
    dy: i32,
    over: Option<Column>,
}

/// The board column under a point, looking through the dragged card itself.
fn column_at(x: i32, y: i32, dragged: &str) -> Option<Column> {
    let doc = document();
    let hits = doc.elements_from_point(x as f32, y as f32);
    hits.iter().filter_map(|e| e.dyn_into::<web_sys::Element>().ok()).find_map(|e| {
        let inside_card = e.closest("[data-goal]").ok().flatten().and_then(|c| c.get_attribute("data-goal")).is_some_and(|g| g == dragged);
        if inside_card {
            return None;
        }
        e.closest("[data-column]").ok().flatten().and_then(|c| c.get_attribute("data-column")).and_then(|k| Column::from_key(&k))
    })
}

/// An element id for a goal's card, so focus can follow it to its new column.
fn card_id(goal_id: &str) -> String {
    element_id("goal-card", goal_id)
}

#[component]
pub fn GoalBoard(
    goals: RwSignal<Loading<DocList<Goal>>>,
    week: Memo<Week>,
    /// "Edit" on a card.
    on_edit: Callback<Goal>,
) -> impl IntoView {
    let storage = use_storage();
    let announcement = RwSignal::new(String::new());
    let drag = RwSignal::new(None::<Drag>);
    let move_goal = move |goal: Goal, to: Column| {
        let Some(moved) = goal.moved_to(to, platform::now()) else { return };
        let message = moved_message(&goal, to);
        let write = save_docs(storage, vec![moved], Vec::new());
        leptos::task::spawn_local(async move {
            match write.await {
                Ok(saved) => {
                    upsert(goals, &saved);
                    announcement.try_set(message);
                    // Keyboard users keep their place: the card, now in its new column.
                    if let Some(id) = saved.first().map(|g| card_id(&g.header.id)) {
                        focus_soon(id);
                    }
                }
                Err(m) => {
                    announcement.try_set(format!("Could not move “{}”: {m}", goal.title));
                }
            }
        });
    };
    let columns = Memo::new(move |_| board(&loaded(goals), week.get().start()));

    let card = move |goal: Goal| {
        let column = goal.column();
        let id = goal.header.id.clone();
        let (g_edit, g_drop) = (goal.clone(), goal.clone());
        let drag_id = id.clone();
        let is_dragged = move || drag.with(|d| d.as_ref().is_some_and(|d| d.id == drag_id));
        let transform_id = id.clone();
        let transform = move || drag.with(|d| d.as_ref().filter(|d| d.id == transform_id).map(|d| format!("translate({}px, {}px)", d.dx, d.dy)));
        let buttons: Vec<(Column, &'static str)> = match column {
            Column::ThisWeek | Column::CarriedOver => vec![(Column::Doing, "Move to Doing"), (Column::Done, "Move to Done")],
            Column::Doing => vec![(Column::Done, "Move to Done"), (Column::ThisWeek, "Move back to This week")],
            Column::Done => vec![(Column::Doing, "Move to Doing")],
        };
        let down_id = id.clone();
        // The buttons keep their short names ("Move to Doing", "Edit"); the goal's title describes
        // them, so a screen reader says which goal they act on.
        let title_id = format!("{}-title", card_id(&id));
        view! {
            <li class="goal-card" id=card_id(&id) tabindex="-1" data-goal=id.clone()
                class:goal-card--dragging=is_dragged style:transform=transform>
                <div class="goal-card__top">
                    <h4 class="goal-card__title" id=title_id.clone()>{goal.title.clone()}</h4>
                    <span class="goal-card__handle" aria-hidden="true" title="Drag to another column"
                        on:pointerdown=move |ev| {
                            ev.prevent_default();
                            if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                                let _ = el.set_pointer_capture(ev.pointer_id());
                            }
                            drag.set(Some(Drag { id: down_id.clone(), x: ev.client_x(), y: ev.client_y(), dx: 0, dy: 0, over: None }));
                        }
                        on:pointermove=move |ev| {
                            if drag.with_untracked(Option::is_none) {
                                return;
                            }
                            // Near the screen's top or bottom edge the page scrolls, so a card can reach a
                            // column below the fold on a phone; the card follows by the distance scrolled.
                            let (y, height) = (ev.client_y(), window().inner_height().ok().and_then(|h| h.as_f64()).unwrap_or(0.0) as i32);
                            let step = if y < 60 { -16 } else if height > 0 && y > height - 60 { 16 } else { 0 };
                            if step != 0 {
                                window().scroll_by_with_x_and_y(0.0, f64::from(step));
                            }
                            drag.update(|d| if let Some(d) = d {
                                d.y -= step;
                                d.dx = ev.client_x() - d.x;
                                d.dy = ev.client_y() - d.y;
                                d.over = column_at(ev.client_x(), ev.client_y(), &d.id);
                            })
                        }
                        on:pointerup=move |ev| {
                            let over = drag.get_untracked().and_then(|d| column_at(ev.client_x(), ev.client_y(), &d.id));
                            drag.set(None);
                            if let Some(to) = over.filter(|c| *c != g_drop.column()) {
                                move_goal(g_drop.clone(), to);
                            }
                        }
                        on:pointercancel=move |_| drag.set(None)>"⠿"</span>
                </div>
                {(!goal.why.is_empty()).then(|| view! { <p class="goal-card__why">{format!("Why: {}", goal.why)}</p> })}
                {goal.due.map(|d| view! { <p class="goal-card__due">{format!("Due {}", d.short_label())}</p> })}
                {(!goal.steps.is_empty()).then(|| view! {
                    <ul class="goal-card__steps">{goal.steps.iter().map(|s| view! { <li>{s.clone()}</li> }).collect_view()}</ul>
                })}
                <p class="goal-card__audience">{goal.header.audience.label()}</p>
                <div class="goal-card__actions">
                    {buttons.into_iter().map(|(to, label)| {
                        let g = goal.clone();
                        view! { <button type="button" class="secondary" aria-describedby=title_id.clone() on:click=move |_| move_goal(g.clone(), to)>{label}</button> }
                    }).collect_view()}
                    <button type="button" class="secondary" aria-describedby=title_id on:click=move |_| on_edit.run(g_edit.clone())>"Edit"</button>
                </div>
            </li>
        }
    };

    view! {
        <section class="goal-board" aria-labelledby="board-title">
            <h2 id="board-title">"Goal board"</h2>
            <p class="hint">"Use the buttons on a goal to move it, or drag it by its handle."</p>
            <div class="goal-board__columns">
                {move || columns.get().into_iter().map(|(column, goals)| {
                    let count = goals.len();
                    view! {
                        <section class="goal-column" data-column=column.key()
                            class:goal-column--target=move || drag.with(|d| d.as_ref().is_some_and(|d| d.over == Some(column)))>
                            <h3>{column.heading()}<span class="goal-column__count">{format!(" ({count})")}</span></h3>
                            <ul class="goal-column__list" aria-label=column.heading()>
                                {goals.into_iter().map(card).collect_view()}
                            </ul>
                            {(count == 0).then(|| view! { <p class="goal-column__empty">"Nothing here yet."</p> })}
                        </section>
                    }
                }).collect_view()}
            </div>
            <p class="visually-hidden" aria-live="polite">{move || announcement.get()}</p>
        </section>
    }
}


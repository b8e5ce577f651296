//! Mood over 7 / 30 / 90 days as an SVG line, with the same facts as text, and the average mood
//! per tag.

use crate::domain::mood::MoodEntry;
use crate::domain::mood_trends::{one_decimal, tag_averages, trend, Window};
use crate::domain::time::LocalDay;
use leptos::prelude::*;

/// The SVG's viewBox is "0 0 320 140" (written out, so no float is ever formatted).
const WIDTH: f32 = 320.0;
const HEIGHT: f32 = 140.0;
/// Room around the plot for the dots.
const PAD: f32 = 8.0;

#[component]
pub fn MoodChart(
    /// All entries (any order).
    entries: RwSignal<Vec<MoodEntry>>,
    /// The person's today.
    today: LocalDay,
) -> impl IntoView {
    let window = RwSignal::new(Window::Week);
    let current = Memo::new(move |_| entries.with(|e| trend(e, today, window.get())));
    let tags = Memo::new(move |_| entries.with(|e| tag_averages(e, today, window.get())));

    let plot = move || {
        current.with(|t| {
            let pts = t.points(WIDTH - 2.0 * PAD, HEIGHT - 2.0 * PAD);
            let line: String = pts.iter().map(|(x, y, _)| format!("{},{}", one_decimal(x + PAD), one_decimal(y + PAD))).collect::<Vec<_>>().join(" ");
            let dots = pts
                .iter()
                .map(|(x, y, d)| view! { <circle cx=one_decimal(x + PAD) cy=one_decimal(y + PAD) r="4" class="chart__dot" data-day=d.day.to_string() /> })
                .collect_view();
            view! {
                <polyline points=line class="chart__line" />
                {dots}
            }
        })
    };
    let grid = [1u8, 5, 10]
        .map(|level| {
            let y = PAD + (HEIGHT - 2.0 * PAD) * (10.0 - f32::from(level)) / 9.0;
            view! {
                <line x1="0" x2="320" y1=one_decimal(y) y2=one_decimal(y) class="chart__grid" />
                <text x="2" y=one_decimal(y - 2.0) class="chart__label">{level}</text>
            }
        })
        .collect_view();

    view! {
        <section class="mood-trend" aria-labelledby="mood-trend-title">
            <h2 id="mood-trend-title">"Your mood over time"</h2>
            <div class="segmented" role="group" aria-label="Time span">
                {Window::ALL.map(|w| view! {
                    <button type="button" aria-pressed=move || (window.get() == w).to_string() on:click=move |_| window.set(w)>{w.label()}</button>
                })}
            </div>
            <svg class="chart" viewBox="0 0 320 140" role="img" aria-labelledby="mood-trend-summary" preserveAspectRatio="none">
                {grid}
                {plot}
            </svg>
            <p id="mood-trend-summary" class="chart__summary">{move || current.with(|t| t.summary())}</p>
            {move || tags.with(|list| {
                if list.is_empty() {
                    return None;
                }
                let overall = current.with(|t| t.average.map(one_decimal).unwrap_or_default());
                Some(view! {
                    <table class="tag-averages">
                        <caption>"Average mood by tag"<span class="caption-note">{format!(" — your overall average is {overall}")}</span></caption>
                        <thead><tr><th scope="col">"Tag"</th><th scope="col">"Average"</th><th scope="col">"Entries"</th></tr></thead>
                        <tbody>
                            {list.iter().map(|a| view! {
                                <tr>
                                    <th scope="row">{a.tag.clone()}</th>
                                    <td>{one_decimal(a.average)}<span class="diff">{diff_text(a.difference)}</span></td>
                                    <td>{a.entries}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            })}
        </section>
    }
}

fn diff_text(d: f32) -> String {
    let r = one_decimal(d.abs());
    if r == "0" {
        " (same as average)".into()
    } else if d > 0.0 {
        format!(" ({r} higher)")
    } else {
        format!(" ({r} lower)")
    }
}

//! The few browser facts the domain needs, passed in from here: the clock, randomness,
//! and performance marks for the benchmarks. Nothing here panics.

use crate::domain::id::{self, RANDOM_BYTES};
use crate::domain::time::{Now, Timestamp};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = measure, catch)]
    fn performance_measure(name: &str, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn performance_mark(name: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = performance, js_name = mark, catch)]
    fn performance_mark_with(name: &str, options: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The device's clock and its current offset from UTC.
pub fn now() -> Now {
    let d = js_sys::Date::new_0();
    // getTimezoneOffset is minutes *behind* UTC (UTC+1 gives -60).
    Now { at: Timestamp(d.get_time() as i64), utc_offset_minutes: -(d.get_timezone_offset() as i32) }
}

fn random_bytes() -> [u8; RANDOM_BYTES] {
    let mut buf = [0u8; RANDOM_BYTES];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut buf).is_ok());
    if !filled {
        // Only ids depend on this; Math.random still makes collisions vanishingly unlikely.
        for b in &mut buf {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    buf
}

/// A new document id made on this device.
pub fn new_id(doc_type: &str, now: Now) -> String {
    id::new_id(doc_type, now.at, random_bytes())
}

/// Records `performance.measure(name, {start, end: now})`; read by the benchmarks.
pub fn measure_since(name: &str, start: f64) {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &performance_now().into());
    let _ = performance_measure(name, &options);
}

/// `performance.now()`: a start for [`measure_since`].
pub fn now_ms() -> f64 {
    performance_now()
}

/// Records the pull measure the sync benchmark reads: `tandem:pull`, from `start` to now, with
/// the revisions received and the wasm memory size in its detail.
pub fn measure_pull(start: f64, received: usize) {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"received".into(), &(received as f64).into());
    let _ = js_sys::Reflect::set(&detail, &"wasmBytes".into(), &wasm_bytes().into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"start".into(), &start.into());
    let _ = js_sys::Reflect::set(&options, &"end".into(), &performance_now().into());
    let _ = js_sys::Reflect::set(&options, &"detail".into(), &detail);
    let _ = performance_measure("tandem:pull", &options);
}

pub fn mark(name: &str) {
    let _ = performance_mark(name);
}

/// The wasm linear memory's size in bytes, for the benchmarks.
fn wasm_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    let bytes = core::arch::wasm32::memory_size(0) as f64 * 65536.0;
    #[cfg(not(target_arch = "wasm32"))]
    let bytes = 0.0;
    bytes
}

/// Records `performance.mark(name, {detail: {wasmBytes}})`: a moment a benchmark reads, with the
/// wasm memory size then.
pub fn mark_with_memory(name: &str) {
    let detail = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&detail, &"wasmBytes".into(), &wasm_bytes().into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"detail".into(), &detail);
    let _ = performance_mark_with(name, &options);
}

/// Unicode lowercase by the browser's `String.prototype.toLowerCase`: the same default case
/// mapping as `str::to_lowercase`, without linking Rust's case table (see `domain::text::Lowercase`).
pub fn lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
}

pub fn set_title(page: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        doc.set_title(&format!("{page} · Tandem"));
    }
}

/// Moves keyboard focus to the element with this id (if it is there and can take focus).
pub fn focus_by_id(id: &str) {
    if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let _ = el.focus();
    }
}

pub fn reload() {
    if let Some(w) = web_sys::window() {
        let _ = w.location().reload();
    }
}

/// A bug stopped the app (panic = abort, so nothing runs after this). Log it, and tell the person
/// plainly what still holds: drafts are on the device, help is one tap away.
pub fn report_panic(message: &str) {
    web_sys::console::error_1(&format!("Tandem stopped because of a bug: {message}").into());
    let Some(body) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) else { return };
    let _ = body.insert_adjacent_html(
        "afterbegin",
        "<div role=\"alert\" class=\"app-crashed\"><p>Tandem hit a problem and stopped. \
         What you typed was kept on this device.</p><p><a href=\"/\">Reload Tandem</a> · \
         <a href=\"tel:988\">Call 988</a> · <a href=\"https://findahelpline.com\">Find a helpline</a></p></div>",
    );
}

/// Whether the person allowed notifications.
pub fn notifications_allowed() -> bool {
    js_sys::Reflect::get(&js_sys::global(), &"Notification".into())
        .ok()
        .filter(|n| !n.is_undefined())
        .and_then(|n| js_sys::Reflect::get(&n, &"permission".into()).ok())
        .and_then(|p| p.as_string())
        .is_some_and(|p| p == "granted")
}

/// Asks the browser to allow notifications (it shows its own prompt); `done` gets the answer.
pub fn ask_for_notifications(done: impl FnOnce(bool) + 'static) {
    let request = js_sys::Reflect::get(&js_sys::global(), &"Notification".into())
        .ok()
        .filter(|n| !n.is_undefined())
        .and_then(|n| js_sys::Reflect::get(&n, &"requestPermission".into()).ok().map(|f| (n, f)))
        .and_then(|(n, f)| f.dyn_into::<js_sys::Function>().ok().and_then(|f| f.call0(&n).ok()))
        .and_then(|p| p.dyn_into::<js_sys::Promise>().ok());
    match request {
        Some(promise) => wasm_bindgen_futures::spawn_local(async move {
            let answer = wasm_bindgen_futures::JsFuture::from(promise).await.ok().and_then(|v| v.as_string());
            done(answer.as_deref() == Some("granted"));
        }),
        None => done(false),
    }
}

/// Shows a notification (when allowed; nothing otherwise).
pub fn notify(title: &str, body: &str) {
    let Some(ctor) = js_sys::Reflect::get(&js_sys::global(), &"Notification".into()).ok().and_then(|n| n.dyn_into::<js_sys::Function>().ok()) else { return };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"body".into(), &body.into());
    let _ = js_sys::Reflect::set(&options, &"tag".into(), &"tandem-partner".into());
    let args = js_sys::Array::of2(&title.into(), &options);
    let _ = js_sys::Reflect::construct(&ctor, &args);
}

/// The hour on the device's wall clock (0–23).
pub fn local_hour() -> u8 {
    js_sys::Date::new_0().get_hours() as u8
}

/// The device's offset from UTC at an instant (daylight saving may differ from now's).
pub fn offset_at(at: Timestamp) -> i32 {
    -(js_sys::Date::new(&JsValue::from_f64(at.0 as f64)).get_timezone_offset() as i32)
}

/// A wall-clock time on a civil day here as an instant, as the browser's `Date` resolves it; `None`
/// when that time does not exist that day (skipped by a daylight-saving change).
pub fn local_instant(day: crate::domain::time::LocalDay, minute_of_day: u32) -> Option<Timestamp> {
    let (h, m) = (minute_of_day / 60, minute_of_day % 60);
    let d = js_sys::Date::new_with_year_month_day_hr_min(day.year() as u32, i32::from(day.month()) - 1, i32::from(day.day()), h as i32, m as i32);
    let ms = d.get_time();
    // A skipped time comes back moved by the gap: not the time asked for.
    (ms.is_finite() && d.get_hours() == h && d.get_minutes() == m && d.get_date() == u32::from(day.day())).then_some(Timestamp(ms as i64))
}

use crate::error::AppError;
use leptos::prelude::*;

/// A signal that turns true once the page is interactive (never on the server), so views can
/// show JavaScript-only controls and hide what the no-JavaScript page needs.
pub fn hydrated() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    ready
}

/// The id of a field's error message, referenced by `aria-describedby`.
pub fn error_id(field: &str) -> String {
    format!("{field}-error")
}

/// The message under a field; always present in the DOM so hydration matches, hidden when empty.
#[component]
pub fn FieldError(field: &'static str, #[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field-error" id=error_id(field) hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </p>
    }
}

/// `aria-invalid` for a field with `message`.
pub fn aria_invalid(message: Signal<Option<String>>) -> impl Fn() -> Option<&'static str> + Copy {
    move || message.get().map(|_| "true")
}

/// `aria-describedby` for a field with `message`, plus an always-present hint id.
pub fn described_by(
    field: &'static str,
    message: Signal<Option<String>>,
    hint: Option<&'static str>,
) -> impl Fn() -> Option<String> + Copy {
    move || {
        let ids: Vec<String> =
            hint.map(str::to_string).into_iter().chain(message.get().map(|_| error_id(field))).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The message of a failed server action, for a form's error line.
pub fn action_error<T: Clone + 'static>(
    v: impl Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
) -> impl Fn() -> Option<String> + Copy {
    move || v.get().and_then(|r| r.err()).map(|e| e.message())
}

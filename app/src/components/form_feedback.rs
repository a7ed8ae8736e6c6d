//! What a console form says back, with and without JavaScript: the error of its last
//! server-function call, or of the refused no-JavaScript post that rendered the page
//! (see `submission::use_refused`), and what was typed.
use crate::components::fields::{aria_invalid, described_by, FieldError};
use crate::error::AppError;
use crate::model::field;
use crate::navigation::current_page;
use crate::submission::{use_refused, Refused, PAGE_FIELD};
use leptos::prelude::*;

/// The messages of one form.
#[derive(Clone, Copy)]
pub struct Feedback {
    error: Signal<Option<AppError>>,
    refused: StoredValue<Option<Refused>>,
}

impl Feedback {
    /// Feedback for the form of server function `endpoint` (e.g. `"create_user"`) dispatched by
    /// an action whose result is `value`.
    pub fn new<T: Clone + Send + Sync + 'static>(
        endpoint: &str,
        value: impl Get<Value = Option<Result<T, AppError>>> + Copy + Send + Sync + 'static,
    ) -> Self {
        let refused = use_refused(endpoint);
        let from_post = refused.as_ref().map(|r| r.error.clone());
        let error = Signal::derive(move || match value.get() {
            Some(Err(e)) => Some(e),
            Some(Ok(_)) => None,
            None => from_post.clone(),
        });
        Feedback { error, refused: StoredValue::new(refused) }
    }

    /// The message for `name`, when the form was refused because of that field.
    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.error.with(|e| e.as_ref().and_then(|e| e.field_errors().get(name).map(str::to_string)))
        })
    }

    /// The line for the whole form: a reason that is not about one field.
    pub fn message(self) -> Signal<Option<String>> {
        Signal::derive(move || {
            self.error.with(|e| match e {
                None => None,
                Some(AppError::Invalid(f)) => f.get(field::FORM).map(str::to_string),
                Some(other) => Some(other.message()),
            })
        })
    }

    /// Everything the refusal says, fields included, in one line.
    pub fn summary(self) -> Signal<Option<String>> {
        Signal::derive(move || self.error.with(|e| e.as_ref().map(AppError::message)))
    }

    /// What was typed into `name` in the refused no-JavaScript post (never a secret field).
    pub fn typed(self, name: &str) -> Option<String> {
        self.refused.with_value(|r| r.as_ref().and_then(|r| r.value(name)))
    }

    /// The refused no-JavaScript post, when it was about the row with hidden `id`.
    pub fn row_message(self, id: i32) -> Option<String> {
        self.refused.with_value(|r| r.as_ref().filter(|r| r.is_for_row(id)).map(|r| r.error.message()))
    }
}

/// A labelled text input of an inline console form, with its message beside it.
#[component]
pub fn InlineField(
    feedback: Feedback,
    /// The form field name (also the server function's argument).
    name: &'static str,
    /// The element id (unique on the page).
    id: &'static str,
    label: &'static str,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    let message = feedback.field(name);
    let error_field: &'static str = id;
    view! {
        <div class="filter">
            <label for=id>{label}</label>
            <input id=id name=name type=input_type.unwrap_or("text") required
                maxlength=maxlength.map(|m| m.to_string()) autocomplete=autocomplete
                value=feedback.typed(name)
                aria-invalid=aria_invalid(message) aria-describedby=described_by(error_field, message, None)/>
            <FieldError field=error_field message/>
        </div>
    }
}

/// A hidden field naming the page a form is on, so that a no-JavaScript post returns to it —
/// also from a page that was itself the answer to a refused post, whose address (and so its
/// `Referer`) is the server function's.
#[component]
pub fn PageField() -> impl IntoView {
    view! { <input type="hidden" name=PAGE_FIELD value=current_page()/> }
}

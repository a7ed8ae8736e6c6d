use crate::components::guard::GoTo;
use crate::submission::use_submission;
use crate::submission::Submission;
use crate::use_viewer;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Only same-site paths are followed after sign-in.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n,
        _ => "/".into(),
    }
}

/// `/login`: Username, Password, Sign in. The form posts to the server, which sets the session cookie.
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = safe_next(use_query_map().get_untracked().get("next"));
    let refused = match use_submission() {
        Some(Submission::LoginRefused { username, message }) => Some((username, message)),
        _ => None,
    };
    if use_viewer().is_some() && refused.is_none() {
        return view! { <GoTo path=next/> }.into_any();
    }
    let (username, message) = refused.unzip();
    view! {
        <Title text="Sign in"/>
        <section class="page narrow">
            <h1>"Sign in"</h1>
            {message.map(|m| view! { <p class="form-error" role="alert" id="login-error">{m}</p> })}
            <form method="post" action="/login" class="stack">
                <input type="hidden" name="next" value=next/>
                <label for="username">"Username"</label>
                <input id="username" name="username" autocomplete="username" required value=username.unwrap_or_default()/>
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required/>
                <div class="actions"><button type="submit" class="primary">"Sign in"</button></div>
            </form>
        </section>
    }
    .into_any()
}

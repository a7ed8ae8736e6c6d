use crate::components::guard::GoTo;
use crate::submission::use_submission;
use crate::submission::Submission;
use crate::use_viewer;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Where sign-in goes when `next` is missing or not a same-site path.
pub const AFTER_SIGN_IN: &str = "/webhooks";

/// The page to return to after sign-in: only a same-site path, parsed the way a browser
/// reads it, re-serialized (so it is always a valid `Location`); anything else goes to
/// [`AFTER_SIGN_IN`]. Browsers drop tabs and newlines from URLs and read `\` as `/`, so
/// those are refused outright rather than interpreted.
pub fn safe_next(next: Option<&str>) -> String {
    const HOST: &str = "hookwell.invalid";
    let Some(raw) = next else { return AFTER_SIGN_IN.into() };
    let plain = raw.starts_with('/') && !raw.starts_with("//") && !raw.chars().any(|c| c.is_control() || c == '\\');
    let base = format!("http://{HOST}/");
    let parsed = if plain { crate::web_url::parse(raw, Some(&base)) } else { None };
    match parsed {
        Some(u) if u.host == HOST && !u.has_port => {
            let mut path = u.path;
            if let Some(q) = u.query {
                path.push('?');
                path.push_str(&q);
            }
            path
        }
        _ => AFTER_SIGN_IN.into(),
    }
}

/// `/login`: Username, Password, Sign in. The form posts to the server, which sets the session cookie.
#[component]
pub fn LoginPage() -> impl IntoView {
    let next = safe_next(use_query_map().get_untracked().get("next").as_deref());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/webhooks/3/edit?x=1")), "/webhooks/3/edit?x=1");
        assert_eq!(safe_next(Some("/a b")), "/a%20b");
        for evil in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n",
            "/\\evil.example",
            "\\\\evil.example",
            "//evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\u{7f}x",
        ] {
            assert_eq!(safe_next(Some(evil)), AFTER_SIGN_IN, "{evil:?}");
        }
        assert_eq!(safe_next(None), AFTER_SIGN_IN);
    }
}

//! Moving between pages from code: after a save, or Continue in a dialog. The browser runs no
//! router, only Leptos' islands router, which fetches the next page and patches the document;
//! it follows links that are clicked, so the way to it from code is clicking one. The page stays
//! one document.
use leptos::prelude::*;

/// A function that goes to a path of the app, staying in the page.
pub fn use_go() -> impl Fn(&str) + Clone + 'static {
    follow_link
}

/// Where a server function called from an island redirects (e.g. Delete to the list), the page
/// goes, through the islands router.
#[cfg(feature = "hydrate")]
pub fn follow_server_redirects() {
    let _ = server_fn::redirect::set_redirect_hook(follow_link);
}

/// Clicks a link to `to`, for the islands router to follow.
fn follow_link(to: &str) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let doc = document();
        let link = doc.create_element("a").ok().and_then(|a| a.dyn_into::<web_sys::HtmlElement>().ok());
        if let (Some(link), Some(body)) = (link, doc.body()) {
            let _ = link.set_attribute("href", to);
            link.set_hidden(true);
            if body.append_child(&link).is_ok() {
                link.click();
                link.remove();
            }
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = to;
}

/// A function that shows the page as it is now, after a row's control (an island, which cannot
/// reach the page's list) changed the list: the islands router fetches the page again.
pub fn use_list_changed() -> impl Fn() + Clone + 'static {
    let go = use_go();
    move || go(&current_page())
}

/// The path and query of the page being shown, e.g. `/webhooks?page=2`.
pub fn current_page() -> String {
    // The browser has no router to ask.
    #[cfg(feature = "hydrate")]
    {
        let l = window().location();
        format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let loc = leptos_router::hooks::use_location();
        let (path, search) = (loc.pathname.get_untracked(), loc.search.get_untracked());
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    }
}

//! Moving between pages from code: after a save, or Continue in a dialog. The whole-page build
//! has the client router for it. The islands build (feature `islands`) runs no router in the
//! browser, only Leptos' islands router, which fetches the next page and patches the document;
//! it follows links that are clicked, so the way to it from code is clicking one. Either way the
//! page stays one document.
use leptos::prelude::*;

/// A function that goes to a path of the app, staying in the page.
pub fn use_go() -> impl Fn(&str) + Clone + 'static {
    #[cfg(not(feature = "islands"))]
    {
        let navigate = leptos_router::hooks::use_navigate();
        move |to: &str| navigate(to, Default::default())
    }
    #[cfg(feature = "islands")]
    {
        follow_link
    }
}

/// Where a server function called from an island redirects (e.g. Delete to the list), the page
/// goes, through the islands router. (The client router does this in the whole-page build.)
#[cfg(all(feature = "islands", feature = "hydrate"))]
pub fn follow_server_redirects() {
    let _ = server_fn::redirect::set_redirect_hook(follow_link);
}

/// Clicks a link to `to`, for the islands router to follow.
#[cfg(feature = "islands")]
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

/// What a page with a list provides so that a control in a row (an island in the islands build)
/// can say the list changed.
/// A count of changes, not a `Trigger`: a resource loads again only when its source's value
/// changes.
#[derive(Clone, Copy)]
pub struct ListChanged(pub RwSignal<u32>);

impl ListChanged {
    /// Provides it to the page's controls and returns it, for the page's list to `get()`.
    pub fn provide() -> RwSignal<u32> {
        let changes = RwSignal::new(0);
        provide_context(ListChanged(changes));
        changes
    }
}

/// A function that shows the page's lists as they are now: the whole-page build loads them again
/// in the page (see [`ListChanged`]); the islands build, where a row's control cannot reach the
/// page, fetches the page again through the islands router.
pub fn use_list_changed() -> impl Fn() + Clone + 'static {
    let page = use_context::<ListChanged>();
    let go = use_go();
    move || match page {
        Some(ListChanged(changes)) => changes.update(|n| *n += 1),
        None => go(&current_page()),
    }
}

/// The path and query of the page being shown, e.g. `/webhooks?page=2`.
pub fn current_page() -> String {
    // In the islands build the browser has no router to ask.
    #[cfg(all(feature = "islands", feature = "hydrate"))]
    {
        let l = window().location();
        format!("{}{}", l.pathname().unwrap_or_default(), l.search().unwrap_or_default())
    }
    #[cfg(not(all(feature = "islands", feature = "hydrate")))]
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

//! "Previous · Page n of m · Next" under a paged table.
use leptos::prelude::*;

/// Links to the pages beside `page` (0-based) of `pages`; `href` gives a page's address.
/// With `open_ended` the number of pages is not known exactly, so only "Page n" is shown.
#[component]
pub fn Pager<F>(page: u64, pages: u64, href: F, #[prop(optional)] open_ended: bool) -> impl IntoView
where
    F: Fn(u64) -> String + 'static,
{
    let prev = (page > 0).then(|| href(page - 1));
    let next = (page + 1 < pages).then(|| href(page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {prev.map(|h| view! { <a href=h rel="prev">"Previous"</a> })}
            <span>{if open_ended { format!("Page {}", page + 1) } else { format!("Page {} of {}", page + 1, pages) }}</span>
            {next.map(|h| view! { <a href=h rel="next">"Next"</a> })}
        </nav>
    }
}

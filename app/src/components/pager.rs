//! "Previous · Page n of m · Next" under a paged table.
use leptos::prelude::*;

/// Links to the pages beside `page` (0-based) of `pages`; `href` gives a page's address.
#[component]
pub fn Pager<F>(page: u64, pages: u64, href: F) -> impl IntoView
where
    F: Fn(u64) -> String + 'static,
{
    let prev = (page > 0).then(|| href(page - 1));
    let next = (page + 1 < pages).then(|| href(page + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {prev.map(|h| view! { <a href=h rel="prev">"Previous"</a> })}
            <span>{format!("Page {} of {}", page + 1, pages)}</span>
            {next.map(|h| view! { <a href=h rel="next">"Next"</a> })}
        </nav>
    }
}

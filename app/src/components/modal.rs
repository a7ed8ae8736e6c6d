//! The frame of every dialog: a native `<dialog>`. Without JavaScript it is rendered open (the
//! dialog is then the page, e.g. `/webhooks/:id/delete`); once the page is interactive it
//! becomes modal (`showModal()`), so the rest of the page is inert and Tab stays inside it.
//! Escape presses the dialog's Cancel control (marked `data-cancel`); a dialog without one (the
//! shown-once secret) stays open. When the dialog goes away, focus returns to the control that
//! opened it, or to the page's heading if that control is gone.
use leptos::prelude::*;

/// The attribute that marks the control that opened a dialog (its value: the dialog's title id).
#[cfg(feature = "hydrate")]
const OPENER: &str = "data-dialog-opener";

/// A dialog named by the heading `labelledby` and described by `describedby` (both ids inside
/// `children`, unique on the page). `role` is `dialog` or `alertdialog` (a confirmation).
/// `on_escape_refused` runs when Escape is pressed in a dialog that has no Cancel.
#[component]
pub fn Modal(
    #[prop(default = "dialog")] role: &'static str,
    labelledby: &'static str,
    describedby: &'static str,
    #[prop(optional)] on_escape_refused: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    // Runs while the view is built, before anything in the dialog takes focus.
    #[cfg(feature = "hydrate")]
    remember_opener(labelledby);
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.matches(":modal").unwrap_or(false) {
                d.close();
                let _ = d.show_modal();
            }
        }
    });
    #[cfg(feature = "hydrate")]
    on_cleanup(move || return_focus(labelledby));
    let escape = move || {
        let cancel = dialog.get_untracked().and_then(|d| d.query_selector("[data-cancel]").ok().flatten());
        match cancel {
            Some(c) => {
                use wasm_bindgen::JsCast;
                if let Some(c) = c.dyn_ref::<web_sys::HtmlElement>() {
                    c.click();
                }
            }
            None => {
                if let Some(cb) = on_escape_refused {
                    cb.run(())
                }
            }
        }
    };
    // Escape is handled here (which keeps the browser from closing the dialog itself), so a
    // dialog only ever closes through its state.
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            escape();
        } else if ev.key() == "Tab" {
            if let Some(d) = dialog.get_untracked() {
                keep_tab_inside(&d, &ev);
            }
        }
    };
    // A dialog that the browser closed anyway (a repeated close request) opens again.
    let on_close = move |_| {
        if let Some(d) = dialog.get_untracked() {
            if d.is_connected() && !d.open() {
                let _ = d.show_modal();
            }
        }
    };
    view! {
        <div class="dialog-backdrop">
            <dialog class="dialog" open node_ref=dialog role=role aria-modal="true" aria-labelledby=labelledby aria-describedby=describedby
                on:keydown=on_keydown on:close=on_close>
                {children()}
            </dialog>
        </div>
    }
}

/// What Tab can reach in a dialog.
const FOCUSABLE: &str = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex='-1'])";

/// Tab from the last control goes to the first, Shift+Tab from the first to the last (a modal
/// `<dialog>` would otherwise let focus leave the page for the browser's own controls).
fn keep_tab_inside(dialog: &web_sys::HtmlDialogElement, ev: &leptos::ev::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    let all = dialog.get_elements_by_tag_name("*");
    let reachable: Vec<web_sys::HtmlElement> = (0..all.length())
        .filter_map(|i| all.item(i))
        .filter(|el| el.matches(FOCUSABLE).unwrap_or(false))
        .filter_map(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
        .filter(|el| el.offset_width() > 0 || el.offset_height() > 0)
        .collect();
    let (Some(first), Some(last)) = (reachable.first(), reachable.last()) else {
        ev.prevent_default();
        return;
    };
    let active = document().active_element();
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>());
    let inside = active.as_ref().is_some_and(|a| dialog.contains(Some(a.unchecked_ref())));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}

/// Marks the focused element (the control that opens the dialog `key`) to give focus back later.
#[cfg(feature = "hydrate")]
fn remember_opener(key: &str) {
    let doc = document();
    if let Some(el) = doc.active_element() {
        let is_page = doc.body().is_some_and(|b| *b == el) || doc.document_element().is_some_and(|h| h == el);
        if !is_page {
            let _ = el.set_attribute(OPENER, key);
        }
    }
}

/// Focuses the control that opened the dialog `key` if it is still on the page; otherwise (or if
/// focus ends up nowhere) the page's heading.
#[cfg(feature = "hydrate")]
fn return_focus(key: &'static str) {
    // Once the dialog has left the page: until then the rest of the page is inert.
    set_timeout(
        move || {
            use wasm_bindgen::JsCast;
            let opener = document().query_selector(&format!("[{OPENER}=\"{key}\"]")).ok().flatten();
            if let Some(el) = opener {
                let _ = el.remove_attribute(OPENER);
                // Unless the page has already put focus somewhere on purpose (the heading does
                // not count: it is only where lost focus goes, e.g. after a navigation).
                if focus_lost() || focus_on_heading() {
                    if let Some(el) = el.dyn_ref::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
            focus_heading_if_lost();
        },
        std::time::Duration::from_millis(0),
    );
}

/// Whether focus is on the page's `h1`.
#[cfg(feature = "hydrate")]
fn focus_on_heading() -> bool {
    let doc = document();
    let heading = doc.query_selector("main h1").ok().flatten();
    heading.is_some() && doc.active_element() == heading
}

/// Whether nothing has focus: it is on `body` (where it goes when the focused element leaves the page).
#[cfg(feature = "hydrate")]
fn focus_lost() -> bool {
    let doc = document();
    match doc.active_element() {
        None => true,
        Some(el) => doc.body().is_some_and(|b| *b == el) || !el.is_connected(),
    }
}

/// When focus is lost (on `body`, e.g. because the focused element left the page with a
/// navigation or a reload of a list), puts it on the page's `h1`, waiting a moment for the page
/// to render it.
pub fn focus_heading_if_lost() {
    #[cfg(feature = "hydrate")]
    {
        fn attempt(left: u32) {
            use wasm_bindgen::JsCast;
            if focus_lost() {
                let heading = document().query_selector("main h1").ok().flatten();
                if let Some(h) = heading.as_ref().and_then(|h| h.dyn_ref::<web_sys::HtmlElement>()) {
                    if !h.has_attribute("tabindex") {
                        let _ = h.set_attribute("tabindex", "-1");
                    }
                    let _ = h.focus();
                }
            }
            // Keep watching a little: the old page's heading may be replaced by the new one's.
            if left > 0 {
                set_timeout(move || attempt(left - 1), std::time::Duration::from_millis(50));
            }
        }
        // After the current render: the dialog (or the old page) is gone by then.
        set_timeout(|| attempt(60), std::time::Duration::from_millis(0));
    }
}

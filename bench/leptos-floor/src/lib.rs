//! One page shaped like Hookwell's sign-in page, and nothing else: the router, the document
//! shell with hydration scripts, a form. `<body data-hydrated>` flips as in the console.
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options islands=cfg!(feature = "islands")/>
                <MetaTags/>
            </head>
            <body data-hydrated="false">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/floor.css"/>
        <Router>
            <Routes fallback=|| "Not found">
                <Route path=path!("login") view=Login/>
            </Routes>
        </Router>
    }
}

#[component]
fn Login() -> impl IntoView {
    view! {
        <Title text="Sign in"/>
        <section class="page narrow">
            <h1>"Sign in"</h1>
            <LoginForm/>
        </section>
    }
}

/// With the `islands` feature, the form is the page's only island: the browser hydrates just it.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
pub fn LoginForm() -> impl IntoView {
    let (name, set_name) = signal(String::new());
    view! {
        <form method="post" action="/login" class="stack">
            <label for="username">"Username"</label>
            <input id="username" name="username" autocomplete="username" required
                prop:value=name on:input=move |ev| set_name.set(event_target_value(&ev))/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required/>
            <div class="actions"><button type="submit" class="primary">"Sign in"</button></div>
        </form>
    }
}

/// With islands, the page's script calls this and then hydrates the islands in the same task, so
/// the one island here is hydrated by the time the benchmark's observer reads the clock.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(feature = "islands")]
    leptos::mount::hydrate_islands();
    #[cfg(not(feature = "islands"))]
    leptos::mount::hydrate_body(App);
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}

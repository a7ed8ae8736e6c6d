//! How a page becomes interactive. The browser loads one small main WASM
//! module, which hydrates the page's islands; every island but the always-present
//! `FocusAfterNavigation` is `#[island(lazy)]`, so its code is a chunk split off the main
//! module (`cargo leptos build --split`) and fetched only by pages that show it. The server
//! names those chunks in `<head>` (`preload`), so they download alongside the main module
//! instead of after it.
use leptos::prelude::*;

/// The scripts in `<head>`: preloads of the main module, the loader of split chunks, and the
/// script (src/island_script.js) that hydrates the islands and then marks the page
/// `<body data-hydrated="true">`.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As Leptos' own `HydrationScripts` does in islands mode: the page itself is not hydrated,
    // so nothing outside an island is serialized for it.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    let split = ssr::provide_chunks(&options);
    #[cfg(not(feature = "ssr"))]
    let split = false;
    let nonce = leptos::nonce::use_nonce();
    let pkg = format!("/{}", options.site_pkg_dir);
    let name = options.output_name.to_string();
    view! {
        <link rel="modulepreload" href=format!("{pkg}/{name}.js") crossorigin=""/>
        <link rel="preload" href=format!("{pkg}/{name}.wasm") r#as="fetch" r#type="application/wasm" crossorigin=""/>
        {split.then(|| view! { <link rel="modulepreload" href=format!("{pkg}/{SPLIT_LOADER}") crossorigin=""/> })}
        <script type="module" nonce=nonce>{format!("{}({pkg:?}, {name:?});", include_str!("island_script.js"))}</script>
    }
}

/// The JS module that fetches split chunks (cargo-leptos' name for it when files are not hashed).
const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

/// Called by a lazy island while it renders on the server: adds `preload` links for the chunks
/// that hold its code. `island` is the island's name in snake case (`webhook_form_view`).
pub fn preload_island(island: &'static str) {
    #[cfg(feature = "ssr")]
    ssr::preload(island);
    #[cfg(not(feature = "ssr"))]
    let _ = island;
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::*;
    use leptos_meta::Link;
    use std::collections::{HashMap, HashSet};
    use std::sync::{Arc, Mutex, OnceLock};

    /// The chunks of each lazy island, by island name, as read from the build's split manifest.
    type Chunks = HashMap<String, Vec<String>>;

    /// This page's view of the chunks: where they are served, and which are already named.
    #[derive(Clone)]
    struct PageChunks {
        pkg: String,
        chunks: Arc<Chunks>,
        named: Arc<Mutex<HashSet<String>>>,
    }

    /// Reads the split manifest (once) and provides it to the page; `false` when the build
    /// is not split (nothing to preload).
    pub fn provide_chunks(options: &LeptosOptions) -> bool {
        static CHUNKS: OnceLock<Option<Arc<Chunks>>> = OnceLock::new();
        let chunks = CHUNKS.get_or_init(|| {
            let path = std::path::Path::new(&*options.site_root)
                .join(&*options.site_pkg_dir)
                .join("__wasm_split_manifest.json");
            let text = std::fs::read_to_string(path).ok()?;
            let manifest: Chunks = serde_json::from_str(&text).ok()?;
            Some(Arc::new(by_island(manifest)))
        });
        let Some(chunks) = chunks.clone() else { return false };
        provide_context(PageChunks { pkg: format!("/{}", options.site_pkg_dir), chunks, named: Default::default() });
        true
    }

    /// The manifest names a lazy island's chunks by its loader, `<island>_loader_<hash>`.
    fn by_island(manifest: Chunks) -> Chunks {
        manifest
            .into_iter()
            .filter_map(|(key, files)| {
                let (island, _hash) = key.rsplit_once('_')?;
                Some((island.strip_suffix("_loader")?.to_string(), files))
            })
            .collect()
    }

    pub fn preload(island: &str) {
        // A page fetched by the islands router: only its body and title are used.
        if use_context::<leptos::hydration::IslandsRouterNavigation>().is_some() {
            return;
        }
        let Some(page) = use_context::<PageChunks>() else { return };
        let Some(files) = page.chunks.get(island) else { return };
        for file in files {
            let new = page.named.lock().map(|mut named| named.insert(file.clone())).unwrap_or(false);
            if new {
                // Registers the link with the page's `<head>` (leptos_meta); the HTML is unused.
                let _ = view! {
                    <Link rel="preload" href=format!("{}/{file}.wasm", page.pkg) as_="fetch" type_="application/wasm" crossorigin=""/>
                }
                .to_html();
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_manifest_is_read_by_island_name() {
            let manifest: Chunks = serde_json::from_str(
                r#"{"webhook_form_view_loader_123":["a","b"],"revoke_key_button_loader_9":["c"],"other":["d"]}"#,
            )
            .unwrap();
            let chunks = by_island(manifest);
            assert_eq!(chunks.get("webhook_form_view").unwrap(), &["a", "b"]);
            assert_eq!(chunks.get("revoke_key_button").unwrap(), &["c"]);
            assert_eq!(chunks.len(), 2);
        }
    }
}

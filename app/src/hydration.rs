//! How a page becomes interactive. A page without islands needs no WASM: its links and forms
//! work through Leptos' islands router (src/islands_routing.js), plain JavaScript. A page with
//! islands loads one small main WASM module, which hydrates them. Every island is lazy: its code
//! is in a module split off the main one (`cargo leptos build --split`), fetched only by the
//! pages that show it. The islands one page shows together share one such module, an
//! [`IslandGroup`] (src/islands.rs loads them), because every file costs the page a request and an
//! instantiation: per island, the edit page fetched 30 files. The server names a page's files in
//! `<head>` (`preload`), so they download alongside the main module instead of after it.
use leptos::prelude::*;

/// A lazy island: rendered as an `#[island]` by the server, hydrated by src/islands.rs from the
/// module of its [`IslandGroup`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum LazyIsland {
    WebhookFormView,
    RegenerateSecret,
    DeleteWebhookButton,
    CatalogDeleteButton,
    NewApiKeyForm,
    RevokeKeyButton,
}

impl LazyIsland {
    /// Every lazy island.
    pub const ALL: [LazyIsland; 6] = [
        LazyIsland::WebhookFormView,
        LazyIsland::RegenerateSecret,
        LazyIsland::DeleteWebhookButton,
        LazyIsland::CatalogDeleteButton,
        LazyIsland::NewApiKeyForm,
        LazyIsland::RevokeKeyButton,
    ];

    /// The component's name, as its `<leptos-island data-component="Name_hash">` starts.
    pub const fn component(self) -> &'static str {
        match self {
            LazyIsland::WebhookFormView => "WebhookFormView",
            LazyIsland::RegenerateSecret => "RegenerateSecret",
            LazyIsland::DeleteWebhookButton => "DeleteWebhookButton",
            LazyIsland::CatalogDeleteButton => "CatalogDeleteButton",
            LazyIsland::NewApiKeyForm => "NewApiKeyForm",
            LazyIsland::RevokeKeyButton => "RevokeKeyButton",
        }
    }

    /// The island a `data-component` names (`WebhookFormView_6556976762195501960`).
    pub fn of(data_component: &str) -> Option<LazyIsland> {
        let name = data_component.rsplit_once('_').map_or(data_component, |(name, _hash)| name);
        LazyIsland::ALL.into_iter().find(|island| island.component() == name)
    }

    /// The group whose split-off module holds the island's code.
    pub const fn group(self) -> IslandGroup {
        match self {
            LazyIsland::WebhookFormView | LazyIsland::RegenerateSecret => IslandGroup::WebhookForm,
            LazyIsland::DeleteWebhookButton | LazyIsland::CatalogDeleteButton => IslandGroup::Delete,
            LazyIsland::NewApiKeyForm | LazyIsland::RevokeKeyButton => IslandGroup::ApiKeys,
        }
    }
}

/// The islands whose code shares one split-off module: those one page shows together.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IslandGroup {
    /// `/webhooks/new`, `/webhooks/:id/edit`: the form and the regenerate dialog.
    WebhookForm,
    /// `/webhooks/:id`, the work group and template lists: the delete confirmations.
    Delete,
    /// `/api-keys`: the create form and the revoke confirmation.
    ApiKeys,
}

impl IslandGroup {
    /// The name of the group's `#[lazy]` loader in src/islands.rs, which names its module in the
    /// split manifest (followed by `_` and a hash).
    pub const fn loader(self) -> &'static str {
        match self {
            IslandGroup::WebhookForm => "webhook_form_islands",
            IslandGroup::Delete => "delete_islands",
            IslandGroup::ApiKeys => "api_key_islands",
        }
    }
}

/// The script in `<head>` (src/island_script.js) that hydrates the page's islands, if it has
/// any, and then marks the page `<body data-hydrated="true">`. The main module and the split
/// chunks are preloaded by the islands themselves (`preload_island`): a page without one fetches
/// no WASM until the islands router brings it a page that has.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    // As Leptos' own `HydrationScripts` does in islands mode: the page itself is not hydrated,
    // so nothing outside an island is serialized for it.
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
    #[cfg(feature = "ssr")]
    ssr::provide_files(&options);
    let nonce = leptos::nonce::use_nonce();
    let pkg = format!("/{}", options.site_pkg_dir);
    let name = options.output_name.to_string();
    view! {
        <script type="module" nonce=nonce>{format!("{}({pkg:?}, {name:?});", include_str!("island_script.js"))}</script>
    }
}

/// Called by a lazy island while it renders on the server: adds `preload` links for the main
/// module and the files that hold its group's code.
pub fn preload_island(island: LazyIsland) {
    #[cfg(feature = "ssr")]
    ssr::preload(island.group());
    #[cfg(not(feature = "ssr"))]
    let _ = island;
}

#[cfg(feature = "ssr")]
mod ssr {
    use leptos::prelude::*;
    use leptos_meta::Link;
    use std::collections::{HashMap, HashSet};
    use std::sync::{Arc, Mutex, OnceLock};

    /// The files of each lazy loader, by the loader's name, as read from the build's split manifest.
    type Chunks = HashMap<String, Vec<String>>;

    /// The JS module that fetches split chunks (cargo-leptos' name for it when files are not hashed).
    const SPLIT_LOADER: &str = "__wasm_split.______________________.js";

    /// This page's view of the WASM files: where they are served, the split chunks (`None` when
    /// the build is not split), and which files the page already preloads.
    #[derive(Clone)]
    struct PageFiles {
        pkg: String,
        main: String,
        chunks: Option<Arc<Chunks>>,
        named: Arc<Mutex<HashSet<String>>>,
    }

    /// Provides the page's view of the WASM files; reads the split manifest once.
    pub fn provide_files(options: &LeptosOptions) {
        static CHUNKS: OnceLock<Option<Arc<Chunks>>> = OnceLock::new();
        let chunks = CHUNKS.get_or_init(|| {
            let path = std::path::Path::new(&*options.site_root)
                .join(&*options.site_pkg_dir)
                .join("__wasm_split_manifest.json");
            let text = std::fs::read_to_string(path).ok()?;
            let manifest: Chunks = serde_json::from_str(&text).ok()?;
            Some(Arc::new(by_loader(manifest)))
        });
        provide_context(PageFiles {
            pkg: format!("/{}", options.site_pkg_dir),
            main: options.output_name.to_string(),
            chunks: chunks.clone(),
            named: Default::default(),
        });
    }

    /// The manifest names a loader's files by `<loader>_<hash>`.
    fn by_loader(manifest: Chunks) -> Chunks {
        manifest.into_iter().filter_map(|(key, files)| Some((key.rsplit_once('_')?.0.to_string(), files))).collect()
    }

    pub fn preload(group: super::IslandGroup) {
        // A page fetched by the islands router: only its body and title are used.
        if use_context::<leptos::hydration::IslandsRouterNavigation>().is_some() {
            return;
        }
        let Some(page) = use_context::<PageFiles>() else { return };
        let first = |file: &str| page.named.lock().map(|mut named| named.insert(file.to_string())).unwrap_or(false);
        let pkg = &page.pkg;
        // Registers the links with the page's `<head>` (leptos_meta); the HTML is unused.
        if first(&page.main) {
            let _ = view! {
                <Link rel="modulepreload" href=format!("{pkg}/{}.js", page.main) crossorigin=""/>
                <Link rel="preload" href=format!("{pkg}/{}.wasm", page.main) as_="fetch" type_="application/wasm" crossorigin=""/>
            }
            .to_html();
        }
        let Some(files) = page.chunks.as_ref().and_then(|chunks| chunks.get(group.loader())) else { return };
        if first(SPLIT_LOADER) {
            let _ = view! { <Link rel="modulepreload" href=format!("{pkg}/{SPLIT_LOADER}") crossorigin=""/> }.to_html();
        }
        for file in files.iter().filter(|file| first(file)) {
            let _ = view! {
                <Link rel="preload" href=format!("{pkg}/{file}.wasm") as_="fetch" type_="application/wasm" crossorigin=""/>
            }
            .to_html();
        }
    }

    #[cfg(test)]
    mod manifest_tests {
        use super::*;

        #[test]
        fn the_manifest_is_read_by_loader_name() {
            let manifest: Chunks = serde_json::from_str(
                r#"{"webhook_form_islands_123":["a","b"],"delete_islands_9":["c"],"other":["d"]}"#,
            )
            .unwrap();
            let chunks = by_loader(manifest);
            assert_eq!(chunks.get(super::super::IslandGroup::WebhookForm.loader()).unwrap(), &["a", "b"]);
            assert_eq!(chunks.get(super::super::IslandGroup::Delete.loader()).unwrap(), &["c"]);
            assert_eq!(chunks.len(), 2);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_island_is_known_by_its_data_component() {
        assert_eq!(LazyIsland::of("WebhookFormView_6556976762195501960"), Some(LazyIsland::WebhookFormView));
        assert_eq!(LazyIsland::of("RevokeKeyButton_1"), Some(LazyIsland::RevokeKeyButton));
        assert_eq!(LazyIsland::of("SomeOtherIsland_6556976762195501960"), None);
        for island in LazyIsland::ALL {
            assert_eq!(LazyIsland::of(&format!("{}_42", island.component())), Some(island));
        }
    }
}

// From Leptos 0.8.23, leptos/src/hydration/island_script.js (MIT, © Greg Johnston), with the
// changes marked "Hookwell": the main module is loaded only when there is an island to hydrate
// (on this page, or on one the islands router brings in); an island the main module does not
// export is a lazy one, hydrated by `hydrate_lazy_island` (src/islands.rs); it starts at once,
// hydrates the islands side by side, `<body data-hydrated="true">` is set once every island of
// the page is hydrated, lazily loaded ones included, and a failed load is reported instead of lost.
((pkg_path, output_name) => {
	// Hookwell: the islands of a page hydrate side by side, so that a lazy island's chunk is
	// compiled while another island hydrates (upstream awaits each island in turn). An island
	// inside another island's children still waits for that island, and the children's
	// callback is passed down the walk instead of kept on a shared stack.
	function hydrateIslands(rootNode, mod) {
		function traverse(node, childrenCb) {
			if (node.nodeType !== Node.ELEMENT_NODE) {
				return Promise.resolve();
			}
			const tag = node.tagName.toLowerCase();
			const children = (cb) => Promise.all(Array.from(node.children, (child) => traverse(child, cb)));
			if (tag === 'leptos-island') {
				const id = node.dataset.component || null;
				return hydrateIsland(node, id, mod, childrenCb).then(() => children(childrenCb));
			}
			return children(tag === 'leptos-children' ? node.$$on_hydrate : childrenCb);
		}
		return traverse(rootNode, undefined);
	}
	async function hydrateIsland(el, id, mod, childrenCb) {
		// Hookwell: a lazy island's code is not in the main module; src/islands.rs loads its
		// group's module and hydrates it.
		const islandFn = mod[id] ?? ((el) => mod.hydrate_lazy_island(id, el).then((known) => {
			if (!known) console.warn(`Could not find WASM function for the island ${id}.`);
		}));
		if (childrenCb) {
			childrenCb();
		}
		// Hookwell: marks for bench/trace.mjs (the time each island took, lazy load included).
		performance.mark(`hookwell:island:${id}`);
		const res = islandFn(el);
		if (res && res.then) {
			await res;
		}
		performance.measure(`hookwell:island:${id}`, `hookwell:island:${id}`);
	}
	// Hookwell: the main module, fetched, instantiated and started once, when first needed.
	let main;
	function load() {
		main ??= import(`${pkg_path}/${output_name}.js`).then(async (mod) => {
			performance.mark("hookwell:imported");
			await mod.default({ module_or_path: `${pkg_path}/${output_name}.wasm` });
			performance.mark("hookwell:instantiated");
			mod.hydrate();
			return mod;
		});
		return main;
	}
	// For the islands router: the islands of a page it patched in.
	window.__hydrateIsland = (el, id) => load().then((mod) => hydrateIsland(el, id, mod));
	// Hookwell: at once (upstream waits for an idle moment, which on a busy page came 30 to
	// 170 ms after DOMContentLoaded at 4x CPU slowdown). A page without islands is interactive
	// as it is (its links and forms go through the islands router): it is marked so, and the main
	// module is fetched when the browser is idle, for the islands of the pages that follow.
	performance.mark("hookwell:start");
	if (document.querySelector("leptos-island")) {
		load()
			.then((mod) => hydrateIslands(document.body, mod))
			.then(() => { document.body.dataset.hydrated = "true"; })
			.catch((e) => console.error("Hookwell: the page could not be made interactive", e));
	} else {
		document.body.dataset.hydrated = "true";
		const whenIdle = window.requestIdleCallback ?? ((then) => setTimeout(then, 200)); // (Safari has none)
		whenIdle(() => load().catch((e) => console.error("Hookwell: the WASM could not be loaded", e)));
	}
})
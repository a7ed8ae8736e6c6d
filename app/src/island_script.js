// From Leptos 0.8.23, leptos/src/hydration/island_script.js (MIT, © Greg Johnston), with the
// changes marked "Hookwell": `<body data-hydrated="true">` is set once every island of the page
// is hydrated, lazily loaded ones (`#[island(lazy)]`, whose code is a split-off WASM chunk)
// included, and a failed load is reported instead of lost.
((pkg_path, output_name) => {
	let MOST_RECENT_CHILDREN_CB = [];

	function idle(c) {
		if ("requestIdleCallback" in window) {
			window.requestIdleCallback(c);
		} else {
			c();
		}
	}
	async function hydrateIslands(rootNode, mod) {
		async function traverse(node) {
			if (node.nodeType === Node.ELEMENT_NODE) {
				const tag = node.tagName.toLowerCase();
				if(tag === 'leptos-island') {
					const id = node.dataset.component || null;

					await hydrateIsland(node, id, mod);

					for(const child of node.children) {
						await traverse(child);
					}
				} else {
					if (tag === 'leptos-children') {
						MOST_RECENT_CHILDREN_CB.push(node.$$on_hydrate);
						for(const child of node.children) {
							await traverse(child);
						};
						// un-set the "most recent children"
						MOST_RECENT_CHILDREN_CB.pop();
					} else {
						for(const child of node.children) {
							await traverse(child);
						};
					}
				}
			}
		}

		await traverse(rootNode);
	}
	async function hydrateIsland(el, id, mod) {
		const islandFn = mod[id];
		if (islandFn) {
			const children_cb = MOST_RECENT_CHILDREN_CB[MOST_RECENT_CHILDREN_CB.length-1];
			if (children_cb) {
				children_cb();
			}
			const res = islandFn(el);
			if (res && res.then) {
				await res;
			}
		} else {
			console.warn(`Could not find WASM function for the island ${id}.`);
		}
	}
	idle(() => {
		import(`${pkg_path}/${output_name}.js`)
			.then(mod => {
				mod.default({module_or_path: `${pkg_path}/${output_name}.wasm`}).then(async () => {
					mod.hydrate();
					// Hookwell: awaited, and the page marked interactive after it.
					await hydrateIslands(document.body, mod);
					document.body.dataset.hydrated = "true";
				}).catch(e => console.error("Hookwell: the page could not be made interactive", e));

				window.__hydrateIsland = (el, id) => hydrateIsland(el, id, mod);
			})
	});
})

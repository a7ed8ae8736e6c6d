// See bench/hydration.sh. For every deep link and network profile: a fresh browser context with
// the cache off, CDP network and CPU throttling, and the time from navigation start until
// `<body data-hydrated="true">` (the WASM has taken over the page). Median of RUNS (default 3).
// Also counts the WASM bytes each page fetched as they crossed the wire (compressed).
import { createServer } from 'http';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'fs';
import { gzipSync, brotliCompressSync } from 'zlib';
import { join } from 'path';
import { PROFILES as ALL_PROFILES, launch, throttledPage, whenHydrated } from './browser.mjs';

const [base, password, pkgDir, out, ...leptosFloors] = process.argv.slice(2);
const runs = Number(process.env.RUNS ?? 3);
// For a quicker look at one change: BENCH_PROFILES=1 (indexes into PROFILES) and BENCH_PAGES, a
// regular expression the paths must match (e.g. 'new|edit|api-keys'); the floors are always measured.
const PROFILES = ALL_PROFILES.filter((_, i) => !process.env.BENCH_PROFILES || process.env.BENCH_PROFILES.split(',').map(Number).includes(i));
const pageWanted = (path) => new RegExp(process.env.BENCH_PAGES ?? '').test(path);

async function json(res) {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.url} answered ${res.status}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// Sign in and seed: one webhook with a delivery (a test event to a closed port fails fast).
const login = await fetch(`${base}/login`, {
  method: 'POST', redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ username: 'admin', password, next: '/' }),
});
const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
if (login.status !== 303 || !cookie) throw new Error(`sign-in answered ${login.status}`);
const rpc = (name, body) => fetch(`${base}/rpc/${name}`, {
  method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', cookie, origin: base },
  body: JSON.stringify(body),
}).then(json);
const hook = await rpc('create_webhook', { form: {
  name: 'Bench hook', url: 'http://127.0.0.1:9/hook', auth_method: 'HMAC', access_token: '',
  event_type: 'NewWorkItemVersionComplete', event_name: '', active: 'on', ssl: 'block', work_groups: [], templates: [],
} });
const form = (name, body) => fetch(`${base}/rpc/${name}`, {
  method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', cookie, origin: base },
  body: new URLSearchParams(body),
}).then(json);
await form('send_test_event', { webhook_id: hook.id });
const page1 = await form('list_deliveries', { webhook_id: hook.id });
const deliveryId = page1.rows?.[0]?.id;
if (!deliveryId) throw new Error(`no delivery to open: ${JSON.stringify(page1).slice(0, 200)}`);

const PAGES = ['/login', '/webhooks', '/webhooks/new', `/webhooks/${hook.id}`, `/webhooks/${hook.id}/edit`,
  `/webhooks/${hook.id}/deliveries`, `/deliveries/${deliveryId}`, '/api-keys'];

// The floors: what the browser alone spends under each profile. A page's own HTML and CSS from
// a plain static server, without the WASM, JS and hydration data; an inline script marks the
// page "hydrated" right after DOMContentLoaded. No page that hydrates can be faster than its
// floor. For /login (the lightest page) and for the edit page (the heaviest: the whole form).
const FLOOR_PAGES = ['/login', `/webhooks/${hook.id}/edit`];
const floorHtml = await Promise.all(FLOOR_PAGES.map(async (path) => (await (await fetch(base + path, { headers: { cookie } })).text())
  .replace(/<link\b[^>]*\brel="(modulepreload|preload)"[^>]*>/g, '')
  .replace(/<script\b[^>]*>[\s\S]*?<\/script>/g, '')
  .replace('</body>', `<script>document.addEventListener('DOMContentLoaded', () => setTimeout(() => { document.body.dataset.hydrated = 'true'; }));</script></body>`)));
const css = readFileSync(join(pkgDir, 'hookwell.css.br'));
const floor = createServer((req, res) => {
  if (req.url === '/pkg/hookwell.css') res.writeHead(200, { 'content-type': 'text/css', 'content-encoding': 'br' }).end(css);
  else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(floorHtml[Number(req.url.split('/').pop())] ?? '');
});
await new Promise((resolve) => floor.listen(0, '127.0.0.1', resolve));
const FLOORS = new Map(FLOOR_PAGES.map((path, i) => [`http://127.0.0.1:${floor.address().port}/floor/${i}`, path]));
// The framework's floors: bench/leptos-floor, the smallest Leptos app with a router and one
// sign-in form, built like the console, as a whole-page hydration and as islands. Arguments
// `label=url`. What hydrating anything with Leptos costs here.
const LEPTOS_FLOORS = new Map(leptosFloors.map((a) => a.split('=')).map(([label, url]) => [`${url}/login`, label]));

const browser = await launch();
const [name, value] = cookie.split('=');

async function once(path, profile) {
  const ctx = await browser.newContext();
  const url = path.startsWith('http') ? path : base + path;
  if (!path.startsWith('http') && path !== '/login') await ctx.addCookies([{ name, value, url: base }]);
  const { page, cdp } = await throttledPage(ctx, profile);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // Each WASM request, by id: its file and, once it finished, its bytes on the wire.
  const wasm = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.endsWith('.wasm')) wasm.set(e.requestId, { name: new URL(e.request.url).pathname.split('/').pop(), bytes: 0 });
  });
  cdp.on('Network.loadingFinished', (e) => { if (wasm.has(e.requestId)) wasm.get(e.requestId).bytes = e.encodedDataLength; });
  // The WASM requested until the page was interactive: a page without islands fetches the main
  // module afterwards, when idle, for the pages that follow.
  let needed = null;
  const { hydrated } = await whenHydrated(page, path);
  const interactive = hydrated.then((ms) => { needed = [...wasm.values()]; return ms; });
  const res = await page.goto(url, { waitUntil: 'commit' });
  if (res.status() !== 200) throw new Error(`${path} answered ${res.status()}`);
  const ms = await interactive;
  // The page can report before DevTools has said the WASM download finished: wait up to 1 s for it.
  for (let i = 0; i < 50 && needed.some((w) => w.bytes === 0); i++) await new Promise((r) => setTimeout(r, 20));
  const wasmBytes = needed.reduce((a, w) => a + w.bytes, 0);
  await ctx.close();
  if (errors.length) throw new Error(`${path}: console errors: ${errors.join(' | ')}`);
  return { ms, wasmBytes, wasmFiles: needed.length, wasmNames: needed.map((w) => w.name).sort() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
await once([...FLOORS.keys()][0], PROFILES[0]); // untimed: the browser's first page pays for its own start
for (const path of [...FLOORS.keys(), ...LEPTOS_FLOORS.keys(), ...PAGES.filter(pageWanted)]) {
  for (const profile of PROFILES) {
    const samples = [];
    for (let i = 0; i < runs; i++) samples.push(await once(path, profile));
    const r = {
      page: FLOORS.has(path) ? `floor: ${FLOORS.get(path).replace(String(hook.id), ':id')} without WASM` : LEPTOS_FLOORS.get(path) ?? path.replace(String(hook.id), ':id').replace(`/deliveries/${deliveryId}`, '/deliveries/:id'),
      profile: profile.name, median_ms: Math.round(median(samples.map((s) => s.ms))),
      samples_ms: samples.map((s) => Math.round(s.ms)), wasm_bytes_on_wire: samples[0].wasmBytes, wasm_files: samples[0].wasmFiles, wasm_names: samples[0].wasmNames,
    };
    results.push(r);
    console.error(`  ${r.page.padEnd(26)} ${r.profile.padEnd(40)} ${String(r.median_ms).padStart(6)} ms  [${r.samples_ms.join(', ')}]`);
  }
}
await browser.close();
floor.close();

// The whole app's WASM as built: every .wasm under pkg/, raw, gzip -9 and brotli.
const files = readdirSync(pkgDir).filter((f) => f.endsWith('.wasm'));
const bundle = files.map((f) => {
  const buf = readFileSync(join(pkgDir, f));
  return { file: f, raw: statSync(join(pkgDir, f)).size, gzip: gzipSync(buf, { level: 9 }).length, brotli: brotliCompressSync(buf).length };
});
const sum = (k) => bundle.reduce((a, b) => a + b[k], 0);
// What a page needs, gzip -9: the console's files it fetched (the Leptos floors' are elsewhere).
const gzipOf = (names) => names.reduce((a, n) => a + (bundle.find((b) => b.file === n)?.gzip ?? 0), 0);
for (const r of results) r.wasm_gzip = gzipOf(r.wasm_names);

console.log(`\n| page | ${PROFILES.map((p) => p.name).join(' | ')} | WASM on the wire | its WASM, gzip -9 |`);
console.log(`|---|${PROFILES.map(() => '---').join('|')}|---|---|`);
for (let i = 0; i < results.length; i += PROFILES.length) {
  const row = results.slice(i, i + PROFILES.length);
  console.log(`| ${row[0].page} | ${row.map((r) => `${r.median_ms} ms`).join(' | ')} | ${row[0].wasm_bytes_on_wire.toLocaleString('en')} B (${row[0].wasm_files} files) | ${row[0].wasm_gzip ? `${row[0].wasm_gzip.toLocaleString('en')} B` : '–'} |`);
}
console.log(`\nWhole app: ${files.length} WASM files, ${sum('raw').toLocaleString('en')} B raw, ${sum('gzip').toLocaleString('en')} B gzip -9, ${sum('brotli').toLocaleString('en')} B brotli`);
writeFileSync(out, JSON.stringify({ runs, results, bundle, total: { raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') } }, null, 2));
process.exit(0); // (a keep-alive socket can hold the event loop open for minutes)

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
async function seed(origin) {
  const login = await fetch(`${origin}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'admin', password, next: '/' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  if (login.status !== 303 || !cookie) throw new Error(`sign-in answered ${login.status}`);
  const rpc = (name, body) => fetch(`${origin}/rpc/${name}`, {
    method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', cookie, origin },
    body: JSON.stringify(body),
  }).then(json);
  const hook = await rpc('create_webhook', { form: {
    name: 'Bench hook', url: 'http://127.0.0.1:9/hook', auth_method: 'HMAC', access_token: '',
    event_type: 'NewWorkItemVersionComplete', event_name: '', active: 'on', ssl: 'block', work_groups: [], templates: [],
  } });
  const form = (name, body) => fetch(`${origin}/rpc/${name}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', cookie, origin },
    body: new URLSearchParams(body),
  }).then(json);
  await form('send_test_event', { webhook_id: hook.id });
  const page1 = await form('list_deliveries', { webhook_id: hook.id });
  const deliveryId = page1.rows?.[0]?.id;
  if (!deliveryId) throw new Error(`no delivery to open: ${JSON.stringify(page1).slice(0, 200)}`);
  return { origin, cookie, hook, deliveryId };
}
const main = await seed(base);
const { cookie, hook, deliveryId } = main;
// BENCH_VS_BASE: a second server, serving another build (bench/hydration.sh, BENCH_VS), seeded
// alike. Each page is then measured on both in turn, and the rows say by how much they differ
// sample by sample: on a machine whose speed drifts, pairs see the same drift.
const other = process.env.BENCH_VS_BASE ? await seed(process.env.BENCH_VS_BASE) : null;
if (other && (other.hook.id !== hook.id || other.deliveryId !== deliveryId)) throw new Error('the two servers were not seeded alike');

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

async function once(path, profile, server = main) {
  const ctx = await browser.newContext();
  const url = path.startsWith('http') ? path : server.origin + path;
  const [name, value] = server.cookie.split('=');
  if (!path.startsWith('http') && path !== '/login') await ctx.addCookies([{ name, value, url: server.origin }]);
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
  // When the island loader started (src/island_script.js, at the end of the page's parsing):
  // what follows is the WASM's part of the time.
  const started = await page.evaluate(() => performance.getEntriesByName('hookwell:start')[0]?.startTime ?? null);
  // The page can report before DevTools has said the WASM download finished: wait up to 1 s for it.
  for (let i = 0; i < 50 && needed.some((w) => w.bytes === 0); i++) await new Promise((r) => setTimeout(r, 20));
  const wasmBytes = needed.reduce((a, w) => a + w.bytes, 0);
  await ctx.close();
  if (errors.length) throw new Error(`${path}: console errors: ${errors.join(' | ')}`);
  return { ms, afterStart: started === null ? null : ms - started, wasmBytes, wasmFiles: needed.length, wasmNames: needed.map((w) => w.name).sort() };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
await once([...FLOORS.keys()][0], PROFILES[0]); // untimed: the browser's first page pays for its own start
for (const path of [...FLOORS.keys(), ...LEPTOS_FLOORS.keys(), ...PAGES.filter(pageWanted)]) {
  for (const profile of PROFILES) {
    const samples = [];
    const others = [];
    const compared = other && !FLOORS.has(path) && !LEPTOS_FLOORS.has(path);
    for (let i = 0; i < runs; i++) {
      // In turn, the first of each pair alternating (what runs second may find the machine warmer).
      if (compared && i % 2) others.push(await once(path, profile, other));
      samples.push(await once(path, profile));
      if (compared && !(i % 2)) others.push(await once(path, profile, other));
    }
    const r = {
      page: FLOORS.has(path) ? `floor: ${FLOORS.get(path).replace(String(hook.id), ':id')} without WASM` : LEPTOS_FLOORS.get(path) ?? path.replace(String(hook.id), ':id').replace(`/deliveries/${deliveryId}`, '/deliveries/:id'),
      profile: profile.name, median_ms: Math.round(median(samples.map((s) => s.ms))),
      samples_ms: samples.map((s) => Math.round(s.ms)), wasm_bytes_on_wire: samples[0].wasmBytes, wasm_files: samples[0].wasmFiles, wasm_names: samples[0].wasmNames,
    };
    if (compared) {
      r.other = {
        median_ms: Math.round(median(others.map((s) => s.ms))), samples_ms: others.map((s) => Math.round(s.ms)),
        wasm_names: others[0].wasmNames,
        // This build's sample minus the other's, pair by pair: below 0, this build is faster.
        paired_difference_median_ms: Math.round(median(samples.map((s, i) => s.ms - others[i].ms))),
        // The same for the time from the island loader's start to hydrated, which leaves out the
        // parsing and first layout both builds share (and most of the machine's drift).
        after_start_median_ms: Math.round(median(others.map((s) => s.afterStart))),
        paired_difference_after_start_median_ms: Math.round(median(samples.map((s, i) => s.afterStart - others[i].afterStart))),
      };
      r.after_start_median_ms = Math.round(median(samples.map((s) => s.afterStart)));
    }
    results.push(r);
    const vs = r.other ? `   other build ${r.other.median_ms} ms [${r.other.samples_ms.join(', ')}], paired difference ${r.other.paired_difference_median_ms} ms` : '';
    console.error(`  ${r.page.padEnd(26)} ${r.profile.padEnd(40)} ${String(r.median_ms).padStart(6)} ms  [${r.samples_ms.join(', ')}]${vs}`);
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
if (other) {
  console.log(`\nAgainst the other build (BENCH_VS), ${runs} pairs: this build's time, the other's, and the median of the pairs' differences (below 0: this build is faster).`);
  console.log('The last three columns: the same from the island loader\'s start (the end of parsing) to hydrated.');
  console.log('| page | profile | this build | other build | paired difference | this, from start | other, from start | paired difference |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results.filter((r) => r.other)) {
    const o = r.other;
    console.log(`| ${r.page} | ${r.profile} | ${r.median_ms} ms | ${o.median_ms} ms | ${o.paired_difference_median_ms} ms | ${r.after_start_median_ms} ms | ${o.after_start_median_ms} ms | ${o.paired_difference_after_start_median_ms} ms |`);
  }
}
console.log(`\nWhole app: ${files.length} WASM files, ${sum('raw').toLocaleString('en')} B raw, ${sum('gzip').toLocaleString('en')} B gzip -9, ${sum('brotli').toLocaleString('en')} B brotli`);
writeFileSync(out, JSON.stringify({ runs, results, bundle, total: { raw: sum('raw'), gzip: sum('gzip'), brotli: sum('brotli') } }, null, 2));
process.exit(0); // (a keep-alive socket can hold the event loop open for minutes)

// Where one page's time to hydrated goes: `node bench/trace.mjs BASE PASSWORD PATH [PROFILE]`
// against a running server (PROFILE: 0 none, 1 30 Mbps + 4x CPU (default), 2 slow 4G + 4x CPU).
// Prints, in milliseconds from navigation start: the document, every script and WASM response
// (when it started and ended, its bytes on the wire), the marks of src/island_script.js (main
// module imported, instantiated, each island's hydration, lazy load included) and the
// renderer's main-thread work by kind, from a Chromium trace.
import { PROFILES, launch, throttledPage, whenHydrated } from './browser.mjs';

const [base, password, path = '/webhooks/new', which = '1'] = process.argv.slice(2);
const profile = PROFILES[Number(which)];

const login = await fetch(`${base}/login`, {
  method: 'POST', redirect: 'manual',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ username: 'admin', password, next: '/' }),
});
const [name, value] = (login.headers.get('set-cookie') ?? '').split(';')[0].split('=');

const browser = await launch();
const ctx = await browser.newContext();
if (path !== '/login') await ctx.addCookies([{ name, value, url: base }]);
const { page } = await throttledPage(ctx, profile);
const { hydrated } = await whenHydrated(page, path);
await browser.startTracing(page, { categories: process.env.TRACE_CATEGORIES?.split(',') ?? ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.wasm', 'blink.user_timing'] });
await page.goto(base + path, { waitUntil: 'commit' });
await hydrated;
const traceBuf = await browser.stopTracing();
if (process.env.TRACE_OUT) (await import('fs')).writeFileSync(process.env.TRACE_OUT, traceBuf); // for chrome://tracing or a closer look
const trace = JSON.parse(traceBuf.toString());
const timeline = await page.evaluate(() => {
  const r = (x) => Math.round(x);
  const nav = performance.getEntriesByType('navigation')[0];
  const rows = [{ at: r(nav.responseEnd), what: `document (${nav.transferSize} B)` },
    { at: r(nav.domContentLoadedEventEnd), what: 'DOMContentLoaded' }];
  for (const e of performance.getEntriesByType('resource')) {
    if (!/\.(js|wasm|css)$/.test(e.name)) continue;
    rows.push({ at: r(e.responseEnd), what: `${e.name.split('/').pop()} ${r(e.startTime)}–${r(e.responseEnd)} (${e.transferSize} B)` });
  }
  for (const e of performance.getEntriesByType('mark')) rows.push({ at: r(e.startTime), what: e.name });
  for (const e of performance.getEntriesByType('measure')) rows.push({ at: r(e.startTime + e.duration), what: `${e.name} took ${r(e.duration)}` });
  return rows.sort((a, b) => a.at - b.at);
});
await browser.close();
for (const { at, what } of timeline) console.log(`${String(at).padStart(6)}  ${what}`);

// Main-thread work by kind: complete events of the renderer's main thread, nested ones excluded.
const main = trace.traceEvents.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
const events = trace.traceEvents.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur);
const byKind = new Map();
for (const e of events) {
  if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') continue;
  byKind.set(e.name, (byKind.get(e.name) ?? 0) + e.dur / 1000);
}
console.log('\nmain thread (ms, nested events counted in their own kind too):');
for (const [kind, ms] of [...byKind].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`${ms.toFixed(1).padStart(8)}  ${kind}`);
const tasks = trace.traceEvents.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.name === 'RunTask' && e.dur);
// The long tasks (over 15 ms), when they started (ms from navigation start) and what ran in them.
const navStart = trace.traceEvents.find((e) => e.name === 'navigationStart' && e.pid === main?.pid)?.ts;
if (navStart) {
  console.log('\nlong main-thread tasks (start, duration, longest events inside):');
  for (const t of tasks.filter((t) => t.dur > 15000)) {
    const inside = events.filter((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.name !== 'RunTask')
      .sort((a, b) => b.dur - a.dur).slice(0, 3).map((e) => `${e.name} ${(e.dur / 1000).toFixed(0)}`);
    console.log(`${String(Math.round((t.ts - navStart) / 1000)).padStart(6)} ${(t.dur / 1000).toFixed(0).padStart(5)}  ${inside.join(', ')}`);
  }
}
console.log(`${(tasks.reduce((a, e) => a + e.dur, 0) / 1000).toFixed(1).padStart(8)}  all tasks (${tasks.length})`);

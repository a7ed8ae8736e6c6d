// What bench/hydration.mjs and bench/trace.mjs share: Debian's Chromium (through the end-to-end
// suite's Playwright), the network and CPU profiles, and a page throttled to one of them with
// the cache off.
import { createRequire } from 'module';

const { chromium } = createRequire(new URL('../end2end/package.json', import.meta.url))('@playwright/test');

export const PROFILES = [
  { name: 'no throttling', net: null, cpu: 1 },
  { name: '30 Mbps / 20 ms RTT, 4x CPU', net: { latency: 20, down: 30e6 / 8, up: 15e6 / 8 }, cpu: 4 },
  { name: 'slow 4G: 1.6 Mbps / 150 ms RTT, 4x CPU', net: { latency: 150, down: 1.6e6 / 8, up: 750e3 / 8 }, cpu: 4 },
];

export function launch() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A new page in `ctx`, throttled to `profile`, the cache off; returns it and its CDP session. */
export async function throttledPage(ctx, profile) {
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (profile.net) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false, latency: profile.net.latency, downloadThroughput: profile.net.down, uploadThroughput: profile.net.up,
    });
  }
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: profile.cpu });
  return { page, cdp };
}

/** Resolves with the page's own `performance.now()` when `<body data-hydrated="true">` appears
 * (also marked `hookwell:hydrated`, for traces). Call before navigating; `label` names the page
 * in the error after 60 s. The page reports the moment itself, through the console: waiting with
 * `waitForSelector` or `waitForFunction` would load Playwright's injected script into the page
 * while it starts, on the same throttled main thread (60-90 ms of `EvaluateScript` at 4x CPU). */
export async function whenHydrated(page, label) {
  await page.addInitScript(() => {
    new MutationObserver((_, obs) => {
      if (document.body?.dataset.hydrated === 'true') {
        performance.mark('hookwell:hydrated');
        console.log(`bench:hydrated ${performance.now()}`);
        obs.disconnect();
      }
    }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
  });
  return {
    hydrated: new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: not hydrated after 60 s`)), 60_000);
      page.on('console', (m) => {
        const [tag, at] = m.text().split(' ');
        if (tag === 'bench:hydrated') { clearTimeout(timer); resolve(Number(at)); }
      });
    }),
  };
}

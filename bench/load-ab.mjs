// Two or more builds of the airline page, loaded cold in turn (interleaved, so the machine's
// drift falls on each alike): for each, how many loads had a task over 50 ms before the
// wasm's diagram mark, the longest such task, the same for the second after the mark (the
// panels' tasks), and the medians of first contentful paint and
// of the mark, with the largest cumulative layout shift. For judging a change to the page's
// loading against the build before it, in the same run:
//   node bench/load-ab.mjs DIST_BEFORE DIST_AFTER [--runs 9]
// Each DIST is a release build served under /contrail/ (trunk build --release --features
// split --public-url /contrail/ --dist DIST).
import { chromium } from "playwright-core";
import { serveStatic, CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/serve-static.mjs";

const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 9;
const dists = args;
if (dists.length === 0) throw new Error("usage: node bench/load-ab.mjs DIST [DIST…] [--runs N]");
const servers = await Promise.all(dists.map((d) => serveStatic(d, "/contrail/")));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
// Installed before any page script, as the suite's load section does.
const OBSERVERS = `
  window.__long = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]); }).observe({ type: "longtask", buffered: true });
  window.__cls = 0;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!e.hadRecentInput) window.__cls += e.value; }).observe({ type: "layout-shift", buffered: true });
  window.__fcp = null;
  new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === "first-contentful-paint") window.__fcp = e.startTime; }).observe({ type: "paint", buffered: true });
`;
const results = dists.map(() => []);
for (let r = 0; r < runs; r++) {
  for (let i = 0; i < dists.length; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    await context.addInitScript(OBSERVERS);
    const page = await context.newPage();
    await page.goto(servers[i].url, { waitUntil: "load" });
    await page.waitForFunction(`performance.getEntriesByName("contrail:diagram", "mark").length > 0`);
    // Tasks started by the mark get a second to finish and be reported.
    await page.waitForTimeout(1000);
    results[i].push(
      await page.evaluate(() => {
        const mark = performance.getEntriesByName("contrail:diagram", "mark")[0].startTime;
        const long = window.__long.filter(([start]) => start <= mark);
        // The page is not done at the mark: the panels come in the tasks after it.
        const after = window.__long.filter(([start]) => start > mark);
        return { fcp: window.__fcp, mark, cls: window.__cls, long, after };
      }),
    );
    await context.close();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (let i = 0; i < dists.length; i++) {
  const xs = results[i];
  const withLong = xs.filter((x) => x.long.length > 0).length;
  const longest = Math.max(0, ...xs.flatMap((x) => x.long.map(([, d]) => d)));
  const withLongAfter = xs.filter((x) => x.after.length > 0).length;
  const longestAfter = Math.max(0, ...xs.flatMap((x) => x.after.map(([, d]) => d)));
  console.log(
    `${dists[i]}: loads with a task over 50 ms ${withLong} of ${xs.length}, longest ${longest.toFixed(0)} ms; ` +
      `first contentful paint ${median(xs.map((x) => x.fcp)).toFixed(0)} ms; mark ${median(xs.map((x) => x.mark)).toFixed(0)} ms; ` +
      `largest layout shift ${Math.max(...xs.map((x) => x.cls)).toFixed(5)}; ` +
      `in the second after the mark, loads with a task over 50 ms ${withLongAfter} of ${xs.length}, longest ${longestAfter.toFixed(0)} ms`,
  );
}
await browser.close();
for (const s of servers) await s.close();

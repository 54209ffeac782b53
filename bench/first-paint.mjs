// What the airline's first paint waits for: the built index.html loaded cold beside copies
// of it with one thing taken out, and beside the plain-JavaScript reference, interleaved.
//   node bench/first-paint.mjs [DIST] [--runs 9] [--traced 5]
// DIST is a release build served under /contrail/ (default dist). For each page it prints
// the median first contentful paint of `--runs` untraced loads (and their range), then, from
// `--traced` traced loads, the medians of the first frame's layout and of the raster work
// done before the first paint (tracing slows both; compare them with each other only).
// The copies:
//   no app scripts      the module script and the preloads removed: the page as HTML and CSS
//   + labels level      and the edge labels set level at their place on the curve, not
//                       along it (<textPath> glyphs are each turned, and drawn as paths)
//   + no label halos    and without the halo (a stroke painted under each label's glyphs)
//   + no diagram text   and no <text> in the diagram at all
//   one heading only    an <h1> and nothing else: the least any page costs here
import { mkdtemp, readdir, readFile, rm, symlink, writeFile, mkdir, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveStatic, CHROMIUM_ARGS, CHROMIUM_PATH } from "../e2e/serve-static.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const dist = resolve(args.find((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")) ?? "dist");
const runs = option("--runs", 9);
const traced = option("--traced", 5);
const here = fileURLToPath(new URL(".", import.meta.url));

/** The index.html without the app's loader script and its preloads. */
const withoutScripts = (html) =>
  html.replace(/<script type="module">[\s\S]*?<\/script>/, "").replace(/<link rel="(?:modulepreload|preload)"[^>]*>/g, "");

/** Each edge label moved off its <textPath> to the point the text path centres it on. */
function levelLabels(html) {
  const curves = new Map();
  for (const m of html.matchAll(/<path id="(edge-label-path-\d+)" class="label-path" d="([^"]+)"/g)) {
    curves.set(m[1], m[2].match(/-?\d+(?:\.\d+)?/g).map(Number));
  }
  return html.replace(/<textPath href="#([^"]+)" startOffset="([\d.]+)%"[^>]*>([\s\S]*?)<\/textPath>/g, (whole, id, offset, text) => {
    const c = curves.get(id);
    if (!c || c.length !== 6) throw new Error(`first-paint: label path ${id} is not one quadratic curve`);
    const [x0, y0, cx, cy, x1, y1] = c;
    const t = Number(offset) / 100;
    const at = (a, b, d) => (1 - t) ** 2 * a + 2 * (1 - t) * t * b + t * t * d;
    return `<tspan x="${at(x0, cx, x1).toFixed(1)}" y="${at(y0, cy, y1).toFixed(1)}" text-anchor="middle">${text}</tspan>`;
  });
}

const withoutHalos = (html) => {
  const halo = /paint-order:stroke;stroke:var\(--panel\);stroke-width:3px;stroke-linejoin:round;/;
  if (!halo.test(html)) throw new Error("first-paint: the edge labels' halo is not where this script looks for it");
  return html.replace(halo, "");
};
const withoutDiagramText = (html) => html.replace(/<text\b[\s\S]*?<\/text>/g, "");

const built = await readFile(join(dist, "index.html"), "utf8");
if (!built.includes("<textPath")) throw new Error(`first-paint: ${dist}/index.html has no prerendered labels`);
const noScripts = withoutScripts(built);
const pages = [
  ["as built", built],
  ["no app scripts", noScripts],
  ["+ labels level", levelLabels(noScripts)],
  ["+ no label halos", withoutHalos(levelLabels(noScripts))],
  ["+ no diagram text", withoutDiagramText(noScripts)],
  ["one heading only", '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Contrail</title></head><body><h1>Contrail</h1></body></html>'],
];

// Each copy in a directory of its own beside links to the build's other files.
const work = await mkdtemp(join(tmpdir(), "first-paint-"));
const files = (await readdir(dist)).filter((f) => f !== "index.html");
const dirs = [];
for (const [i, [, html]] of pages.entries()) {
  const dir = join(work, String(i));
  await mkdir(dir);
  for (const f of files) await symlink(join(dist, f), join(dir, f));
  await writeFile(join(dir, "index.html"), html);
  dirs.push(dir);
}
const refDir = join(work, "reference");
await mkdir(refDir);
for (const f of await readdir(join(here, "reference"))) await copyFile(join(here, "reference", f), join(refDir, f));

const servers = await Promise.all([...dirs, refDir].map((d) => serveStatic(d, "/contrail/")));
const urls = servers.map((s, i) => (i === dirs.length ? `${s.url}?n=50&variant=canvas` : s.url));
const names = [...pages.map(([n]) => n), "reference (plain JS)"];
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const PAINT = `window.__fcp = null; new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === "first-contentful-paint") window.__fcp = e.startTime; }).observe({ type: "paint", buffered: true });`;

async function untraced(url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.addInitScript(PAINT);
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.__fcp != null, null, { timeout: 10_000 });
  const r = await page.evaluate(() => ({ fcp: window.__fcp, mark: performance.getEntriesByName("contrail:diagram", "mark")[0]?.startTime ?? null }));
  await context.close();
  return r;
}

async function tracedLoad(url) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "loading", "blink", "blink.user_timing", "cc"] });
  await page.goto(url, { waitUntil: "load" });
  await page.waitForTimeout(400);
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  await context.close();
  const nav = events.find((e) => e.name === "navigationStart");
  const fcp = events.find((e) => e.name === "firstContentfulPaint");
  if (!nav || !fcp) return null;
  const before = events.filter((e) => e.ph === "X" && e.ts >= nav.ts && e.ts < fcp.ts);
  const main = events.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain" && e.pid === nav.pid);
  const layout = before.find((e) => e.name === "Layout" && e.pid === main?.pid && e.tid === main?.tid);
  return {
    layout: layout ? layout.dur / 1000 : 0,
    raster: before.filter((e) => e.name === "RasterTask").reduce((s, e) => s + e.dur / 1000, 0),
  };
}

const plain = urls.map(() => []);
const traces = urls.map(() => []);
try {
  for (let r = 0; r < runs; r++) for (const [i, url] of urls.entries()) plain[i].push(await untraced(url));
  for (let r = 0; r < traced; r++) for (const [i, url] of urls.entries()) traces[i].push(await tracedLoad(url));
} finally {
  await browser.close();
  for (const s of servers) await s.close();
  await rm(work, { recursive: true, force: true });
}

const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : null;
};
const fmt = (x) => (x == null ? "n/a" : x.toFixed(0));
console.log(`${runs} untraced and ${traced} traced cold loads of each page, interleaved, 1440x900 (${dist})\n`);
console.log("| Page | First contentful paint, ms (range) | Diagram mark, ms | Traced: first layout, ms | Traced: raster before the first paint, ms |");
console.log("| --- | --- | --- | --- | --- |");
for (const [i, name] of names.entries()) {
  const fcps = plain[i].map((x) => x.fcp);
  const t = traces[i].filter(Boolean);
  console.log(
    `| ${name} | ${fmt(median(fcps))} (${fmt(Math.min(...fcps))} to ${fmt(Math.max(...fcps))}) | ${fmt(median(plain[i].map((x) => x.mark)))} | ${fmt(median(t.map((x) => x.layout)))} | ${fmt(median(t.map((x) => x.raster)))} |`,
  );
}

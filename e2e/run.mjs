// End-to-end tests: the release build in dist/, served statically under /contrail/,
// driven in headless Chromium through the article's scenarios. Prints "e2e: N passed,
// M failed" and exits non-zero on any failure.
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic, CHROMIUM_ARGS, CHROMIUM_PATH } from "./serve-static.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "..", "dist");
const outDir = join(here, "out");
export const SCREENSHOT = join(outDir, "contrail.png");

const server = await serveStatic(dist, "/contrail/");
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

const problems = [];
function watch(page) {
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(server.url) && !r.url().startsWith("data:")) problems.push(`request outside dist/: ${r.url()}`);
  });
}
watch(page);

let passed = 0;
let failed = 0;
async function test(name, body) {
  try {
    await body();
    passed += 1;
    console.log(`  ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`  FAIL ${name}\n       ${String(error?.stack ?? error).split("\n").join("\n       ")}`);
  }
}
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function ensurePlaying() {
  const play = page.getByRole("button", { name: "Play", exact: true });
  if (await play.count()) await play.click();
}

const logEntry = (type) => page.locator(`.log-entry[data-type="${type}"]`);
const inspector = page.getByRole("region", { name: "Payload inspector" });

await test("the release build loads under /contrail/ and mounts", async () => {
  await page.goto(server.url, { waitUntil: "load" });
  expect((await page.title()).startsWith("Contrail"), "title");
  await page.locator('[data-service="booking"]').waitFor({ timeout: 30000 });
  for (const id of ["mobile-app", "booking", "loyalty", "flights", "revenue", "broker"]) {
    expect((await page.locator(`[data-service="${id}"]`).count()) === 1, `node ${id}`);
  }
  for (const kind of ["command", "event", "query"]) {
    expect((await page.locator(`svg [data-kind="${kind}"]`).count()) > 0, `${kind} edges`);
  }
  const html = await (await fetch(server.url)).text();
  expect(html.includes("<noscript>"), "a noscript message");
  expect(/rel="icon"[^>]*href="\/contrail\//.test(html), "the favicon lives under the sub-path");
});

await test("Book FL123 plays the article's whole chain", async () => {
  await page.getByRole("slider", { name: "Speed" }).fill("4");
  await page.getByRole("button", { name: "Book FL123" }).click();
  for (const type of ["CreateBooking", "BookingCreated", "AdjustFlightPricing", "FlightPriceAdjusted", "LoyaltyPointsCredited"]) {
    await logEntry(type).first().waitFor({ timeout: 30000 });
  }
  await logEntry("BookingCreated").first().locator("button").click();
  const text = await inspector.innerText();
  for (const expected of ['"BK12345"', '"passengerDetails"', '"Jane"', '"amountPaid"']) {
    expect(text.includes(expected), `inspector shows ${expected}`);
  }
  const created = await logEntry("BookingCreated").first().innerText();
  expect(created.includes("loyalty") && created.includes("flights"), "the event fans out to both subscribers");
  const credited = await logEntry("LoyaltyPointsCredited").first().innerText();
  expect(credited.includes("no subscribers"), "the points event has no subscribers");
});

await test("a token on the diagram can be clicked to inspect its message", async () => {
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Book FL123" }).click();
  // Paused, the command's token sits where it left the Mobile App: click it there.
  const edge = page.locator('svg g.edge[data-kind="command"][data-from="mobile-app"] .edge-line');
  const start = await edge.evaluate((path) => {
    const p = path.getPointAtLength(0);
    const m = path.getScreenCTM();
    return { x: p.x * m.a + m.e, y: p.y * m.d + m.f };
  });
  await page.mouse.click(start.x, start.y);
  const details = inspector.locator(".message-details");
  expect((await details.getAttribute("data-kind")) === "command", "the command's token was picked");
  expect((await inspector.innerText()).includes("CreateBooking"), "its type shows");
  await page.getByRole("button", { name: "Play" }).click();
});

await test("a click on an older token picks that token, not its edge's newest message", async () => {
  const pause = page.getByRole("button", { name: "Pause" });
  if (await pause.count()) await pause.click();
  await page.getByRole("button", { name: "Reset" }).click();
  await page.getByRole("slider", { name: "Speed" }).fill("0");
  await page.getByRole("button", { name: "Book FL123" }).click();
  // At 0.25x the first command's token is about half way to the broker after 1.2 s.
  await page.getByRole("button", { name: "Play" }).click();
  await page.waitForTimeout(1200);
  await page.getByRole("button", { name: "Pause" }).click();
  await page.getByRole("button", { name: "Book FL123" }).click();
  const ids = await page.locator('.log-entry[data-type="CreateBooking"]').evaluateAll((els) => els.map((e) => e.dataset.messageId));
  expect(ids.length === 2, `two bookings in the log, got ${ids.length}`);
  await page.waitForTimeout(100); // a frame to paint the second token
  // Find the older token where it is drawn: the first command-blue pixel along the edge
  // past its start (the newer token sits at the start).
  const at = await page.evaluate(() => {
    const path = document.querySelector('svg g.edge[data-kind="command"][data-from="mobile-app"] .edge-line');
    const canvas = document.querySelector("canvas.token-layer");
    const rect = canvas.getBoundingClientRect();
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    const m = path.getScreenCTM();
    const total = path.getTotalLength();
    for (let l = total * 0.15; l < total * 0.95; l += 1) {
      const p = path.getPointAtLength(l);
      const x = p.x * m.a + m.e, y = p.y * m.d + m.f;
      const cx = Math.round((x - rect.left) * (canvas.width / rect.width));
      const cy = Math.round((y - rect.top) * (canvas.height / rect.height));
      const i = (cy * canvas.width + cx) * 4;
      const [r, g, b, a] = pixels.slice(i, i + 4);
      if (a > 200 && Math.abs(r - 47) < 30 && Math.abs(g - 111) < 30 && Math.abs(b - 222) < 30) return { x, y };
    }
    return null;
  });
  expect(at, "the older token is drawn on the edge");
  // Every message the inspector shows from the click on: the edge under the token must not
  // get its newest message shown first.
  await page.evaluate(() => {
    window.__shownIds = [];
    const region = document.querySelector(".payload-inspector");
    new MutationObserver(() => {
      const id = region.querySelector(".message-details")?.dataset.messageId;
      if (id && window.__shownIds.at(-1) !== id) window.__shownIds.push(id);
    }).observe(region, { subtree: true, childList: true, attributes: true });
  });
  await page.mouse.click(at.x, at.y);
  await page.waitForTimeout(100);
  const shown = await page.evaluate(() => window.__shownIds);
  expect(shown.length === 1 && shown[0] === ids[0], `only the older booking #${ids[0]} is shown, got ${JSON.stringify(shown)}`);
  await page.getByRole("slider", { name: "Speed" }).fill("2");
  await page.getByRole("button", { name: "Play" }).click();
});

await test("Check John's points: the app waits, then reads the answer", async () => {
  await ensurePlaying();
  await page.getByRole("button", { name: "Check John's points" }).click();
  const request = page.locator('.log-entry[data-kind="query"][data-type*="/points"]').last();
  await request.waitFor({ timeout: 30000 });
  await page.locator('.log-entry[data-kind="queryResponse"][data-type*="/points"]').last().waitFor({ timeout: 30000 });
  await request.locator("button").click();
  const text = await inspector.innerText();
  expect(text.includes("Request #") && text.includes("Response #"), "request and response");
  expect(text.includes('"points"'), "the balance");
});

await test("at 1,000 tokens, every message in flight can be reached through the log and inspected", async () => {
  const busy = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  watch(busy);
  try {
    await busy.goto(`${server.url}?bench=1000`);
    await busy.waitForFunction(() => window.__benchReady === true && window.__benchInFlight() >= 1000, null, { timeout: 30000 });
    await busy.getByRole("button", { name: "Pause" }).click();
    await busy.getByRole("checkbox", { name: "In flight" }).check();
    // The views refresh up to ten times a second: let the last refresh after the pause land,
    // then read the header and the log's count together.
    await busy.waitForTimeout(300);
    const { header, summary } = await busy.evaluate(() => ({
      header: document.querySelector(".in-flight").textContent,
      summary: document.querySelector(".log-count").textContent,
    }));
    const number = (text) => Number(text.replace(/,/g, ""));
    const hops = number(header.match(/([\d,]+) tokens in flight/)[1]);
    const matched = number(summary.match(/of ([\d,]+)/)[1]);
    const older = busy.getByRole("button", { name: "Older" });
    const ids = new Set();
    let pages = 0;
    for (;;) {
      const page = await busy.locator(".log-entry").evaluateAll((els) => els.map((e) => e.dataset.messageId));
      page.forEach((id) => ids.add(id));
      pages += 1;
      if ((await older.getAttribute("aria-disabled")) === "true") break;
      await older.click();
      expect(pages < 100, "the pages end");
    }
    expect(pages >= 10, `ten pages or more of 100, got ${pages}`);
    expect(ids.size === matched, `every listed message once: ${ids.size} ids, summary "${summary}"`);
    // In the bench scene each message travels one hop at a time.
    expect(matched === hops, `${matched} messages in flight listed, the header says ${hops} hops`);
    // The oldest page's first message, the one nearest to landing, opens in the inspector.
    const first = busy.locator(".log-entry").first();
    const id = await first.getAttribute("data-message-id");
    await first.locator("button").click();
    const shown = await busy.getByRole("region", { name: "Payload inspector" }).locator(".message-details").getAttribute("data-message-id");
    expect(shown === id, `the inspector shows #${id}, got #${shown}`);
  } finally {
    await busy.close();
  }
});

await test("no console errors or warnings, no failed requests", async () => {
  await page.waitForTimeout(500);
  expect(problems.length === 0, problems.join("\n"));
});

// The README's screenshot: the booking chain in flight, its event open in the inspector.
await mkdir(outDir, { recursive: true });
try {
  await page.getByRole("button", { name: "Reset" }).click();
  await ensurePlaying();
  await page.getByRole("slider", { name: "Speed" }).fill("2");
  await page.getByRole("button", { name: "Book FL123" }).click();
  await logEntry("BookingCreated").first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(400);
  await page.getByRole("button", { name: "Pause" }).click();
  await logEntry("BookingCreated").first().locator("button").click();
  await page.locator('[data-service="flights"]').click();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  console.log(`screenshot: ${SCREENSHOT}`);
} catch (error) {
  failed += 1;
  console.log(`  FAIL screenshot: ${error}`);
}

await browser.close();
await server.close();
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

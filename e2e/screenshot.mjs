// Takes a screenshot of dist/ served under /contrail/, after a few clicks, to look at what
// was built. Not a test. Usage:
//   STEPS="Book FL123,wait:3000,css:[data-service=loyalty]" SCHEME=dark WIDTH=800 \
//   OUT=shot.png node e2e/screenshot.mjs
// A step is a button's accessible name, "wait:MS", "css:SELECTOR" to click, "key:KEY" to
// press, or "select:NAME=VALUE" to choose in a select. FORCED=1 emulates forced colours
// (Windows High Contrast); GREY=1 takes the picture in greyscale; CLIP=SELECTOR takes only
// that element.
import { chromium } from "playwright-core";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serveStatic, CHROMIUM_ARGS, CHROMIUM_PATH } from "./serve-static.mjs";

const env = process.env;
const dist = env.DIST ?? join(dirname(fileURLToPath(import.meta.url)), "..", "dist");
const server = await serveStatic(dist, "/contrail/");
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const page = await browser.newPage({
  viewport: { width: Number(env.WIDTH ?? 1280), height: Number(env.HEIGHT ?? 800) },
  colorScheme: env.SCHEME ?? "light",
  reducedMotion: env.REDUCED ? "reduce" : "no-preference",
  forcedColors: env.FORCED ? "active" : "none",
});
page.on("console", (m) => console.log(`console ${m.type()}: ${m.text()}`));
page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
page.on("console", (m) => m.type() === "error" && console.log("console:", m.text()));
page.on("pageerror", (e) => console.log("pageerror:", e.message));
page.on("request", (r) => env.REQUESTS && console.log("request:", r.url()));
await page.goto(server.url + (env.QUERY ?? ""));
await page.locator("[data-service]").first().waitFor();
for (const step of (env.STEPS ?? "").split(",").filter(Boolean)) {
  if (step.startsWith("wait:")) await page.waitForTimeout(Number(step.slice(5)));
  else if (step.startsWith("css:")) await page.locator(step.slice(4)).first().click();
  else if (step.startsWith("key:")) await page.keyboard.press(step.slice(4));
  else if (step.startsWith("select:")) {
    const [name, value] = step.slice(7).split("=");
    await page.getByRole("combobox", { name }).selectOption(value);
  }
  else await page.getByRole("button", { name: step, exact: true }).click();
}
if (env.GREY) await page.addStyleTag({ content: "html { filter: grayscale(1); }" });
if (env.CLIP) await page.locator(env.CLIP).first().screenshot({ path: env.OUT ?? "screenshot.png" });
else await page.screenshot({ path: env.OUT ?? "screenshot.png", fullPage: env.FULL === "1" });
await browser.close();
await server.close();

// Browser tests of `recount serve`: a seeded database, the dashboard in headless Chromium
// (the Debian package at /usr/bin/chromium, driven by playwright-core), and the
// screenshots in docs/screenshots/. Run from the repository: `node web-tests/dashboard.test.mjs`
// (RECOUNT_BIN picks the binary, default target/debug/recount; CHROMIUM the browser).
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import SwaggerParser from "@apidevtools/swagger-parser";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bin = resolve(repo, process.env.RECOUNT_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(repo, "target"), "debug/recount"));
const shared = [join(repo, "../shared"), "/work/shared"].find((d) => existsSync(join(d, "corpus/seeds")));
if (!shared) throw new Error("no corpus: expected ../shared/corpus/seeds beside the repository");
const shots = join(repo, "docs/screenshots");
mkdirSync(shots, { recursive: true });

const tmp = mkdtempSync(join(tmpdir(), "recount-web-"));
const db = join(tmp, "recount.db");
const run = (...args) => execFileSync(bin, [...args, "--db", db], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
run("ingest", join(shared, "corpus/seeds"));
run("ingest", join(repo, "samples/corpus"));
const editor = run("token", "create", "--role", "editor", "--name", "Wang Editor");
const reader = run("token", "create", "--role", "reader", "--name", "Li Reader");

// Port 0: the server picks a free port and prints it.
const server = spawn(bin, ["serve", "--addr", "127.0.0.1:0", "--db", db], { stdio: ["ignore", "pipe", "inherit"] });
const base = await new Promise((ok, fail) => {
  let out = "";
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    if (m) ok(m[1]);
  });
  server.on("exit", (code) => fail(new Error(`recount serve exited with ${code}`)));
  setTimeout(() => fail(new Error("recount serve did not start in 30 s")), 30_000);
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
let failed = false;
const test = async (name, body) => {
  try {
    await body();
    console.log(`ok   ${name}`);
  } catch (e) {
    failed = true;
    console.log(`FAIL ${name}\n${e.stack ?? e}`);
  }
};

try {
  await test("GET /openapi.json validates as OpenAPI 3", async () => {
    const doc = await (await fetch(`${base}/openapi.json`)).json();
    assert.match(doc.openapi, /^3\./);
    await SwaggerParser.validate(doc);
  });

  const page = await (await browser.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  page.on("request", (r) => {
    if (!r.url().startsWith(base)) errors.push(`fetched from outside: ${r.url()}`);
  });

  let provinceCount = 0;
  await test("the dashboard lists the seed incidents and draws them on the map", async () => {
    await page.goto(`${base}/`);
    const rows = await page.locator("#incidents tbody tr").count();
    assert.ok(rows >= 20, `${rows} rows`);
    const points = await page.locator("svg.map g.points circle").count();
    assert.ok(points >= 20, `${points} points on the map`);
    // The Alxa Left Banner collapse lies in Inner Mongolia: its province is shaded.
    provinceCount = Number(await page.locator('svg.map a[data-adcode="150000"]').getAttribute("data-count"));
    assert.ok(provinceCount >= 1, "Inner Mongolia has incidents");
    assert.ok((await page.locator("svg.timeline rect").count()) > 0, "timeline bars");
    await page.screenshot({ path: join(shots, "list.png"), fullPage: false });
    await page.locator("section.map-panel").screenshot({ path: join(shots, "map.png") });
  });

  await test("clicking a province on the map filters the list to it", async () => {
    // A real click on a spot of the province that no incident's point covers (the
    // middle of Inner Mongolia's crescent lies outside it).
    const spot = await page.evaluate(() => {
      const path = document.querySelector('svg.map a[data-adcode="150000"] path');
      const box = path.getBoundingClientRect();
      for (let y = box.top + 2; y < box.bottom; y += 4)
        for (let x = box.left + 2; x < box.right; x += 4)
          if (document.elementFromPoint(x, y) === path) return { x, y };
      return null;
    });
    assert.ok(spot, "a visible spot of Inner Mongolia");
    await page.mouse.click(spot.x, spot.y);
    await page.waitForURL(/place=150000/);
    const places = await page.locator("#incidents tbody tr td:nth-child(3)").allTextContents();
    assert.equal(places.length, Math.min(provinceCount, 50));
    for (const p of places) assert.match(p, /Inner Mongolia/);
    assert.equal(await page.locator("#matching").textContent(), String(provinceCount));
    const csv = await page.locator("#download-csv").getAttribute("href");
    assert.match(csv, /place=150000/, "the download keeps the view");
    const body = await (await fetch(base + csv)).text();
    assert.equal(body.trim().split("\n").length, provinceCount + 1, "CSV: header and the view's rows");
  });

  let incidentUrl = "";
  await test("an incident shows its facts and the claims table", async () => {
    // From the province's view, the deadliest incident: the Alxa Left Banner collapse,
    // whose toll was revised as the reports came in.
    await page.goto(`${base}/?place=150000`);
    const deaths = await page.locator("#incidents tbody tr td.num").allTextContents();
    const worst = deaths.map((d) => Number(d || -1)).reduce((b, d, i, a) => (d > a[b] ? i : b), 0);
    await page.locator("#incidents tbody tr").nth(worst).locator("td a").click();
    await page.waitForURL(/\/incidents\/inc-/);
    incidentUrl = page.url();
    await page.locator("#claims table.claims").first().waitFor();
    const claims = await page.locator('table.claims[data-figure="dead"] tbody tr').count();
    assert.ok(claims >= 2, "every claim of the death toll");
    assert.ok((await page.locator('ol.figure-history[data-figure="dead"] li').count()) >= 2, "the toll over time");
    const headers = await page.locator('table.claims[data-figure="dead"] thead th').allTextContents();
    assert.deepEqual(headers, ["Value", "Qualifier", "Speaker", "As of", "Source", "Quote"]);
    assert.ok((await page.locator("#sources a[href^='/sources/']").count()) >= 1, "links to the archived originals");
  });

  await test("the dashboard speaks Chinese", async () => {
    await page.goto(`${base}/?lang=zh`);
    assert.equal(await page.locator("h1").first().textContent(), "事件");
    const title = await page.locator('svg.map a[data-adcode="150000"] title').textContent();
    assert.match(title, /^内蒙古自治区: \d+$/);
    await page.screenshot({ path: join(shots, "list-zh.png"), fullPage: false });
  });

  const login = async (secret) => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const p = await ctx.newPage();
    await p.goto(`${base}/login`);
    await p.fill('input[name="token"]', secret);
    await p.click('#login-form button[type="submit"]');
    await p.waitForURL(`${base}/`);
    return p;
  };

  await test("a reader sees no review forms and is refused a write", async () => {
    const p = await login(reader);
    assert.match(await p.locator("header .who").textContent(), /Li Reader/);
    await p.goto(incidentUrl);
    assert.equal(await p.locator("#edit-form").count(), 0);
    const id = incidentUrl.split("/incidents/")[1];
    // The dashboard's own cookie, posted the way the form would.
    const form = await p.request.post(`${base}/incidents/${id}/edit`, {
      form: { field: "dead", value: "1", reason: "trying" },
      maxRedirects: 0,
    });
    assert.equal(form.status(), 403);
    const api = await fetch(`${base}/api/incidents/${id}/edit`, {
      method: "POST",
      headers: { authorization: `Bearer ${reader}`, "content-type": "application/json" },
      body: JSON.stringify({ set: { dead: 1 }, reason: "trying" }),
    });
    assert.equal(api.status, 403);
    assert.equal((await api.json()).error.code, "forbidden");
    await p.context().close();
  });

  await test("an editor edits an incident and sees it in the history", async () => {
    const p = await login(editor);
    await p.goto(incidentUrl);
    await p.selectOption('#edit-form select[name="field"]', "dead");
    await p.fill('#edit-form input[name="value"]', "61");
    await p.fill('#edit-form input[name="reason"]', "Later official figure, checked against two outlets");
    await p.click('#edit-form button[type="submit"]');
    await p.waitForURL(/\/incidents\/inc-/);
    const row = p.locator("#history table.history tbody tr").last();
    assert.equal(await row.locator("td.who").textContent(), "Wang Editor");
    assert.match(await row.textContent(), /Later official figure/);
    assert.match(await p.locator("#facts").textContent(), /61/);
    const flags = await p.locator("#flags").textContent();
    assert.match(flags, /Reviewed/);
    assert.ok((await p.locator("#merge-form").count()) === 1, "the merge form for editors");
    await p.screenshot({ path: join(shots, "incident.png"), fullPage: true });
    await p.context().close();
  });

  await test("nothing was fetched from outside and no script error occurred", async () => {
    assert.deepEqual(errors, []);
  });
} finally {
  await browser.close();
  server.kill("SIGINT");
  rmSync(tmp, { recursive: true, force: true });
}
if (failed) process.exit(1);

// Nära in a real browser. Drives Debian's Chromium with playwright-core (no browser download),
// runs axe-core on every page visited (WCAG 2.1 A and AA: zero violations), and saves
// screenshots. Started by `cargo xtask e2e` (part of `cargo xtask ci`) and
// `cargo xtask screenshots`, which start `nara serve --demo` and pass in:
//   NARA_URL, NARA_ADMIN_PW, NARA_RESP_USER, NARA_RESP_ORG, NARA_RESP_PW, NARA_READER_PW,
//   NARA_FIXTURES, NARA_SHOTS,
//   NARA_GUIDE_SHOTS (optional: where the user guide's screenshots go).
import { chromium } from "playwright-core";
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const base = process.env.NARA_URL;
const shots = process.env.NARA_SHOTS || join(here, "..", "target", "e2e");
const guide = process.env.NARA_GUIDE_SHOTS || "";
const fixtures = process.env.NARA_FIXTURES;
const axeSource = readFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
mkdirSync(shots, { recursive: true });
if (guide) mkdirSync(guide, { recursive: true });

let failures = 0;
let checks = 0;
function check(cond, what) {
  checks++;
  if (!cond) {
    failures++;
    console.error(`FAIL: ${what}`);
  }
}

async function axe(page, name) {
  // The page's CSP forbids inline script; the test context bypasses CSP to inject axe only.
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      // WCAG 2.2's target size (2.5.8) is off in axe by default: switched on here.
      rules: { "target-size": { enabled: true } },
    }));
  for (const v of result.violations) {
    console.error(`axe ${name}: ${v.id} (${v.impact}) ${v.help} – ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  }
  check(result.violations.length === 0, `axe: no WCAG 2.2 A/AA violations (target size included) on ${name}`);
}

async function shot(page, name, forGuide) {
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  // The guide's copy shows the top of the page only, to keep the repository small.
  if (guide && forGuide) await page.screenshot({ path: join(guide, `${name}.png`), fullPage: false });
}

async function visit(page, path, name, forGuide = false) {
  const resp = await page.goto(base + path);
  check(resp && resp.status() < 400, `${path} answers (${resp && resp.status()})`);
  await axe(page, name);
  await shot(page, name, forGuide);
  return resp;
}

// Presses Tab until the focused element satisfies `is` (given the element's id, name, value,
// type and text), at most `max` times: moving through a page by keyboard only.
async function tabTo(page, what, is, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const el = await page.evaluate(() => {
      const e = document.activeElement;
      return e ? { id: e.id, name: e.getAttribute("name"), value: e.value, type: e.type, text: (e.textContent || "").trim() } : {};
    });
    if (is(el)) return true;
  }
  check(false, `Tab reaches ${what}`);
  return false;
}

async function signIn(context, user, password) {
  const page = await context.newPage();
  await page.goto(base + "/logga-in");
  await page.getByLabel("Användarnamn").fill(user);
  await page.getByLabel("Lösenord").fill(password);
  await page.getByRole("button", { name: "Logga in" }).click();
  await page.waitForLoadState();
  return page;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const newContext = () => browser.newContext({ bypassCSP: true, locale: "sv-SE", acceptDownloads: true, viewport: { width: 1280, height: 900 } });

try {
  // ------------------------------------------------------------ the sign-in page
  {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await visit(page, "/logga-in", "logga-in", true);
    await page.getByLabel("Användarnamn").fill("samordnare");
    await page.getByLabel("Lösenord").fill("fel-lösenord");
    await page.getByRole("button", { name: "Logga in" }).click();
    check((await page.textContent("body")).includes("Fel användarnamn eller lösenord"), "a wrong password is told in Swedish");
    await axe(page, "logga-in-fel");
    await ctx.close();
  }

  // ------------------------------------------------------------ sign-in at the organisation's own provider
  {
    const mock = process.env.NARA_OIDC_MOCK;
    const org = process.env.NARA_RESP_ORG;
    const sub = "anna.andersson";
    const put = await fetch(`${mock}/users/${sub}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tid: org, groups: ["nara-svarare"], email: `${sub}@kommun.se` }),
    });
    check(put.ok, "the identity provider takes the person's claims");
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(base + "/logga-in");
    await axe(page, "logga-in-sso");
    await shot(page, "logga-in-sso", true);
    await page.getByRole("link", { name: "Logga in med Testkommunen" }).click();
    await page.waitForLoadState();
    check(page.url().startsWith(mock), `the browser is at the provider (${page.url()})`);
    await page.locator("input[name=sub]").fill(sub);
    await page.getByRole("button", { name: "Authorize" }).click();
    await page.waitForLoadState();
    check(page.url().startsWith(base) && !page.url().includes("/logga-in"), `back in Nära, signed in (${page.url()})`);
    const body = await page.textContent("body");
    check(body.includes(`${sub}@kommun.se`), "signed in as the provider's person");
    const own = await page.goto(`${base}/omgangar/2026/org/${org}`);
    check(own.status() === 200, "the respondent sees their own kommun");
    const other = org === "2080" ? "2081" : "2080";
    const foreign = await page.goto(`${base}/omgangar/2026/org/${other}`);
    check(foreign.status() === 403, `and not another kommun (${foreign.status()})`);
    await ctx.close();
  }

  // ------------------------------------------------------------ the reader before publication
  const readerCtx = await newContext();
  {
    const page = await signIn(readerCtx, "lasare", process.env.NARA_READER_PW);
    await visit(page, "/omgangar", "lasare-omgangar");
    const rounds = await page.locator("tbody th[scope=row]").allTextContents();
    check(rounds.includes("2025") && !rounds.includes("2026"), `a reader sees only published rounds (${rounds})`);
    const r = await page.goto(base + "/omgangar/2026");
    check(r.status() === 404, "the open round is invisible to a reader");
  }

  // ------------------------------------------------------------ the coordinator
  const adminCtx = await newContext();
  const admin = await signIn(adminCtx, "samordnare", process.env.NARA_ADMIN_PW);
  check(admin.url().endsWith("/omgangar/2026"), "the coordinator lands on the newest county overview");
  await visit(admin, "/omgangar/2026", "lansoversikt", true);
  await visit(admin, "/omgangar/2026?nyckeltal=D1", "lansoversikt-nyckeltal");
  check((await admin.locator("table.indicators tbody tr").count()) >= 17, "the county's nyckeltal: every kommun, the region and Riket");
  if (guide) await admin.locator("table.indicators").screenshot({ path: join(guide, "nyckeltal-lan.png") });
  const orgLink = admin.locator("table.heat tbody a").first();
  const orgHref = await orgLink.getAttribute("href");
  await visit(admin, orgHref, "organisation", true);
  // The nyckeltal: the first delmål's cards on the organisation page, the county's table.
  check(await admin.locator("h2#nyckeltal").count() === 1, "the organisation page has its nyckeltal");
  check(await admin.locator("section.indicator svg[role=img]").count() > 0, "each indicator has its chart");
  if (guide) await admin.locator("section.indicator").first().screenshot({ path: join(guide, "nyckeltal-organisation.png") });
  const unitHref = await admin.locator("table.heat tbody a").first().getAttribute("href");
  await visit(admin, unitHref, "verksamhet", true);
  await visit(admin, "/omgangar/2026/delmal/D1", "delmal", true);

  // A new round: create and open it.
  await visit(admin, "/omgangar", "omgangar", true);
  await admin.getByLabel("Omgång (t.ex. 2027 eller 2027-H1)").fill("2027");
  await admin.getByRole("button", { name: "Skapa omgången" }).click();
  check((await admin.textContent("main")).includes("Omgången 2027 är skapad som utkast"), "a round is created");
  await admin.locator("form[action='/omgangar/2027/status'] button").first().click();
  check((await admin.textContent("main")).includes("Organisationerna kan lämna svar"), "opening a round says what it does first");
  await axe(admin, "omgang-bekrafta");
  await shot(admin, "omgang-bekrafta", true);
  await admin.getByRole("button", { name: "Ja, öppna för svar" }).click();
  check((await admin.textContent("main")).includes("Omgången 2027 är nu öppen"), "the round is opened");
  await axe(admin, "omgangar-efter");

  // Download a blank form.
  await visit(admin, "/omgangar/2026/nedladdningar", "nedladdningar", true);
  const [download] = await Promise.all([
    admin.waitForEvent("download"),
    admin.getByRole("link", { name: /Blankett för Falun/ }).click(),
  ]);
  check(download.suggestedFilename() === "blankett-2026-2080.xlsx", `a blank form downloads (${download.suggestedFilename()})`);

  // Response tracking before the upload.
  await visit(admin, "/omgangar/2026/svarslage", "svarslage", true);
  const before = await admin.textContent("main");

  // Upload a filled form and a broken one.
  await visit(admin, "/omgangar/2026/inlasning", "inlasning", true);
  await admin.getByLabel(/Blanketter/).setInputFiles([
    join(fixtures, "ifylld-2080-hemsjukvarden-bedomare.xlsx"),
    join(fixtures, "fel-2062-dubbla-id.xlsx"),
  ]);
  await admin.getByRole("button", { name: "Läs in" }).click();
  const uploaded = await admin.textContent("main");
  check(uploaded.includes("2 filer") && uploaded.includes("avvisad"), "the upload reports each file");
  check(uploaded.includes("finns två gånger"), "the broken file's problems are listed");
  await axe(admin, "inlasning-resultat");
  await shot(admin, "inlasning-resultat", true);
  await admin.goto(base + "/omgangar/2026/svarslage");
  const after = await admin.textContent("main");
  check(after !== before && after.includes("ifylld-2080-hemsjukvarden-bedomare.xlsx"), "the response tracking shows the new form");

  // Answer links for Falun, made by the coordinator.
  await visit(admin, "/omgangar/2026/lankar?org=2080", "svarslankar", true);
  await admin.getByLabel("Verksamhet", { exact: true }).fill("Webbenheten");
  await admin.getByRole("button", { name: "Skapa länkar" }).click();
  const linkUrl = (await admin.locator("code.url").first().textContent()).trim();
  check(linkUrl.startsWith(base + "/svar/"), `an answer link is shown as a whole address (${linkUrl})`);
  const linkPath = new URL(linkUrl).pathname;
  check((await admin.locator("textarea.message").first().inputValue()).includes(linkUrl), "a ready-to-send message carries the link");
  check(await admin.getByRole("button", { name: "Kopiera länken" }).count() > 0, "a copy button beside the link");
  check(await admin.getByRole("link", { name: "Spara länkarna som CSV-fil" }).count() === 1, "the links as a CSV file");
  await axe(admin, "svarslankar-ny");
  await shot(admin, "svarslankar-ny", true);
  // A second link, for the short answer below.
  await admin.getByLabel("Verksamhet", { exact: true }).fill("Korta svar");
  await admin.getByRole("button", { name: "Skapa länkar" }).click();
  const shortPath = new URL((await admin.locator("code.url").first().textContent()).trim()).pathname;

  // ------------------------------------------------------------ a respondent answers online, by keyboard
  {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await visit(page, linkPath, "webbformular", true);
    // On a phone (390 px) the form does not scroll sideways: text areas and inputs fit.
    await page.setViewportSize({ width: 390, height: 844 });
    const formWide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(formWide <= 390, `the online form fits a phone's width (${formWide} px)`);
    await page.setViewportSize({ width: 1366, height: 900 });
    // The whole form by keyboard only: Tab into each radio group (it lands on the checked
    // "Inget svar"), arrow keys to choose, Tab on; a comment per delmål; then submit.
    await page.getByLabel("Deltagare (namn eller roller)").focus();
    await page.keyboard.type("Enhetschef och två sjuksköterskor");
    await page.keyboard.press("Tab");
    await page.keyboard.type("2026-03-14");
    const areas = await page.locator("section.area").count();
    let total = 0;
    for (let a = 0; a < areas; a++) {
      const groups = await page.locator("section.area").nth(a).locator("fieldset.statement").count();
      for (let i = 0; i < groups; i++) {
        await page.keyboard.press("Tab");
        await page.keyboard.press("ArrowRight"); // from "Inget svar" round to level 1
        for (let k = 0; k < (i + a) % 4; k++) await page.keyboard.press("ArrowRight");
        total++;
      }
      await page.keyboard.press("Tab");
      await page.keyboard.type(`Kommentar till delmål ${a + 1}, skriven med tangentbordet.`);
      if (a === 0) {
        await page.waitForTimeout(1500);
        check((await page.textContent(".save-state")).includes("Sparat"), "autosave says Sparat");
        // Leave and come back: the answers so far are there.
        await page.reload();
        check((await page.textContent("main")).includes("Välkommen tillbaka"), "resume after reload");
        const kept = await page.locator("section.area").first().locator("input[type=radio]:checked").evaluateAll((els) => els.map((e) => e.value));
        check(kept.length === groups && kept.every((v) => v !== ""), `the keyboard answers were kept (${kept})`);
        // Back to where we were: the first area's comment field.
        await page.locator("section.area").first().locator("textarea").focus();
      }
    }
    const chosen = await page.locator("input[type=radio]:checked").evaluateAll((els) => els.filter((e) => e.value !== "").length);
    check(chosen === total, `every statement answered by keyboard (${chosen} of ${total})`);
    await shot(page, "webbformular-ifyllt", true);
    // Tab past "Spara utkast" to "Skicka in" and press Enter.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    check(await page.evaluate(() => document.activeElement && document.activeElement.textContent.trim()) === "Skicka in", "Tab reaches Skicka in");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/resultat$/);
    check((await page.textContent("main")).includes("Tack!"), "the result is shown after submitting");
    await axe(page, "webbformular-resultat");
    await shot(page, "webbformular-resultat", true);
    await ctx.close();
  }

  // ------------------------------------------------------------ a respondent adds an activity and follows it up, by keyboard only
  {
    const ctx = await newContext();
    const page = await signIn(ctx, process.env.NARA_RESP_USER, process.env.NARA_RESP_PW);
    const org = process.env.NARA_RESP_ORG;
    await page.goto(base + `/aktiviteter/${org}`);
    await tabTo(page, "the title field", (e) => e.id === "ny-title");
    await page.keyboard.type("Hemgång med stöd – tangentbord");
    await tabTo(page, "the description", (e) => e.id === "ny-description");
    await page.keyboard.type("Skrivet utan mus.");
    await tabTo(page, "the checkbox D1", (e) => e.name === "areas" && e.value === "D1");
    await page.keyboard.press("Space");
    await tabTo(page, "the category", (e) => e.id === "ny-category");
    await page.keyboard.type("kompetens");
    await tabTo(page, "the status", (e) => e.id === "ny-status");
    await page.keyboard.press("ArrowDown"); // planerad → pågår
    await tabTo(page, "the button Lägg till aktiviteten", (e) => e.type === "submit" && e.text === "Lägg till aktiviteten");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/aktiviteter\/\d{4}\/A-[A-Z0-9]+\?klart=ny$/);
    const added = await page.textContent("main");
    check(added.includes("Aktiviteten är tillagd.") && added.includes("Hemgång med stöd – tangentbord"), "the activity is added by keyboard");
    check(added.includes("kompetens") && added.includes("pågår"), "the chosen category and status are stored");
    await axe(page, "aktivitet");
    await shot(page, "aktivitet", true);
    // This round's follow-up: status klar, a comment, saved, by keyboard.
    await page.goto(page.url().split("?")[0]);
    await tabTo(page, "the follow-up status", (e) => e.id === "uppf-status");
    await page.keyboard.type("klar");
    await tabTo(page, "the follow-up comment", (e) => e.id === "uppf-comment");
    await page.keyboard.type("Klar i tid, följs upp igen nästa år.");
    await tabTo(page, "the button Spara uppföljningen", (e) => e.type === "submit" && e.text === "Spara uppföljningen");
    await page.keyboard.press("Enter");
    await page.waitForURL(/klart=uppfoljd$/);
    const followed = await page.textContent("main");
    check(followed.includes("Uppföljningen är sparad"), "the follow-up is saved by keyboard");
    const history = await page.locator("table").first().textContent();
    check(history.includes("2026") && history.includes("klar") && history.includes("Klar i tid"), `the history shows this round's follow-up (${history})`);
    await axe(page, "aktivitet-uppfoljd");
    // A local plan, from the organisation's page.
    await page.goto(base + `/aktiviteter/${org}`);
    await page.getByRole("link", { name: "Lägg till en lokal plan" }).click();
    await axe(page, "lokal-plan-ny");
    await shot(page, "lokal-plan-ny", true);
    await ctx.close();
  }

  // ------------------------------------------------------------ a short answer: asked first, then the new result at once
  {
    const ctx = await newContext();
    const page = await ctx.newPage();
    await page.goto(base + shortPath);
    const first = page.locator("section.area").first().locator("fieldset.statement");
    for (let i = 0; i < 2; i++) await first.nth(i).locator("input[type=radio][value='1']").check();
    check((await page.textContent(".answered-count")).trim() === "2", "the counter follows the answers");
    // With JavaScript a dialog asks; cancelling keeps the form.
    let asked = "";
    page.once("dialog", (d) => { asked = d.message(); d.dismiss(); });
    await page.getByRole("button", { name: "Skicka in" }).click();
    check(asked.includes("för få svar"), `a dialog asks before a short form is sent (${asked})`);
    check(page.url().endsWith(shortPath), "cancelling stays on the form");
    page.once("dialog", (d) => d.accept());
    await page.getByRole("button", { name: "Skicka in" }).click();
    await page.waitForURL(/\/resultat$/);
    check((await page.textContent("main")).includes("Tack!"), "the short form is sent after the question");
    // Everything answered with 4 and sent again: the result is the new one at once.
    await page.goto(base + shortPath);
    for (const g of await page.locator("fieldset.statement").all()) await g.locator("input[type=radio][value='4']").check();
    await page.getByRole("button", { name: "Skicka in" }).click();
    await page.waitForURL(/\/resultat$/);
    check((await page.textContent("main")).includes("4,00"), "the result after the second submission is the new one");
    await axe(page, "webbformular-resultat-igen");
    await ctx.close();
  }

  // ------------------------------------------------------------ close, publish, the reader sees it
  await admin.goto(base + "/omgangar");
  await admin.locator("form[action='/omgangar/2026/status'] button", { hasText: "Stäng" }).click();
  check((await admin.textContent("main")).includes("Inga fler svar tas emot"), "closing says what it does first");
  await admin.getByRole("button", { name: "Ja, stäng omgången" }).click();
  check((await admin.textContent("main")).includes("Omgången 2026 är nu stängd"), "the round is closed");
  await admin.locator("form[action='/omgangar/2026/status'] button", { hasText: "Publicera" }).click();
  check((await admin.textContent("main")).includes("Alla med konto ser omgångens resultat"), "publishing says to whom first");
  await admin.getByRole("button", { name: "Ja, publicera" }).click();
  check((await admin.textContent("main")).includes("Omgången 2026 är nu publicerad"), "the round is published");
  const summaryLink = admin.getByRole("link", { name: /Länssammanställning/ });
  await admin.goto(base + "/omgangar/2026/nedladdningar");
  if (await summaryLink.count() > 0) {
    const [sum] = await Promise.all([admin.waitForEvent("download"), summaryLink.first().click()]);
    check(sum.suggestedFilename().endsWith(".xlsx"), "the county summary downloads");
  } else {
    console.error("NOTE: no county summary download on the page yet");
  }
  {
    const page = await readerCtx.newPage();
    await page.goto(base + "/omgangar");
    const rounds = await page.locator("tbody th[scope=row]").allTextContents();
    check(rounds.includes("2026"), "after publication the reader sees the round");
    await visit(page, "/omgangar/2026", "lasare-lansoversikt");
  }
  // Everyone else's pages once more for axe, as the respondent.
  {
    const ctx = await newContext();
    const page = await signIn(ctx, process.env.NARA_RESP_USER, process.env.NARA_RESP_PW);
    check(page.url().endsWith(`/org/${process.env.NARA_RESP_ORG}`) || page.url().endsWith("/omgangar/2026"), `the respondent lands on their organisation (${page.url()})`);
    await visit(page, `/omgangar/2026/org/${process.env.NARA_RESP_ORG}`, "respondent-organisation");
    await visit(page, "/omgangar/2026/lankar", "respondent-lankar");
    await ctx.close();
  }
  for (const [path, name] of [["/admin/anvandare", "konton"], ["/admin/logg", "logg"], ["/admin/instrument", "instrument"], ["/admin/nyckeltal", "nyckeltal-admin"], ["/aktiviteter", "aktiviteter"], ["/aktiviteter/2080", "aktiviteter-organisation"], ["/arsrapport/2026", "arsrapport"], ["/arsrapport/2026/texter", "arsrapport-texter"]]) {
    await visit(admin, path, name, name !== "logg");
  }

  // ------------------------------------------------------------ phones: no page scrolls sideways (wide tables scroll in their own box)
  {
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.goto(base + "/omgangar/2026");
    const orgHref = await admin.locator("table.heat tbody a[href*='/org/']").first().getAttribute("href");
    await admin.goto(base + orgHref);
    const unitHref = await admin.locator("a[href*='/enhet/']").first().getAttribute("href");
    for (const path of ["/omgangar", "/omgangar/2026", "/omgangar/2026?sortera=index", orgHref, unitHref, "/omgangar/2026/delmal/D1", "/omgangar/2026/svarslage", "/omgangar/2026/inlasning", "/omgangar/2026/lankar", "/admin/anvandare", "/admin/logg", "/admin/nyckeltal", "/nyckeltal", "/aktiviteter"]) {
      await admin.goto(base + path);
      const wide = await admin.evaluate(() => document.documentElement.scrollWidth);
      check(wide <= 390, `${path} fits a phone's width (${wide} px)`);
    }
    // The county table shows organisation and index first, the delmål after.
    await admin.goto(base + "/omgangar/2026");
    const heads = (await admin.locator("table.heat thead th").allTextContents()).map((t) => t.trim());
    check(heads[0].startsWith("Organisation") && heads[2].startsWith("Index"), `organisation and index first (${heads.slice(0, 3)})`);
    await admin.setViewportSize({ width: 1366, height: 900 });
  }

  // ------------------------------------------------------------ the county table sorts by its headings, without JavaScript
  {
    await admin.goto(base + "/omgangar/2026");
    await admin.locator("table.heat thead a.sort", { hasText: "Index" }).click();
    const sortedBy = await admin.locator("table.heat thead th[aria-sort='descending']").textContent();
    check(sortedBy.includes("Index"), `the index heading sorts highest first (${sortedBy})`);
    const values = await admin.locator("table.heat tbody tr td:nth-child(3)").evaluateAll((tds) =>
      tds.map((td) => parseFloat((td.querySelector(".value")?.textContent || td.textContent).replace(",", ".").replace("−", "-"))).filter((x) => !isNaN(x)));
    check(values.length > 1 && values.every((v, i) => i === 0 || values[i - 1] >= v), `the index column runs highest first (${values})`);
    await admin.getByRole("link", { name: "Visa bara kommunerna" }).click();
    const regionShown = await admin.locator("table.heat tbody a", { hasText: "Region Dalarna" }).count();
    check(regionShown === 0, "only the kommuner are shown on request");
    await axe(admin, "lansoversikt-sorterad");
  }

  // ------------------------------------------------------------ the county and organisation pages print on A4 landscape
  {
    await admin.setViewportSize({ width: 1366, height: 900 });
    for (const [path, name] of [["/omgangar/2026", "lansoversikt"], ["/omgangar/2026/org/20", "organisation"]]) {
      await admin.goto(base + path);
      await admin.emulateMedia({ media: "print" });
      // A4 landscape is about 1047 CSS px wide inside 12 mm margins: no table may be wider.
      await admin.setViewportSize({ width: 1047, height: 700 });
      const widest = await admin.evaluate(() => Math.max(...[...document.querySelectorAll("table")].map((t) => t.scrollWidth)));
      check(widest <= 1047, `${name} prints without cutting columns (widest table ${widest} px)`);
      const printed = await admin.pdf({ format: "A4", landscape: true, printBackground: true, preferCSSPageSize: true });
      writeFileSync(join(shots, `${name}-utskrift.pdf`), printed);
      const pages = (printed.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
      check(pages >= 1 && pages <= 20, `${name} prints on A4 pages, not hundreds (${pages})`);
      await admin.emulateMedia({ media: "screen" });
      await admin.setViewportSize({ width: 1366, height: 900 });
    }
  }

  // ------------------------------------------------------------ error pages keep the frame and pass axe
  {
    for (const [path, status, name] of [["/finns-inte", 404, "fel-404"], ["/arsrapport/1999x", 404, "fel-404-ar"], ["/admin/logg?fran=igår", 400, "fel-400"]]) {
      const resp = await admin.goto(base + path);
      check(resp && resp.status() === status, `${path} answers ${status} (${resp && resp.status()})`);
      check(await admin.locator("header.top nav").isVisible(), `${path}: the menu is there`);
      await axe(admin, name);
    }
  }

  // ------------------------------------------------------------ the årsrapport: the summary written, read and downloaded as a PDF
  {
    await admin.goto(base + "/arsrapport/2026/texter");
    const bullets = ["Länet har tagit tydliga steg mot nära vård.", "Fler kommuner har en gemensam plan med regionen."];
    await admin.getByLabel("Sammanfattningens punkter").fill(bullets.join("\n"));
    await admin.getByRole("button", { name: "Spara texterna" }).click();
    await admin.waitForLoadState();
    check((await admin.textContent("main")).includes("Texterna är sparade"), "the report's texts are saved");
    await visit(admin, "/arsrapport/2026", "arsrapport-sammanfattning");
    const shown = (await admin.locator("#sammanfattning li").allTextContents()).map((t) => t.trim());
    check(bullets.every((b) => shown.includes(b)), `the summary's bullets are on the report (${shown})`);
    // The PDF is typeset on the server: give it time.
    const [pdf] = await Promise.all([
      admin.waitForEvent("download", { timeout: 120000 }),
      admin.getByRole("link", { name: "årsrapporten som PDF" }).click(),
    ]);
    check(pdf.suggestedFilename() === "arsrapport-2026-utkast.pdf", `the draft's PDF is named as a draft (${pdf.suggestedFilename()})`);
    const bytes = readFileSync(await pdf.path());
    check(bytes.subarray(0, 5).toString("latin1") === "%PDF-", "the download is a PDF");
    check(bytes.length > 20 * 1024, `the PDF holds the report (${bytes.length} bytes)`);
    // On a phone (390 px) the report does not scroll sideways; its tables scroll in their box.
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.goto(base + "/arsrapport/2026");
    const wide = await admin.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 390, `the årsrapport fits a phone's width (${wide} px)`);
    await shot(admin, "arsrapport-390", false);
    // Printed on A4: the menu and the buttons are gone, a chapter per page, no page cut wider.
    await admin.setViewportSize({ width: 1366, height: 900 });
    await admin.emulateMedia({ media: "print" });
    const menuShown = await admin.locator("header.top").isVisible();
    check(!menuShown, "the menu is not printed");
    const printed = await admin.pdf({ format: "A4", printBackground: true });
    const pages = (printed.toString("latin1").match(/\/Type\s*\/Page[^s]/g) || []).length;
    check(pages >= 8 && pages <= 60, `the printed report has a page per chapter and profile, not hundreds (${pages} pages)`);
    await admin.emulateMedia({ media: "screen" });
  }
} catch (e) {
  failures++;
  console.error(`FAIL: ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(`e2e: ${checks} checks, ${failures} failed; screenshots in ${shots}`);
process.exit(failures === 0 ? 0 : 1);

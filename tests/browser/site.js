// Drives `errorx site`'s output in Chromium: `node site.js CONFIG.json`.
// The config (written by crates/cli/tests/site.rs) names the site, its
// codes and locales, problem `type` URIs of real responses, and the
// queries with what `errorx explain` answers for each. Prints what it
// checked; exits 1 with every failure listed.
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const { pathToFileURL } = require("url");
const { launch } = require(process.env.ERRORX_BROWSER_LAUNCH || "./launch.js");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const failures = [];
const fail = (message) => failures.push(message);
const siteUrl = pathToFileURL(config.siteDir + "/").href;

// A static host as nginx and GitHub Pages behave: a folder without its
// slash is redirected to it, a folder is served as its index.html.
function serve(root) {
  const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, "http://localhost");
    const file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root)) return response.writeHead(403).end();
    fs.stat(file, (error, stat) => {
      if (!error && stat.isDirectory()) {
        if (!url.pathname.endsWith("/")) {
          return response.writeHead(301, { location: url.pathname + "/" }).end();
        }
        return send(path.join(file, "index.html"));
      }
      send(file);
    });
    function send(file) {
      fs.readFile(file, (error, bytes) => {
        if (error) return response.writeHead(404).end();
        response.writeHead(200, { "content-type": types[path.extname(file)] || "application/octet-stream" }).end(bytes);
      });
    }
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function heading(page) {
  return (await page.textContent("h1")).replace(/\s+/g, " ").trim();
}

async function main() {
  const started = Date.now();
  const { browser, context, requests, consoleErrors } = await launch();
  const server = await serve(config.siteDir);
  const httpOrigin = `http://127.0.0.1:${server.address().port}`;
  const page = await context.newPage();

  // Every code reachable from each locale's index, and its page is its
  // own: the locales on parallel pages.
  await Promise.all(config.locales.map(async (locale) => {
    const tab = await context.newPage();
    await tab.goto(siteUrl + locale.root + "index.html");
    if ((await tab.getAttribute("html", "lang")) !== locale.tag) fail(`${locale.tag}: the index's lang is not ${locale.tag}`);
    const links = await tab.$$eval("a.code", (as) => as.map((a) => [a.textContent, a.href]));
    const linked = new Set(links.map(([code]) => code));
    for (const code of config.codes) if (!linked.has(code)) fail(`${locale.tag}: the index does not link ${code}`);
    if (linked.size !== config.codes.length) fail(`${locale.tag}: the index links ${linked.size} codes, not ${config.codes.length}`);
    for (const [code, href] of links) {
      await tab.goto(href, { waitUntil: "domcontentloaded" });
      const h1 = await heading(tab);
      if (!h1.startsWith(code + " ")) fail(`${locale.tag}: ${href} shows ${JSON.stringify(h1)}, not ${code}`);
    }
    await tab.close();
  }));

  // Problem `type` URIs of real responses, the base mapped onto the site:
  // on a static host as they are; from file:// with the index.html a
  // folder is opened by.
  for (const { url, code } of config.typeUrls) {
    if (!url.startsWith(config.baseUrl)) { fail(`${url} is not under ${config.baseUrl}`); continue; }
    const rest = url.slice(config.baseUrl.length);
    for (const mapped of [`${httpOrigin}/${rest}`, `${siteUrl}${rest}/index.html`]) {
      const response = await page.goto(mapped);
      if (response && !response.ok()) fail(`${mapped}: status ${response.status()}`);
      const h1 = await heading(page);
      if (!h1.startsWith(code + " ")) fail(`${mapped} (type ${url}) shows ${JSON.stringify(h1)}, not ${code}`);
      const shown = await page.textContent("code.type");
      if (shown !== url) fail(`${mapped}: the page's problem type is ${shown}, not ${url}`);
    }
  }

  // The search finds what `errorx explain` finds, from every spelling.
  await page.goto(siteUrl + "index.html");
  for (const search of config.searches) {
    await page.fill("#q", search.query);
    const results = await page.$$eval("#results a.result", (as) => as.map((a) => a.textContent.split(/\s+/)[0]));
    const note = (await page.textContent("#results")) || "";
    const expect = search.expect;
    const got = JSON.stringify({ results, note });
    if (expect.kind === "found" && !(results.length === 1 && results[0] === expect.code)) fail(`search ${JSON.stringify(search.query)}: expected ${expect.code}, got ${got}`);
    if (expect.kind === "suggestions" && !(JSON.stringify(results) === JSON.stringify(expect.codes) && (await page.$("#results .suggestion")))) fail(`search ${JSON.stringify(search.query)}: expected suggestions ${expect.codes}, got ${got}`);
    if (expect.kind === "notInCatalog" && !(results.length === 0 && (await page.$("#results .not-in-catalog")) && note.startsWith(expect.code + " "))) fail(`search ${JSON.stringify(search.query)}: expected ${expect.code} not in the catalog, got ${got}`);
    if (expect.kind === "none" && !(results.length === 0 && (await page.$("#results .no-match")))) fail(`search ${JSON.stringify(search.query)}: expected no match, got ${got}`);
  }
  // A typo's suggestion, captured.
  await page.fill("#q", config.typo);
  fs.mkdirSync(config.screenshots, { recursive: true });
  await page.screenshot({ path: path.join(config.screenshots, "search-suggestion.png") });
  // Enter on the index opens the code found; the box on a code page
  // searches from the index with ?q=.
  await page.fill("#q", "GIT 8");
  await Promise.all([page.waitForURL(/errors\/GIT-ERR-8\/index\.html$/), page.press("#q", "Enter")]);
  await page.fill("#q", "gitAuthFailed");
  await Promise.all([page.waitForURL(/index\.html\?q=gitAuthFailed$/), page.press("#q", "Enter")]);
  const fromQuery = await page.$$eval("#results a.result", (as) => as.map((a) => a.textContent.split(/\s+/)[0]));
  if (fromQuery[0] !== "GIT-ERR-8") fail(`?q=gitAuthFailed shows ${fromQuery}`);

  // Traditional script on the zh-HK pages, Simplified on zh-CN's.
  for (const { page: file, must, mustNot } of config.scripts) {
    await page.goto(siteUrl + file);
    const text = await page.textContent("body");
    for (const word of must) if (!text.includes(word)) fail(`${file} lacks ${word}`);
    for (const word of mustNot) if (text.includes(word)) fail(`${file} has ${word}`);
  }
  await page.goto(siteUrl + config.screenshotPage);
  await page.screenshot({ path: path.join(config.screenshots, "code-page.png"), fullPage: true });

  for (const error of consoleErrors) fail(`console error: ${error}`);
  const leaving = requests.filter((url) => !url.startsWith(siteUrl) && !url.startsWith(httpOrigin + "/"));
  for (const url of leaving) fail(`a request left the page's origin: ${url}`);
  await browser.close();
  server.close();
  console.log(`checked ${config.locales.length} locales x ${config.codes.length} codes, ${config.typeUrls.length} type URIs, ${config.searches.length} searches; ${requests.length} requests, all from the site; ${Date.now() - started} ms`);
  if (failures.length) {
    console.error(failures.slice(0, 50).join("\n"));
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(error && error.stack || String(error));
  process.exit(1);
});

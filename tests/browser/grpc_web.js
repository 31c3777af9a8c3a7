// Drives tests/web's page in Chromium: `node grpc_web.js CONFIG.json`. The
// config (written by tests/it/browser.rs) names the page's URL, the
// browser's language, the calls to make (code, context, unary or streaming
// after N replies) with what the page must show for each, whether the
// details must be visible, and where the screenshot goes. Prints what the
// page showed as JSON on stdout; exits 1 with every failure listed.
"use strict";
const fs = require("fs");
const { chromium } = require("playwright-core");
const { FLAGS } = require(process.env.ERRORX_BROWSER_LAUNCH || "./launch.js");

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const failures = [];
const fail = (message) => failures.push(message);

const FIELDS = {
  callKind: "#call-kind",
  replies: "#replies",
  grpcCode: "#grpc-code",
  codeString: "#code-string",
  reason: "#reason",
  typed: "#typed",
  context: "#context-shown",
  localized: "#localized",
  localizedLocale: "#localized-locale",
  retry: "#retry",
  message: "#message",
};

async function main() {
  const started = Date.now();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
    headless: true,
  });
  // The browser's language, which Chromium sends as Accept-Language.
  const context = await browser.newContext({ locale: config.locale, viewport: { width: 1000, height: 700 } });
  const consoleErrors = [];
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  const requests = [];
  page.on("request", (request) => requests.push({ url: request.url(), method: request.method() }));

  await page.goto(config.pageUrl);
  const language = await page.evaluate(() => navigator.language);
  if (language !== config.locale) fail(`navigator.language is ${language}, not ${config.locale}`);

  const shown = [];
  let run = 0;
  for (const call of config.calls) {
    await page.fill("#code", call.code);
    await page.fill("#context", call.context);
    await page.fill("#messages", String(call.messages));
    run += 1;
    await page.click(call.kind === "unary" ? "#unary" : "#stream");
    await page.waitForSelector(`#result[data-run="${run}"]`, { timeout: 10000 });
    const got = {};
    for (const [name, selector] of Object.entries(FIELDS)) got[name] = await page.textContent(selector);
    shown.push({ call, got });
    const label = `${call.kind} ${call.code}`;
    for (const [name, value] of Object.entries(call.expect)) {
      if (got[name] !== value) fail(`${label}: ${name} is ${JSON.stringify(got[name])}, not ${JSON.stringify(value)}`);
    }
  }
  if (config.screenshot) {
    // The last call's result stays on the page.
    await page.screenshot({ path: config.screenshot, fullPage: true });
  }
  if (config.noConsoleErrors) for (const error of consoleErrors) fail(`console error: ${error}`);
  await browser.close();
  console.log(JSON.stringify({ shown, consoleErrors, requests: requests.length, ms: Date.now() - started }));
  if (failures.length) {
    console.error(failures.slice(0, 60).join("\n"));
    process.exit(1);
  }
}

main().catch((error) => {
  console.error((error && error.stack) || String(error));
  process.exit(1);
});

// Launches Debian's Chromium with playwright-core, with the flags every
// browser test uses, and records what a page does that a test must see:
// every request and every console error.
"use strict";
const { chromium } = require("playwright-core");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// The browser, a context, and the lists the context's pages fill.
async function launch() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: FLAGS,
    headless: true,
  });
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  const requests = [];
  const consoleErrors = [];
  context.on("request", (request) => requests.push(request.url()));
  const watch = (page) => {
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`${page.url()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => consoleErrors.push(`${page.url()}: ${error.message}`));
  };
  context.on("page", watch);
  return { browser, context, requests, consoleErrors };
}

module.exports = { launch, FLAGS };

// The site's search: `errorx explain`'s lookup rules (crates/cli/src/lookup.rs)
// over the index in search-index.js. Any change to those rules changes
// this file too; the browser test compares the two on every spelling.
(function () {
  "use strict";
  var index = window.ERRORX_INDEX;
  var box = document.getElementById("q");
  var results = document.getElementById("results");
  if (!index || !box) return;
  var body = document.body;
  var root = body.getAttribute("data-locale-root") || "";
  var locale = document.documentElement.lang;
  var words = JSON.parse(body.getAttribute("data-words") || "{}");

  // Lowercase ASCII letters and digits only.
  function squash(text) {
    return text.replace(/[^A-Za-z0-9]/g, "").toLowerCase();
  }

  // strsim::levenshtein, on ASCII.
  function levenshtein(a, b) {
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 1; i <= a.length; i++) {
      var previous = row[0];
      row[0] = i;
      for (var k = 1; k <= b.length; k++) {
        var saved = row[k];
        row[k] = Math.min(row[k] + 1, row[k - 1] + 1, previous + (a[i - 1] === b[k - 1] ? 0 : 1));
        previous = saved;
      }
    }
    return row[b.length];
  }

  // `GIT 8`, `git-err-99`, `MODULE42-ERR-7`: a module number and a number.
  function moduleAndNumber(key) {
    var match = /^(.*?)([0-9]+)$/.exec(key);
    if (!match || match[1] === "" || !/[^0-9]$/.test(match[1])) return null;
    var number = Number(match[2]);
    if (!(number <= 4294967295)) return null;
    var name = match[1];
    if (name.slice(-3) === "err") name = name.slice(0, -3);
    if (name.indexOf("module") === 0) {
      var numbered = name.slice(6);
      if (!/^[0-9]+$/.test(numbered) || Number(numbered) > 2147483647) return null;
      return { module: Number(numbered), number: number };
    }
    for (var m = 0; m < index.modules.length; m++) {
      if (index.modules[m].prefix.toLowerCase() === name) {
        return { module: index.modules[m].number, number: number };
      }
    }
    return null;
  }

  function lookup(query) {
    var key = squash(query.trim());
    if (key === "") return { suggestions: [] };
    for (var c = 0; c < index.codes.length; c++) {
      if (index.codes[c].keys.indexOf(key) >= 0) return { found: index.codes[c] };
    }
    var parts = moduleAndNumber(key);
    if (parts) {
      for (var d = 0; d < index.codes.length; d++) {
        var code = index.codes[d];
        if (code.module === parts.module && code.number === parts.number) return { found: code };
      }
      var module = index.modules.filter(function (m) { return m.number === parts.module; })[0];
      var prefix = module ? module.prefix : "MODULE" + parts.module;
      return { notInCatalog: prefix + "-ERR-" + parts.number, module: module ? module.prefix : "#" + parts.module, number: parts.number };
    }
    var limit = Math.max(Math.floor(key.length / 3), 2);
    if (key.length > index.longestSpelling + limit) return { suggestions: [] };
    var ranked = [];
    index.codes.forEach(function (code) {
      var distance = Math.min.apply(null, code.keys.map(function (k) { return levenshtein(k, key); }));
      if (distance <= limit) ranked.push({ distance: distance, code: code });
    });
    ranked.sort(function (a, b) {
      return a.distance - b.distance || (a.code.code < b.code.code ? -1 : a.code.code > b.code.code ? 1 : 0);
    });
    return { suggestions: ranked.slice(0, index.maxSuggestions).map(function (r) { return r.code; }) };
  }
  window.errorxLookup = lookup;

  function link(code) {
    var item = document.createElement("li");
    var a = document.createElement("a");
    a.href = root + "errors/" + code.code + "/index.html";
    a.className = "result";
    a.textContent = code.code + "  " + code.name;
    item.appendChild(a);
    var message = code.messages[locale];
    if (message) {
      var span = document.createElement("span");
      span.textContent = " " + message;
      item.appendChild(span);
    }
    return item;
  }

  function show(query) {
    if (!results) return;
    results.textContent = "";
    if (query.trim() === "") return;
    var found = lookup(query);
    var list = document.createElement("ul");
    var heading = document.createElement("p");
    if (found.found) {
      list.appendChild(link(found.found));
    } else if (found.notInCatalog) {
      heading.className = "not-in-catalog";
      heading.textContent = found.notInCatalog + " " + (words.notInCatalog || "") + " (" + (words.module || "module") + " " + found.module + ")";
    } else if (found.suggestions.length) {
      heading.className = "suggestion";
      heading.textContent = (words.didYouMean || "Did you mean:");
      found.suggestions.forEach(function (code) { list.appendChild(link(code)); });
    } else {
      heading.className = "no-match";
      heading.textContent = (words.noMatch || "No code matches") + ": " + query;
    }
    if (heading.textContent) results.appendChild(heading);
    if (list.childNodes.length) results.appendChild(list);
  }

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) box.value = initial;
  show(box.value);
  box.addEventListener("input", function () { show(box.value); });
  box.form.addEventListener("submit", function (event) {
    // On the index, Enter opens the code found; elsewhere the form goes
    // to the index with ?q=.
    if (!results) return;
    event.preventDefault();
    var found = lookup(box.value);
    if (found.found) window.location.href = root + "errors/" + found.found.code + "/index.html";
  });
})();

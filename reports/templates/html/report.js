// fargate-netcheck report: client-side filtering by verdict and severity (no libraries, no network).
// Filters can be preset from the address: #verdict=unreachable,unknown&severity=error&suppressed=0
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }

  function checkedValues(name) {
    var boxes = form.querySelectorAll("input[name=" + name + "]");
    return Array.prototype.filter.call(boxes, function (box) { return box.checked; })
      .map(function (box) { return box.value; });
  }

  function readHash() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    ["verdict", "severity"].forEach(function (name) {
      var wanted = params.get(name);
      if (wanted === null) { return; }
      var values = wanted.split(",");
      form.querySelectorAll("input[name=" + name + "]").forEach(function (box) {
        box.checked = values.indexOf(box.value) >= 0;
      });
    });
    if (params.get("suppressed") !== null) {
      form.querySelector("input[name=suppressed]").checked = params.get("suppressed") !== "0";
    }
  }

  function apply() {
    var verdicts = checkedValues("verdict");
    var severities = checkedValues("severity");
    var showSuppressed = form.querySelector("input[name=suppressed]").checked;
    var targets = 0;
    var findings = 0;
    document.querySelectorAll("article.target[data-verdict]").forEach(function (card) {
      var show = verdicts.indexOf(card.dataset.verdict) >= 0;
      card.hidden = !show;
      if (show) { targets += 1; }
    });
    document.querySelectorAll("article.finding[data-severity]").forEach(function (item) {
      var show = severities.indexOf(item.dataset.severity) >= 0 &&
        (showSuppressed || item.dataset.suppressed !== "true");
      item.hidden = !show;
      if (show) { findings += 1; }
    });
    document.getElementById("filter-status").textContent =
      "Showing " + targets + " targets and " + findings + " findings";
    document.body.dataset.visibleTargets = String(targets);
    document.body.dataset.visibleFindings = String(findings);
  }

  readHash();
  form.addEventListener("change", apply);
  window.addEventListener("hashchange", function () { readHash(); apply(); });
  form.hidden = false;
  apply();
  document.body.dataset.filters = "ready";
  // A canary for the browser test: stays "false" unless an injected script ran.
  document.body.dataset.pwned = String(Boolean(window.pwned));
})();

// Path groups: drawn when opened, from the JSON data block (DOM APIs and textContent only: no
// markup is ever built from the data, so an untrusted string stays text).
(function () {
  "use strict";
  var block = document.getElementById("path-data");
  if (!block) { return; }
  var groups = null;
  var SVG = "http://www.w3.org/2000/svg";
  var PAGE = 1000;

  function el(name, attrs, text) {
    var node = document.createElement(name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function svgEl(name, attrs) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function diagram(g) {
    var svg = svgEl("svg", { "class": "hops", role: "img", width: g.w, height: g.h,
      viewBox: "0 0 " + g.w + " " + g.h });
    svg.setAttribute("aria-label", g.check + " path: " + g.boxes.map(function (b) { return b[0]; }).join(" → "));
    g.arrows.forEach(function (a) {
      svg.appendChild(svgEl("polyline", { "class": "arrow " + a[1], points: a[0], "marker-end": "url(#arrowhead)" }));
    });
    g.boxes.forEach(function (b) {
      var box = svgEl("g", { "class": "hop " + b[4], "data-hop": b[0] });
      var title = svgEl("title", {});
      title.textContent = b[1] + " " + b[0] + (b[3] ? " (" + b[3] + ")" : "");
      box.appendChild(title);
      box.appendChild(svgEl("rect", { x: b[5], y: b[6], width: 180, height: 58, rx: 6 }));
      [["kind", (b[4] === "blocked" ? "✕ " : "") + b[1], 16], ["hop-id", b[2], 33], ["hop-name", b[3], 50]]
        .forEach(function (t) {
          if (!t[1]) { return; }
          var text = svgEl("text", { "class": t[0], x: b[5] + 90, y: b[6] + t[2] });
          text.textContent = t[1];
          box.appendChild(text);
        });
      svg.appendChild(box);
    });
    var scroll = el("div", { "class": "path-scroll" });
    scroll.appendChild(svg);
    return scroll;
  }

  function members(g, list, from) {
    g.members.slice(from, from + PAGE).forEach(function (m) {
      var item = el("li");
      item.appendChild(el("code", {}, m[0]));
      item.appendChild(document.createTextNode(" in "));
      item.appendChild(el("code", {}, m[1]));
      list.appendChild(item);
    });
    return from + PAGE;
  }

  function fill(details) {
    groups = groups || JSON.parse(block.textContent);
    var g = groups[Number(details.dataset.group)];
    var body = details.querySelector(".path-body");
    body.appendChild(el("p", { "class": "muted" }, "Drawn for " + g.example + "; every member took these hops after its own subnet."));
    body.appendChild(diagram(g));
    var reason = el("p", { "class": "reason " + g.verdict });
    if (g.blocked_at) { reason.appendChild(el("strong", {}, "Blocked at " + g.blocked_at + ": ")); }
    reason.appendChild(document.createTextNode(g.reason));
    body.appendChild(reason);
    var checks = el("details", { "class": "checks" });
    checks.appendChild(el("summary", {}, g.checks.length + " checks along the path (" + g.example + ")"));
    var table = el("table");
    g.checks.forEach(function (c) {
      var row = el("tr", { "class": "check-" + c[0] });
      c.forEach(function (v) { row.appendChild(el("td", {}, v)); });
      table.appendChild(row);
    });
    checks.appendChild(table);
    body.appendChild(checks);
    body.appendChild(el("h4", {}, g.members.length + " targets"));
    var list = el("ul", { "class": "members" });
    body.appendChild(list);
    var shown = members(g, list, 0);
    if (shown < g.members.length) {
      var more = el("button", { type: "button" }, "Show " + (g.members.length - shown) + " more");
      more.addEventListener("click", function () {
        shown = members(g, list, shown);
        if (shown >= g.members.length) { more.remove(); } else { more.textContent = "Show " + (g.members.length - shown) + " more"; }
      });
      body.appendChild(more);
    }
    details.dataset.drawn = "true";
  }

  document.querySelectorAll("details.path-group").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (details.open && details.dataset.drawn !== "true") { fill(details); }
    });
  });
  // Groups to open from the address: #paths=0,3 (what a link to one path, or a test, asks for).
  var wanted = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("paths");
  (wanted ? wanted.split(",") : []).forEach(function (i) {
    var details = document.querySelector("details.path-group[data-group=\"" + Number(i) + "\"]");
    if (details) { details.open = true; fill(details); }
  });
  document.body.dataset.paths = "ready";
})();

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
// markup is ever built from the data, so an untrusted string stays text). Groups past the ones
// written into the page are added on request ("Show more paths").
(function () {
  "use strict";
  var block = document.getElementById("path-data");
  if (!block) { return; }
  var data = null;
  var SVG = "http://www.w3.org/2000/svg";
  var PAGE = 1000;
  var STATES = { o: "ok", b: "blocked", u: "unknown", n: "unreached" };

  function load() { data = data || JSON.parse(block.textContent); return data; }

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

  // The same geometry as html.layout_path: PER_ROW boxes a row, arrows between neighbours.
  function diagram(g) {
    var geo = load().geometry;
    var W = geo[0], H = geo[1], GAP = geo[2], ROW_GAP = geo[3], PAD = geo[4], PER_ROW = geo[5];
    var n = g.p.length;
    var boxes = load().boxes;
    var cols = Math.min(n, PER_ROW), rows = Math.ceil(n / PER_ROW);
    var width = 2 * PAD + cols * (W + GAP) - GAP, height = 2 * PAD + rows * (H + ROW_GAP) - ROW_GAP;
    var svg = svgEl("svg", { "class": "hops", role: "img", width: width, height: height,
      viewBox: "0 0 " + width + " " + height });
    svg.setAttribute("aria-label", g.c + " path: " + g.p.map(function (b) { return boxes[b][0]; }).join(" → "));
    var at = g.p.map(function (b, i) {
      return { x: PAD + (i % PER_ROW) * (W + GAP), y: PAD + Math.floor(i / PER_ROW) * (H + ROW_GAP) };
    });
    for (var i = 1; i < n; i += 1) {
      var a = at[i - 1], b = at[i], points;
      if (a.y === b.y) {
        points = (a.x + W) + "," + (a.y + H / 2) + " " + (b.x - 3) + "," + (a.y + H / 2);
      } else {
        var turn = a.y + H + ROW_GAP / 2;
        points = (a.x + W / 2) + "," + (a.y + H) + " " + (a.x + W / 2) + "," + turn + " " +
          (b.x + W / 2) + "," + turn + " " + (b.x + W / 2) + "," + (b.y - 3);
      }
      var state = g.s[i] === "n" ? "unreached" : "ok";
      svg.appendChild(svgEl("polyline", { "class": "arrow " + state, points: points, "marker-end": "url(#arrowhead)" }));
    }
    g.p.forEach(function (index, i) {
      var shown = boxes[index], state = STATES[g.s[i]];
      var box = svgEl("g", { "class": "hop " + state, "data-hop": shown[0] });
      var title = svgEl("title", {});
      title.textContent = shown[1] + " " + shown[0] + (shown[3] ? " (" + shown[3] + ")" : "");
      box.appendChild(title);
      box.appendChild(svgEl("rect", { x: at[i].x, y: at[i].y, width: W, height: H, rx: 6 }));
      [["kind", (state === "blocked" ? "✕ " : "") + shown[1], 16], ["hop-id", shown[2], 33], ["hop-name", shown[3], 50]]
        .forEach(function (t) {
          if (!t[1]) { return; }
          var text = svgEl("text", { "class": t[0], x: at[i].x + W / 2, y: at[i].y + t[2] });
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
    var targets = load().targets;
    g.m.slice(from, from + PAGE).forEach(function (index) {
      var m = targets[index], item = el("li");
      item.appendChild(el("code", {}, m[0]));
      item.appendChild(document.createTextNode(" in "));
      item.appendChild(el("code", {}, m[1]));
      list.appendChild(item);
    });
    return from + PAGE;
  }

  function fill(details) {
    var g = load().groups[Number(details.dataset.group)];
    var example = load().targets[g.m[0]][0];
    var body = details.querySelector(".path-body");
    body.appendChild(el("p", { "class": "muted" }, "Drawn for " + example + "; every member took these hops after its own subnet."));
    body.appendChild(diagram(g));
    var reason = el("p", { "class": "reason " + g.v });
    if (g.b) { reason.appendChild(el("strong", {}, "Blocked at " + g.b + ": ")); }
    reason.appendChild(document.createTextNode(g.r));
    body.appendChild(reason);
    if (g.k) {
      var checks = el("details", { "class": "checks" });
      checks.appendChild(el("summary", {}, g.k.length + " checks along the path (" + example + ")"));
      var table = el("table");
      g.k.forEach(function (c) {
        var row = el("tr", { "class": "check-" + c[0] });
        c.forEach(function (v) { row.appendChild(el("td", {}, v)); });
        table.appendChild(row);
      });
      checks.appendChild(table);
      body.appendChild(checks);
    }
    body.appendChild(el("h4", {}, g.m.length + " targets"));
    var list = el("ul", { "class": "members" });
    body.appendChild(list);
    var shown = members(g, list, 0);
    if (shown < g.m.length) {
      var more = el("button", { type: "button" }, "Show " + (g.m.length - shown) + " more");
      more.addEventListener("click", function () {
        shown = members(g, list, shown);
        if (shown >= g.m.length) { more.remove(); } else { more.textContent = "Show " + (g.m.length - shown) + " more"; }
      });
      body.appendChild(more);
    }
    details.dataset.drawn = "true";
  }

  function watch(details) {
    details.addEventListener("toggle", function () {
      if (details.open && details.dataset.drawn !== "true") { fill(details); }
    });
  }

  // A group past the ones in the page, built like them (html/_path_groups.html.j2).
  function groupElement(index) {
    var g = load().groups[index];
    var details = el("details", { "class": "card path-group", "data-group": index, "data-verdict": g.v, "data-check": g.c });
    var summary = el("summary");
    summary.appendChild(el("span", { "class": "badge " + g.v }, g.v));
    summary.appendChild(document.createTextNode(" " + g.c + (g.via ? " via " + g.via : "") + ": "));
    summary.appendChild(el("strong", {}, String(g.m.length)));
    summary.appendChild(document.createTextNode(" target" + (g.m.length === 1 ? "" : "s") + " · " +
      g.p.map(function (b) { return load().boxes[b][0]; }).slice(1).join(" → ") + (g.b ? " · blocked at " + g.b : "")));
    details.appendChild(summary);
    details.appendChild(el("div", { "class": "path-body" }));
    watch(details);
    return details;
  }

  document.querySelectorAll("details.path-group").forEach(watch);
  var moreButton = document.getElementById("more-paths");
  if (moreButton) {
    moreButton.hidden = false;
    moreButton.addEventListener("click", function () {
      var next = Number(moreButton.dataset.next), total = load().groups.length;
      for (var i = next; i < Math.min(total, next + 200); i += 1) {
        moreButton.parentNode.insertBefore(groupElement(i), moreButton);
      }
      moreButton.dataset.next = String(Math.min(total, next + 200));
      if (Number(moreButton.dataset.next) >= total) { moreButton.remove(); }
      else { moreButton.textContent = "Show more paths (" + (total - next - 200) + " not listed)"; }
    });
  }
  // Groups to open from the address: #paths=0,3 (what a link to one path, or a test, asks for).
  var wanted = new URLSearchParams(window.location.hash.replace(/^#/, "")).get("paths");
  (wanted ? wanted.split(",") : []).forEach(function (i) {
    var details = document.querySelector("details.path-group[data-group=\"" + Number(i) + "\"]");
    if (details) { details.open = true; fill(details); }
  });
  document.body.dataset.paths = "ready";
  // Milliseconds from navigation start until the page is parsed and its script has run (benchmarks).
  document.body.dataset.readyMs = String(Math.round(window.performance.now()));
})();

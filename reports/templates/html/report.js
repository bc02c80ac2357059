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

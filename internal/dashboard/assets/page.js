// Search and status filter for the cqmon dashboard. It runs offline: it
// only shows and hides the rows the page already holds.
(function () {
  "use strict";
  var q = document.getElementById("q");
  var idle = document.getElementById("idle");
  var shown = document.getElementById("shown");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-status]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  var text = rows.map(function (r) {
    var g = r.closest("[data-name]");
    return ((g ? g.getAttribute("data-name") + " " : "") + r.textContent).toLowerCase().replace(/\s+/g, " ");
  });

  function status() {
    var c = document.querySelector("input[name=status]:checked");
    return c ? c.value : "all";
  }

  function apply() {
    var words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var st = status();
    var filtering = words.length > 0 || st !== "all";
    var count = 0;
    rows.forEach(function (r, i) {
      var ok = (st === "all" || r.getAttribute("data-status") === st) &&
        (idle.checked || words.length > 0 || !r.hasAttribute("data-idle")) &&
        words.every(function (w) { return text[i].indexOf(w) >= 0; });
      r.hidden = !ok;
      if (ok && !r.closest("#needs-action")) count++;
    });
    groups.forEach(function (g) {
      var all = g.querySelectorAll("tr[data-status]");
      var visible = g.querySelectorAll("tr[data-status]:not([hidden])").length;
      var idleHidden = g.querySelectorAll("tr[data-idle][hidden]").length;
      g.hidden = filtering && visible === 0;
      var note = g.querySelector(".idle-note");
      if (!note) return;
      if (!filtering && idleHidden > 0 && all.length > 0) {
        note.hidden = false;
        note.textContent = idleHidden + " idle quota" + (idleHidden === 1 ? "" : "s") + " at 0% hidden. ";
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = "Show idle quotas";
        b.addEventListener("click", function () { idle.checked = true; apply(); });
        note.appendChild(b);
      } else {
        note.hidden = true;
      }
    });
    shown.textContent = count + " of " + rows.filter(function (r) { return !r.closest("#needs-action"); }).length + " quotas shown";
  }

  q.addEventListener("input", apply);
  idle.addEventListener("change", apply);
  Array.prototype.forEach.call(document.querySelectorAll("input[name=status]"), function (r) {
    r.addEventListener("change", apply);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "/" && document.activeElement !== q) {
      e.preventDefault();
      q.focus();
    } else if (e.key === "Escape" && document.activeElement === q) {
      q.value = "";
      apply();
    }
  });
  apply();
})();

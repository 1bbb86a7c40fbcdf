/* Behaviour of the highlighted review (render/html.py): list-to-place navigation and filters. */
(function () {
  "use strict";
  var ORDER = { error: 0, warning: 1, info: 2 };

  function init(root) {
    var items = Array.prototype.slice.call(root.querySelectorAll(".rv-item"));
    var marks = Array.prototype.slice.call(root.querySelectorAll(".rv-hl"));
    var severityOf = {};
    items.forEach(function (li) { severityOf[li.dataset.fid] = li.dataset.severity; });

    function highlightsOf(fid) {
      return marks.filter(function (m) { return m.dataset.f.split(" ").indexOf(fid) >= 0; });
    }

    function flash(elements) {
      elements.forEach(function (el) {
        el.classList.remove("rv-flash");
        void el.offsetWidth; // restart the animation when clicked twice
        el.classList.add("rv-flash");
      });
    }

    // The highlight a finding is about: the one right after its anchor (a sentence), or the cell holding it.
    function primaryOf(anchor, places) {
      var next = anchor.nextElementSibling;
      while (next && (next.classList.contains("rv-anchor") || next.classList.contains("rv-tag"))) { next = next.nextElementSibling; }
      var found = places.filter(function (el) { return el === next || el.contains(anchor); });
      return found.length ? found[0] : (places.length ? places[0] : anchor);
    }

    function go(fid) {
      var anchor = document.getElementById(fid);
      if (!anchor) { return; }
      var places = highlightsOf(fid);
      var target = primaryOf(anchor, places);
      target.scrollIntoView({ behavior: "smooth", block: "center" });
      flash(places);
      Array.prototype.forEach.call(root.querySelectorAll(".rv-selected"), function (el) { el.classList.remove("rv-selected", "rv-primary"); });
      places.forEach(function (el) { el.classList.add("rv-selected"); });
      target.classList.add("rv-primary");
      items.forEach(function (li) { li.classList.toggle("rv-current", li.dataset.fid === fid); });
    }

    items.forEach(function (li) {
      var link = li.querySelector("a.rv-go");
      if (!link) { return; }
      link.addEventListener("click", function (event) {
        event.preventDefault();
        go(link.dataset.target);
        if (history.replaceState) { history.replaceState(null, "", "#" + link.dataset.target); }
      });
    });

    // Clicking a highlight selects its first visible finding in the list.
    marks.forEach(function (mark) {
      mark.addEventListener("click", function () {
        var visible = mark.dataset.f.split(" ").filter(function (fid) {
          var li = root.querySelector('.rv-item[data-fid="' + fid + '"]');
          return li && !li.hidden;
        });
        if (!visible.length) { return; }
        var li = root.querySelector('.rv-item[data-fid="' + visible[0] + '"]');
        li.scrollIntoView({ behavior: "smooth", block: "nearest" });
        items.forEach(function (other) { other.classList.toggle("rv-current", other === li); });
        flash([li]);
      });
    });

    var boxes = Array.prototype.slice.call(root.querySelectorAll("input[data-filter]"));
    var shown = root.querySelector("[data-shown]");

    function applyFilters() {
      var allowed = { severity: {}, category: {} };
      boxes.forEach(function (box) { allowed[box.dataset.filter][box.value] = box.checked; });
      var visible = {};
      var count = 0;
      items.forEach(function (li) {
        var on = allowed.severity[li.dataset.severity] !== false && allowed.category[li.dataset.category] !== false;
        li.hidden = !on;
        if (on) { visible[li.dataset.fid] = true; count += 1; }
      });
      marks.forEach(function (mark) {
        var worst = null;
        mark.dataset.f.split(" ").forEach(function (fid) {
          if (visible[fid] && (worst === null || ORDER[severityOf[fid]] < ORDER[worst])) { worst = severityOf[fid]; }
        });
        mark.classList.remove("rv-error", "rv-warning", "rv-info", "rv-off");
        mark.classList.add(worst ? "rv-" + worst : "rv-off");
      });
      if (shown) { shown.textContent = String(count); }
    }

    boxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
    applyFilters();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-rv]"), function (root) {
      if (!root.dataset.rvReady) { root.dataset.rvReady = "1"; init(root); }
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
  window.reviewerHighlights = { start: start };
})();

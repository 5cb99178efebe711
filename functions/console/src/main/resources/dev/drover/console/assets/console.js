// The console's few behaviours in the browser: selection for the bulk bar (kept across live row swaps),
// the live stream's state, and a confirmation before a bulk action. No inline script (Content-Security-Policy).
(function () {
  "use strict";
  var selected = new Set();

  function rowBoxes() { return Array.prototype.slice.call(document.querySelectorAll("input.row-select")); }

  function updateCount() {
    var out = document.querySelector("[data-testid=selected-count]");
    if (!out) { return; }
    var all = document.querySelector("[data-testid=select-all-matching]");
    out.textContent = all && all.checked ? "all matching selected" : selected.size + " selected";
  }

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (t.classList.contains("row-select")) {
      if (t.checked) { selected.add(t.value); } else { selected.delete(t.value); }
    } else if (t.classList.contains("page-select")) {
      rowBoxes().forEach(function (box) {
        box.checked = t.checked;
        if (t.checked) { selected.add(box.value); } else { selected.delete(box.value); }
      });
    }
    updateCount();
  });

  // A live row replaces the old one, checkbox included: tick it again if it was ticked.
  document.addEventListener("htmx:oobAfterSwap", function () {
    rowBoxes().forEach(function (box) { box.checked = selected.has(box.value); });
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.id !== "bulk-form") { return; }
    var button = e.submitter;
    var all = form.querySelector("[data-testid=select-all-matching]");
    var what = all && all.checked ? "every candidate matching the filter" : selected.size + " selected candidate(s)";
    if (button && !window.confirm(button.textContent + " for " + what + "?")) { e.preventDefault(); }
  });

  function liveState(text, cls) {
    var state = document.querySelector("[data-testid=live-state]");
    if (state) { state.textContent = text; state.className = "live-state " + cls; }
  }
  document.addEventListener("htmx:sseOpen", function () { liveState("live", "open"); });
  document.addEventListener("htmx:sseError", function () { liveState("reconnecting…", "closed"); });
})();

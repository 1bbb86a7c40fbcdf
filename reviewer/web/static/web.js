/* Behaviour of the web app's pages: finding dispositions in place, batch progress, busy buttons. */
(function () {
  "use strict";

  // Each finding's disposition form (rendered below the review) moves into its item of the findings list.
  function placeDispositions() {
    var root = document.getElementById("review-root");
    var section = document.getElementById("dispositions");
    if (!root || !section) { return; }
    var forms = Array.prototype.slice.call(section.querySelectorAll("form.wb-disp"));
    var placed = 0;
    forms.forEach(function (form) {
      var item = root.querySelector('.rv-item[data-fid="' + form.dataset.for + '"]');
      if (!item) { return; }
      form.classList.add("wb-in-list");
      item.appendChild(form);
      markItem(item, form.dataset.status);
      placed += 1;
    });
    if (placed === forms.length) { section.hidden = true; }
    forms.forEach(function (form) { form.addEventListener("submit", submitDisposition); });
  }

  function markItem(item, status) {
    if (!item || !item.classList.contains("rv-item")) { return; }
    item.classList.remove("wb-item-confirmed", "wb-item-dismissed", "wb-item-open");
    item.classList.add("wb-item-" + status);
  }

  function submitDisposition(event) {
    if (!window.fetch || !window.FormData) { return; } // the plain form post still works
    event.preventDefault();
    var form = event.target;
    var who = document.getElementById("who");
    var data = new FormData(form, event.submitter);
    if (who) { data.set("who", who.value); }
    form.classList.add("wb-busy");
    // form.action would be the buttons named "action"; the attribute is the URL.
    fetch(form.getAttribute("action"), { method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (result) {
        var status = result.status || "open";
        form.dataset.status = status;
        form.classList.remove("wb-status-open", "wb-status-confirmed", "wb-status-dismissed", "wb-failed");
        form.classList.add("wb-status-" + status);
        form.querySelector("[data-status-label]").textContent = result.label;
        markItem(form.parentElement, status);
        Object.keys(result.decisions).forEach(function (key) {
          var cell = document.querySelector('[data-count="' + key + '"]');
          if (cell) { cell.textContent = String(result.decisions[key]); }
        });
      })
      .catch(function () {
        form.classList.add("wb-failed");
        form.querySelector("[data-status-label]").textContent = "保存失败，请重试";
      })
      .then(function () { form.classList.remove("wb-busy"); });
  }

  function hideDismissedSwitch() {
    var box = document.getElementById("hide-dismissed");
    var root = document.getElementById("review-root");
    if (!box || !root) { return; }
    box.addEventListener("change", function () { root.classList.toggle("wb-hide-dismissed", box.checked); });
  }

  // The batch page asks for progress every second and reloads once the batch has finished.
  function followBatch() {
    var section = document.getElementById("batch");
    if (!section || section.dataset.finished === "yes" || !window.fetch) { return; }
    var bar = section.querySelector("[data-progress]");
    var text = section.querySelector("[data-progress-text]");
    function poll() {
      fetch("/batches/" + section.dataset.batch + "/progress", { headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (p) {
          bar.max = p.total;
          bar.value = p.done;
          text.textContent = p.done + " / " + p.total;
          if (p.finished) { window.location.reload(); } else { window.setTimeout(poll, 1000); }
        })
        .catch(function () { window.setTimeout(poll, 3000); });
    }
    window.setTimeout(poll, 500);
  }

  // A review takes a few seconds: show that the button was pressed and prevent a second submission.
  function busyButtons() {
    Array.prototype.forEach.call(document.querySelectorAll("form[enctype='multipart/form-data']"), function (form) {
      form.addEventListener("submit", function (event) {
        var button = event.submitter;
        if (!button || button.formTarget === "_blank") { return; }
        window.setTimeout(function () { button.disabled = true; button.textContent = "正在审阅…"; }, 0);
      });
    });
  }

  // The browser's own file button speaks the browser's language: it is hidden behind a Chinese label.
  function filePickers() {
    Array.prototype.forEach.call(document.querySelectorAll(".wb-picker input[type=file]"), function (input) {
      var shown = document.querySelector('[data-picked="' + input.id + '"]');
      if (!shown) { return; }
      input.addEventListener("change", function () {
        var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
        shown.textContent = !names.length ? "未选择文件"
          : names.length === 1 ? names[0] : "已选择 " + names.length + " 个文件：" + names.join("、");
      });
    });
  }

  function start() {
    filePickers();
    placeDispositions();
    hideDismissedSwitch();
    followBatch();
    busyButtons();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

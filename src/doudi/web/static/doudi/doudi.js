// Large-text care mode (关怀版): remembered on this device.
(function () {
  var root = document.documentElement;
  if (localStorage.getItem("doudi-care") === "1") root.classList.add("care");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("care-mode");
    if (!button) return;
    button.setAttribute("aria-pressed", root.classList.contains("care") ? "true" : "false");
    button.addEventListener("click", function () {
      var on = root.classList.toggle("care");
      localStorage.setItem("doudi-care", on ? "1" : "0");
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  });
})();

// No inline script or style (Content-Security-Policy): behaviour and computed widths are set
// here. A select marked data-autosubmit submits its form on change (the language switcher);
// a bar's width comes from its data-w (percent), also in content htmx swaps in.
(function () {
  function setup(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.autosubmitBound) return;
      select.dataset.autosubmitBound = "1";
      select.addEventListener("change", function () { select.form.submit(); });
    });
    root.querySelectorAll(".bar[data-w]").forEach(function (bar) {
      var w = parseFloat(bar.dataset.w);
      if (!isNaN(w)) bar.style.setProperty("--w", Math.max(0, Math.min(100, w)) + "%");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:load", function (event) { setup(event.detail.elt.parentNode || document); });
})();

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

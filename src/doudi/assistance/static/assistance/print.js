// A "Print" button (data-print) prints the page: a script file, since the content security
// policy refuses inline handlers.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) {
      window.print();
    }
  });
})();

// The printable producer dashboard: its Print button opens the browser's print dialog (no inline code: strict CSP).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-print]");
    if (button) window.print();
  });
})();

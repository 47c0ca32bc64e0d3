// My calendars: the Copy button next to a new feed's address (templates/schedules/calendar_feed_list.html).
// Without the clipboard API (plain http, old browsers) the address is selected for Ctrl+C instead.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-feed]");
    if (!button) return;
    const input = document.querySelector(button.dataset.copyFeed);
    const state = button.parentElement.querySelector(".copy-state");
    if (!input) return;
    function say(text) { if (state) state.textContent = text; }
    function selectIt() { input.focus(); input.select(); say("Selected: press Ctrl+C (or Cmd+C) to copy."); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { say("Copied."); }, selectIt);
    } else {
      selectIt();
    }
  });
})();

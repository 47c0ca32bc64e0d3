// Timesheet grid (templates/schedules/timesheet_week.html): each cell is a form that htmx posts on "change".
// Tab moves to the next cell natively; Enter moves to the same day of the next task (Shift+Enter: the previous
// one), like a spreadsheet, and the cell left behind saves through its change event. On the last row Enter saves
// in place (htmx keeps the focus on the new input, which has the same id).
(function () {
  "use strict";

  function column(grid, day) {
    return Array.from(grid.querySelectorAll("input.ts-input")).filter(function (input) {
      return input.dataset.day === day;
    });
  }

  document.addEventListener("keydown", function (event) {
    const input = event.target;
    if (event.key !== "Enter" || !(input instanceof HTMLInputElement) || !input.classList.contains("ts-input")) {
      return;
    }
    const grid = input.closest("[data-timesheet]");
    if (!grid) return;
    event.preventDefault();  // no native submit: the page stays, the cell saves through htmx
    const cells = column(grid, input.dataset.day);
    const next = cells[cells.indexOf(input) + (event.shiftKey ? -1 : 1)];
    if (next) {
      next.focus();
      next.select();
    } else if (input.value !== input.defaultValue) {
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });

  // A click into a cell selects what is there, so typing replaces it (as Tab does).
  document.addEventListener("focusin", function (event) {
    const input = event.target;
    if (input instanceof HTMLInputElement && input.classList.contains("ts-input")) input.select();
  });
})();

// The shot grid (static module: no inline script under our CSP).
// - htmx swaps the grid's refusals in (400, 403, 409 "changed by X at T — reload", 422) instead of dropping them.
// - Rows: tick to select, shift-click for a range, the header box selects every loaded row; a live count.
// - Keyboard: arrow keys move between the grid's cells, Enter opens a task's editor, Enter in a select saves,
//   Esc cancels; the focus comes back to the cell after a save or a cancel.
(function () {
  "use strict";

  const SWAPPED_ERRORS = [400, 403, 409, 422];

  // Under our CSP no style attribute may be set: htmx must not carry one over when it settles a swapped element
  // (a row or a checkbox swapped out of band keeps its id, and htmx copies class, style, width and height).
  if (window.htmx) {
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }
  const ROW_BOXES = '#shot-grid input[name="bulk-shot"]';

  document.addEventListener("htmx:beforeSwap", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (SWAPPED_ERRORS.includes(event.detail.xhr.status) && source && source.closest && source.closest("[data-grid]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- Selection -------------------------------------------------------------------------------------------

  let lastTicked = null;

  function rowBoxes() {
    return Array.from(document.querySelectorAll(ROW_BOXES));
  }

  function updateCount() {
    const counter = document.getElementById("grid-selected-count");
    if (!counter) return;
    const boxes = rowBoxes();
    const ticked = boxes.filter(function (box) { return box.checked; }).length;
    counter.textContent = ticked
      ? ticked + (ticked === 1 ? " shot selected" : " shots selected")
      : "Tick shots, then:";
    const all = document.getElementById("grid-select-all");
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }

  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.id === "grid-select-all") {
      rowBoxes().forEach(function (box) { box.checked = target.checked; });
      updateCount();
    } else if (target.name === "bulk-shot" && target.closest("#shot-grid")) {
      if (event.shiftKey && lastTicked && lastTicked !== target && document.contains(lastTicked)) {
        const boxes = rowBoxes();
        const from = boxes.indexOf(lastTicked);
        const to = boxes.indexOf(target);
        boxes.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (box) { box.checked = target.checked; });
      }
      lastTicked = target;
      updateCount();
    }
  });

  document.addEventListener("htmx:afterSettle", updateCount);
  document.addEventListener("DOMContentLoaded", updateCount);

  // --- Keyboard --------------------------------------------------------------------------------------------

  const MOVES = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };

  function focusable(cell) {
    return cell ? cell.querySelector("a[href], input, button") : null;
  }

  function neighbour(cell, rowStep, colStep) {
    let row = cell.parentElement;
    let col = cell.cellIndex;
    for (;;) {
      if (rowStep) {
        row = rowStep < 0 ? row.previousElementSibling : row.nextElementSibling;
        if (!row) return null;
      } else {
        col += colStep;
        if (col < 0 || col >= row.cells.length) return null;
      }
      const found = focusable(row.cells[col]);
      if (found) return found;
    }
  }

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!(target instanceof Element) || event.altKey || event.ctrlKey || event.metaKey) return;
    // Esc closes the open editor even before the focus reached it (it arrives once htmx has settled the swap).
    const editor =
      target.closest("[data-cell-editor]") ||
      (event.key === "Escape" && target === document.body ? document.querySelector("[data-cell-editor]") : null);
    if (editor) {
      // A key may come before htmx has processed the editor it just swapped in (it does so as the swap settles):
      // process it now, so Save and Cancel stay htmx requests instead of navigating away.
      if (window.htmx) window.htmx.process(editor);
      if (event.key === "Escape") {
        event.preventDefault();
        const cancel = editor.querySelector("[data-cell-cancel]");
        if (cancel) cancel.click();
      } else if (event.key === "Enter" && target.tagName === "SELECT") {
        event.preventDefault();
        editor.requestSubmit();
      }
      return;
    }
    const move = MOVES[event.key];
    const cell = target.closest("#shot-grid tbody td, #shot-grid tbody th");
    if (!move || !cell || target.tagName === "SELECT") return;
    const next = neighbour(cell, move[0], move[1]);
    if (next) {
      event.preventDefault();
      next.focus();
      next.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  // The editor floats over the grid, next to its cell and inside the window: the grid's scroll box would clip it.
  // (Positions set through the CSSOM, which the CSP allows; a style attribute it would not.)
  function placeEditor(editor, cell) {
    if (!cell.closest("#shot-grid")) return;
    const margin = 8;
    const rect = cell.getBoundingClientRect();
    editor.classList.add("floating");
    const width = editor.offsetWidth;
    const height = editor.offsetHeight;
    const left = Math.max(margin, Math.min(rect.left, window.innerWidth - width - margin));
    const top = Math.max(margin, Math.min(rect.top, window.innerHeight - height - margin));
    editor.style.left = left + "px";
    editor.style.top = top + "px";
  }

  // After a swap into a task cell: focus the editor's first field, or the cell's link after a save or a cancel.
  document.addEventListener("htmx:afterSettle", function (event) {
    const cell = event.detail.target;
    if (!(cell instanceof Element) || !cell.classList.contains("task-cell")) return;
    const editor = cell.querySelector("[data-cell-editor]");
    if (editor) placeEditor(editor, cell);
    const field = cell.querySelector("[data-cell-editor] [autofocus], [data-cell-editor] select, [data-cell-editor] input:not([type=hidden])");
    const link = cell.querySelector(".cell-link");
    const goTo = field || (link && link.matches("a") ? link : null);
    if (goTo) goTo.focus();
  });
})();

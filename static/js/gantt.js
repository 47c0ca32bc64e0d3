// Gantt charts (static module: no inline script under our CSP; SVG attributes are set, never a style attribute).
// - Drag a bar to move the task (start and due shift by the same number of days), drag its ends to change the
//   start or the due date. On drop the chart's one date form (#gantt-editor) is filled in for that row and posted
//   through htmx, which swaps in the row the server sends back, drawn from the database (a refused change: the bar
//   snaps back, with the reason).
// - Keyboard: a bar is focusable; Enter (or Space) opens the date form in a dialog, Enter saves, Esc cancels and the
//   focus returns to the bar. "Edit dates" opens it too; without JavaScript that link leads to the task's page.
(function () {
  "use strict";

  const SWAPPED_ERRORS = [400, 403, 409];
  const DAY_MS = 86400000;
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  // htmx must not carry a style attribute over when it settles a swapped row (the CSP refuses those).
  if (window.htmx) {
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }

  // A refused change (400 naming the field, 403, 409 stale row) comes back as the row to draw, not a failure.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (SWAPPED_ERRORS.includes(event.detail.xhr.status) && source && source.closest && source.closest("[data-gantt-page]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- Days and geometry (mirrors schedules/gantt.py: x = days since the window's start x px per day) ---------

  function parseDay(text) {
    const parts = text.split("-").map(Number);
    return Math.round(Date.UTC(parts[0], parts[1] - 1, parts[2]) / DAY_MS);
  }

  function isoDay(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  function shortDay(day, withYear) {
    const date = new Date(day * DAY_MS);
    return date.getUTCDate() + " " + MONTHS[date.getUTCMonth()] + (withYear ? " " + date.getUTCFullYear() : "");
  }

  function chartOf(element) {
    const chart = element.closest("[data-gantt]");
    return {
      start: parseDay(chart.dataset.windowStart),
      end: parseDay(chart.dataset.windowEnd),
      ppd: Number(chart.dataset.pxPerDay),
    };
  }

  function draw(bar, chart, start, due) {
    const body = bar.querySelector("rect.bar");
    const first = Math.max(start, chart.start);
    const last = Math.min(due, chart.end);
    const x = (first - chart.start) * chart.ppd;
    const width = last < first ? 0 : (last - first + 1) * chart.ppd;
    body.setAttribute("x", x);
    body.setAttribute("width", width);
    const startHandle = bar.querySelector("rect.handle-start");
    const dueHandle = bar.querySelector("rect.handle-due");
    if (startHandle) startHandle.setAttribute("x", x);
    if (dueHandle) dueHandle.setAttribute("x", x + width - Number(dueHandle.getAttribute("width")));
    const dates = bar.closest("tr").querySelector("[data-dates]");
    if (dates) dates.textContent = shortDay(start, false) + " – " + shortDay(due, true);
  }

  // --- Dragging ------------------------------------------------------------------------------------------------

  let drag = null;

  function shifted(state) {
    if (state.mode === "start") return [Math.min(state.start + state.days, state.due), state.due];
    if (state.mode === "due") return [state.start, Math.max(state.due + state.days, state.start)];
    return [state.start + state.days, state.due + state.days];
  }

  function rowOf(element) {
    return element.closest("tr.gantt-row");
  }

  function editor() {
    const dialog = document.getElementById("gantt-editor");
    return dialog ? dialog.querySelector("form[data-gantt-editor]") : null;
  }

  // The form is filled for one row: its URL, the row version it drew, and (unless kept) its dates.
  function fillEditor(form, row, start, due) {
    form.action = row.dataset.url;
    form.dataset.row = row.id;
    form.elements.row_version.value = row.dataset.rowVersion;
    if (start !== undefined) form.elements.start_date.value = start;
    if (due !== undefined) form.elements.due_date.value = due;
  }

  function send(form) {
    window.htmx.ajax("POST", form.action, { source: form, target: "#" + form.dataset.row, swap: "outerHTML" });
  }

  function openEditor(row, keepValues) {
    const form = editor();
    if (!form || !row || !row.dataset.url) return;
    if (keepValues) fillEditor(form, row);
    else fillEditor(form, row, row.dataset.start, row.dataset.due);
    form.elements.via.value = "form";
    document.getElementById("gantt-editor-title").textContent = "Dates of " + row.dataset.name;
    form.closest("dialog").showModal();
    form.elements.start_date.focus();
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-gantt-editor]") || !window.htmx) return;
    event.preventDefault();
    form.closest("dialog").close();
    send(form);
  });

  document.addEventListener("click", function (event) {
    if (!(event.target instanceof Element)) return;
    const link = event.target.closest("a[data-gantt-edit]");
    if (link && editor() && window.htmx) {
      event.preventDefault();
      openEditor(rowOf(link), false);
      return;
    }
    const cancel = event.target.closest("[data-gantt-cancel]");
    if (cancel) closeEditor();
  });

  function closeEditor() {
    const form = editor();
    if (!form) return;
    form.closest("dialog").close();
    const row = document.getElementById(form.dataset.row || "");
    const bar = row && row.querySelector("g.gantt-bar.editable");
    if (bar) bar.focus({ preventScroll: true });
  }

  document.addEventListener("pointerdown", function (event) {
    if (event.button !== 0 || !(event.target instanceof Element)) return;
    const bar = event.target.closest("g.gantt-bar.editable");
    if (!bar || !editor() || !window.htmx) return;
    const classes = event.target.classList;
    drag = {
      bar: bar,
      mode: classes.contains("handle-start") ? "start" : classes.contains("handle-due") ? "due" : "move",
      chart: chartOf(bar),
      x0: event.clientX,
      start: parseDay(rowOf(bar).dataset.start),
      due: parseDay(rowOf(bar).dataset.due),
      days: 0,
    };
    bar.setPointerCapture(event.pointerId);
    bar.classList.add("dragging");
    bar.focus({ preventScroll: true });
    event.preventDefault();
  });

  document.addEventListener("pointermove", function (event) {
    if (!drag) return;
    const days = Math.round((event.clientX - drag.x0) / drag.chart.ppd);
    if (days === drag.days) return;
    drag.days = days;
    const dates = shifted(drag);
    draw(drag.bar, drag.chart, dates[0], dates[1]);
  });

  function endDrag(save) {
    const state = drag;
    drag = null;
    state.bar.classList.remove("dragging");
    const dates = shifted(state);
    if (!save || (dates[0] === state.start && dates[1] === state.due)) {
      draw(state.bar, state.chart, state.start, state.due);
      return;
    }
    const form = editor();
    fillEditor(form, rowOf(state.bar), isoDay(dates[0]), isoDay(dates[1]));
    form.elements.via.value = "drag";
    state.bar.classList.add("saving");
    send(form);
  }

  document.addEventListener("pointerup", function () {
    if (drag) endDrag(true);
  });
  document.addEventListener("pointercancel", function () {
    if (drag) endDrag(false);
  });

  // --- Keyboard ------------------------------------------------------------------------------------------------

  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!(target instanceof Element) || event.altKey || event.ctrlKey || event.metaKey) return;
    if (drag && event.key === "Escape") {
      event.preventDefault();
      endDrag(false);
      return;
    }
    if (target.matches("g.gantt-bar.editable") && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      openEditor(rowOf(target), false);
      return;
    }
    if (event.key === "Escape" && target.closest("#gantt-editor")) {
      event.preventDefault();
      closeEditor();
    }
  });

  // After a row came back: a change refused from the form reopens it with what was typed (and the row version the
  // server drew now); otherwise the focus goes to the redrawn bar.
  document.addEventListener("htmx:afterSettle", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!(source instanceof Element) || !source.matches("form[data-gantt-editor]")) return;
    const row = document.getElementById(source.dataset.row);
    if (!row) return;
    if (row.hasAttribute("data-reopen")) {
      openEditor(row, true);
      return;
    }
    const bar = row.querySelector("g.gantt-bar.editable");
    if (bar) bar.focus({ preventScroll: true });
  });
})();

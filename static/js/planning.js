// Planning pages (static module: no inline script under our CSP).
// - htmx swaps a refused form back in (400: the form with its errors; 403: the reason) instead of dropping it.
// - After a swap the focus goes where the keyboard user continues: the field in error, the row opened for editing,
//   the next entry, or the section's heading after a removal or an edit.
(function () {
  "use strict";

  const SWAPPED_ERRORS = [400, 403, 422];

  if (window.htmx) {
    // Under our CSP no style attribute may be set: htmx must not carry one over when it settles a swap.
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (SWAPPED_ERRORS.includes(event.detail.xhr.status) && source && source.closest && source.closest("[data-planning]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // After a swap, put the focus on the first field with an error, or back on the form's first field.
  document.addEventListener("htmx:afterSwap", function (event) {
    const target = event.detail.target;
    // An outerHTML swap replaced the target: find its successor by id.
    const section = (target && target.id && document.getElementById(target.id)) || target;
    if (!section || !section.closest || !section.closest("[data-planning]")) return;
    const invalid = section.querySelector(".has-error input, .has-error select");
    if (invalid) {
      invalid.focus();
      return;
    }
    // A row opened for editing: its first field.
    if (section.matches && section.matches("tr.editing")) {
      const field = section.querySelector("input:not([type=hidden]), select");
      if (field) field.focus();
      return;
    }
    // An add form was saved: ready for the next entry (its first field); a row was removed or edited: the
    // section's heading.
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    const isAddForm = source && source.classList && source.classList.contains("planning-form");
    if (isAddForm && !source.classList.contains("row-editor")) {
      // The same form again (found by its id when the section holds two), else the section's form.
      const form = (source.id && document.getElementById(source.id)) || section.querySelector(".planning-form");
      const first = form && form.querySelector("input:not([type=hidden]), select");
      if (first) first.focus();
    } else {
      const heading = section.querySelector("h2");
      if (heading) {
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    }
  });
})();

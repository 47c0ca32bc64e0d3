// Slate's page behaviour lives in small static modules like this one: no inline scripts (CSP).
// Keyboard: "g" then a letter jumps between the main pages (g t: my tasks, g r: review, g d: dailies, g s: shows).
(function () {
  "use strict";
  const jumps = { t: "/my/tasks/", r: "/review/", d: "/dailies/", s: "/shows/" };
  let pendingG = false;
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (pendingG && jumps[event.key]) {
      window.location.assign(jumps[event.key]);
      pendingG = false;
      return;
    }
    pendingG = event.key === "g";
  });
})();

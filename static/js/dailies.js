// The dailies pages (static module: no inline script under our CSP).
//
// The session page (templates/dailies/session_detail.html), keyboard first. The note box is home: the page opens
// with the focus in it, and every command gives it back, so typing never lands anywhere else.
// - In the note box: Enter saves the note (Shift+Enter starts a new line); Alt+↓ / Alt+↑ (or Alt+J / Alt+K) move to
//   the next / previous version and keep typing there; Esc leaves the box for one command key:
// - J or ↓ next version, K or ↑ previous, A approve, R retake (the text in the box, if any, is the note that goes with
//   it), / back to the box. After the command the focus is back in the box. Any other letter typed outside the box
//   goes into it (no keystroke is lost to a button or the page).
// - A saved note leaves the box at once for the outbox, where it stays until the server has it (2xx); the notes list
//   then refreshes itself. On a network or server error the outbox says "Not saved" with Retry. The box's unsent
//   text (per version) and the outbox live in sessionStorage, so neither an error nor a reload loses a word; a note
//   sent again is marked as a retry, and the server does not store it twice.
// - The playlist: drag and drop reorders it (the whole order is posted); its ↑ ↓ buttons do the same by keyboard.
// - The studio path's Copy button.
// The session form: the header box ticks or unticks every version. The notes sheet: the Print button.
(function () {
  "use strict";

  // Under our CSP no style attribute may be set: htmx must not carry one over when it settles a swapped element
  // (the stage, the notes list and playlist rows keep their ids across swaps). As in grid.js.
  if (window.htmx) {
    window.htmx.config.attributesToSettle = ["class", "width", "height"];
  }

  // --- Storage ---------------------------------------------------------------------------------------------

  function sessionPage() {
    return document.getElementById("session-page");
  }

  function storeKey(suffix) {
    const page = sessionPage();
    return "slate:dailies:" + (page ? page.dataset.session : "none") + ":" + suffix;
  }

  function load(key, fallback) {
    try {
      const text = window.sessionStorage.getItem(key);
      return text === null ? fallback : JSON.parse(text);
    } catch (error) {
      return fallback;
    }
  }

  function store(key, value) {
    try {
      if (value === null || value === "" || (Array.isArray(value) && !value.length)) {
        window.sessionStorage.removeItem(key);
      } else {
        window.sessionStorage.setItem(key, JSON.stringify(value));
      }
    } catch (error) {
      // Private mode or a full store: the page still works, only a reload would lose unsent text.
    }
  }

  function draftKey(item) {
    return storeKey("draft:" + item);
  }

  // --- The stage: which version is shown ---------------------------------------------------------------------

  let focusBoxAfterMove = false;

  function stage() {
    return document.getElementById("stage");
  }

  function noteBox() {
    return document.getElementById("note-body");
  }

  function currentItem() {
    const page = sessionPage();
    if (page && page.dataset.current) return page.dataset.current;
    const shown = stage();
    return shown ? shown.dataset.item || "" : "";
  }

  function markCurrent(item) {
    document.querySelectorAll("#playlist-items .playlist-item").forEach(function (row) {
      const isCurrent = row.dataset.itemId === item;
      row.classList.toggle("current", isCurrent);
      const link = row.querySelector(".playlist-link");
      if (!link) return;
      if (isCurrent) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
  }

  function placeCaretAtEnd(box) {
    box.focus({ preventScroll: true });
    box.scrollIntoView({ block: "nearest" });
    const end = box.value.length;
    box.setSelectionRange(end, end);
  }

  // The version asked for last (J, K, a click in the playlist) while it is on its way: J and K step on from it, and
  // the playlist keeps it marked even when an earlier one arrives first.
  let requestedItem = "";

  function requestItem(item) {
    requestedItem = item;
    sessionPage().dataset.current = item;
    markCurrent(item);
  }

  // Keys typed after J, K or Alt+arrow but before the next version arrived belong to the next version's note: they
  // wait here (they would otherwise land in the box of the version being left) and are typed into its box on arrival.
  let typeAhead = [];

  function onTheWay() {
    const shown = stage();
    return Boolean(requestedItem && shown && shown.dataset.item !== requestedItem);
  }

  function replayTypeAhead(box, { submit }) {
    const keys = typeAhead;
    typeAhead = [];
    if (!box || !keys.length) return;
    keys.forEach(function (key) {
      if (key === "Enter") {
        if (submit) box.form.requestSubmit(document.getElementById("save-note"));
      } else if (key === "Backspace") {
        box.value = box.value.slice(0, -1);
      } else {
        box.value += key === "Shift+Enter" ? "\n" : key;
      }
      box.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // After the page loads or a new version is on the stage: the playlist marks it, its unsent text comes back.
  function stageReady() {
    const page = sessionPage();
    const shown = stage();
    if (!page || !shown) return;
    const item = shown.dataset.item || "";
    if (requestedItem === item) requestedItem = "";
    page.dataset.current = requestedItem || item;
    markCurrent(page.dataset.current);
    const box = noteBox();
    if (box) {
      const draft = load(draftKey(item), "");
      if (draft && !box.value) box.value = draft;
      if (focusBoxAfterMove && !requestedItem) placeCaretAtEnd(box);
    }
    if (!requestedItem) {
      focusBoxAfterMove = false;
      replayTypeAhead(box, { submit: true });
    }
    refreshOutboxButtons();
  }

  function move(step) {
    const links = Array.from(document.querySelectorAll("#playlist-items .playlist-link"));
    if (!links.length) return;
    const item = currentItem();
    const index = links.findIndex(function (link) {
      return link.closest(".playlist-item").dataset.itemId === item;
    });
    const nextIndex = index < 0 ? 0 : Math.max(0, Math.min(links.length - 1, index + step));
    if (nextIndex === index) return;
    const next = links[nextIndex];
    focusBoxAfterMove = true;
    next.scrollIntoView({ block: "nearest" });
    next.click();
  }

  // --- The outbox: notes on their way ------------------------------------------------------------------------

  let counter = 0;

  function outbox() {
    return document.getElementById("outbox");
  }

  function newKey() {
    counter += 1;
    return Date.now().toString(36) + "-" + counter;
  }

  function remembered() {
    return load(storeKey("outbox"), []);
  }

  function remember(entry) {
    const entries = remembered().filter(function (other) { return other.key !== entry.key; });
    entries.push(entry);
    store(storeKey("outbox"), entries);
  }

  function forget(key) {
    store(storeKey("outbox"), remembered().filter(function (entry) { return entry.key !== key; }));
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function hidden(name, value) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    return input;
  }

  const OUTCOME_LABELS = { approve: "Approve", retake: "Retake" };

  // One pending note: its own little htmx form, posted (and re-posted by Retry) with the values it holds. Text goes
  // in through textContent and input values only: a note is never HTML.
  function pendingForm(entry) {
    const form = element("form", "pending-note");
    form.method = "post";
    form.action = entry.url;
    form.dataset.key = entry.key;
    form.dataset.item = entry.item;
    form.setAttribute("hx-post", entry.url);
    form.setAttribute("hx-target", "find .pending-message");
    form.setAttribute("hx-swap", "innerHTML");
    form.appendChild(hidden("body", entry.body));
    form.appendChild(hidden("category", entry.category));
    form.appendChild(hidden("status_change", entry.status_change));
    form.appendChild(hidden("retry", entry.retry ? "1" : ""));

    const head = element("p", "pending-head");
    head.appendChild(element("strong", "pending-label", entry.label));
    if (entry.status_change) {
      head.appendChild(document.createTextNode(" "));
      head.appendChild(element("span", "chip status-" + entry.status_change, OUTCOME_LABELS[entry.status_change]));
    }
    head.appendChild(document.createTextNode(" "));
    head.appendChild(element("span", "pending-state", "Sending…"));
    form.appendChild(head);
    form.appendChild(element("p", "note-body", entry.body));
    form.appendChild(element("div", "pending-message"));

    const actions = element("div", "pending-actions");
    const retry = element("button", "retry primary", "Retry");
    retry.type = "submit";
    const back = element("button", "back-to-box", "Back to the note box");
    back.type = "button";
    back.dataset.pendingBack = "";
    const discard = element("button", "link discard", "Discard");
    discard.type = "button";
    discard.dataset.pendingDiscard = "";
    actions.append(retry, back, discard);
    form.appendChild(actions);
    return form;
  }

  function setState(form, state, message) {
    form.classList.toggle("failed", state === "failed");
    form.classList.toggle("sending", state === "sending");
    form.querySelector(".pending-state").textContent = state === "failed" ? "Not saved" : "Sending…";
    if (message !== undefined) form.querySelector(".pending-message").textContent = message;
    if (state === "failed") {
      // The next attempt says it is one: the server then returns the note the first attempt may have saved.
      form.querySelector('input[name="retry"]').value = "1";
      const entry = remembered().find(function (e) { return e.key === form.dataset.key; });
      if (entry) {
        entry.retry = true;
        remember(entry);
      }
    }
    refreshOutboxButtons();
  }

  function refreshOutboxButtons() {
    const item = currentItem();
    document.querySelectorAll("#outbox .pending-note").forEach(function (form) {
      // "Back to the note box" puts the text back into the box of its own version: shown when that one is on stage.
      form.querySelector(".back-to-box").hidden = form.dataset.item !== item;
    });
  }

  function submitPending(form) {
    if (window.htmx) window.htmx.process(form);
    form.requestSubmit();
  }

  function send(noteForm, outcome) {
    const box = noteForm.querySelector("#note-body");
    const text = box.value.trim();
    if (!text && !outcome) {
      box.focus();
      return;
    }
    const shown = stage();
    const entry = {
      key: newKey(),
      item: noteForm.dataset.item,
      url: noteForm.getAttribute("action"),
      label: shown ? shown.dataset.label : "",
      body: text,
      category: noteForm.querySelector("#note-category").value,
      status_change: outcome || "",
      retry: false,
    };
    const form = pendingForm(entry);
    // Attached images travel with their note: the file field itself moves into it, and the box gets a new one.
    const files = noteForm.querySelector('input[type="file"]');
    if (files && files.files.length) {
      const fresh = files.cloneNode();
      fresh.value = "";
      files.replaceWith(fresh);
      files.hidden = true;
      form.appendChild(files);
      form.setAttribute("hx-encoding", "multipart/form-data");
    }
    outbox().appendChild(form);
    remember(entry);
    box.value = "";
    store(draftKey(entry.item), null);
    setState(form, "sending");
    submitPending(form);
    box.focus();
  }

  function restoreOutbox() {
    const box = outbox();
    if (!box) return;
    box.replaceChildren();
    remembered().forEach(function (entry) {
      // A note still here after a reload may or may not have reached the server: it waits for Retry, as a retry.
      entry.retry = true;
      const form = pendingForm(entry);
      box.appendChild(form);
      if (window.htmx) window.htmx.process(form);
      setState(form, "failed", "Not saved before the page was left. Retry to send it.");
    });
    refreshOutboxButtons();
  }

  // The pending form that made the request (beforeSwap is dispatched on the swap target, so ask the request).
  function pendingOf(event) {
    const detail = event.detail || {};
    const source = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    return source instanceof HTMLFormElement && source.classList.contains("pending-note") ? source : null;
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    const form = pendingOf(event);
    if (form) setState(form, "sending", "");
  });

  // Refusals (the text was empty, the version is no longer waiting for review, no permission) come with a message
  // for the outbox; htmx would drop them as errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    const form = pendingOf(event);
    if (!form) return;
    const status = event.detail.xhr.status;
    if (status === 400 || status === 403 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      setState(form, "failed");
    } else if (status === 404) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      setState(form, "failed", "This version is no longer in the session.");
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    const form = pendingOf(event);
    if (!form || !event.detail.xhr) return;
    const status = event.detail.xhr.status;
    if (status >= 200 && status < 300) {
      forget(form.dataset.key);
      form.remove();
      const outcome = form.querySelector('input[name="status_change"]').value;
      if (outcome && form.dataset.item === (stage() ? stage().dataset.item : "")) outcomeDone(outcome);
    }
  });

  // The version on the stage was just approved or sent back: its outcome buttons go (a second one would be refused).
  function outcomeDone(outcome) {
    const approve = document.getElementById("approve-version");
    const retake = document.getElementById("retake-version");
    if (!approve || !retake) return;
    const state = element("span", "hint outcome-state", outcome === "approve" ? "Approved." : "Sent back for a retake.");
    state.id = "outcome-state";
    state.setAttribute("role", "status");
    approve.replaceWith(state);
    retake.remove();
  }

  document.addEventListener("htmx:sendError", function (event) {
    const form = pendingOf(event);
    if (form) setState(form, "failed", "No connection to Slate. The note is kept here: Retry when you are back.");
  });

  document.addEventListener("htmx:responseError", function (event) {
    const form = pendingOf(event);
    if (form) {
      const status = event.detail.xhr ? event.detail.xhr.status : "?";
      setState(form, "failed", "Slate could not save it (error " + status + "). The note is kept here: Retry.");
    }
  });

  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const pending = target.closest("#outbox .pending-note");
    if (pending && target.closest("[data-pending-discard]")) {
      if (window.confirm("Discard this note? Its text will be lost.")) {
        forget(pending.dataset.key);
        pending.remove();
      }
    } else if (pending && target.closest("[data-pending-back]")) {
      const text = pending.querySelector('input[name="body"]').value;
      const box = noteBox();
      if (box && pending.dataset.item === currentItem()) {
        box.value = box.value.trim() ? box.value.trimEnd() + "\n" + text : text;
        store(draftKey(pending.dataset.item), box.value);
        forget(pending.dataset.key);
        pending.remove();
        placeCaretAtEnd(box);
      }
    }
  });

  // --- The note form --------------------------------------------------------------------------------------

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== "note-form") return;
    event.preventDefault();
    const submitter = event.submitter;
    send(form, submitter && submitter.name === "status_change" ? submitter.value : "");
  });

  document.addEventListener("input", function (event) {
    const box = event.target;
    if (box instanceof HTMLTextAreaElement && box.id === "note-body") {
      store(draftKey(box.form.dataset.item), box.value);
    }
  });

  // --- Keys ------------------------------------------------------------------------------------------------

  function isTyping(target) {
    return (
      target instanceof Element &&
      (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
    );
  }

  function setOutcome(value) {
    const form = document.getElementById("note-form");
    const button = document.getElementById(value === "approve" ? "approve-version" : "retake-version");
    if (form && button) {
      form.requestSubmit(button);
    } else if (document.getElementById("outcome-state")) {
      // Already reviewed: say so where the buttons would be, rather than ignore the key.
      const state = document.getElementById("outcome-state");
      state.classList.remove("flash");
      void state.offsetWidth;
      state.classList.add("flash");
    }
  }

  let afterG = false; // "g" then a letter is slate.js's page jump: that letter is not ours

  document.addEventListener("keydown", function (event) {
    if (!sessionPage()) return;
    const target = event.target;
    if (onTheWay() && !event.ctrlKey && !event.metaKey && !event.altKey && !event.isComposing) {
      const typed = event.key.length === 1 || event.key === "Enter" || event.key === "Backspace";
      if (typed && !(target instanceof Element && /^(INPUT|SELECT)$/.test(target.tagName))) {
        event.preventDefault();
        typeAhead.push(event.key === "Enter" && event.shiftKey ? "Shift+Enter" : event.key);
        return;
      }
    }
    if (target instanceof HTMLTextAreaElement && target.id === "note-body") {
      const plain = !event.shiftKey && !event.altKey && !event.isComposing;
      if (event.key === "Enter" && plain) {
        event.preventDefault();
        target.form.requestSubmit(document.getElementById("save-note"));
      } else if (event.key === "Escape") {
        event.preventDefault();
        target.blur();
      } else if (event.altKey && !event.ctrlKey && !event.metaKey) {
        if (event.key === "ArrowDown" || event.code === "KeyJ") {
          event.preventDefault();
          move(1);
        } else if (event.key === "ArrowUp" || event.code === "KeyK") {
          event.preventDefault();
          move(-1);
        }
      }
      return;
    }
    if (isTyping(target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (afterG) {
      afterG = false;
      return;
    }
    const onVideo = target instanceof HTMLMediaElement;
    switch (event.key) {
      case "j":
      case "J":
        event.preventDefault();
        move(1);
        break;
      case "ArrowDown":
        if (onVideo) return;
        event.preventDefault();
        move(1);
        break;
      case "k":
      case "K":
        event.preventDefault();
        move(-1);
        break;
      case "ArrowUp":
        if (onVideo) return;
        event.preventDefault();
        move(-1);
        break;
      case "a":
      case "A":
        event.preventDefault();
        setOutcome("approve");
        break;
      case "r":
      case "R":
        event.preventDefault();
        setOutcome("retake");
        break;
      case "/": {
        const box = noteBox();
        if (box) {
          event.preventDefault();
          placeCaretAtEnd(box);
        }
        break;
      }
      case "g":
        afterG = true;
        break;
      default: {
        // Any other character: the person is typing a note. Focused now, the box receives this very key.
        const box = noteBox();
        if (box && event.key.length === 1 && !(target instanceof HTMLButtonElement && event.key === " ")) box.focus();
        break;
      }
    }
  });

  // --- The playlist: drag and drop -------------------------------------------------------------------------

  let dragged = null;
  let orderBefore = "";

  function playlistOrder(list) {
    return Array.from(list.querySelectorAll(":scope > .playlist-item")).map(function (row) {
      return row.dataset.itemId;
    });
  }

  document.addEventListener("dragstart", function (event) {
    const row = event.target instanceof Element ? event.target.closest(".sortable > .playlist-item") : null;
    if (!row) return;
    dragged = row;
    orderBefore = playlistOrder(row.parentElement).join(",");
    row.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.itemId);
    event.dataTransfer.setDragImage(row, 12, 12);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    const row = event.target instanceof Element ? event.target.closest(".sortable > .playlist-item") : null;
    if (!row || row.parentElement !== dragged.parentElement) return;
    event.preventDefault();
    if (row === dragged) return;
    const box = row.getBoundingClientRect();
    const after = event.clientY > box.top + box.height / 2;
    row.parentElement.insertBefore(dragged, after ? row.nextElementSibling : row);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    const row = dragged;
    dragged = null;
    row.classList.remove("dragging");
    const order = playlistOrder(row.parentElement);
    const page = sessionPage();
    if (order.join(",") === orderBefore || !page || !window.htmx) return;
    window.htmx.ajax("POST", page.dataset.orderUrl, {
      source: "#playlist",
      target: "#playlist",
      swap: "outerHTML",
      values: { item: order },
    });
  });

  // --- Small things: copy a path, tick every version, print --------------------------------------------------

  function selectText(node) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const copy = target.closest("[data-copy]");
    if (copy) {
      const source = document.querySelector(copy.dataset.copy);
      const state = copy.parentElement.querySelector(".copy-state");
      const say = function (text) { if (state) state.textContent = text; };
      if (!source) return;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.textContent.trim()).then(
          function () { say("Copied."); },
          function () { selectText(source); say("Selected: press Ctrl+C to copy."); }
        );
      } else {
        selectText(source);
        say("Selected: press Ctrl+C to copy.");
      }
    } else if (target.closest("[data-print]")) {
      window.print();
    }
  });

  document.addEventListener("change", function (event) {
    const all = event.target;
    if (!(all instanceof HTMLInputElement) || !all.dataset.checkAll) return;
    const scope = all.closest("form") || document;
    scope.querySelectorAll('input[type="checkbox"][name="' + all.dataset.checkAll + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });

  // --- Start ---------------------------------------------------------------------------------------------------

  // An answer for the notes of a version already left (J pressed while its list was refreshing) has nowhere to go:
  // htmx would try its out-of-band playlist row against the detached old stage. The event cannot reach the document
  // from there, so the stage itself listens.
  function dropAnswersOnceLeft(event) {
    if (!document.body.contains(event.currentTarget)) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
    }
  }

  // A stage htmx has just swapped in (a new element, even for the same version) is set up once.
  function setUpStage() {
    const shown = stage();
    if (!shown || shown.dataset.ready) return false;
    shown.dataset.ready = "1";
    shown.addEventListener("htmx:beforeSwap", dropAnswersOnceLeft);
    stageReady();
    return true;
  }

  // Set up as soon as it is in the page (afterSwap), not 20 ms later when htmx has settled it: the focus is back in
  // the box before the next key.
  document.addEventListener("htmx:afterSwap", function () {
    if (sessionPage()) setUpStage();
  });

  document.addEventListener("htmx:afterSettle", function () {
    if (!sessionPage()) return;
    if (!setUpStage()) {
      markCurrent(currentItem());
      refreshOutboxButtons();
    }
    // The first versions added to an empty session: the first one goes on the stage.
    const shown = stage();
    const first = document.querySelector("#playlist-items .playlist-link");
    if (shown && !shown.dataset.item && first && !requestedItem) first.click();
  });

  // A click on a playlist link (or J, K, which click one): that version is the one asked for.
  document.addEventListener(
    "click",
    function (event) {
      const link = event.target instanceof Element ? event.target.closest("#playlist-items .playlist-link") : null;
      if (!link || !sessionPage()) return;
      requestItem(link.closest(".playlist-item").dataset.itemId);
      focusBoxAfterMove = true;
    },
    true
  );

  // A version that did not arrive (no connection): J and K carry on from the one still shown.
  function stageFailed(event) {
    const source = event.detail && event.detail.elt;
    const page = sessionPage();
    if (!page || !(source instanceof Element) || !source.classList.contains("playlist-link")) return;
    requestedItem = "";
    page.dataset.current = stage() ? stage().dataset.item || "" : "";
    markCurrent(page.dataset.current);
    // Whatever was typed meanwhile stays with the version still shown, unsaved.
    replayTypeAhead(noteBox(), { submit: false });
  }

  document.addEventListener("htmx:sendError", stageFailed);
  document.addEventListener("htmx:responseError", stageFailed);

  function start() {
    if (!sessionPage()) return;
    restoreOutbox();
    focusBoxAfterMove = !document.activeElement || document.activeElement === document.body;
    setUpStage();
  }

  document.addEventListener("htmx:historyRestore", start);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

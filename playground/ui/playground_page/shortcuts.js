// shortcuts.js: keyboard shortcuts for presenting, and a history that Back can leave.
//
// Keys press the app's own buttons (found by their Streamlit keys, `.st-key-<key>`), so
// a shortcut does exactly what a click does. They never fire while the user types in a
// field, moves a slider, or holds a modifier key. The listener is installed once per page.
//
// Streamlit pushes a history entry for every change of the URL's query; the app rewrites
// the query on every settings change, so Back would step through entries the app at once
// rewrites again (it took four presses to leave after three changes). Setting changes
// replace the current entry instead: Back leaves the app, as after any page.

const TYPING = [
  "input", "textarea", "select", "[contenteditable='']", "[contenteditable='true']",
  "[role='combobox']", "[role='listbox']", "[role='slider']", "[role='spinbutton']",
  "[role='textbox']", "[role='dialog']",
].join(",");

function typing(target) {
  return Boolean(target && target.closest && target.closest(TYPING));
}

function install(keys) {
  window.npShortcutKeys = keys;
  if (window.npShortcuts) return;
  window.npShortcuts = true;
  document.addEventListener(
    "keydown",
    (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing || typing(ev.target)) return;
      const map = window.npShortcutKeys || {};
      const name = map[ev.key] || map[ev.key.toLowerCase()];
      if (!name) return;
      ev.preventDefault(); // Space must not also scroll the page or press a focused button
      ev.stopPropagation();
      if (ev.repeat) return;
      const button = document.querySelector(`.st-key-${name} button`);
      if (button && !button.disabled) button.click();
    },
    true,
  );
  // Space released on a focused button would press it too: the keydown above handled it
  document.addEventListener(
    "keyup",
    (ev) => {
      if (ev.key === " " && !typing(ev.target) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
        ev.preventDefault();
      }
    },
    true,
  );
}

function replaceQueryChanges() {
  if (window.npHistory) return;
  window.npHistory = true;
  const push = window.history.pushState.bind(window.history);
  window.history.pushState = (state, title, url) => {
    try {
      const next = new URL(url, window.location.href);
      if (next.pathname === window.location.pathname) {
        window.history.replaceState(state, title, url); // only the query changed
        return;
      }
    } catch (_e) {
      /* not a URL we can read: leave it to the browser */
    }
    push(state, title, url);
  };
}

export default function shortcuts(component) {
  const { data } = component;
  replaceQueryChanges();
  install((data && data.keys) || {});
  return undefined;
}

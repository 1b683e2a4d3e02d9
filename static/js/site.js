/* Site chrome: the phone menu button. Loaded in <head> without defer so the page is marked as
   scripted before it is drawn (no flash of the open menu). Without JavaScript the header shows
   its menu, search and languages open; the button stays hidden. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function init() {
    var toggle = document.querySelector("[data-menu-toggle]");
    if (!toggle) {
      return;
    }
    var panel = document.getElementById(toggle.getAttribute("aria-controls"));
    function set(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      panel.classList.toggle("is-open", open);
    }
    toggle.addEventListener("click", function () {
      set(toggle.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        set(false);
        toggle.focus();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

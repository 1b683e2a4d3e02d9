/* Campaign progress bars follow live updates (live.js dispatches `live:event` on document).
 * The page is complete without this file; it only moves the bars after the page loaded.
 * Texts come from event.localized in the page's language and are set with textContent only.
 */
(function () {
  "use strict";

  var FALLBACKS = { ru: ["en", "zh-hans"], en: ["ru", "zh-hans"], "zh-hans": ["en", "ru"] };
  var language = document.documentElement.lang || "ru";

  function textsFor(event) {
    var localized = event.localized || {};
    var order = [language].concat(FALLBACKS[language] || []);
    for (var i = 0; i < order.length; i++) {
      if (localized[order[i]]) {
        return localized[order[i]];
      }
    }
    return {};
  }

  document.addEventListener("live:event", function (domEvent) {
    var event = domEvent.detail || {};
    if (event.kind !== "campaign.progress" || typeof event.topic !== "string") {
      return;
    }
    var payload = event.payload || {};
    var texts = textsFor(event);
    document.querySelectorAll("[data-campaign-progress]").forEach(function (box) {
      if (box.getAttribute("data-campaign-progress") !== event.topic) {
        return;
      }
      // Events arrive in order, but a replay after a reconnect may repeat an older one.
      var shown = parseInt(box.getAttribute("data-event-id") || "0", 10);
      if (event.id <= shown) {
        return;
      }
      box.setAttribute("data-event-id", String(event.id));
      var bar = box.querySelector("[data-progress-bar]");
      var perMille = parseInt(payload.per_mille, 10);
      if (bar && !isNaN(perMille)) {
        bar.value = Math.max(0, Math.min(perMille, 1000));
        bar.textContent = (perMille / 10) + "%";
      }
      box.querySelectorAll("[data-progress-text]").forEach(function (el) {
        var value = texts[el.getAttribute("data-progress-text")];
        if (typeof value === "string") {
          el.textContent = value;
        }
      });
      box.classList.add("campaign-progress--updated");
    });
  });
})();

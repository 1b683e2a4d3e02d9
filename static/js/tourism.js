/* Remaining places on a tour page, kept current by the live-update client (static/js/live.js);
 * on the booking form, the total as the party changes, and the error summary brought to focus.
 * The pages are complete without this file: the server shows the total and the errors too.
 * Text comes from the event's localized labels and is set with textContent only.
 */
(function () {
  "use strict";
  var FALLBACKS = { ru: ["en", "zh-hans"], en: ["ru", "zh-hans"], "zh-hans": ["en", "ru"] };
  var language = document.documentElement.lang || "ru";

  function label(localized) {
    var order = [language].concat(FALLBACKS[language] || []);
    for (var i = 0; i < order.length; i++) {
      var texts = localized && localized[order[i]];
      if (texts && texts.label) {
        return texts.label;
      }
    }
    return null;
  }

  document.addEventListener("live:event", function (event) {
    var message = event.detail || {};
    if (message.kind !== "slot.availability" || !message.payload) {
      return;
    }
    var id = String(message.payload.slot);
    var remaining = Number(message.payload.remaining);
    var bookable = Boolean(message.payload.bookable);
    var cell = document.querySelector('[data-slot-remaining="' + id + '"]');
    if (!cell) {
      return;
    }
    var text = label(message.localized);
    if (text) {
      cell.textContent = text;
    }
    var book = document.querySelector('[data-slot-book="' + id + '"]');
    var wait = document.querySelector('[data-slot-wait="' + id + '"]');
    if (book) {
      book.hidden = !bookable || remaining <= 0;
    }
    if (wait) {
      wait.hidden = !bookable || remaining > 0;
    }
    var row = cell.closest("tr");
    if (row) {
      row.classList.remove("is-updated");
      void row.offsetWidth;
      row.classList.add("is-updated");
    }
  });

  var LOCALES = { ru: "ru-RU", en: "en-GB", "zh-hans": "zh-CN" };

  function showTotal(form) {
    var output = form.querySelector("[data-booking-total]");
    if (!output || typeof Intl === "undefined") {
      return;
    }
    var total = 0;
    form.querySelectorAll("input[data-price-minor]").forEach(function (input) {
      var count = parseInt(input.value, 10);
      if (count > 0) {
        total += count * Number(input.getAttribute("data-price-minor"));
      }
    });
    output.textContent = new Intl.NumberFormat(LOCALES[language] || language, {
      style: "currency",
      currency: output.getAttribute("data-currency") || "RUB",
      currencyDisplay: "narrowSymbol",
      maximumFractionDigits: 0,
    }).format(total / 100);
  }

  document.querySelectorAll("form.booking-form").forEach(function (form) {
    form.addEventListener("input", function () {
      showTotal(form);
    });
  });

  var summary = document.getElementById("form-errors");
  if (summary) {
    summary.focus();
  }
})();

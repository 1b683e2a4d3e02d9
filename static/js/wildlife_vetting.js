/*
 * The wildlife vetting screens in the Wagtail admin (no inline script: the CSP allows 'self').
 *
 * Queue ([data-vetting-queue]): each card is focusable; keys decide the focused card and move
 * to the next undecided one: a approve (as the individual shown), r reject, u unidentifiable,
 * j / n next, k previous, x select for a bulk action, Enter open the vetting screen.
 * Vetting screen ([data-crop]): drag over the image to set the crop; the four number fields
 * follow (and stay the fallback); the public preview refreshes.
 */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // Queue ------------------------------------------------------------------------------------

  function setUpQueue(queue) {
    var cards = Array.prototype.slice.call(queue.querySelectorAll("[data-vetting-card]"));
    var busy = false;
    if (!cards.length) {
      return;
    }

    function undecided(card) {
      return !card.classList.contains("wildlife-card--decided");
    }

    function move(from, step) {
      var index = cards.indexOf(from);
      for (var i = index + step; i >= 0 && i < cards.length; i += step) {
        if (undecided(cards[i])) {
          cards[i].focus();
          cards[i].scrollIntoView({ block: "nearest" });
          return;
        }
      }
    }

    function decide(card, decision) {
      if (busy || !undecided(card)) {
        return;
      }
      busy = true;
      var outcome = card.querySelector("[data-outcome]");
      var body = new URLSearchParams();
      body.set("decision", decision);
      fetch(card.getAttribute("data-decide-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        body: body,
      })
        .then(function (response) {
          return response.json().then(function (data) {
            return { ok: response.ok, data: data };
          });
        })
        .then(function (result) {
          busy = false;
          if (result.ok) {
            card.classList.add("wildlife-card--decided");
            card.classList.remove("wildlife-card--error");
            card.setAttribute("data-status", result.data.status);
            outcome.textContent = result.data.message;
            var checkbox = card.querySelector("input[type=checkbox]");
            if (checkbox) {
              checkbox.checked = false;
              checkbox.disabled = true;
            }
            move(card, 1);
          } else {
            card.classList.add("wildlife-card--error");
            outcome.textContent = result.data.error || "";
          }
        })
        .catch(function () {
          busy = false;
          card.classList.add("wildlife-card--error");
        });
    }

    var keys = {
      a: function (card) { decide(card, "approve"); },
      r: function (card) { decide(card, "reject"); },
      u: function (card) { decide(card, "unidentifiable"); },
      j: function (card) { move(card, 1); },
      n: function (card) { move(card, 1); },
      k: function (card) { move(card, -1); },
      x: function (card) {
        var checkbox = card.querySelector("input[type=checkbox]");
        if (checkbox && !checkbox.disabled) {
          checkbox.checked = !checkbox.checked;
        }
      },
      Enter: function (card) { window.location.href = card.getAttribute("data-edit-url"); },
    };

    queue.addEventListener("keydown", function (event) {
      var card = event.target.closest ? event.target.closest("[data-vetting-card]") : null;
      if (!card || event.target !== card || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      var action = keys[event.key];
      if (action) {
        event.preventDefault();
        action(card);
      }
    });

    cards[0].focus();
  }

  // Crop -------------------------------------------------------------------------------------

  var CROP_FIELDS = { l: "id_crop_left", t: "id_crop_top", r: "id_crop_right", b: "id_crop_bottom" };

  function field(key) {
    return document.getElementById(CROP_FIELDS[key]);
  }

  function refreshPreview() {
    var preview = document.getElementById("public-preview");
    if (!preview) {
      return;
    }
    var query = Object.keys(CROP_FIELDS)
      .map(function (key) {
        var input = field(key);
        return key + "=" + encodeURIComponent(input ? input.value : "");
      })
      .join("&");
    preview.src = preview.getAttribute("data-base") + "?" + query;
  }

  function setUpCrop(area) {
    var image = area.querySelector("img");
    var box = area.querySelector("[data-crop-box]");
    var start = null;

    function fraction(event) {
      var rect = image.getBoundingClientRect();
      return {
        x: Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width)),
        y: Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height)),
      };
    }

    function show(l, t, r, b) {
      box.hidden = false;
      box.style.left = l * 100 + "%";
      box.style.top = t * 100 + "%";
      box.style.width = (r - l) * 100 + "%";
      box.style.height = (b - t) * 100 + "%";
    }

    function fromFields() {
      var values = ["l", "t", "r", "b"].map(function (key) {
        var input = field(key);
        return input ? parseFloat(input.value) : NaN;
      });
      if (values.every(function (v) { return !isNaN(v); })) {
        show(values[0], values[1], values[2], values[3]);
      }
    }

    function write(a, b) {
      var values = {
        l: Math.min(a.x, b.x), t: Math.min(a.y, b.y), r: Math.max(a.x, b.x), b: Math.max(a.y, b.y),
      };
      if (values.r - values.l < 0.02 || values.b - values.t < 0.02) {
        return;
      }
      Object.keys(values).forEach(function (key) {
        var input = field(key);
        if (input) {
          input.value = values[key].toFixed(3);
        }
      });
      show(values.l, values.t, values.r, values.b);
    }

    area.addEventListener("pointerdown", function (event) {
      start = fraction(event);
      area.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    area.addEventListener("pointermove", function (event) {
      if (start) {
        write(start, fraction(event));
      }
    });
    area.addEventListener("pointerup", function (event) {
      if (start) {
        write(start, fraction(event));
        start = null;
        refreshPreview();
      }
    });
    Object.keys(CROP_FIELDS).forEach(function (key) {
      var input = field(key);
      if (input) {
        input.addEventListener("change", function () {
          fromFields();
          refreshPreview();
        });
      }
    });
    fromFields();
  }

  function start() {
    document.querySelectorAll("[data-vetting-queue]").forEach(setUpQueue);
    document.querySelectorAll("[data-crop]").forEach(setUpCrop);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

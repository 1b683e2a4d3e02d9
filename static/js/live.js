/* Live updates of the Land of the Leopard portal: no dependencies, no build step.
 *
 * Follows the topics named by the page (script/span [data-live-client-topics] and elements
 * with [data-live-topic]) over a WebSocket at data-ws-path. On reconnect it resumes after the
 * last event id it saw; when WebSockets fail it polls data-poll-url meanwhile, and keeps trying
 * to return to the socket. Each event:
 *   - is dispatched on document as a `live:event` CustomEvent (detail: the event), for campaign
 *     progress, slot availability and the like;
 *   - is rendered into every [data-live-topic~=topic][data-live-kind=kind] container, from
 *     event.localized[page language], by cloning its <template data-live-item> (or a plain item)
 *     and filling [data-live-text], [data-live-href], img[data-live-image], time[data-live-month]
 *     with textContent and attributes only (never HTML from the event);
 *   - is announced politely to screen readers.
 * The page is complete without this file: it only adds what happens after the page loaded.
 */
(function () {
  "use strict";

  if (window.LeopardLive) {
    return; // a second copy of the script on one page
  }

  var script = document.querySelector("script[data-live-client]");
  if (!script) {
    return;
  }

  var config = {
    wsPath: script.getAttribute("data-ws-path") || "/ws/live/",
    pollUrl: script.getAttribute("data-poll-url") || "/live/events/",
    language: script.getAttribute("data-language") || document.documentElement.lang || "ru",
    textNew: script.getAttribute("data-text-new") || "",
  };
  var FALLBACKS = { ru: ["en", "zh-hans"], en: ["ru", "zh-hans"], "zh-hans": ["en", "ru"] };
  var MAX_BACKOFF_MS = 30000;
  var CONNECT_TIMEOUT_MS = 10000;

  var topics = collectTopics();
  var lastId = collectSince();
  var seen = new Set();
  var socket = null;
  var failures = 0;
  var reconnectTimer = null;
  var watchdogTimer = null;
  var heartbeatMs = 25000;
  var polling = false;
  var pollTimer = null;
  var pollSeconds = 5;
  var announcer = null;

  function collectTopics() {
    var found = new Set();
    document.querySelectorAll("[data-live-client-topics], [data-live-topic]").forEach(function (el) {
      var value = el.getAttribute("data-live-client-topics") || el.getAttribute("data-live-topic") || "";
      value.split(/[\s,]+/).forEach(function (topic) {
        if (topic) {
          found.add(topic);
        }
      });
    });
    return Array.from(found).sort();
  }

  function collectSince() {
    // Every cursor on the page was read in the same request; the smallest one misses nothing.
    var since = null;
    document.querySelectorAll("[data-live-since]").forEach(function (el) {
      var value = parseInt(el.getAttribute("data-live-since"), 10);
      if (!isNaN(value) && value >= 0 && (since === null || value < since)) {
        since = value;
      }
    });
    return since || 0;
  }

  function setMode(mode) {
    document.documentElement.setAttribute("data-live", mode);
    document.dispatchEvent(new CustomEvent("live:status", { detail: { mode: mode } }));
  }

  // Events ---------------------------------------------------------------------------------

  function handle(event) {
    if (!event || typeof event.id !== "number" || seen.has(event.id)) {
      return;
    }
    seen.add(event.id);
    if (event.id > lastId) {
      lastId = event.id;
    }
    document.dispatchEvent(new CustomEvent("live:event", { detail: event }));
    if (event.kind === "sighting.withdrawn") {
      removeWithdrawn(event);
      return;
    }
    render(event);
  }

  // A withdrawn sighting leaves the open page: every item shown for it, wherever it is.
  function removeWithdrawn(event) {
    var key = eventKey(event);
    document.querySelectorAll("[data-live-key]").forEach(function (el) {
      if (el.getAttribute("data-live-key") === key) {
        el.remove();
      }
    });
  }

  function textsFor(event) {
    var localized = event.localized || {};
    var order = [config.language].concat(FALLBACKS[config.language] || []);
    for (var i = 0; i < order.length; i++) {
      if (localized[order[i]]) {
        return { texts: localized[order[i]], language: order[i] };
      }
    }
    return { texts: {}, language: config.language };
  }

  function safeUrl(value) {
    if (typeof value !== "string" || !value) {
      return null;
    }
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  function eventKey(event) {
    var payload = event.payload || {};
    return payload.sighting_id !== undefined ? "sighting-" + payload.sighting_id : "event-" + event.id;
  }

  function containersFor(event) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-live-topic]"), function (el) {
      var wanted = el.getAttribute("data-live-topic").split(/[\s,]+/);
      var kind = el.getAttribute("data-live-kind");
      return wanted.indexOf(event.topic) !== -1 && (!kind || kind === event.kind);
    });
  }

  function plainItem(container) {
    var tag = container.tagName === "OL" || container.tagName === "UL" ? "li" : "div";
    var item = document.createElement(tag);
    item.className = "live-item";
    var link = document.createElement("a");
    link.setAttribute("data-live-href", "url");
    var image = document.createElement("img");
    image.setAttribute("data-live-image", "");
    image.setAttribute("loading", "lazy");
    link.appendChild(image);
    var title = document.createElement("span");
    title.setAttribute("data-live-text", "title");
    link.appendChild(title);
    item.appendChild(link);
    var meta = document.createElement("p");
    var month = document.createElement("time");
    month.setAttribute("data-live-month", "");
    month.setAttribute("data-live-text", "month_label");
    meta.appendChild(month);
    meta.appendChild(document.createTextNode(" · "));
    var sector = document.createElement("span");
    sector.setAttribute("data-live-text", "sector_label");
    meta.appendChild(sector);
    item.appendChild(meta);
    return item;
  }

  function buildItem(container, event) {
    var template = container.querySelector("template[data-live-item]");
    var item = template && template.content.firstElementChild
      ? template.content.firstElementChild.cloneNode(true)
      : plainItem(container);
    var found = textsFor(event);
    var texts = found.texts;
    var payload = event.payload || {};
    item.setAttribute("data-live-key", eventKey(event));
    item.setAttribute("data-live-id", String(event.id));
    if (found.language !== config.language) {
      item.setAttribute("lang", found.language);
    }
    item.querySelectorAll("[data-live-text]").forEach(function (el) {
      var value = texts[el.getAttribute("data-live-text")];
      el.textContent = typeof value === "string" ? value : "";
    });
    item.querySelectorAll("[data-live-href]").forEach(function (el) {
      var href = safeUrl(texts[el.getAttribute("data-live-href")]);
      if (href) {
        el.setAttribute("href", href);
      } else {
        el.removeAttribute("href");
      }
    });
    item.querySelectorAll("time[data-live-month]").forEach(function (el) {
      if (typeof payload.month === "string") {
        el.setAttribute("datetime", payload.month);
      }
    });
    item.querySelectorAll("img[data-live-image]").forEach(function (el) {
      var image = payload.image || {};
      var src = safeUrl(image.url);
      if (!src) {
        el.remove();
        return;
      }
      el.setAttribute("src", src);
      el.setAttribute("alt", typeof texts.alt === "string" ? texts.alt : "");
      if (image.width) {
        el.setAttribute("width", String(parseInt(image.width, 10)));
      }
      if (image.height) {
        el.setAttribute("height", String(parseInt(image.height, 10)));
      }
    });
    return { item: item, title: typeof texts.title === "string" ? texts.title : "" };
  }

  function itemsOf(container) {
    return Array.prototype.filter.call(container.children, function (child) {
      return child.tagName !== "TEMPLATE";
    });
  }

  function render(event) {
    var key = eventKey(event);
    var announced = false;
    containersFor(event).forEach(function (container) {
      var already = itemsOf(container).some(function (child) {
        return child.getAttribute("data-live-key") === key;
      });
      if (already) {
        return;
      }
      var built = buildItem(container, event);
      container.insertBefore(built.item, container.firstChild);
      var max = parseInt(container.getAttribute("data-live-max"), 10);
      if (max > 0) {
        itemsOf(container).slice(max).forEach(function (child) {
          child.remove();
        });
      }
      if (container.parentElement) {
        container.parentElement.querySelectorAll("[data-live-empty]").forEach(function (el) {
          el.hidden = true;
        });
      }
      if (!announced && built.title) {
        announce(config.textNew ? config.textNew + ": " + built.title : built.title);
        announced = true;
      }
    });
  }

  function announce(text) {
    if (!announcer) {
      return;
    }
    // Cleared first, so the same words twice are announced twice.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 100);
  }

  // WebSocket ------------------------------------------------------------------------------

  function socketUrl() {
    var protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
    return protocol + "//" + window.location.host + config.wsPath;
  }

  function connect() {
    reconnectTimer = null;
    if (!("WebSocket" in window)) {
      startPolling();
      return;
    }
    setMode(polling ? "polling" : "connecting");
    var ws;
    try {
      ws = new WebSocket(socketUrl());
    } catch (error) {
      socketFailed(null);
      return;
    }
    socket = ws;
    resetWatchdog(CONNECT_TIMEOUT_MS);
    ws.onopen = function () {
      ws.send(JSON.stringify({ type: "subscribe", topics: topics, since: lastId }));
    };
    ws.onmessage = function (message) {
      var data;
      try {
        data = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      resetWatchdog(heartbeatMs * 2.5);
      if (data.type === "event") {
        handle(data.event);
      } else if (data.type === "heartbeat") {
        ws.send('{"type":"pong"}');
      } else if (data.type === "subscribed") {
        failures = 0;
        if (typeof data.last_id === "number" && data.last_id > lastId) {
          lastId = data.last_id;
        }
        if (data.heartbeat) {
          heartbeatMs = data.heartbeat * 1000;
          resetWatchdog(heartbeatMs * 2.5);
        }
        stopPolling();
        setMode("websocket");
      }
    };
    ws.onclose = function (close) {
      if (socket === ws) {
        socketFailed(close.code);
      }
    };
  }

  function resetWatchdog(ms) {
    window.clearTimeout(watchdogTimer);
    watchdogTimer = window.setTimeout(function () {
      // Nothing heard, not even a heartbeat: the connection is dead though not closed.
      if (socket) {
        var dead = socket;
        socket = null;
        dead.onclose = null;
        dead.close();
        socketFailed(1006);
      }
    }, ms);
  }

  function socketFailed(code) {
    window.clearTimeout(watchdogTimer);
    socket = null;
    failures += 1;
    // Poll while the socket is away; the log loses nothing meanwhile.
    startPolling();
    if (code >= 4400 && code < 4500) {
      return; // the server refused this client for good (origin, bad message): poll only
    }
    var backoff = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, failures - 1));
    reconnectTimer = window.setTimeout(connect, backoff / 2 + Math.random() * backoff / 2);
  }

  // Polling --------------------------------------------------------------------------------

  function startPolling() {
    if (polling) {
      return;
    }
    polling = true;
    setMode("polling");
    poll();
  }

  function stopPolling() {
    polling = false;
    window.clearTimeout(pollTimer);
    pollTimer = null;
  }

  function schedulePoll(ms) {
    window.clearTimeout(pollTimer);
    pollTimer = window.setTimeout(poll, ms);
  }

  function poll() {
    if (!polling) {
      return;
    }
    if (document.hidden) {
      schedulePoll(pollSeconds * 1000);
      return;
    }
    var url = config.pollUrl + "?topics=" + encodeURIComponent(topics.join(",")) + "&since=" + lastId;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("poll failed: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        (data.events || []).forEach(handle);
        if (typeof data.last_id === "number" && data.last_id > lastId) {
          lastId = data.last_id;
        }
        if (data.poll_seconds) {
          pollSeconds = data.poll_seconds;
        }
        if (polling) {
          schedulePoll(pollSeconds * 1000);
        }
      })
      .catch(function () {
        if (polling) {
          schedulePoll(Math.min(MAX_BACKOFF_MS, pollSeconds * 4000));
        }
      });
  }

  function start() {
    if (!topics.length) {
      return;
    }
    announcer = document.createElement("div");
    announcer.className = "live-announcer";
    announcer.setAttribute("role", "status");
    announcer.setAttribute("aria-live", "polite");
    document.body.appendChild(announcer);
    connect();
  }

  window.LeopardLive = {
    topics: topics,
    lastId: function () {
      return lastId;
    },
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

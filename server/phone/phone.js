// branchq phone page: keeps one ticket's card up to date and switches zh/en in place.
// Every text comes from the server (both languages); this script only places them.
// Live updates: server-sent events (<ticket>/events); fallback: polling <ticket>/view.
"use strict";
(function () {
  var POLL_MS = 10000;
  var body = document.body;
  var texts = JSON.parse(document.getElementById("bq-texts").textContent);
  var view = JSON.parse(document.getElementById("bq-view").textContent);
  var lang = body.getAttribute("data-lang") === "en" ? "en" : "zh";
  var mode = "live";
  var base = location.pathname.replace(/\/+$/, "");
  var source = null;
  var pollTimer = null;

  function byId(id) { return document.getElementById(id); }
  function pick(text) { return text ? text[lang] : ""; }

  function bilingual(tag, text) {
    var el = document.createElement(tag);
    el.setAttribute("data-zh", text.zh);
    el.setAttribute("data-en", text.en);
    el.textContent = text[lang];
    return el;
  }

  function setText(id, text) {
    var el = byId(id);
    el.hidden = !text;
    el.textContent = "";
    if (text) { el.appendChild(bilingual("span", text)); }
  }

  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    body.setAttribute("data-lang", lang);
    var all = document.querySelectorAll("[data-zh]");
    for (var i = 0; i < all.length; i++) {
      all[i].textContent = all[i].getAttribute("data-" + lang);
    }
    var other = lang === "zh" ? "en" : "zh";
    var sw = byId("switch");
    sw.setAttribute("href", "?lang=" + other);
    sw.setAttribute("data-other", other);
    showMode(mode);
  }

  function showMode(next) {
    mode = next;
    byId("live").setAttribute("data-mode", mode);
    var key = mode === "live" ? "live" : mode;
    byId("live-text").textContent = pick(texts[key]);
  }

  function render(next) {
    var wasCalled = view && view.state === "CALLED";
    view = next;
    byId("card").className = "card tone-" + view.tone;
    byId("number").textContent = view.number;
    setText("service", view.service);
    setText("state", view.state_label);
    byId("state").hidden = false;
    setText("headline", view.headline);
    setText("message", view.message);
    setText("emergency", view.emergency);
    var facts = byId("facts");
    facts.textContent = "";
    for (var i = 0; i < view.facts.length; i++) {
      var row = document.createElement("div");
      row.appendChild(bilingual("dt", view.facts[i].label));
      row.appendChild(bilingual("dd", view.facts[i].value));
      facts.appendChild(row);
    }
    byId("updated").textContent = view.updated_at;
    body.setAttribute("data-state", view.state);
    if (view.state === "CALLED" && !wasCalled && navigator.vibrate) {
      navigator.vibrate([300, 150, 300]);
    }
    if (view.final) { stop(); showMode("finished"); }
    if (window.bqFeedback) { window.bqFeedback.show(view); }
  }

  function stop() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
  }

  function poll() {
    pollTimer = null;
    fetch(base + "/view", { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.json(); })
      .then(function (next) { render(next); if (!view.final) { showMode("polling"); } })
      .catch(function () { showMode("offline"); })
      .then(function () { if (!view.final && !source) { pollTimer = setTimeout(poll, POLL_MS); } });
  }

  function startPolling() {
    if (source) { source.close(); source = null; }
    if (!pollTimer) { poll(); }
  }

  function connect() {
    if (!window.EventSource) { startPolling(); return; }
    var failures = 0;
    source = new EventSource(base + "/events");
    source.addEventListener("view", function (e) { failures = 0; render(JSON.parse(e.data)); });
    source.onopen = function () { failures = 0; showMode("live"); };
    source.onerror = function () {
      failures += 1;
      // EventSource retries by itself; after three failures in a row, poll instead
      if (!source || source.readyState === EventSource.CLOSED || failures >= 3) { startPolling(); }
      else { showMode("offline"); }
    };
  }

  byId("switch").addEventListener("click", function (e) {
    e.preventDefault();
    lang = lang === "zh" ? "en" : "zh";
    applyLanguage();
    if (history.replaceState) { history.replaceState(null, "", "?lang=" + lang); }
  });

  document.addEventListener("visibilitychange", function () {
    // a phone suspends background pages: catch up as soon as the page is seen again
    if (document.visibilityState !== "visible" || !view || view.final || source) { return; }
    if (pollTimer) { clearTimeout(pollTimer); pollTimer = null; }
    poll();
  });

  if (!view) { showMode("finished"); return; }
  if (window.bqFeedback) { window.bqFeedback.show(view); }
  if (view.final) { showMode("finished"); return; }
  connect();
})();

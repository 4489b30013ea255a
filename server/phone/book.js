// branchq appointment pages: book a slot (data-page="book") and the booking's own page
// (data-page="manage": cancel, move). Every text comes from the server in both languages;
// this script only places them and talks to /api/v1/appointments (same origin, JSON).
"use strict";
(function () {
  var body = document.body;
  var page = body.getAttribute("data-page");
  var texts = JSON.parse(document.getElementById("bq-texts").textContent);
  var dataEl = document.getElementById("bq-data");
  var data = dataEl ? JSON.parse(dataEl.textContent) : null;
  var lang = body.getAttribute("data-lang") === "en" ? "en" : "zh";
  var chosen = { service: null, day: null, start: null };

  function byId(id) { return document.getElementById(id); }

  function bilingual(tag, text) {
    var el = document.createElement(tag);
    el.setAttribute("data-zh", text.zh);
    el.setAttribute("data-en", text.en);
    el.textContent = text[lang];
    return el;
  }

  function fill(text, n) {
    return { zh: text.zh.replace("{n}", n), en: text.en.replace("{n}", n) };
  }

  function applyLanguage() {
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    body.setAttribute("data-lang", lang);
    var all = document.querySelectorAll("[data-zh]");
    for (var i = 0; i < all.length; i++) {
      all[i].textContent = all[i].getAttribute("data-" + lang);
    }
    var input = byId("contact");
    if (input) { input.placeholder = texts.contact_placeholder[lang]; }
    byId("switch").setAttribute("href", "?lang=" + (lang === "zh" ? "en" : "zh"));
  }

  function showError(text) {
    var el = byId("error");
    el.textContent = "";
    el.hidden = !text;
    if (text) { el.appendChild(bilingual("span", text)); }
  }

  // the API's error body carries its message in both languages
  function call(method, path, payload) {
    var options = { method: method, headers: { Accept: "application/json" }, cache: "no-store" };
    if (payload) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(path, options).then(function (r) {
      return r.json().then(function (json) {
        if (!r.ok) { throw json && json.message ? json.message : texts.network; }
        return json;
      });
    }, function () { throw texts.network; });
  }

  function press(container, button) {
    var all = container.querySelectorAll("button");
    for (var i = 0; i < all.length; i++) { all[i].setAttribute("aria-pressed", "false"); }
    if (button) { button.setAttribute("aria-pressed", "true"); }
  }

  function dayButton(iso) {
    var d = new Date(iso + "T00:00:00Z");
    var weekday = (d.getUTCDay() + 6) % 7;
    var names = { zh: "周" + texts.weekdays.zh.charAt(weekday), en: texts.weekdays.en.substr(weekday * 3, 3) };
    var b = document.createElement("button");
    b.type = "button";
    b.setAttribute("data-day", iso);
    b.appendChild(document.createTextNode(iso.substr(5).replace("-", "/")));
    b.appendChild(bilingual("small", names));
    return b;
  }

  function showDays(days, base) {
    var box = byId("days");
    box.textContent = "";
    days.forEach(function (iso) {
      var b = dayButton(iso);
      b.addEventListener("click", function () {
        press(box, b);
        chosen.day = iso;
        loadSlots(base);
      });
      box.appendChild(b);
    });
    byId("step-day").hidden = false;
    if (days.length) { box.firstChild.click(); }
  }

  function loadSlots(base) {
    chosen.start = null;
    var box = byId("slots");
    box.textContent = "";
    box.appendChild(bilingual("p", texts.loading));
    byId("step-slot").hidden = false;
    showSteps();
    var query = "?service=" + encodeURIComponent(chosen.service) + "&day=" + chosen.day;
    call("GET", base + "slots" + query).then(function (day) {
      box.textContent = "";
      byId("no-slots").hidden = day.slots.length > 0;
      day.slots.forEach(function (slot) {
        var b = document.createElement("button");
        b.type = "button";
        b.disabled = slot.free < 1;
        b.setAttribute("data-start", slot.start);
        b.appendChild(document.createTextNode(slot.label));
        b.appendChild(bilingual("small", slot.free < 1 ? texts.full : fill(texts.left, slot.free)));
        b.addEventListener("click", function () {
          press(box, b);
          chosen.start = slot.start;
          slotChosen();
        });
        box.appendChild(b);
      });
    }, function (message) { box.textContent = ""; showError(message); });
  }

  function slotChosen() {
    showError(null);
    showSteps();
  }

  function showSteps() {
    var contact = byId("step-contact");
    if (contact) { contact.hidden = !chosen.start; }
    var moveTo = byId("move-to");
    if (moveTo) { moveTo.hidden = !chosen.start; }
  }

  function bookPage() {
    var base = "./";  // the page is /api/v1/appointments/book
    var services = byId("services");
    byId("no-services").hidden = data.services.length > 0;
    data.services.forEach(function (s) {
      var b = bilingual("button", s.name);
      b.type = "button";
      b.setAttribute("data-service", s.service_code);
      b.addEventListener("click", function () {
        press(services, b);
        chosen.service = s.service_code;
        showDays(s.days, base);
      });
      services.appendChild(b);
      if (s.service_code === data.preselect) { b.click(); }
    });
    byId("book").addEventListener("click", function () {
      var contact = byId("contact").value.trim();
      if (!chosen.start || !contact) { showError(texts.choose_all); return; }
      var button = byId("book");
      button.disabled = true;
      button.textContent = texts.booking[lang];
      call("POST", "../appointments", {
        service_code: chosen.service, start: chosen.start, contact: contact, language: lang
      }).then(function (created) {
        var token = created.manage_url.split("/").pop();
        location.assign("manage/" + token + "?lang=" + lang);
      }, function (message) {
        button.disabled = false;
        button.textContent = texts.book[lang];
        showError(message);
        if (chosen.day) { loadSlots(base); }  // the slot may have filled meanwhile
      });
    });
  }

  function managePage() {
    var base = "../";  // the page is /api/v1/appointments/manage/<token>
    var token = location.pathname.split("/").pop();
    var booking = data.booking;
    chosen.service = booking.service_code;

    function done(text, next) {
      var el = byId("done");
      el.textContent = "";
      el.appendChild(bilingual("span", text));
      el.hidden = false;
      body.setAttribute("data-state", next.state);
      var state = byId("state");
      state.textContent = "";
      state.appendChild(bilingual("span", texts.states[next.state]));
      byId("when").textContent = next.label;
      byId("actions").hidden = next.state !== "BOOKED";
      byId("qr").hidden = next.state !== "BOOKED";
      byId("step-day").hidden = true;
      byId("step-slot").hidden = true;
    }

    var cancel = byId("cancel");
    cancel.addEventListener("click", function () {
      if (!cancel.classList.contains("armed")) {
        cancel.classList.add("armed");
        cancel.textContent = texts.cancel_confirm[lang];
        return;
      }
      cancel.disabled = true;
      call("POST", base + "manage/" + token + "/cancel").then(function (next) {
        done(texts.cancelled_ok, next);
      }, function (message) { cancel.disabled = false; showError(message); });
    });
    byId("move").addEventListener("click", function () { showDays(data.days, base); });
    byId("move-to").addEventListener("click", function () {
      if (!chosen.start) { return; }
      call("POST", base + "manage/" + token + "/move", { start: chosen.start }).then(
        function (next) { done(texts.moved_ok, next); },
        function (message) { showError(message); loadSlots(base); }
      );
    });
  }

  byId("switch").addEventListener("click", function (e) {
    e.preventDefault();
    lang = lang === "zh" ? "en" : "zh";
    applyLanguage();
    if (history.replaceState) { history.replaceState(null, "", "?lang=" + lang); }
  });

  if (page === "book") { bookPage(); }
  if (page === "manage") { managePage(); }
})();

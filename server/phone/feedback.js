// branchq phone page: rate a served ticket (five faces, then optional reasons) and complain.
// Every text comes from the server (#bq-feedback, both languages); this script only places
// them, as data-zh/data-en elements that phone.js switches with the rest of the page.
// phone.js calls bqFeedback.show(view) with each view of the ticket.
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("bq-feedback").textContent);
  var T = data.texts;
  var root = document.getElementById("feedback");
  var base = location.pathname.replace(/\/+$/, "");
  var s = { step: null, score: null, reasons: [], category: null, text: "", phone: "",
            busy: false, error: null, complained: false, receipt: null };

  function lang() { return document.body.getAttribute("data-lang") === "en" ? "en" : "zh"; }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) {
      e.setAttribute("data-zh", text.zh);
      e.setAttribute("data-en", text.en);
      e.textContent = text[lang()];
    }
    return e;
  }

  function button(cls, text, onClick) {
    var b = el("button", cls, text);
    b.type = "button";
    b.disabled = s.busy;
    b.addEventListener("click", onClick);
    return b;
  }

  function face(score, cls) {
    var img = el("img", cls);
    img.src = "../phone/face-" + score + ".svg";
    img.alt = "";
    return img;
  }

  function isLow() { return s.score !== null && s.score <= data.low; }

  function post(path, body, done) {
    s.busy = true; s.error = null; draw();
    fetch(base + path, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      cache: "no-store"
    }).then(function (r) {
      return r.json().then(function (answer) { return { ok: r.ok, answer: answer }; });
    }).then(function (result) {
      s.busy = false;
      if (result.ok) { done(result.answer); } else { s.error = result.answer.message; }
      draw();
    }).catch(function () { s.busy = false; s.error = T.offline; draw(); });
  }

  function sendRating(reasons) {
    post("/rating", { score: s.score, reasons: reasons }, function () { s.step = "thanks"; });
  }

  function sendComplaint() {
    if (!s.category) { s.error = T.needs_category; draw(); return; }
    var body = { category: s.category, text: s.text };
    if (s.phone.trim()) { body.phone = s.phone.trim(); }
    post("/complaint", body, function (receipt) {
      s.complained = true; s.receipt = receipt.message; s.step = "complained";
    });
  }

  var steps = {
    ask: function (box) {
      box.appendChild(el("h2", "", T.ask));
      var row = el("div", "faces");
      [5, 4, 3, 2, 1].forEach(function (score) {
        var b = button("face", null, function () {
          if (score !== s.score) { s.reasons = []; }
          s.score = score; s.step = "reasons"; draw();
        });
        b.setAttribute("data-score", String(score));
        b.appendChild(face(score, ""));
        b.appendChild(el("span", "", data.scores[String(score)]));
        row.appendChild(b);
      });
      box.appendChild(row);
    },
    reasons: function (box) {
      var head = el("div", "chosen");
      head.appendChild(face(s.score, ""));
      head.appendChild(el("strong", "", data.scores[String(s.score)]));
      box.appendChild(head);
      box.appendChild(el("p", "hint", T.reasons));
      var chips = el("div", "chips");
      (s.score >= 4 ? data.praise : data.criticism).forEach(function (reason) {
        var on = s.reasons.indexOf(reason) >= 0;
        var b = button(on ? "chip on" : "chip", data.reasons[reason], function () {
          var i = s.reasons.indexOf(reason);
          if (i >= 0) { s.reasons.splice(i, 1); } else { s.reasons.push(reason); }
          draw();
        });
        b.setAttribute("data-reason", reason);
        chips.appendChild(b);
      });
      box.appendChild(chips);
      var row = el("div", "actions");
      row.appendChild(button("ghost", T.back, function () { s.step = "ask"; draw(); }));
      row.appendChild(button("ghost", T.skip, function () { sendRating([]); }));
      row.appendChild(button("primary", s.busy ? T.sending : T.send, function () {
        sendRating(s.reasons.slice());
      }));
      box.appendChild(row);
    },
    thanks: function (box) {
      box.appendChild(face(s.score, "big"));
      box.appendChild(el("h2", "", isLow() ? T.thanks_low : T.thanks));
      if (isLow() && !s.complained) { box.appendChild(complainButton()); }
    },
    rated: function (box) {
      box.appendChild(el("p", "rated", T.rated));
      var head = el("div", "chosen");
      head.appendChild(face(s.score, ""));
      head.appendChild(el("strong", "", data.scores[String(s.score)]));
      box.appendChild(head);
      if (isLow() && !s.complained) { box.appendChild(complainButton()); }
    },
    complaint: function (box) {
      box.appendChild(el("h2", "", T.complaint_title));
      box.appendChild(el("p", "hint", T.category));
      var chips = el("div", "chips");
      data.categories.forEach(function (c) {
        var b = button(s.category === c.value ? "chip on" : "chip", c.label, function () {
          s.category = c.value; s.error = null; draw();
        });
        b.setAttribute("data-category", c.value);
        chips.appendChild(b);
      });
      box.appendChild(chips);
      var label = el("label", "field", T.text);
      var area = document.createElement("textarea");
      area.id = "complaint-text"; area.maxLength = 500; area.rows = 3; area.value = s.text;
      area.addEventListener("input", function () { s.text = area.value; });
      box.appendChild(label); box.appendChild(area);
      var tel = el("label", "field", T.phone);
      var input = document.createElement("input");
      input.id = "complaint-phone"; input.type = "tel"; input.maxLength = 24;
      input.autocomplete = "tel"; input.value = s.phone;
      input.addEventListener("input", function () { s.phone = input.value; });
      box.appendChild(tel); box.appendChild(input);
      box.appendChild(el("p", "small", T.privacy));
      var row = el("div", "actions");
      row.appendChild(button("ghost", T.cancel, function () {
        s.step = s.score ? "thanks" : "closed"; s.error = null; draw();
      }));
      row.appendChild(button("primary", s.busy ? T.sending : T.complaint_send, sendComplaint));
      box.appendChild(row);
    },
    complained: function (box) {
      box.appendChild(el("h2", "", T.complained));
      if (s.receipt) { box.appendChild(el("p", "receipt", s.receipt)); }
    }
  };

  function complainButton() {
    return button("complain", T.complain, function () { s.step = "complaint"; draw(); });
  }

  function draw() {
    var make = steps[s.step];
    root.hidden = !make;
    root.textContent = "";
    if (!make) { return; }
    var box = el("div", "step step-" + s.step);
    make(box);
    if (s.error) { box.appendChild(el("p", "error", s.error)); }
    root.appendChild(box);
  }

  function show(view) {
    if (!view || view.state !== "DONE" || !view.feedback) { return; }
    if (s.step !== null) { return; }  // already following the customer's taps
    var f = view.feedback;
    s.complained = f.complained;
    if (f.rated_score) { s.score = f.rated_score; s.step = "rated"; }
    else if (f.rateable) { s.step = "ask"; }
    else { s.step = "closed"; }
    draw();
  }

  window.bqFeedback = { show: show };
})();

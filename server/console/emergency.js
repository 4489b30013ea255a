// The emergency tab: stop issuing tickets with a notice on every screen (emergency or service
// pause, a drill marked as such), change the notice, resume; the switch log. While the branch
// is stopped, a red banner across every tab says so, with the resume button.
// API: GET/POST /api/v1/admin/emergency[/on|/off|/log] (admin or manager).

const T = {
  title: { zh: "应急 / 暂停", en: "Emergency" },
  stopped: { zh: "暂停取号中", en: "No tickets are issued" },
  kinds: {
    emergency: { zh: "应急", en: "Emergency" },
    pause: { zh: "暂停服务", en: "Service pause" },
  },
  drill: { zh: "演练", en: "Drill" },
  since: { zh: "{by} 于 {time} 开启", en: "switched on by {by} at {time}" },
  resume: { zh: "恢复取号", en: "Resume issuing" },
  running: { zh: "正常取号中", en: "Issuing tickets normally" },
  switchOn: { zh: "暂停取号并向所有屏幕发布通知", en: "Stop issuing and show a notice on every screen" },
  change: { zh: "更改通知", en: "Change the notice" },
  kind: { zh: "类型", en: "Kind" },
  isDrill: { zh: "这是一次演练", en: "This is a drill" },
  noticeZh: { zh: "通知（中文）", en: "Notice (Chinese)" },
  noticeEn: { zh: "通知（英文）", en: "Notice (English)" },
  apply: { zh: "暂停取号", en: "Stop issuing" },
  applyChange: { zh: "更新通知", en: "Update the notice" },
  bothNeeded: { zh: "通知需要中英文两种语言", en: "The notice is needed in both languages" },
  log: { zh: "开关记录", en: "Switch log" },
  on: { zh: "开启", en: "on" },
  off: { zh: "解除", en: "off" },
  defaults: {
    emergency: {
      zh: "因突发情况暂停取号，请听从工作人员指引",
      en: "Ticketing is stopped for an emergency; please follow the staff's directions",
    },
    pause: {
      zh: "暂停服务，请稍候，已取号的客户将继续办理",
      en: "Service is paused; please wait. Customers with a ticket will still be served",
    },
  },
};

function mount(panel, ctx) {
  const { el, t } = ctx;
  const banner = document.getElementById("emergency");
  let status = null;
  let log = [];
  let error = null;
  const form = { kind: "pause", drill: false, zh: "", en: "", edited: false };

  let shown = null; // what the panel last drew from: a read that brings nothing new redraws nothing
  const read = ctx.reader(
    () => Promise.all([ctx.api("GET", "/admin/emergency"), ctx.api("GET", "/admin/emergency/log?limit=20")]),
    (answer, failure) => {
      // redrawing rebuilds the form: the manager typing in it would lose the focus and the
      // selection, so only a change redraws (a snapshot after a reconnect usually is none)
      const next = JSON.stringify([answer ?? null, failure ?? null]);
      if (next === shown) return;
      shown = next;
      error = failure;
      if (answer) [status, log] = answer;
      render();
    },
  );

  async function send(path, body, button) {
    button.disabled = true;
    try {
      status = await ctx.api("POST", path, body);
      error = null;
      form.edited = false;
    } catch (failure) {
      error = failure.text; // shown now: the read after it may bring nothing new to redraw
      render();
      return;
    }
    read();
  }

  function renderBanner() {
    banner.replaceChildren();
    banner.hidden = !(status && status.active);
    if (banner.hidden) return;
    const kind = t(T.kinds[status.kind]);
    banner.append(
      el("span", { class: "emergency-kind", text: `${t(T.stopped)} · ${kind}${status.drill ? ` · ${t(T.drill)}` : ""}` }),
      el("span", { class: "emergency-notice", text: t(status.notice) }),
      el("span", { class: "emergency-since", text: t(T.since, { by: status.by || "—", time: ctx.when(status.since) }) }),
      el("button", {
        id: "emergency-resume",
        class: "resume",
        type: "button",
        text: t(T.resume),
        onclick: (event) => send("/admin/emergency/off", undefined, event.currentTarget),
      }),
    );
  }

  function field(label, input) {
    return el("label", { class: "field" }, el("span", { text: t(label) }), input);
  }

  function switchForm() {
    const active = status && status.active;
    if (!form.edited) {
      const source = active ? status.notice : T.defaults[form.kind];
      form.zh = source.zh;
      form.en = source.en;
      if (active) {
        form.kind = status.kind;
        form.drill = status.drill;
      }
    }
    const kind = el(
      "select",
      { id: "emergency-kind", onchange: (e) => {
        form.kind = e.currentTarget.value;
        if (!form.edited) render();
      } },
      ["pause", "emergency"].map((k) => {
        const option = el("option", { value: k, text: t(T.kinds[k]) });
        option.selected = form.kind === k;
        return option;
      }),
    );
    const drill = el("input", { id: "emergency-drill", type: "checkbox", onchange: (e) => { form.drill = e.currentTarget.checked; } });
    drill.checked = form.drill;
    const zh = el("textarea", { id: "notice-zh", maxlength: 200, rows: 2, oninput: (e) => { form.zh = e.currentTarget.value; form.edited = true; } });
    zh.value = form.zh;
    const en = el("textarea", { id: "notice-en", maxlength: 200, rows: 2, oninput: (e) => { form.en = e.currentTarget.value; form.edited = true; } });
    en.value = form.en;
    const problem = el("p", { class: "error", role: "alert", hidden: true });
    return el(
      "form",
      {
        id: "emergency-form",
        class: "emergency-form",
        onsubmit: (event) => {
          event.preventDefault();
          if (!form.zh.trim() || !form.en.trim()) {
            problem.hidden = false;
            problem.textContent = t(T.bothNeeded);
            return;
          }
          const body = { kind: form.kind, drill: form.drill, notice: { zh: form.zh, en: form.en } };
          send("/admin/emergency/on", body, event.currentTarget.querySelector("button"));
        },
      },
      el("h2", { text: t(active ? T.change : T.switchOn) }),
      el("div", { class: "field-row" },
        field(T.kind, kind),
        el("label", { class: "check" }, drill, el("span", { text: t(T.isDrill) }))),
      field(T.noticeZh, zh),
      field(T.noticeEn, en),
      problem,
      el("button", { id: "emergency-apply", class: "stop", type: "submit", text: t(active ? T.applyChange : T.apply) }),
    );
  }

  function render() {
    renderBanner();
    const nodes = [];
    if (error) nodes.push(el("p", { class: "error", role: "alert", text: t(error) }));
    if (status) {
      nodes.push(
        el("p", { id: "emergency-state", class: status.active ? "state stopped" : "state running",
          text: status.active ? `${t(T.stopped)}: ${t(status.notice)}` : t(T.running) }),
        el("div", { class: "emergency-columns" },
          switchForm(),
          el("section", { class: "block switch-log" },
            el("h2", { text: t(T.log) }),
            el("ol", { id: "emergency-log" }, log.map((entry) =>
              el("li", {},
                el("strong", { text: `${ctx.when(entry.at)} ${t(entry.action === "on" ? T.on : T.off)}` }),
                ` ${t(T.kinds[entry.kind])}${entry.drill ? ` · ${t(T.drill)}` : ""} · ${entry.by}`,
                entry.notice ? el("span", { class: "log-notice", text: t(entry.notice) }) : null))))),
      );
    }
    panel.replaceChildren(...nodes);
  }

  ctx.on("message", (message) => {
    if (message.type === "snapshot" || message.type === "emergency.changed") read();
  });
  ctx.on("language", () => render());
  ctx.on("signedIn", () => {
    status = null;
    render();
  });
  return { shown: () => read() };
}

export default { id: "emergency", title: T.title, mount };

// The live floor tab: wait alerts with their suggestion (acknowledged here), every service's
// queue and every counter. Reads GET /api/v1/console/floor when the stream connects and after
// each event (coalesced: one read at a time); waits and service times tick every second.

const T = {
  title: { zh: "实时大厅", en: "Live floor" },
  alerts: { zh: "等候提醒", en: "Wait alerts" },
  noAlerts: { zh: "当前没有等候提醒", en: "No wait alerts now" },
  queues: { zh: "排队情况", en: "Queues" },
  counters: { zh: "窗口", en: "Counters" },
  cleared: { zh: "今日已解除的提醒", en: "Cleared today" },
  waiting: { zh: "等候人数", en: "Waiting" },
  people: { zh: "人", en: "" },
  longest: { zh: "最长等候", en: "Longest wait" },
  estimate: { zh: "预计等候", en: "Estimated wait" },
  target: { zh: "目标", en: "target" },
  openCounters: { zh: "开放窗口 {n}", en: "Open counters: {n}" },
  minutes: { zh: "{n} 分钟", en: "{n} min" },
  suggestion: { zh: "建议：", en: "Suggested: " },
  raisedAt: { zh: "{time} 提出", en: "raised {time}" },
  helpers: { zh: "可协助：{list}", en: "Can help: {list}" },
  acknowledge: { zh: "确认", en: "Acknowledge" },
  acknowledgedBy: { zh: "{name} 已于 {time} 确认", en: "Acknowledged by {name} at {time}" },
  clearedAt: { zh: "{time} 自动解除", en: "cleared {time}" },
  teller: { zh: "柜员", en: "Teller" },
  noTeller: { zh: "—", en: "—" },
  idle: { zh: "空闲", en: "Free" },
  serves: { zh: "办理：{list}", en: "Serves: {list}" },
  serviceTime: { zh: "已办理", en: "Serving for" },
  calledFor: { zh: "已叫号", en: "Called" },
  states: {
    OPEN: { zh: "开放", en: "Open" },
    PAUSED: { zh: "暂停", en: "Paused" },
    CLOSED: { zh: "关闭", en: "Closed" },
  },
  ticketStates: {
    CALLED: { zh: "已叫号，等候客户", en: "Called, waiting for the customer" },
    SERVING: { zh: "办理中", en: "Serving" },
  },
  loadFailed: { zh: "读取大厅状态失败：", en: "Could not read the floor: " },
};

function mount(panel, ctx) {
  const { el, t } = ctx;
  let floor = null;
  let error = null;
  let timer = null;

  const read = ctx.reader(
    () => ctx.api("GET", "/console/floor"),
    (answer, failure) => {
      error = failure;
      if (answer) {
        floor = answer;
        ctx.timezone = answer.timezone || ctx.timezone;
        ctx.noteServerTime(answer.at);
      }
      render();
    },
  );

  function soon() {
    if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        read();
      }, 50);
    }
  }

  function since(iso) {
    return (ctx.serverNow() - Date.parse(iso)) / 1000;
  }

  function ticking(iso, cls) {
    return el("span", { class: `tick ${cls || ""}`, "data-since": iso, text: ctx.duration(since(iso)) });
  }

  function tone(value, limit) {
    if (value > limit) return "over";
    if (value > 0.8 * limit) return "near";
    return "ok";
  }

  function minutes(seconds) {
    return t(T.minutes, { n: Math.max(0, Math.ceil(seconds / 60)) });
  }

  function counterList(numbers) {
    const names = new Map((floor.counters || []).map((c) => [c.counter.counter_number, c.counter.name]));
    return numbers.map((n) => (names.has(n) ? t(names.get(n)) : String(n))).join(ctx.lang === "zh" ? "、" : ", ");
  }

  function alertCard(alert) {
    const acknowledged = alert.state === "acknowledged";
    const cleared = alert.state === "cleared";
    const footer = [el("span", { text: t(T.raisedAt, { time: ctx.clockTime(alert.raised_at) }) })];
    if (alert.helpers.length) {
      footer.push(el("span", { class: "helpers", text: t(T.helpers, { list: counterList(alert.helpers) }) }));
    }
    let action;
    if (cleared) {
      action = el("span", { class: "done", text: t(T.clearedAt, { time: ctx.clockTime(alert.cleared_at) }) });
    } else if (acknowledged) {
      action = el("span", {
        class: "acked",
        text: t(T.acknowledgedBy, {
          name: alert.acknowledged_by,
          time: ctx.clockTime(alert.acknowledged_at),
        }),
      });
    } else {
      action = el("button", {
        class: "ack",
        type: "button",
        text: t(T.acknowledge),
        onclick: (event) => acknowledge(alert.id, event.currentTarget),
      });
    }
    return el(
      "article",
      { id: `alert-${alert.id}`, class: `alert ${alert.state}`, "data-state": alert.state },
      el("div", { class: "alert-main" },
        el("p", { class: "alert-text", text: t(alert.text) }),
        el("p", { class: "suggestion" },
          el("span", { class: "label", text: t(T.suggestion) }),
          el("strong", { text: t(alert.suggestion.text) })),
        el("p", { class: "alert-meta" }, footer)),
      el("div", { class: "alert-action" }, action),
    );
  }

  async function acknowledge(id, button) {
    button.disabled = true;
    try {
      await ctx.api("POST", `/console/alerts/${id}/acknowledge`);
    } catch (failure) {
      error = failure.text;
    }
    read();
  }

  function queueCard(item) {
    const q = item.queue;
    const estimateTone = tone(q.estimated_wait_s, item.target_wait_s);
    const longestTone = tone(item.longest_wait_s, item.target_wait_s);
    const share = Math.min(1, q.estimated_wait_s / Math.max(1, item.target_wait_s) / 1.5);
    return el(
      "article",
      { id: `queue-${q.service_code}`, class: `queue tone-${estimateTone}` },
      el("header", {},
        el("span", { class: "code", text: q.prefix }),
        el("span", { class: "name", text: t(q.name) }),
        el("span", { class: "open", text: t(T.openCounters, { n: q.open_counters }) })),
      el("div", { class: "figures" },
        el("div", { class: "figure" },
          el("span", { class: "label", text: t(T.waiting) }),
          el("span", { class: "value waiting", text: `${q.waiting}` },
            el("small", { text: t(T.people) }))),
        el("div", { class: `figure tone-${longestTone}` },
          el("span", { class: "label", text: t(T.longest) }),
          item.oldest_arrived_at
            ? ticking(item.oldest_arrived_at, "value longest")
            : el("span", { class: "value longest", text: "—" })),
        el("div", { class: `figure tone-${estimateTone}` },
          el("span", { class: "label", text: t(T.estimate) }),
          el("span", { class: "value estimate", text: minutes(q.estimated_wait_s) }),
          el("span", { class: "target", text: `${t(T.target)} ${minutes(item.target_wait_s)}` }))),
      el("div", { class: "meter" },
        el("span", { class: `fill tone-${estimateTone}`, style: null, "data-share": share.toFixed(3) }),
        el("span", { class: "mark" })),
      q.unavailable ? el("p", { class: "unavailable", text: t(q.unavailable) }) : null,
    );
  }

  function counterCard(item) {
    const c = item.counter;
    const current = c.current;
    let body;
    if (current) {
      const serving = current.state === "SERVING" && item.started_at;
      body = el("div", { class: "current" },
        el("span", { class: "number", text: current.number }),
        el("div", { class: "current-state" },
          el("span", { class: "ticket-state", text: t(T.ticketStates[current.state] || { zh: current.state, en: current.state }) }),
          el("span", { class: "timer" },
            el("span", { class: "label", text: t(serving ? T.serviceTime : T.calledFor) }),
            ticking(serving ? item.started_at : item.called_at || current.issued_at, "service-time"))));
    } else {
      body = el("div", { class: "current empty" },
        el("span", { class: "number", text: c.state === "OPEN" ? t(T.idle) : "—" }));
    }
    return el(
      "article",
      { id: `counter-${c.counter_number}`, class: `counter state-${c.state.toLowerCase()}`, "data-state": c.state },
      el("header", {},
        el("span", { class: "name", text: t(c.name) }),
        el("span", { class: "badge", text: t(T.states[c.state]) })),
      el("p", { class: "teller" },
        el("span", { class: "label", text: `${t(T.teller)} ` }),
        el("strong", { text: c.teller || t(T.noTeller) })),
      body,
      el("p", { class: "serves", text: t(T.serves, { list: item.serves.join(" · ") || "—" }) }),
    );
  }

  function section(id, title, ...children) {
    return el("section", { id, class: `block ${id}` }, el("h2", { text: t(title) }), ...children);
  }

  function render() {
    const nodes = [];
    if (error) nodes.push(el("p", { class: "error", role: "alert", text: t(T.loadFailed) + t(error) }));
    if (floor) {
      nodes.push(
        section("alerts", T.alerts,
          floor.alerts.length
            ? el("div", { class: "alert-list" }, floor.alerts.map(alertCard))
            : el("p", { class: "quiet", text: t(T.noAlerts) })),
        el("div", { class: "columns" },
          section("queues", T.queues, el("div", { class: "queue-grid" }, floor.services.map(queueCard))),
          section("counters", T.counters, el("div", { class: "counter-grid" }, floor.counters.map(counterCard)))),
      );
      if (floor.recent_alerts.length) {
        nodes.push(section("cleared", T.cleared, el("div", { class: "alert-list small" }, floor.recent_alerts.map(alertCard))));
      }
    }
    panel.replaceChildren(...nodes);
    const open = floor ? floor.alerts.filter((a) => a.state === "open").length : 0;
    ctx.badge("floor", open ? String(open) : ""); // unacknowledged alerts, seen from any tab
    for (const fill of panel.querySelectorAll(".meter .fill")) {
      fill.style.width = `${(Number(fill.dataset.share) * 100).toFixed(1)}%`;
    }
  }

  function tick() {
    for (const node of panel.querySelectorAll("[data-since]")) {
      node.textContent = ctx.duration(since(node.dataset.since));
    }
  }

  ctx.on("message", () => soon());
  ctx.on("language", () => render());
  ctx.on("signedIn", () => {
    floor = null;
    render();
  });
  setInterval(tick, 1000);
  setInterval(() => read(), 30000); // a safety net; events drive the view
  return { shown: () => read() };
}

export default { id: "floor", title: T.title, mount };

// The complaints tab: the branch's unresolved complaints, overdue first then by due time (the
// order of GET /api/v1/complaints), then the recently resolved ones. A manager takes one and
// resolves it with a note of what was done. Read again on every complaint.changed event.

const T = {
  title: { zh: "客户投诉", en: "Complaints" },
  open: { zh: "待处理的投诉", en: "Open complaints" },
  none: { zh: "没有待处理的投诉", en: "No open complaints" },
  resolved: { zh: "最近已办结", en: "Recently resolved" },
  overdue: { zh: "已超时", en: "Overdue" },
  states: {
    open: { zh: "待处理", en: "Open" },
    in_progress: { zh: "处理中", en: "In progress" },
    resolved: { zh: "已办结", en: "Resolved" },
  },
  channels: {
    counter: { zh: "窗口评价器", en: "Counter pad" },
    phone: { zh: "手机页面", en: "Phone page" },
  },
  opened: { zh: "{time} 提出", en: "opened {time}" },
  due: { zh: "{time} 前答复", en: "answer by {time}" },
  ticket: { zh: "号票 {number}", en: "Ticket {number}" },
  counter: { zh: "{n}号窗口", en: "Counter {n}" },
  teller: { zh: "柜员 {name}", en: "Teller {name}" },
  score: { zh: "评分 {n}/5", en: "Rated {n}/5" },
  phone: { zh: "回访电话 {phone}", en: "Call back {phone}" },
  owner: { zh: "负责人 {name}", en: "Handled by {name}" },
  noText: { zh: "（未填写内容）", en: "(no text)" },
  take: { zh: "由我处理", en: "Take it" },
  resolve: { zh: "办结", en: "Resolve" },
  note: { zh: "处理结果（必填）", en: "What was done (required)" },
  resolvedBy: { zh: "{name} 于 {time} 办结：{note}", en: "Resolved by {name} at {time}: {note}" },
  loadFailed: { zh: "读取投诉失败：", en: "Could not read the complaints: " },
};

function mount(panel, ctx) {
  const { el, t } = ctx;
  let list = null;
  let error = null;

  const read = ctx.reader(
    () => ctx.api("GET", "/complaints?include_resolved=true&limit=50"),
    (answer, failure) => {
      error = failure;
      if (answer) list = answer;
      render();
    },
  );

  async function act(path, body, button) {
    button.disabled = true;
    try {
      await ctx.api("POST", path, body);
      error = null;
    } catch (failure) {
      error = failure.text;
    }
    read();
  }

  function facts(c) {
    const out = [
      t(T.channels[c.channel] || { zh: c.channel, en: c.channel }),
      t(T.opened, { time: ctx.when(c.opened_at) }),
    ];
    if (c.ticket_number) out.push(t(T.ticket, { number: c.ticket_number }));
    if (c.counter_number) out.push(t(T.counter, { n: c.counter_number }));
    if (c.teller) out.push(t(T.teller, { name: c.teller }));
    if (c.rating_score) out.push(t(T.score, { n: c.rating_score }));
    const phone = c.phone || c.phone_masked;
    if (phone) out.push(t(T.phone, { phone }));
    if (c.owner) out.push(t(T.owner, { name: c.owner }));
    return out.join(" · ");
  }

  function actions(c) {
    if (c.state === "resolved") {
      return el("p", {
        class: "resolution",
        text: t(T.resolvedBy, {
          name: c.resolved_by,
          time: ctx.when(c.resolved_at),
          note: c.resolution_note,
        }),
      });
    }
    const mine = c.owner === ctx.me.name;
    const row = el("div", { class: "complaint-actions" });
    if (!mine) {
      row.append(
        el("button", {
          class: "take",
          type: "button",
          text: t(T.take),
          onclick: (event) => act(`/complaints/${c.id}/take`, undefined, event.currentTarget),
        }),
      );
    } else {
      const note = el("input", { class: "note", maxlength: 1000, placeholder: t(T.note) });
      row.append(
        note,
        el("button", {
          class: "resolve",
          type: "button",
          text: t(T.resolve),
          onclick: (event) => {
            if (!note.value.trim()) {
              note.focus();
              return;
            }
            act(`/complaints/${c.id}/resolve`, { note: note.value }, event.currentTarget);
          },
        }),
      );
    }
    return row;
  }

  function card(c) {
    const overdue = c.overdue;
    return el(
      "article",
      {
        id: `complaint-${c.id}`,
        class: `complaint state-${c.state}${overdue ? " overdue" : ""}`,
        "data-state": c.state,
      },
      el("header", {},
        el("span", { class: "reference", text: c.reference }),
        el("span", { class: "category", text: t(c.category_label) }),
        el("span", { class: "badge", text: t(T.states[c.state]) }),
        overdue ? el("span", { class: "badge overdue-badge", text: t(T.overdue) }) : null,
        c.state === "resolved" ? null : el("span", { class: "due", text: t(T.due, { time: ctx.when(c.due_at) }) })),
      el("p", { class: "complaint-text", text: c.text || t(T.noText) }),
      el("p", { class: "complaint-facts", text: facts(c) }),
      actions(c),
    );
  }

  function render() {
    const nodes = [];
    if (error) nodes.push(el("p", { class: "error", role: "alert", text: t(T.loadFailed) + t(error) }));
    if (list) {
      const open = list.filter((c) => c.state !== "resolved");
      const done = list.filter((c) => c.state === "resolved").slice(0, 10);
      nodes.push(
        el("section", { id: "complaints-open", class: "block" },
          el("h2", { text: `${t(T.open)} (${open.length})` }),
          open.length
            ? el("div", { class: "complaint-list" }, open.map(card))
            : el("p", { class: "quiet", text: t(T.none) })),
      );
      if (done.length) {
        nodes.push(
          el("section", { id: "complaints-resolved", class: "block" },
            el("h2", { text: t(T.resolved) }),
            el("div", { class: "complaint-list" }, done.map(card))),
        );
      }
      ctx.badge("complaints", open.length ? String(open.length) : "");
    }
    panel.replaceChildren(...nodes);
  }

  ctx.on("message", (message) => {
    if (message.type === "complaint.changed" || message.type === "snapshot") read();
  });
  ctx.on("language", () => render());
  ctx.on("signedIn", () => {
    list = null;
    render();
  });
  return { shown: () => read() };
}

export default { id: "complaints", title: T.title, mount };

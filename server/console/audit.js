// The audit tab: whether the hash chain of the audit trail is intact (GET /api/v1/audit/verify)
// and the newest entries (GET /api/v1/audit), filtered by actor and kind, paged back. The list
// is read again after stream events while the tab is shown (teller actions make events); the
// chain is checked when the tab opens and on "Verify again".

const T = {
  title: { zh: "审计日志", en: "Audit trail" },
  checking: { zh: "正在验证记录链…", en: "Checking the chain…" },
  intact: {
    zh: "记录链完整：共 {n} 条记录，均未被改动",
    en: "The chain is intact: {n} entries, none changed",
  },
  broken: { zh: "记录链在第 {seq} 条处断开", en: "The chain is broken at entry {seq}" },
  trusted: {
    zh: "第 1–{last} 条可信；自第 {seq} 条起不可信。",
    en: "Entries 1–{last} check out; from entry {seq} on nothing can be trusted.",
  },
  head: { zh: "链头 #{seq} · {hash}", en: "Head #{seq} · {hash}" },
  anchorHint: {
    zh: "请另行保存链头（branchq audit head），日后可证明记录链未被整体重写。",
    en: "Keep the head somewhere else (branchq audit head): it later shows the chain was not rewritten.",
  },
  verify: { zh: "重新验证", en: "Verify again" },
  actor: { zh: "操作人", en: "Actor" },
  kind: { zh: "类别", en: "Kind" },
  all: { zh: "全部", en: "All" },
  more: { zh: "更早的记录", en: "Older entries" },
  none: { zh: "没有符合条件的记录", en: "No entries match" },
  cols: {
    seq: { zh: "序号", en: "#" },
    time: { zh: "时间", en: "Time" },
    actor: { zh: "操作人", en: "Actor" },
    action: { zh: "操作", en: "Action" },
    subject: { zh: "对象", en: "Subject" },
    details: { zh: "详情", en: "Details" },
  },
  groups: {
    ticket: { zh: "叫号与办理", en: "Tickets" },
    counter: { zh: "窗口", en: "Counters" },
    auth: { zh: "登录", en: "Sign-ins" },
    user: { zh: "用户", en: "Users" },
    device: { zh: "设备", en: "Devices" },
    service: { zh: "业务设置", en: "Services" },
    category: { zh: "客户类别", en: "Categories" },
    emergency: { zh: "应急", en: "Emergency" },
    appointment: { zh: "预约", en: "Appointments" },
    complaint: { zh: "投诉", en: "Complaints" },
    alert: { zh: "等候提醒", en: "Wait alerts" },
  },
  kinds: {
    cli: { zh: "服务器命令行", en: "server command line" },
    system: { zh: "系统", en: "system" },
  },
  roles: {
    admin: { zh: "管理员", en: "admin" },
    manager: { zh: "网点主管", en: "manager" },
    teller: { zh: "柜员", en: "teller" },
    technician: { zh: "技术员", en: "technician" },
  },
  loadFailed: { zh: "读取审计日志失败：", en: "Could not read the audit trail: " },
};

const PAGE = 50;

function mount(panel, ctx) {
  const { el, t } = ctx;
  let report = null; // the chain's check
  let entries = [];
  let next = null; // before_seq of the page before, or null
  let error = null;
  let filters = { actor: "", action: "" };
  let timer = null;

  const actorInput = el("input", {
    id: "audit-actor",
    type: "search",
    maxlength: "128",
    autocomplete: "off",
    onchange: () => applyFilters(),
  });
  const kindSelect = el("select", { id: "audit-kind", onchange: () => applyFilters() });

  function query(beforeSeq) {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (filters.actor) params.set("actor", filters.actor);
    if (filters.action) params.set("action", filters.action);
    if (beforeSeq) params.set("before_seq", String(beforeSeq));
    return `/audit?${params}`;
  }

  // the newest page (again after events and filter changes), or the page before `next`
  let older = false;
  const read = ctx.reader(
    () => {
      const before = older ? next : null;
      older = false;
      return ctx.api("GET", query(before)).then((page) => ({ page, before }));
    },
    (answer, failure) => {
      if (answer) {
        const { page, before } = answer;
        entries = before ? entries.concat(page.entries) : page.entries;
        next = page.next_before_seq;
      }
      error = failure;
      render();
    },
  );
  const check = ctx.reader(
    () => ctx.api("GET", "/audit/verify"),
    (answer, failure) => {
      report = answer;
      error = failure;
      render();
    },
  );

  function readPage(beforeSeq) {
    older = Boolean(beforeSeq);
    read();
  }

  function verify() {
    report = null;
    render();
    check();
  }

  function applyFilters() {
    filters = { actor: actorInput.value.trim(), action: kindSelect.value };
    readPage(null);
  }

  function soon() {
    // a manager who paged back to older entries keeps them: an event reloads only the newest
    // page (it used to reset the list, and the older entries vanished under the reader)
    if (panel.hidden || timer !== null || entries.length > PAGE) return;
    timer = setTimeout(() => {
      timer = null;
      if (entries.length > PAGE) return; // paged back while the timer ran
      readPage(null);
    }, 300);
  }

  function verdict() {
    if (!report) {
      return el("div", { id: "audit-verdict", class: "verdict checking", "data-intact": "" },
        el("p", { class: "verdict-text", text: t(T.checking) }));
    }
    const head = t(T.head, { seq: report.head_seq, hash: report.head_hash });
    if (report.intact) {
      return el("div", { id: "audit-verdict", class: "verdict intact", "data-intact": "true" },
        el("p", { class: "verdict-text", text: t(T.intact, { n: report.entries }) }),
        el("p", { class: "head", text: head }),
        el("p", { class: "hint", text: t(T.anchorHint) }));
    }
    return el("div", {
      id: "audit-verdict",
      class: "verdict broken",
      role: "alert",
      "data-intact": "false",
      "data-broken-seq": String(report.broken_seq),
    },
    el("p", { class: "verdict-text", text: t(T.broken, { seq: report.broken_seq }) }),
    el("p", { class: "problem", text: t(report.problem) }),
    el("p", { class: "hint", text: t(T.trusted, { last: report.head_seq, seq: report.broken_seq }) }));
  }

  function who(entry) {
    const a = entry.actor;
    const role = T.roles[a.role] || T.kinds[a.kind] || { zh: a.role || a.kind, en: a.role || a.kind };
    return el("td", { class: "actor" }, el("strong", { text: a.name }), el("small", { text: t(role) }));
  }

  function details(entry) {
    const parts = Object.entries(entry.details).map(([key, value]) => {
      const shown = typeof value === "string" ? value : JSON.stringify(value);
      return `${key}: ${shown}`;
    });
    const text = parts.join(" · ");
    return el("td", { class: "details", title: text, text: text.length > 160 ? `${text.slice(0, 157)}…` : text });
  }

  function subject(entry) {
    // a ticket's printed number (in the details) first; the subject's id below it
    const number = entry.subject.startsWith("ticket:") ? entry.details.number : null;
    return el("td", { class: "subject" },
      number ? el("strong", { text: number }) : null,
      el("code", { text: entry.subject }));
  }

  function row(entry) {
    const untrusted = report && !report.intact && entry.seq >= report.broken_seq;
    return el("tr", {
      id: `audit-${entry.seq}`,
      class: untrusted ? "untrusted" : null,
      "data-action": entry.action,
    },
    el("td", { class: "seq", text: String(entry.seq) }),
    el("td", { class: "time", text: `${entry.business_day} ${ctx.clockTime(entry.at, true)}` }),
    who(entry),
    el("td", { class: "action" }, el("span", { text: t(entry.action_label) }), el("code", { text: entry.action })),
    subject(entry),
    details(entry));
  }

  function fillKinds() {
    const chosen = kindSelect.value;
    kindSelect.replaceChildren(
      el("option", { value: "", text: t(T.all) }),
      ...Object.entries(T.groups).map(([value, label]) => el("option", { value, text: t(label) })),
    );
    kindSelect.value = chosen;
  }

  function render() {
    fillKinds();
    actorInput.placeholder = t(T.actor);
    const head = el("tr", {}, Object.values(T.cols).map((label) => el("th", { text: t(label) })));
    const body = entries.length
      ? entries.map(row)
      : [el("tr", {}, el("td", { class: "quiet", colspan: "6", text: t(T.none) }))];
    const nodes = [];
    if (error) nodes.push(el("p", { class: "error", role: "alert", text: t(T.loadFailed) + t(error) }));
    panel.replaceChildren(
      ...nodes,
      el("section", { class: "block audit-chain" },
        verdict(),
        el("button", { id: "audit-verify", class: "secondary", type: "button", text: t(T.verify), onclick: () => {
          verify();
          readPage(null);
        } })),
      el("section", { class: "block audit-list" },
        el("div", { class: "filters" },
          el("label", {}, el("span", { text: t(T.actor) }), actorInput),
          el("label", {}, el("span", { text: t(T.kind) }), kindSelect)),
        el("table", { id: "audit-table", class: "audit-table" }, el("thead", {}, head), el("tbody", {}, body)),
        next
          ? el("button", { id: "audit-more", class: "secondary", type: "button", text: t(T.more), onclick: () => readPage(next) })
          : null),
    );
  }

  ctx.on("message", () => soon());
  ctx.on("language", () => render());
  ctx.on("signedIn", () => {
    report = null;
    entries = [];
    render();
  });
  return {
    shown: () => {
      readPage(null);
      verify();
    },
  };
}

export default { id: "audit", title: T.title, mount };

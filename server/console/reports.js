// The reports tab: a day's (or a range's) figures as the exports show them, the charts drawn by
// the server, the CSV/XLSX exports and, for one day, the end-of-day reconciliation.
// Reads GET /api/v1/reports/table, /reports/charts/{waits,load,mix}.svg, /reports/reconcile;
// every figure is defined once on the server (server/domain/report.py).

const T = {
  title: { zh: "报表", en: "Reports" },
  from: { zh: "开始日期", en: "From" },
  to: { zh: "结束日期", en: "To" },
  by: { zh: "分组", en: "Group by" },
  show: { zh: "查询", en: "Show" },
  today: { zh: "今天", en: "Today" },
  yesterday: { zh: "昨天", en: "Yesterday" },
  csv: { zh: "导出 CSV", en: "Export CSV" },
  xlsx: { zh: "导出 Excel", en: "Export Excel" },
  groupings: {
    service: { zh: "按业务", en: "By service" },
    counter: { zh: "按窗口", en: "By counter" },
    teller: { zh: "按柜员", en: "By teller" },
    hour: { zh: "按时段", en: "By hour" },
    category: { zh: "按客户类别", en: "By category" },
  },
  range: { zh: "{from} 至 {to}", en: "{from} to {to}" },
  empty: { zh: "该日期没有取号记录", en: "No tickets on these days" },
  figures: { zh: "业务数据", en: "Figures" },
  charts: { zh: "图表", en: "Charts" },
  chartNames: {
    waits: { zh: "各时段等候时间", en: "Waits by hour" },
    load: { zh: "各时段取号量与服务窗口数", en: "Load by hour" },
    mix: { zh: "业务构成", en: "Service mix" },
  },
  reconcile: { zh: "日终对账", en: "End-of-day reconciliation" },
  balanced: { zh: "平衡", en: "Balanced" },
  unbalanced: { zh: "不平衡", en: "Not balanced" },
  counts: {
    zh: "取号 {issued}（号码计数 {numbering_issued}）= 办结 {served} + 过号 {no_show} + 取消 {cancelled} + 作废 {abandoned} + 未结束 {open}；转移 {transferred} 次",
    en: "Issued {issued} (numbering {numbering_issued}) = served {served} + no-show {no_show} + cancelled {cancelled} + abandoned {abandoned} + open {open}; transfers: {transferred}",
  },
  prints: {
    zh: "已打印 {printed}，打印失败 {print_failed}，无打印记录 {print_pending}",
    en: "Printed {printed}, print failed {print_failed}, never printed {print_pending}",
  },
  oneDay: { zh: "对账按单日进行：请选择同一天", en: "Reconciliation is per day: pick one day" },
  loadFailed: { zh: "读取报表失败：", en: "Could not read the report: " },
  exportFailed: { zh: "导出失败：", en: "Export failed: " },
};

const CHARTS = ["waits", "load", "mix"];

function mount(panel, ctx) {
  const { el, t } = ctx;
  const state = { from: null, to: null, by: "service", table: null, reconcile: null, error: null };
  const chartUrls = {};

  const fromInput = el("input", { id: "report-from", type: "date", required: true });
  const toInput = el("input", { id: "report-to", type: "date", required: true });
  const bySelect = el("select", { id: "report-by" });
  for (const key of Object.keys(T.groupings)) bySelect.append(el("option", { value: key }));
  const labels = {
    from: el("span"),
    to: el("span"),
    by: el("span"),
  };
  const buttons = {
    show: el("button", { id: "report-show", class: "primary", type: "submit" }),
    today: el("button", { id: "report-today", class: "plain", type: "button", onclick: () => pick(0) }),
    yesterday: el("button", {
      id: "report-yesterday",
      class: "plain",
      type: "button",
      onclick: () => pick(-1),
    }),
    csv: el("button", { id: "report-csv", class: "plain", type: "button", onclick: () => save("csv") }),
    xlsx: el("button", {
      id: "report-xlsx",
      class: "plain",
      type: "button",
      onclick: () => save("xlsx"),
    }),
  };
  const form = el(
    "form",
    { class: "report-controls", onsubmit: (event) => (event.preventDefault(), readForm()) },
    el("label", {}, labels.from, fromInput),
    el("label", {}, labels.to, toInput),
    el("label", {}, labels.by, bySelect),
    buttons.show,
    buttons.today,
    buttons.yesterday,
    el("span", { class: "spacer" }),
    buttons.csv,
    buttons.xlsx,
  );
  const message = el("p", { id: "report-error", class: "error", role: "alert", hidden: true });
  const heading = el("h2", { id: "report-range" });
  const tableBox = el("div", { id: "report-table", class: "report-table" });
  const chartsTitle = el("h2");
  const chartImages = {};
  const chartBox = el("div", { class: "report-charts" });
  for (const name of CHARTS) {
    chartImages[name] = el("img", { id: `report-chart-${name}`, alt: "" });
    chartBox.append(el("figure", {}, chartImages[name]));
  }
  const reconcileTitle = el("h2");
  const reconcileBox = el("div", { id: "report-reconcile", class: "reconcile" });
  panel.append(
    form,
    message,
    el("div", { class: "block" }, heading, tableBox),
    el("div", { class: "block" }, chartsTitle, chartBox),
    el("div", { class: "block" }, reconcileTitle, reconcileBox),
  );

  function query(extra) {
    const params = new URLSearchParams({ from: state.from, to: state.to, ...extra });
    return params.toString();
  }

  function pick(offset) {
    const base = state.today || state.from;
    if (!base) return;
    const day = shiftDay(base, offset);
    fromInput.value = toInput.value = day;
    readForm();
  }

  function readForm() {
    if (!fromInput.value) return;
    state.from = fromInput.value;
    state.to = toInput.value && toInput.value >= state.from ? toInput.value : state.from;
    state.by = bySelect.value;
    load();
  }

  // one read at a time (ctx.reader): an ask while one is on its way reads once more after
  // it, with the controls as they are then, so the page ends on the days asked for last
  const readTable = ctx.reader(
    async () => {
      const params = state.from ? `?${query({ by: state.by })}` : `?by=${state.by}`;
      const table = await ctx.api("GET", `/reports/table${params}`);
      const reconcile =
        table.first_day === table.last_day
          ? await ctx.api("GET", `/reports/reconcile?day=${table.first_day}`)
          : null;
      return { table, reconcile };
    },
    (answer, error) => {
      state.error = error;
      if (answer) {
        const { table, reconcile } = answer;
        if (!state.from) state.today = table.first_day;
        state.table = table;
        state.reconcile = reconcile;
        state.from = fromInput.value = table.first_day;
        state.to = toInput.value = table.last_day;
      }
      render();
      readCharts();
    },
  );

  const readCharts = ctx.reader(
    async () => {
      const range = `${state.from}/${state.to}/${ctx.lang}`;
      const path = (name) => `/reports/charts/${name}.svg?${query({ lang: ctx.lang })}`;
      const blobs = await Promise.all(CHARTS.map((name) => ctx.blob(path(name))));
      return { range, blobs };
    },
    (answer, error) => {
      if (error) {
        state.error = error;
        render();
        return;
      }
      CHARTS.forEach((name, i) => {
        if (chartUrls[name]) URL.revokeObjectURL(chartUrls[name]);
        chartUrls[name] = URL.createObjectURL(answer.blobs[i]);
        chartImages[name].src = chartUrls[name];
        chartImages[name].dataset.range = answer.range;
      });
    },
  );

  const load = () => readTable();

  async function save(kind) {
    if (!state.from) return;
    const path =
      kind === "csv"
        ? `/reports/export.csv?${query({ by: state.by, lang: ctx.lang })}`
        : `/reports/export.xlsx?${query({ lang: ctx.lang })}`;
    try {
      const blob = await ctx.blob(path);
      const span = state.from === state.to ? state.from : `${state.from}_${state.to}`;
      const name = kind === "csv" ? `branchq-report-${span}-${state.by}.csv` : `branchq-report-${span}.xlsx`;
      const url = URL.createObjectURL(blob);
      const link = el("a", { href: url, download: name, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (failure) {
      message.hidden = false;
      message.textContent = t(T.exportFailed) + t(failure.text || { zh: String(failure), en: String(failure) });
    }
  }

  function cellText(value) {
    if (value === null || value === undefined) return "—";
    return typeof value === "number" ? value.toLocaleString(ctx.lang === "zh" ? "zh-CN" : "en-GB") : String(value);
  }

  function rowName(by, item, total) {
    // a service shows its code and name ("A 个人业务"); other keys are their name already
    return by === "service" && !total ? `${item.key} ${t(item.name)}` : t(item.name);
  }

  function renderTable() {
    tableBox.replaceChildren();
    const table = state.table;
    if (!table) return;
    if (table.rows.length === 0) {
      tableBox.append(el("p", { class: "quiet-muted", text: t(T.empty) }));
      return;
    }
    const head = el(
      "tr",
      {},
      el("th", { text: t(T.groupings[table.by]) }),
      table.columns.map((column) => el("th", { "data-column": column.id, text: t(column.name) })),
    );
    const row = (item, total) =>
      el(
        "tr",
        { class: total ? "total" : null, "data-key": total ? "total" : item.key },
        el("th", { scope: "row", text: rowName(table.by, item, total) }),
        item.cells.map((value, i) =>
          el("td", { "data-column": table.columns[i].id, text: cellText(value) }),
        ),
      );
    tableBox.append(
      el(
        "table",
        {},
        el("thead", {}, head),
        el("tbody", {}, table.rows.map((item) => row(item, false)), row(table.total, true)),
      ),
    );
  }

  function renderReconcile() {
    reconcileBox.replaceChildren();
    const rec = state.reconcile;
    if (!rec) {
      reconcileBox.append(el("p", { class: "quiet-muted", text: t(T.oneDay) }));
      return;
    }
    reconcileBox.append(
      el("p", {
        id: "report-balanced",
        class: rec.balanced ? "report-verdict ok" : "report-verdict bad",
        text: `${rec.business_day} · ${t(rec.balanced ? T.balanced : T.unbalanced)}`,
      }),
      el("p", { text: t(T.counts, rec.counts) }),
      el("p", { text: t(T.prints, rec.counts) }),
    );
    if (rec.differences.length) {
      reconcileBox.append(
        el(
          "ul",
          { class: "differences" },
          rec.differences.map((d) =>
            el("li", { "data-kind": d.kind }, el("strong", { text: d.number }), " ", t(d.detail)),
          ),
        ),
      );
    }
  }

  function render() {
    labels.from.textContent = t(T.from);
    labels.to.textContent = t(T.to);
    labels.by.textContent = t(T.by);
    for (const option of bySelect.options) option.textContent = t(T.groupings[option.value]);
    bySelect.value = state.by;
    for (const [key, button] of Object.entries(buttons)) button.textContent = t(T[key]);
    chartsTitle.textContent = t(T.charts);
    reconcileTitle.textContent = t(T.reconcile);
    for (const name of CHARTS) chartImages[name].alt = t(T.chartNames[name]);
    message.hidden = !state.error;
    message.textContent = state.error ? t(T.loadFailed) + t(state.error) : "";
    heading.textContent = state.from
      ? `${t(T.figures)} · ${state.from === state.to ? state.from : t(T.range, { from: state.from, to: state.to })}`
      : t(T.figures);
    renderTable();
    renderReconcile();
  }

  ctx.on("language", () => {
    render();
    if (state.from) readCharts();
  });
  render();
  return {
    shown: () => load(),
  };
}

/** "2026-11-29" shifted by ``days`` (calendar arithmetic in UTC: no time zone involved). */
function shiftDay(iso, days) {
  const [y, m, d] = iso.split("-").map(Number);
  const day = new Date(Date.UTC(y, m - 1, d + days));
  return day.toISOString().slice(0, 10);
}

export default { id: "reports", title: T.title, mount };

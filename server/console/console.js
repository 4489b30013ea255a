// branchq console: the shell. Signs in, keeps the token in this tab's sessionStorage (never in
// the URL), follows the event stream (/api/v1/ws: snapshot on connect, numbered events, resume
// by seq) and hosts the tabs listed in tabs.js. How to add a tab: README.md in this folder.
import tabs from "./tabs.js";

const TOKEN_KEY = "branchq.console.token";
const LANG_KEY = "branchq.console.lang";
const ROLES = ["admin", "manager"];

const T = {
  switchTo: { zh: "English", en: "中文" },
  live: { zh: "实时", en: "Live" },
  reconnecting: { zh: "正在重连", en: "Reconnecting" },
  notForRole: {
    zh: "此页面仅供网点主管和管理员使用；您的角色是 {role}",
    en: "This page is for branch managers and admins; your role is {role}",
  },
  sessionEnded: { zh: "登录已失效，请重新登录", en: "Your session ended; please sign in again" },
  unreachable: { zh: "无法连接服务器，请稍后重试", en: "Cannot reach the server; retry shortly" },
  roles: {
    admin: { zh: "管理员", en: "admin" },
    manager: { zh: "网点主管", en: "manager" },
  },
};

const $ = (id) => document.getElementById(id);

/** An answer of the API that is not 2xx: its bilingual message, as the server said it. */
export class ApiError extends Error {
  constructor(status, body) {
    const message = (body && body.message) || { zh: `错误 ${status}`, en: `error ${status}` };
    super(message.en);
    this.status = status;
    this.text = message;
  }
}

/** Build an element: el("div", {class: "x", text: "..."}, child, ...); text never as HTML. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function pickLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (asked === "zh" || asked === "en") return asked;
  const kept = sessionStorage.getItem(LANG_KEY);
  if (kept === "zh" || kept === "en") return kept;
  return (navigator.language || "zh").toLowerCase().startsWith("zh") ? "zh" : "en";
}

// ---- the context every tab gets --------------------------------------------------------------
const listeners = { message: [], language: [], signedIn: [] };
const ctx = {
  lang: pickLanguage(),
  me: null, // {name, role}
  timezone: "Asia/Shanghai", // the branch's; a tab that knows it sets it (the floor does)
  offsetMs: 0, // server time minus this browser's time, from the newest server `at`
  el,
  ApiError,
  /** A {zh, en} value in the page's language. */
  t(bilingual, values) {
    let text = bilingual ? bilingual[ctx.lang] ?? bilingual.en ?? "" : "";
    for (const [key, value] of Object.entries(values || {})) {
      text = text.replaceAll(`{${key}}`, String(value));
    }
    return text;
  },
  /** The server's clock now (its `at` times tick on from when they were received). */
  serverNow() {
    return Date.now() + ctx.offsetMs;
  },
  noteServerTime(iso) {
    const at = Date.parse(iso);
    if (!Number.isNaN(at)) ctx.offsetMs = at - Date.now();
  },
  /** "1:05" or "1:02:05" for a duration in seconds. */
  duration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const pad = (n) => String(n).padStart(2, "0");
    return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
  },
  /** "10:32" in the branch's time zone. */
  clockTime(iso, withSeconds) {
    const options = { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: ctx.timezone };
    if (withSeconds) options.second = "2-digit";
    return new Intl.DateTimeFormat(ctx.lang === "zh" ? "zh-CN" : "en-GB", options).format(
      new Date(iso),
    );
  },
  /** "10:32" today, else "11月30日 10:32" / "30 Nov 10:32" (branch time zone). */
  when(iso) {
    const day = new Intl.DateTimeFormat("en-CA", { timeZone: ctx.timezone, dateStyle: "short" });
    const date = new Date(iso);
    if (day.format(date) === day.format(new Date(ctx.serverNow()))) return ctx.clockTime(iso);
    const zh = ctx.lang === "zh";
    const dayText = new Intl.DateTimeFormat(zh ? "zh-CN" : "en-GB", {
      timeZone: ctx.timezone,
      month: zh ? "long" : "short",
      day: "numeric",
    }).format(date);
    return `${dayText} ${ctx.clockTime(iso)}`;
  },
  /** Call the API; resolves to the JSON answer, rejects with ApiError (401: back to sign-in). */
  async api(method, path, body) {
    const headers = { Accept: "application/json" };
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (error) {
      throw Object.assign(new ApiError(0, { message: T.unreachable }), { cause: error });
    }
    const answer = await response.json().catch(() => null);
    if (response.status === 401 && path !== "/auth/login") signOut(T.sessionEnded);
    if (!response.ok) throw new ApiError(response.status, answer);
    return answer;
  },
  /** GET a file of the API (a chart, an export) with the token; resolves to a Blob. A page
   * shows it through URL.createObjectURL (the CSP allows blob: pictures). */
  async blob(path) {
    const headers = {};
    const token = sessionStorage.getItem(TOKEN_KEY);
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await fetch(`/api/v1${path}`, { headers, cache: "no-store" });
    } catch (error) {
      throw Object.assign(new ApiError(0, { message: T.unreachable }), { cause: error });
    }
    if (response.status === 401) signOut(T.sessionEnded);
    if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
    return response.blob();
  },
  on(kind, callback) {
    listeners[kind].push(callback);
  },
  /** A coalesced reader: read() runs load() now, or once more after the one on its way; then
   * done(answer, null) or done(null, bilingual error). Nothing is read while signed out. */
  reader(load, done) {
    let reading = false;
    let again = false;
    const read = () => {
      if (!ctx.me) return;
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      Promise.resolve()
        .then(load)
        .then(
          (answer) => done(answer, null),
          (failure) => done(null, failure.text || { zh: String(failure), en: String(failure) }),
        )
        .finally(() => {
          reading = false;
          if (again) {
            again = false;
            read();
          }
        });
    };
    return read;
  },
  /** A small count beside a tab's title ("" hides it), e.g. open complaints. */
  badge(tabId, text) {
    const node = document.getElementById(`badge-${tabId}`);
    if (!node) return;
    node.textContent = text;
    node.hidden = !text;
  },
};

function emit(kind, value) {
  for (const callback of listeners[kind]) {
    try {
      callback(value);
    } catch (error) {
      console.error(error); // eslint-disable-line no-console
    }
  }
}

// ---- language ----------------------------------------------------------------------------------
function applyLanguage() {
  document.documentElement.lang = ctx.lang;
  for (const node of document.querySelectorAll("[data-zh]")) {
    node.textContent = node.dataset[ctx.lang];
  }
  $("switch").textContent = T.switchTo[ctx.lang];
  renderWho();
  renderLive();
  emit("language", ctx.lang);
}

$("switch").addEventListener("click", () => {
  ctx.lang = ctx.lang === "zh" ? "en" : "zh";
  sessionStorage.setItem(LANG_KEY, ctx.lang);
  const url = new URL(location.href);
  url.searchParams.set("lang", ctx.lang);
  history.replaceState(null, "", url);
  applyLanguage();
});

// ---- the event stream --------------------------------------------------------------------------
let socket = null;
let lastSeq = null;
let live = false;
let backoffMs = 250;
let reconnectTimer = null;

function renderLive() {
  const node = $("live");
  node.dataset.mode = live ? "live" : "off";
  node.textContent = ctx.t(live ? T.live : T.reconnecting);
}

function setLive(value) {
  if (live === value) return;
  live = value;
  renderLive();
}

function connect() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return;
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/api/v1/ws`);
  socket = ws;
  ws.onopen = () => {
    ws.send(JSON.stringify({ type: "subscribe", token, last_seq: lastSeq }));
  };
  ws.onmessage = (event) => {
    if (ws !== socket) return;
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    if (message.type === "error") {
      if (message.code === "unauthorized") signOut(T.sessionEnded);
      return;
    }
    if (message.type !== "snapshot" && lastSeq !== null && message.seq !== lastSeq + 1) {
      ws.close(); // a gap: resume from the last event we have
      return;
    }
    lastSeq = message.seq;
    if (message.at) ctx.noteServerTime(message.at);
    backoffMs = 250;
    setLive(true);
    emit("message", message);
  };
  ws.onclose = (event) => {
    if (ws !== socket) return;
    socket = null;
    setLive(false);
    if (event.code === 4401) {
      signOut(T.sessionEnded);
      return;
    }
    reconnectTimer = setTimeout(connect, backoffMs);
    backoffMs = Math.min(backoffMs * 2, 5000);
  };
}

function disconnect() {
  clearTimeout(reconnectTimer);
  const ws = socket;
  socket = null;
  lastSeq = null;
  setLive(false);
  if (ws) ws.close();
}

// ---- tabs --------------------------------------------------------------------------------------
const mounted = [];
let current = null;

function buildTabs() {
  const nav = $("tabs");
  const panels = $("panels");
  for (const tab of tabs) {
    const panel = el("section", { id: `panel-${tab.id}`, class: "panel", hidden: true });
    panels.append(panel);
    const label = el("span", { class: "tab-title" });
    const badge = el("span", { class: "tab-badge", id: `badge-${tab.id}`, hidden: true });
    const button = el(
      "button",
      { id: `tab-${tab.id}`, class: "tab", type: "button", onclick: () => show(tab.id) },
      label,
      badge,
    );
    nav.append(button);
    mounted.push({ tab, panel, button, label, view: tab.mount(panel, ctx) || {} });
  }
  ctx.on("language", () => {
    for (const item of mounted) item.label.textContent = ctx.t(item.tab.title);
  });
  for (const item of mounted) item.label.textContent = ctx.t(item.tab.title);
}

function show(id) {
  for (const item of mounted) {
    const active = item.tab.id === id;
    item.panel.hidden = !active;
    item.button.setAttribute("aria-selected", String(active));
    if (active && current !== id && item.view.shown) item.view.shown();
  }
  current = id;
}

// ---- signing in and out ------------------------------------------------------------------------
function renderWho() {
  const who = $("who");
  if (!ctx.me) {
    who.hidden = true;
    return;
  }
  who.hidden = false;
  who.textContent = `${ctx.me.name} · ${ctx.t(T.roles[ctx.me.role] || { zh: ctx.me.role, en: ctx.me.role })}`;
}

function showLoginError(text) {
  const node = $("login-error");
  node.hidden = !text;
  node.textContent = text ? ctx.t(text) : "";
  node.bilingual = text || null;
}

function signedIn(me) {
  ctx.me = me;
  $("login").hidden = true;
  $("tabs").hidden = false;
  $("signout").hidden = false;
  $("panels").hidden = false;
  renderWho();
  show(current || tabs[0].id);
  emit("signedIn", me);
  connect();
}

function signOut(why) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  sessionStorage.removeItem(TOKEN_KEY);
  disconnect();
  if (token) {
    fetch("/api/v1/auth/logout", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    }).catch(() => {});
  }
  ctx.me = null;
  renderWho();
  $("emergency").hidden = true;
  $("tabs").hidden = true;
  $("signout").hidden = true;
  $("panels").hidden = true;
  $("login").hidden = false;
  $("password").value = "";
  showLoginError(why || null);
  $("username").focus();
}

async function checkRole() {
  const me = await ctx.api("GET", "/auth/me");
  if (!ROLES.includes(me.role)) {
    const role = me.role;
    signOut({ zh: T.notForRole.zh.replace("{role}", role), en: T.notForRole.en.replace("{role}", role) });
    return;
  }
  signedIn({ name: me.name, role: me.role });
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  showLoginError(null);
  $("login-button").disabled = true;
  try {
    const answer = await ctx.api("POST", "/auth/login", {
      username: $("username").value.trim(),
      password: $("password").value,
    });
    sessionStorage.setItem(TOKEN_KEY, answer.token);
    await checkRole();
  } catch (error) {
    showLoginError(error.text || T.unreachable);
  } finally {
    $("login-button").disabled = false;
  }
});

$("signout").addEventListener("click", () => signOut(null));

// ---- the clock in the bar ----------------------------------------------------------------------
function tickClock() {
  $("clock").textContent = ctx.clockTime(new Date(ctx.serverNow()).toISOString(), true);
}

// ---- start -------------------------------------------------------------------------------------
buildTabs();
ctx.on("language", () => {
  const node = $("login-error");
  if (node.bilingual) node.textContent = ctx.t(node.bilingual);
});
applyLanguage();
tickClock();
setInterval(tickClock, 1000);
if (sessionStorage.getItem(TOKEN_KEY)) {
  checkRole().catch((error) => signOut(error.text || T.unreachable));
} else {
  signOut(null);
}

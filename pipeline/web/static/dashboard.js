// naba dashboard: polls /lag.json every few seconds and redraws. No dependencies, no network beyond this origin.
"use strict";

const POLL_MS = 3000;
const WORDS = {
  ar: {
    title: "مراقبة تأخر الوكلاء", partitions: "الأقسام", agent: "الوكيل", topic: "الموضوع", partition: "القسم",
    status: "الحالة", lag_msgs: "التأخر (رسائل)", lag_secs: "التأخر (ثوانٍ)", rate: "رسالة/ث",
    lag_15m: "التأخر، ١٥ دقيقة", rate_15m: "الإنتاجية، ١٥ دقيقة", agents: "الوكلاء", consumed: "مستهلكة",
    produced: "منتجة", errors: "أخطاء", dlq: "رسائل ميتة", statements: "تصريحات", dead_letters: "الرسائل الميتة",
    feeds: "المصادر", feed: "المصدر", last_success: "آخر نجاح", failures: "إخفاقات", backoff: "الانتظار",
    last_error: "آخر خطأ", sampled: "آخر قراءة", never: "أبداً", none: "لا شيء", no_feeds: "لا مصادر بعد",
    no_rows: "لا أقسام بعد", ago: "منذ", unreachable: "تعذّر الوصول إلى العامل", switch: "English",
    paused: "متوقف", sec: "ث", min: "د", hour: "س",
  },
  en: {
    title: "Agent lag monitor", partitions: "Partitions", agent: "Agent", topic: "Topic", partition: "Partition",
    status: "Status", lag_msgs: "Lag (msgs)", lag_secs: "Lag (s)", rate: "msg/s", lag_15m: "Lag, 15 min",
    rate_15m: "Throughput, 15 min", agents: "Agents", consumed: "Consumed", produced: "Produced", errors: "Errors",
    dlq: "Dead letters", statements: "Statements", dead_letters: "Dead letters", feeds: "Feeds", feed: "Feed",
    last_success: "Last success", failures: "Failures", backoff: "Backoff", last_error: "Last error",
    sampled: "Sampled", never: "never", none: "none", no_feeds: "no feeds yet", no_rows: "no partitions yet",
    ago: "ago", unreachable: "Cannot reach the worker", switch: "العربية", paused: "paused",
    sec: "s", min: "min", hour: "h",
  },
};

let lang = localStorage.getItem("naba.lang") || ((navigator.language || "").startsWith("en") ? "en" : "ar");
let last = null;

const t = (key) => WORDS[lang][key] || key;
const numberFormat = () => new Intl.NumberFormat(lang === "ar" ? "ar-u-nu-latn" : "en", { maximumFractionDigits: 1 });
const fmt = (n) => (n === null || n === undefined ? "?" : numberFormat().format(n));

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function ltr(text) {
  return el("bdi", { dir: "ltr" }, text); // topic names and URLs stay left-to-right inside Arabic text
}

function since(epoch, now) {
  if (!epoch) return t("never");
  const s = Math.max(0, now - epoch);
  const value = s < 90 ? `${fmt(s)} ${t("sec")}` : s < 5400 ? `${fmt(s / 60)} ${t("min")}` : `${fmt(s / 3600)} ${t("hour")}`;
  return lang === "ar" ? `${t("ago")} ${value}` : `${value} ${t("ago")}`;
}

function spark(points, cls) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("class", `spark ${cls}`);
  svg.setAttribute("viewBox", "0 0 120 24");
  svg.setAttribute("preserveAspectRatio", "none");
  if (points.length > 1) {
    const t0 = points[0][0], t1 = points[points.length - 1][0] || t0 + 1;
    const top = Math.max(1, ...points.map((p) => p[1]));
    const line = document.createElementNS(ns, "polyline");
    // Time runs left to right in both languages, like every chart axis.
    line.setAttribute("points", points.map((p) =>
      `${(((p[0] - t0) / Math.max(1e-9, t1 - t0)) * 118 + 1).toFixed(1)},${(23 - (p[1] / top) * 22).toFixed(1)}`).join(" "));
    svg.append(line);
  }
  svg.setAttribute("direction", "ltr");
  return svg;
}

function status(value) {
  return el("span", { class: `status ${value}` }, value);
}

function fill(tbody, rows, columns, empty) {
  tbody.replaceChildren();
  if (!rows.length) {
    tbody.append(el("tr", {}, el("td", { class: "empty", colspan: String(columns) }, t(empty))));
  }
  for (const row of rows) tbody.append(row);
}

function render() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  document.getElementById("lang").textContent = t("switch");
  if (!last) return;
  const data = last, now = data.now;
  const overall = document.getElementById("overall");
  overall.className = `status ${data.status}`;
  overall.textContent = data.status;
  document.getElementById("sampled").textContent = `${t("sampled")}: ${since(data.sampled_at, now)}`;

  const partitions = data.partitions.map((p) => el("tr", { class: p.status, "data-key": `${p.group}|${p.topic}|${p.partition}` },
    el("td", {}, p.agent || ltr(p.group)), el("td", {}, ltr(p.topic)), el("td", { class: "num" }, fmt(p.partition)),
    el("td", {}, status(p.status)), el("td", { class: "num lag" }, fmt(p.lag)),
    el("td", { class: "num time-lag" }, fmt(p.time_lag)), el("td", { class: "num rate" }, fmt(p.consumed_rate)),
    el("td", {}, spark(p.spark.map((s) => [s[0], s[1]]), "lag")),
    el("td", {}, spark(p.spark.map((s) => [s[0], s[2]]), "rate"))));
  fill(document.querySelector("#lag tbody"), partitions, 9, "no_rows");

  const agents = Object.entries(data.agents).map(([name, a]) => el("tr", { "data-agent": name },
    el("td", {}, name), el("td", { class: "num" }, fmt(a.consumed)), el("td", { class: "num" }, fmt(a.produced)),
    el("td", { class: "num" }, fmt(a.errors)), el("td", { class: "num" }, fmt(a.dead_letters)),
    el("td", { class: "num" }, fmt(a.statements))));
  fill(document.querySelector("#agents tbody"), agents, 6, "none");

  document.getElementById("dlq-total").textContent = fmt(data.dlq.total);
  const errors = document.getElementById("errors");
  errors.replaceChildren(...data.dlq.recent.map((e) => el("li", {},
    el("strong", {}, e.stage), " ", ltr(e.error), " ",
    el("span", { class: "where" }, ltr(e.where)), " ", el("span", { class: "when" }, since(e.time, now)))));

  const feeds = data.feeds.map((f) => el("tr", {},
    el("td", { class: "text" }, ltr(f.url)), el("td", {}, since(f.last_success, now)),
    el("td", { class: "num" }, fmt(f.failures || 0)),
    el("td", { class: "num" }, f.paused ? t("paused") : `${fmt(f.backoff)} ${t("sec")}`),
    el("td", { class: "text" }, f.last_error ? ltr(f.last_error) : "")));
  fill(document.querySelector("#feeds tbody"), feeds, 5, "no_feeds");

  const problem = document.getElementById("problem");
  problem.hidden = !data.sample_error;
  problem.textContent = data.sample_error || "";
}

async function poll() {
  try {
    const response = await fetch("/lag.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    last = await response.json();
    render();
  } catch (error) {
    const problem = document.getElementById("problem");
    problem.hidden = false;
    problem.textContent = `${t("unreachable")}: ${error.message}`;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

document.getElementById("lang").addEventListener("click", () => {
  lang = lang === "ar" ? "en" : "ar";
  localStorage.setItem("naba.lang", lang);
  render();
});
render();
poll();

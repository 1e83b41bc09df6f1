// Tiny DOM helpers for the page: build an element with attributes and children, find one by id,
// and switch the side panel's tabs. No framework: each panel owns its container and redraws it.

type Child = Node | string | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>;

/** Creates `<tag>` with attributes (`on*` functions become listeners) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "class") el.className = String(value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** The element with this id; a missing one is a bug in page-html.ts. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`page has no #${id}`);
  return el as T;
}

let tabListener: (name: string) => void = () => undefined;

/** Shows one tab of the side panel and hides the others. */
export function showTab(name: string): void {
  tabListener(name);
  for (const body of document.querySelectorAll<HTMLElement>(".tab-body")) body.hidden = body.id !== `tab-${name}`;
  for (const btn of document.querySelectorAll<HTMLElement>(".tab")) btn.classList.toggle("active", btn.dataset.tab === name);
}

/** Wires the tab buttons; `changed` hears every switch. */
export function initTabs(first: string, changed: (name: string) => void = () => undefined): void {
  tabListener = changed;
  for (const btn of document.querySelectorAll<HTMLElement>(".tab")) btn.addEventListener("click", () => showTab(btn.dataset.tab ?? first));
  showTab(first);
}

/** Simulated µs as seconds with milliseconds, e.g. "12.345 s". */
export function seconds(us: number): string {
  return `${(us / 1e6).toFixed(3)} s`;
}

/** Shows a short message over the graph for a few seconds (errors of API calls). */
export function flash(text: string, kind: "error" | "info" = "error"): void {
  const el = byId("status");
  el.textContent = text;
  el.className = kind;
  el.hidden = false;
  window.clearTimeout(Number(el.dataset.timer ?? 0));
  el.dataset.timer = String(window.setTimeout(() => { el.hidden = true; }, 6000));
}

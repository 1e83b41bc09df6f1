// A small editor for one file of the simulated filesystem (GET/PUT /api/files): a textarea with a
// line-number gutter, a path field, Save (written to the simulated fs only, then re-checked), and
// the saved file's own diagnostics. Opening at a line selects that line.

import type { DiagnosticView } from "../api-types.ts";
import { api, ApiFailure } from "./api.ts";
import { h } from "./dom.ts";

/** The editor; `saved` is called after a successful save. */
export class FileEditor {
  private readonly path = h("input", { id: "editor-path", class: "editor-path", value: "/etc/network/interfaces", spellcheck: false });
  private readonly gutter = h("pre", { class: "gutter", "aria-hidden": "true" });
  private readonly text = h("textarea", { id: "editor-text", class: "editor-text", spellcheck: false, wrap: "off" });
  private readonly notes = h("ul", { id: "editor-notes", class: "diagnostics small" });
  readonly element: HTMLElement;

  constructor(private readonly saved: (diagnostics: readonly DiagnosticView[]) => void) {
    this.text.addEventListener("input", () => this.numberLines());
    this.text.addEventListener("scroll", () => { this.gutter.scrollTop = this.text.scrollTop; });
    this.element = h("div", { class: "editor", id: "editor" },
      h("div", { class: "form-row" }, this.path,
        h("button", { id: "editor-open", class: "btn", onclick: () => void this.open(this.path.value) }, "Open"),
        h("button", { id: "editor-save", class: "btn primary", onclick: () => void this.save() }, "Save & re-check")),
      h("div", { class: "editor-body" }, this.gutter, this.text),
      this.notes);
  }

  /** Opens `path` (a path under the host's root, e.g. /etc/xen/web.cfg) at `line`. */
  async open(path: string, line?: number): Promise<void> {
    this.path.value = path;
    this.notes.replaceChildren();
    try {
      const f = await api.file(path);
      this.text.value = f.text;
      this.numberLines();
      if (line !== undefined) this.selectLine(line);
    } catch (e) {
      this.text.value = "";
      this.numberLines();
      this.notes.replaceChildren(h("li", { class: "error" }, (e as Error).message));
    }
  }

  private async save(): Promise<void> {
    try {
      const r = await api.saveFile(this.path.value, this.text.value);
      this.showNotes(r.diagnostics, `saved ${r.path}`);
      this.saved(r.diagnostics);
    } catch (e) {
      this.showNotes(e instanceof ApiFailure ? e.diagnostics : [], (e as Error).message, true);
    }
  }

  private showNotes(diagnostics: readonly DiagnosticView[], head: string, failed = false): void {
    const items = diagnostics.map((d) => h("li", { class: d.severity }, h("button", { class: "link", onclick: () => this.selectLine(d.line) }, `${d.line}:${d.column}`), ` ${d.severity}: ${d.message}`));
    this.notes.replaceChildren(h("li", { class: failed ? "error" : "ok" }, diagnostics.length === 0 && !failed ? `${head}: no findings in this file` : head), ...items);
  }

  private numberLines(): void {
    const n = this.text.value.split("\n").length;
    this.gutter.textContent = Array.from({ length: n }, (_, i) => String(i + 1)).join("\n");
  }

  /** Selects line `line` (1-based) and scrolls it into view. */
  private selectLine(line: number): void {
    const lines = this.text.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
    this.text.focus();
    this.text.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(this.text).lineHeight) || 16;
    this.text.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }
}

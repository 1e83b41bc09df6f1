// The check tab: `xennet check --json` of the files as they are now (GET /api/check) — each
// diagnostic as `file:line:column severity message` with its hint, the file:line a link that opens
// the file in the editor at that line — and the reachability table. Saving a file re-checks and
// tells the page to fetch the graph again, so an edit shows on the drawing.

import type { CheckDiagnostic, CheckReport } from "../api-types.ts";
import { api } from "./api.ts";
import { h } from "./dom.ts";
import { FileEditor } from "./file-editor.ts";

/** The check panel; `changed` is called after a file was saved. */
export class CheckPanel {
  private readonly summary = h("p", { id: "check-summary", class: "hint" }, "not checked yet");
  private readonly list = h("ul", { id: "check-list", class: "diagnostics" });
  private readonly reach = h("table", { id: "check-reach", class: "reach" });
  private readonly editor: FileEditor;

  constructor(container: HTMLElement, private readonly changed: () => void) {
    this.editor = new FileEditor(() => {
      void this.run();
      this.changed();
    });
    container.append(
      h("div", { class: "form-row" }, h("button", { id: "check-run", class: "btn primary", onclick: () => void this.run() }, "Check"), this.summary),
      this.list, this.reach, this.editor.element);
  }

  /** Runs the check and shows it. */
  async run(): Promise<CheckReport | undefined> {
    this.summary.textContent = "checking…";
    try {
      const r = await api.check();
      this.show(r);
      return r;
    } catch (e) {
      this.summary.textContent = (e as Error).message;
      return undefined;
    }
  }

  private show(r: CheckReport): void {
    const count = (s: string) => r.diagnostics.filter((d) => d.severity === s).length;
    const boot = r.bootSeconds !== undefined ? `, booted in ${r.bootSeconds} s` : "";
    this.summary.textContent = `${r.host ?? "host"} (${r.model ?? "?"} model${boot}): ${count("error")} error(s), ${count("warning")} warning(s)`;
    this.list.replaceChildren(...r.diagnostics.map((d) => this.item(d)));
    const rows = r.reachability.map((x) => h("tr", { class: x.ok ? "ok" : "bad" },
      h("td", {}, x.from), h("td", {}, x.to), h("td", {}, x.ok ? "ok" : "FAIL"), h("td", {}, x.afterSeconds != null ? `${x.afterSeconds} s` : ""), h("td", {}, x.via)));
    this.reach.replaceChildren(...(rows.length > 0 ? [h("tr", {}, ...["from", "to", "result", "after", "via"].map((c) => h("th", {}, c))), ...rows] : []));
  }

  private item(d: CheckDiagnostic): HTMLLIElement {
    const path = rootPath(d.file);
    const link = h("button", { class: "link file-link", "data-file": path, "data-line": d.line, onclick: () => void this.editor.open(path, d.line) }, `${path}:${d.line}:${d.column}`);
    return h("li", { class: d.severity },
      link, " ", h("span", { class: `sev ${d.severity}` }, d.severity), " ", d.message,
      d.code !== undefined ? h("span", { class: "code" }, ` [${d.code}]`) : null,
      d.hint !== undefined ? h("div", { class: "hint" }, `hint: ${d.hint}`) : null);
  }
}

/** The path under the host's root of a diagnostic's file (`examples/x/etc/hosts` → `/etc/hosts`). */
export function rootPath(file: string): string {
  const at = file.indexOf("/etc/");
  if (at > 0) return file.slice(at);
  if (file.startsWith("etc/")) return `/${file}`;
  return file;
}

// The domains tab: the `xm list` table (GET /api/domains), live, with the lifecycle buttons of each
// row (POST /api/domains/:name/:action: pause, unpause, save, shutdown, reboot, destroy), `create`
// for each config under /etc/xen and `restore` for each save file, one line of the dom0 shell (for
// xen-create-image and friends), the last command's output, and a console tab per guest.

import type { CommandResult, DomainView, DomainsView } from "../api-types.ts";
import { api } from "./api.ts";
import { h } from "./dom.ts";

/** The domain panel; `changed` is called after every command (the graph is fetched again). */
export class DomainPanel {
  private readonly table = h("table", { id: "domain-table", class: "domains" });
  private readonly configs = h("div", { id: "domain-configs", class: "button-row" });
  private readonly output = h("pre", { id: "domain-output", class: "output", hidden: true });
  private readonly consoleTabs = h("div", { id: "console-tabs", class: "button-row" });
  private readonly consoleText = h("pre", { id: "console-text", class: "console", hidden: true });
  private readonly shellLine = h("input", { id: "shell-line", class: "shell-line", placeholder: "xen-create-image --hostname testxen --dhcp …", spellcheck: false });

  constructor(container: HTMLElement, private readonly changed: () => void) {
    this.shellLine.addEventListener("keydown", (ev) => {
      if ((ev as KeyboardEvent).key === "Enter") void this.shell();
    });
    container.append(
      h("h4", {}, "xm list"), this.table,
      h("h4", {}, "Start"), this.configs,
      h("h4", {}, "dom0 shell"), h("div", { class: "form-row" }, h("span", { class: "prompt" }, "#"), this.shellLine, h("button", { id: "shell-run", class: "btn", onclick: () => void this.shell() }, "Run")),
      this.output,
      h("h4", {}, "Consoles"), this.consoleTabs, this.consoleText,
    );
  }

  /** Fetches the table again. */
  async refresh(): Promise<void> {
    try {
      this.show(await api.domains());
    } catch (e) {
      this.table.replaceChildren(h("tr", {}, h("td", { class: "error" }, (e as Error).message)));
    }
  }

  private show(v: DomainsView): void {
    const head = h("tr", {}, ...["Name", "ID", "Mem", "VCPUs", "State", "Time(s)"].map((c) => h("th", {}, c)));
    this.table.replaceChildren(head, ...v.domains.flatMap((d) => this.rows(d)));
    const creates = v.configs.map((c) => h("button", { class: "btn", "data-create": c, onclick: () => void this.act(c, "create") }, `create ${c}`));
    const restores = v.saved.map((s) => h("button", { class: "btn", "data-restore": s, onclick: () => void this.act(s, "restore") }, `restore ${s}`));
    this.configs.replaceChildren(...(creates.length + restores.length > 0 ? [...creates, ...restores] : [h("span", { class: "hint" }, "no config under /etc/xen yet: make one with xen-create-image below")]));
    const guests = v.domains.filter((d) => d.name !== "Domain-0");
    this.consoleTabs.replaceChildren(...guests.map((d) => h("button", { class: "btn small", "data-console": d.name, onclick: () => void this.console(d.name) }, d.name)));
  }

  /** A domain's `xm list` row, and under it a row of its lifecycle buttons (none for Domain-0). */
  private rows(d: DomainView): HTMLTableRowElement[] {
    const paused = d.state.includes("p");
    const row = h("tr", { "data-domain": d.name, class: paused ? "paused" : "" },
      h("td", { class: "name" }, d.name), h("td", { class: "num" }, d.id === null ? "" : String(d.id)), h("td", { class: "num" }, String(d.memory)),
      h("td", { class: "num" }, String(d.vcpus)), h("td", { class: "mono" }, d.state), h("td", { class: "num" }, d.time.toFixed(1)));
    if (d.name === "Domain-0") return [row];
    row.classList.add("has-actions");
    const actions = [paused ? "unpause" : "pause", "save", "shutdown", "reboot", "destroy"];
    const buttons = actions.map((a) => h("button", { class: `btn small ${a === "destroy" ? "danger" : ""}`, "data-action": a, "data-domain": d.name, onclick: () => void this.act(d.name, a) }, a));
    return [row, h("tr", { class: `actions-row ${paused ? "paused" : ""}`, "data-domain": d.name }, h("td", { colspan: 6, class: "actions" }, ...buttons))];
  }

  private async act(name: string, action: string): Promise<void> {
    await this.run(`xm ${action} ${name}`, () => api.domainAction(name, action));
  }

  private async shell(): Promise<void> {
    const line = this.shellLine.value.trim();
    if (line === "") return;
    await this.run(`# ${line}`, () => api.shell(line));
  }

  /** Runs a command, shows its output, refreshes the table and the graph. */
  private async run(title: string, command: () => Promise<CommandResult>): Promise<void> {
    this.output.hidden = false;
    this.output.textContent = `${title}\n…`;
    try {
      const r = await command();
      this.output.textContent = `${title}\n${r.stdout}${r.stderr}${r.status !== 0 ? `\n(exit ${r.status})` : ""}`;
      this.output.classList.toggle("failed", r.status !== 0);
    } catch (e) {
      this.output.textContent = `${title}\n${(e as Error).message}`;
      this.output.classList.add("failed");
    }
    await this.refresh();
    this.changed();
  }

  private async console(name: string): Promise<void> {
    for (const b of this.consoleTabs.querySelectorAll("button")) b.classList.toggle("active", b.dataset.console === name);
    this.consoleText.hidden = false;
    try {
      const c = await api.console(name);
      this.consoleText.textContent = c.text;
      this.consoleText.scrollTop = this.consoleText.scrollHeight;
    } catch (e) {
      this.consoleText.textContent = (e as Error).message;
    }
  }
}

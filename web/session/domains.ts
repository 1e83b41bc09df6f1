// The domain panel over the running toolstack: the `xm list` table (toolstack.list, as xm prints
// it), the configs `xm create` can start (the domain cfgs loadHost finds under /etc/xen), the save
// files `xm restore` can read (/var/lib/xen/save, xendomains' XENDOMAINS_SAVE), a guest's console
// buffer, and the panel's buttons as the xm command lines they stand for.
import type { Machine } from "../../hypervisor/machine/machine.ts";
import { loadHost } from "../../topology/index.ts";
import type { ConsoleView, DomainsView } from "../api-types.ts";
import { RequestError } from "./request-error.ts";

/** Where the panel's save and restore keep domain images (xendomains' default). */
export const SAVE_DIR = "/var/lib/xen/save";

/** The actions POST /api/domains/:name/:action accepts. */
export const DOMAIN_ACTIONS = ["create", "pause", "unpause", "save", "restore", "shutdown", "reboot", "destroy"] as const;

/** One of DOMAIN_ACTIONS. */
export type DomainAction = (typeof DOMAIN_ACTIONS)[number];

/** The `xm list` table, the startable configs and the save files. */
export function domainsView(machine: Machine): DomainsView {
  const listed = machine.toolstack.list();
  const rows = listed.ok ? listed.value : [];
  const domains = rows.map((r) => ({ name: r.name, id: r.domid, memory: r.memMiB, vcpus: r.vcpus, state: r.state, time: Math.round(r.cpuSeconds * 10) / 10 }));
  const configs = loadHost(machine.xen.fs).value.domains.map((d) => d.file.slice("/etc/xen/".length)).filter((f) => !f.includes("/")).sort();
  return { domains, configs, saved: savedDomains(machine) };
}

/** The save files `xm restore` can read (under SAVE_DIR), by name. */
export function savedDomains(machine: Machine): string[] {
  return [...(machine.xen.fs.listDir(SAVE_DIR) ?? [])].sort();
}

/** The console of a domain as xenconsoled holds it for the next client. */
export function consoleView(machine: Machine, name: string): ConsoleView {
  const dom = existing(machine, name);
  return { name: dom.name, text: dom.console.peek() };
}

/** The xm command line of a panel action; 404 for an unknown domain, cfg or save file. */
export function domainCommand(machine: Machine, name: string, action: string): string[] {
  if (!(DOMAIN_ACTIONS as readonly string[]).includes(action)) throw new RequestError(400, `unknown action "${action}": one of ${DOMAIN_ACTIONS.join(", ")}`);
  if (name.includes("/") || name.startsWith(".")) throw new RequestError(400, `bad name "${name}"`);
  const fs = machine.xen.fs;
  switch (action as DomainAction) {
    case "create": {
      const path = [`/etc/xen/${name}`, `/etc/xen/${name}.cfg`].find((p) => fs.readFile(p) !== undefined);
      if (path === undefined) throw new RequestError(404, `no domain config /etc/xen/${name}${name.endsWith(".cfg") ? "" : ".cfg"}`);
      return ["create", path];
    }
    case "restore": {
      const file = `${SAVE_DIR}/${name}`;
      if (fs.readBytes(file, 0, 0) === undefined) throw new RequestError(404, `no save file ${file}`);
      return ["restore", file];
    }
    case "save":
      // xen-utils-common ships the directory; a host built by hand may lack it.
      fs.mkdir(SAVE_DIR, { parents: true });
      return ["save", name, `${SAVE_DIR}/${existing(machine, name).name}`];
    default:
      return [action, existing(machine, name).name];
  }
}

function existing(machine: Machine, name: string) {
  const dom = machine.xen.hypervisor.lookup(name);
  if (dom === undefined) throw new RequestError(404, `unknown domain "${name}"`);
  return dom;
}

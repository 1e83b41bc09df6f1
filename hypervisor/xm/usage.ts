// xm's help texts (tools/python/xen/xm/main.py, Xen 4.0.1): SUBCOMMAND_HELP's argument strings
// and descriptions, SUBCOMMAND_OPTIONS, cmdHelp() — what xm prints after an error in a subcommand —
// and shortHelp() for `xm` alone or an unknown subcommand. The padding is Python's `%-30s %-43s`
// (so option lines end in spaces) and xen.xm.opts.wrap's word wrapping.

/** 'subcommand': [argument string, description]. */
const HELP: Readonly<Record<string, readonly [string, string]>> = {
  console: ["[-q|--quiet] <Domain>", "Attach to <Domain>'s console."],
  create: ["<ConfigFile> [options] [vars]", "Create a domain based on <ConfigFile>."],
  new: ["<ConfigFile> [options] [vars]", "Adds a domain to Xend domain management"],
  delete: ["<DomainName>", "Remove a domain from Xend domain management."],
  destroy: ["<Domain>", "Terminate a domain immediately."],
  "dump-core": ["[-L|--live] [-C|--crash] <Domain> [Filename]", "Dump core for a specific domain."],
  help: ["", "Display this message."],
  list: ["[options] [Domain, ...]", "List information about all/some domains."],
  "mem-max": ["<Domain> <Mem>", "Set the maximum amount reservation for a domain."],
  "mem-set": ["<Domain> <Mem>", "Set the current memory usage for a domain."],
  migrate: ["<Domain> <Host>", "Migrate a domain to another machine."],
  pause: ["<Domain>", "Pause execution of a domain."],
  reboot: ["<Domain> [-wa]", "Reboot a domain."],
  restore: ["<CheckpointFile> [-p]", "Restore a domain from a saved state."],
  resume: ["<DomainName>", "Resume a Xend managed domain"],
  save: ["[-c] <Domain> <CheckpointFile>", "Save a domain state to restore later."],
  shell: ["", "Launch an interactive shell."],
  shutdown: ["<Domain> [-waRH]", "Shutdown a domain."],
  start: ["<DomainName>", "Start a Xend managed domain"],
  suspend: ["<DomainName>", "Suspend a Xend managed domain"],
  top: ["", "Monitor a host and the domains in real time."],
  unpause: ["<Domain>", "Unpause a paused domain."],
  uptime: ["[-s] [Domain, ...]", "Print uptime for all/some domains."],
  "vcpu-set": ["<Domain> <vCPUs>", "Set the number of active VCPUs for allowed for the domain."],
  "vcpu-list": ["[Domain, ...]", "List the VCPUs for all/some domains."],
  info: ["[-c|--config]", "Get information about Xen host."],
  "network-attach": [
    "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] [backend=<BackDomain>] [vifname=<name>] [rate=<rate>] [model=<model>][accel=<accel>]",
    "Create a new virtual network device.",
  ],
  "network-detach": ["<Domain> <DevId|mac> [-f|--force]", "Destroy a domain's virtual network device."],
  "network-list": ["<Domain> [--long]", "List virtual network interfaces for a domain."],
};

/** SUBCOMMAND_OPTIONS: [short, long, description] per subcommand. */
const OPTIONS: Readonly<Record<string, readonly (readonly [string, string, string])[]>> = {
  list: [
    ["-l", "--long", "Output all VM details in SXP"],
    ["", "--label", "Include security labels"],
    ["", "--state=<state>", "Select only VMs with the specified state"],
  ],
  console: [["-q", "--quiet", "Do not print an error message if the domain does not exist"]],
  "network-list": [["-l", "--long", "List resources as SXP"]],
  "dump-core": [
    ["-L", "--live", "Dump core without pausing the domain"],
    ["-C", "--crash", "Crash domain after dumping core"],
  ],
  start: [["-p", "--paused", "Do not unpause domain after starting it"]],
  resume: [["-p", "--paused", "Do not unpause domain after resuming it"]],
  save: [["-c", "--checkpoint", "Leave domain running after creating snapshot"]],
  restore: [["-p", "--paused", "Do not unpause domain after restoring it"]],
  info: [["-c", "--config", "List Xend configuration parameters"]],
};

/** xm 4.0.1's common_commands, in order (shortHelp lists them). */
const COMMON = ["console", "create", "new", "delete", "destroy", "dump-core", "help", "list", "mem-set", "migrate", "pause", "reboot", "restore", "resume", "save", "shell", "shutdown", "start", "suspend", "top", "unpause", "uptime", "vcpu-set"];

/** xen.xm.opts.wrap: lines of at most `width` characters, cut at spaces. */
export function wrap(text: string, width = 70): string[] {
  if (text.length < width) return [text];
  const lines: string[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    if (line === "") continue;
    while (line.length > width) {
      let cut = line.lastIndexOf(" ", width - 1);
      if (cut <= 0) cut = width;
      lines.push(line.slice(0, cut).trim());
      line = line.slice(cut).trim();
    }
    lines.push(line);
  }
  return lines;
}

/** What cmdHelp(cmd) prints (to stdout), or shortHelp for an unknown command. */
export function cmdHelp(cmd: string): string {
  const name = HELP[cmd] ? cmd : (Object.keys(HELP).find((k) => k.startsWith(cmd)) ?? cmd);
  const help = HELP[name];
  if (!help) return shortHelp();
  let out = `Usage: xm ${name} ${help[0]}\n\n${help[1]}\n`;
  const options = OPTIONS[name];
  if (!options) return out;
  for (const [short, long, desc] of options) {
    const optdesc = short && long ? `${short}, ${long}` : short || long;
    const [first = "", ...more] = wrap(desc, 43);
    out += `  ${optdesc.padEnd(30)} ${first.padEnd(43)}\n`;
    for (const line of more) out += `${" ".repeat(33)}${line}\n`;
  }
  return `${out}\n`;
}

/** What shortHelp() prints: xm's general usage and common commands. */
export function shortHelp(): string {
  let out = "Usage: xm <subcommand> [args]\n\nControl, list, and manipulate Xen guest instances.\n\n";
  out += "Common 'xm' commands:\n\n";
  for (const command of COMMON) {
    const help = HELP[command];
    if (!help) continue;
    const [first = "", ...more] = wrap(help[1], 50);
    out += ` ${command.padEnd(20)} ${first.padEnd(50)}\n`;
    for (const line of more) out += `${" ".repeat(22)}${line}\n`;
  }
  out += "\n<Domain> can either be the Domain Name or Id.\nFor more help on 'xm' see the xm(1) man page.\n";
  out += "For more help on 'xm create' see the xmdomain.cfg(5)  man page.\n\n";
  return `${out}For a complete list of subcommands run 'xm help'.\n`;
}

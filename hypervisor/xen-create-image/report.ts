// What xen-create-image 4.2 prints around its work (showSummary and the END block; domains.md §8.4):
// the "General Information" block (labels padded so that the colon is followed by two spaces;
// partitions as '%-15s %-5s (%s)', continuation lines indented 18 spaces), the "Networking
// Information" block (one space after the colon; the MAC on the first address only), and after the
// run "Logfile produced at:" and the "Installation Summary" (4.2 has no MAC line).

import type { RunContext } from "./run-context.ts";

/** showSummary. */
export function showSummary(run: RunContext): void {
  const p = (text: string) => run.logprint(text);
  p("\nGeneral Information\n");
  p("--------------------\n");
  p(`Hostname       :  ${run.get("hostname")}\n`);
  p(`Distribution   :  ${run.get("dist") ?? ""}\n`);
  p(`Mirror         :  ${run.get("mirror") ?? ""}\n`);
  if (run.cfg.values.has("image-dev")) p(`Root Device    :  ${run.get("image-dev") ?? ""}\n`);
  if (run.cfg.values.has("swap-dev")) p(`Swap Device    :  ${run.get("swap-dev") ?? ""}\n`);
  p("Partitions     :  ");
  run.partitions.forEach((part, i) => {
    const info = `${(part.type !== "swap" ? part.mountpoint : "swap").padEnd(15)} ${part.size.padEnd(5)} (${part.type})`;
    p(i === 0 ? `${info}\n` : `                  ${info}\n`);
  });
  p(`Image type     :  ${run.get("image") ?? ""}\n`);
  p(`Memory size    :  ${run.get("memory") ?? ""}\n`);
  if (run.get("kernel")) p(`Kernel path    :  ${run.get("kernel")}\n`);
  if (run.get("modules")) p(`Module path    :  ${run.get("modules")}\n`);
  if (run.get("initrd")) p(`Initrd path    :  ${run.get("initrd")}\n`);
  networking(run);
}

function networking(run: RunContext): void {
  const p = (text: string) => run.logprint(text);
  p("\nNetworking Information\n");
  p("----------------------\n");
  const mac = run.get("mac");
  run.cfg.ips.forEach((ip, i) => {
    p(`IP Address ${i + 1}   : ${ip}${i === 0 && mac ? ` [MAC: ${mac}]` : ""}\n`);
    run.ipAddresses += `${ip} `;
  });
  if (run.is("dhcp")) p(mac ? `IP Address     : DHCP [MAC: ${mac}]\n` : "IP Address     : DHCP\n");
  const line = (key: string, label: string) => {
    const value = run.get(key);
    if (value) p(`${label}: ${value}\n`);
  };
  line("netmask", "Netmask        ");
  line("broadcast", "Broadcast      ");
  line("gateway", "Gateway        ");
  line("nameserver", "Nameserver     ");
  line("p2p", "Point to Point ");
  run.print("\n");
}

/** The END block: where the log is, then the summary on success. */
export function finalReport(run: RunContext, showLog: boolean): void {
  const log = run.logFile;
  if (showLog && log && run.h.fs.exists(log)) run.print(`\n\nLogfile produced at:\n\t ${log}\n`);
  if (run.fail !== 0) return;
  const p = (text: string) => run.logprint(text);
  p("\nInstallation Summary\n");
  p("---------------------\n");
  p(`Hostname        :  ${run.get("hostname")}\n`);
  p(`Distribution    :  ${run.get("dist")}\n`);
  p(`IP-Address(es)  :  ${run.is("dhcp") ? "dynamic" : run.ipAddresses}\n`);
  p(`RSA Fingerprint :  ${run.mounted ? run.fingerprint || "N/A" : ""}\n`);
  p(`Root Password   :  ${run.password !== "" ? run.password : "N/A"}\n`);
  p("\n");
}

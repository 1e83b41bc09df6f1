// Public surface of the xen-tools.conf reader: the settings as xen-tools' readConfigurationFile
// reads them (no backquoted command is ever run), typed as XenToolsConfig, and the size rules.
//
// Diagnostic codes: xt-no-assignment, xt-continued-comment, xt-hash-in-value, xt-duplicate,
// xt-bad-size, xt-bad-value, xt-bad-address, xt-perl-truth, xt-storage-conflict, xt-dhcp-and-ip.

export { readXenToolsConf, type XtCommand, type XtEntry } from "./conf-reader.ts";
export { parseXenToolsConfig, xenToolsDiskSizeMb, xenToolsMemoryMb, type XenToolsConfig, type XtSize } from "./xen-tools-config.ts";

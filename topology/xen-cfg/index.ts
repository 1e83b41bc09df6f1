// Public surface of the Xen domain .cfg reader: parse a file (xm or xl) into a typed DomainConfig
// without executing it, plus the pieces other topology code reuses (ranges, raw values, vif and
// disk spec parsers, the toolstack grading).
//
// Diagnostic codes: cfg-code, cfg-syntax, cfg-unclosed-bracket, cfg-unmatched-bracket,
// cfg-unexpected-indent, cfg-non-ascii, cfg-invalid-character, cfg-stray-backslash,
// cfg-not-xl, cfg-unterminated-string, cfg-bad-escape, cfg-bad-number, cfg-octal, cfg-implicit-concat, cfg-too-deep,
// cfg-reassigned, cfg-type, cfg-missing-name, cfg-bad-action, cfg-bad-builder, cfg-not-a-list,
// vif-not-string, vif-empty-item, vif-not-pair, vif-duplicate-key, vif-unknown-key, vif-bad-mac,
// vif-bad-ip, vif-bad-ifname, vif-bad-type, vif-bad-rate, disk-not-string, disk-unknown-key,
// disk-bad-prefix, disk-bad-format, disk-bad-mode, disk-too-many-fields, disk-xm-syntax,
// disk-xl-syntax, disk-no-vdev, disk-bad-vdev.

export { parseDiskText, parseDomainConfig, parseVifText, type DomainConfig, type LifecycleAction } from "./domain-config.ts";
export { readPyConfig, type PyModule, type ReadOptions } from "./reader.ts";
export { parseVifSpec, type VifOption, type VifRate, type VifSpec } from "./vif-spec.ts";
export { parseDiskSpec, type DiskSpec } from "./disk-spec.ts";
export { subRange, type Assignment, type PyValue, type PyStr, type StrPiece } from "./py-value.ts";
export { lineIndex, rangeOf, spanAt, spanOf, type LineIndex, type Located, type Range } from "../source-text.ts";
export { severityFor, type DialectSeverity, type Toolstack } from "./toolstack.ts";
export type { Sink } from "./sink.ts";

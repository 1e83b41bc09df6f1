// Public surface of the xend-config.sxp reader: S-expressions as xend's sxp.py reads them, and the
// typed XendConfig / effective XendSettings that XendOptions.py would derive from them.
//
// Diagnostic codes: sxp-unclosed, sxp-unmatched, sxp-unterminated-string, sxp-invalid-character,
// sxp-bad-escape, sxp-eot, sxp-too-deep, xend-duplicate, xend-stray, xend-extra-values, xend-bad-value.

export { readSxp, type SxpAtom, type SxpDocument, type SxpList, type SxpNode } from "./sxp-reader.ts";
export { parseXendConfig, xendSettings, type ScriptCall, type XendConfig, type XendEntry, type XendSettings } from "./xend-config.ts";

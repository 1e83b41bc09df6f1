// The path tracer behind `xennet trace`.
export { Flow, parseTuple, type FlowKey, type TraceProto } from "./flow.ts";
export { PathTracer, type Hop, type RouteDescriber } from "./path-trace.ts";
export { DEFAULT_PORT, runTrace, type TraceRequest, type TraceResult } from "./run-trace.ts";
export { answered, formatTrace } from "./format.ts";

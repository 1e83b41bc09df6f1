// The simulation engine's public surface.
export { Sim, SECOND, MILLISECOND, type EventHandle } from "./sim.ts";
export { RandomStream } from "./random.ts";
export { TraceBus, type TraceEvent, type TraceKind, type TraceListener, type DropReason } from "./trace.ts";
export { formatTraceEvent, formatFrame, formatTime } from "./trace-format.ts";

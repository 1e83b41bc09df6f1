// The simulated host a web server drives: its session (machine, shell, recorder, history), the
// playback clock in virtual time and the real-time driver that plays it.
export { HostSession, MAX_EVENTS_PER_REQUEST, type SessionOptions } from "./host-session.ts";
export { PlaybackClock, MAX_PASS, MAX_SPEED, SLICE_US, STEP_LIMIT_US, type ClockHost, type ClockListener } from "./clock.ts";
export { PlaybackDriver, TICK_MS } from "./playback-driver.ts";
export { EventHistory, MAX_HISTORY, viewOf, type HistoryEntry } from "./history.ts";
export { RequestError } from "./request-error.ts";
export { confinePath } from "./files.ts";
export { liveGraph } from "./live-graph.ts";

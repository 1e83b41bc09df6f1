// ctime(3) text for a Unix time in UTC (`Sun Feb  6 00:00:00 2011`), for conntrack's and the
// kernel log's timestamps: the simulation's one calendar (engine/civil-time.ts).
export { ctime } from "../../engine/civil-time.ts";

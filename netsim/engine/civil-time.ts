// Calendar arithmetic for the simulation's clocks: virtual time plus a fixed epoch becomes the dates
// and times that tools print (ctime(3), dhclient's log, tcpdump's timestamps), computed from the
// number alone (Howard Hinnant's days-to-civil algorithm), so nothing consults the wall clock.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The calendar fields of a time in seconds since 1970-01-01 00:00 UTC. */
export function civil(epochSeconds: number): { year: number; month: number; day: number; weekday: number; hour: number; minute: number; second: number } {
  const secs = Math.floor(epochSeconds);
  const days = Math.floor(secs / 86_400);
  const rem = secs - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day, weekday: (((days + 4) % 7) + 7) % 7, hour: Math.floor(rem / 3600), minute: Math.floor((rem % 3600) / 60), second: rem % 60 };
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `Tue Feb 15 12:00:00 2011`, as ctime(3) and Perl's `scalar localtime` print it (day padded with a space). */
export function ctime(epochSeconds: number): string {
  const c = civil(epochSeconds);
  return `${DAYS[c.weekday]} ${MONTHS[c.month - 1]} ${String(c.day).padStart(2, " ")} ${pad2(c.hour)}:${pad2(c.minute)}:${pad2(c.second)} ${c.year}`;
}

// ctime(3) text for a Unix time in UTC (`Sun Feb  6 00:00:00 2011`), computed from the number alone
// (days-from-civil arithmetic, H. Hinnant) so the simulation never consults the wall clock.

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Www Mmm dd hh:mm:ss yyyy` for `seconds` since 1970-01-01 00:00 UTC (no trailing newline). */
export function ctime(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const secs = seconds - days * 86_400;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const two = (n: number): string => `${n}`.padStart(2, "0");
  const time = `${two(Math.floor(secs / 3600))}:${two(Math.floor((secs % 3600) / 60))}:${two(secs % 60)}`;
  return `${DAYS[((days % 7) + 11) % 7]} ${MONTHS[month - 1]} ${`${day}`.padStart(2)} ${time} ${year}`;
}

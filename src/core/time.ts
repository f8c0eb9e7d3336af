/**
 * Absolute times as tshark prints them. Platform-neutral (Date and Intl only): the frame table, the Frame section,
 * JSON/EK and DNS share these.
 */
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const two = (n: number): string => String(n).padStart(2, '0');

let zoneFormat: Intl.DateTimeFormat | undefined;

/** The last zone name found, for the hour and UTC offset it was found for (packets come in time order). */
let lastZone: { hour: number; offset: number; name: string } | undefined;

function zoneName(d: Date): string {
  // Within one hour at one UTC offset the zone's name does not change: Intl is asked once per hour of capture.
  const hour = Math.floor(d.getTime() / 3_600_000);
  const offset = d.getTimezoneOffset();
  if (lastZone && lastZone.hour === hour && lastZone.offset === offset) return lastZone.name;
  const name = zoneNameOf(d);
  lastZone = { hour, offset, name };
  return name;
}

function zoneNameOf(d: Date): string {
  try {
    // One formatter for the process: constructing an Intl.DateTimeFormat costs far more than formatting with it.
    zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
    const parts = zoneFormat.formatToParts(d);
    const z = parts.find((p) => p.type === 'timeZoneName')?.value;
    if (z) return z === 'GMT' && d.getTimezoneOffset() === 0 ? 'UTC' : z;
  } catch {
    // no Intl time zone data: fall through
  }
  const off = -d.getTimezoneOffset();
  if (off === 0) return 'UTC';
  const a = Math.abs(off);
  return `GMT${off < 0 ? '-' : '+'}${Math.floor(a / 60)}${a % 60 ? ':' + String(a % 60).padStart(2, '0') : ''}`;
}

/**
 * frame.time as tshark prints it: `May 30, 2013 22:45:17.270862000 UTC` in the local time zone (strftime
 * `%b %e, %Y %H:%M:%S` + 9 fraction digits + `%Z`). Zone names come from Intl: exact for UTC and zones whose
 * English abbreviation Intl knows (EDT, PST...); others print as `GMT+2` where tshark would print `CEST`.
 */
export function arrivalTime(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  if (!Number.isFinite(d.getTime())) return 'Not representable';
  const day = String(d.getDate()).padStart(2, ' ');
  return `${MONTHS[d.getMonth()]} ${day}, ${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(nsec).padStart(9, '0')} ${zoneName(d)}`;
}

/** `Dec  8, 2020 01:06:15.000000000 UTC`: an absolute time in UTC, whole seconds (DNS RRSIG/TKEY times). */
export function utcTimeText(secs: number): string {
  const d = new Date(secs * 1000);
  if (!Number.isFinite(d.getTime())) return 'Not representable';
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')}, ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.000000000 UTC`;
}

/** frame.time in EK form: UTC, ISO 8601, 9 fraction digits (`2013-05-30T22:45:17.270862000Z`), as tshark 4.0. */
export function ekTime(sec: number, nsec: number): string {
  const d = new Date(sec * 1000);
  const frac = String(nsec).padStart(9, '0');
  if (!Number.isFinite(d.getTime())) return `${sec}.${frac}Z`;
  return `${d.toISOString().slice(0, 19)}.${frac}Z`;
}

/** `1369953917.270862000` (the value the frame table gives an absolute time) -> [seconds, nanoseconds]. */
export function epochParts(v: string): [number, number] | null {
  const m = /^(-?\d+)\.(\d{9})$/.exec(v);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

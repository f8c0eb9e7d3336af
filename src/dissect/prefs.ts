/** Dissection preferences under tshark's names (`-o NAME:VALUE`), with tshark's defaults. */

export interface Prefs {
  'ip.defragment': boolean;
  'ipv6.defragment': boolean;
  'tcp.desegment_tcp_streams': boolean;
  'dns.desegment_dns_messages': boolean;
  'tcp.analyze_sequence_numbers': boolean;
  'tcp.relative_sequence_numbers': boolean;
  'tcp.no_subdissector_on_error': boolean;
  'ip.check_checksum': boolean;
  'tcp.check_checksum': boolean;
  'udp.check_checksum': boolean;
}

export const DEFAULT_PREFS: Readonly<Prefs> = Object.freeze({
  'ip.defragment': true,
  'ipv6.defragment': true,
  'tcp.desegment_tcp_streams': true,
  'dns.desegment_dns_messages': true,
  'tcp.analyze_sequence_numbers': true,
  'tcp.relative_sequence_numbers': true,
  'tcp.no_subdissector_on_error': true,
  'ip.check_checksum': false,
  'tcp.check_checksum': false,
  'udp.check_checksum': false,
});

/**
 * The preferences of `../shared/oracle/tshark-fields.sh` (and so of its goldens and of the tshark outputs committed
 * as test fixtures): every frame on its own, no reassembly, no TCP analysis.
 */
export const ORACLE_PREFS: Readonly<Prefs> = Object.freeze({
  ...DEFAULT_PREFS,
  'tcp.desegment_tcp_streams': false,
  'dns.desegment_dns_messages': false,
  'ip.defragment': false,
  'ipv6.defragment': false,
  'tcp.analyze_sequence_numbers': false,
  'tcp.no_subdissector_on_error': false,
});

export type PrefName = keyof Prefs;

export function isPrefName(name: string): name is PrefName {
  return Object.prototype.hasOwnProperty.call(DEFAULT_PREFS, name);
}

/** Parse `-o NAME:VALUE`. Unknown names or bad values return an error message (tshark-like). */
export function applyPref(prefs: Prefs, spec: string): string | null {
  const i = spec.indexOf(':');
  if (i < 0) return `Invalid -o flag "${spec}"`;
  const name = spec.slice(0, i);
  const raw = spec.slice(i + 1).trim().toLowerCase();
  if (!isPrefName(name)) return `Invalid -o flag "${spec}": unknown preference`;
  if (raw === 'true' || raw === '1' || raw === 'yes') prefs[name] = true;
  else if (raw === 'false' || raw === '0' || raw === 'no') prefs[name] = false;
  else return `Invalid -o flag "${spec}": "${raw}" is not TRUE or FALSE`;
  return null;
}

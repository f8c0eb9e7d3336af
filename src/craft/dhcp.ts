/**
 * Crafting DHCP messages (RFC 2131): the eight messages a client and a server exchange, with the options those
 * messages usually carry filled in (RFC 2131 tables 3 and 5). Each returns the DHCP layer's input; wrap it in
 * Ethernet/IPv4/UDP with `build()`. Everything is overridable:
 *  - any header field of `DhcpInput` given in the parameters replaces the default;
 *  - `options` replace the default option of the same code, or are added (in the order given, before END);
 *  - `omit` drops default options by code.
 *
 *   const d = discover({ mac: '00:11:22:33:44:55', xid: 0x3903f326, hostname: 'laptop' });
 *   const o = offer({ ...replyTo(decodedDiscover), yiaddr: '192.168.1.10', serverId: '192.168.1.1', router: '192.168.1.1' });
 */
import { parseMAC } from '../core/addr.js';
import { EncodeError } from '../core/problem.js';
import type { DhcpInput, DhcpOption, DhcpValue } from '../protocols/dhcp/index.js';
import { DHCP, dhcp, optionCode } from '../protocols/dhcp/index.js';
import { layer } from './build.js';
import type { CraftLayer } from './build.js';

/** The DHCP layer for `build()`: `build([ether(...), ipv4(...), udp({ srcport: 68, dstport: 67 }), dhcpLayer(discover(...))])`. */
export const dhcpLayer = (input: DhcpInput): CraftLayer<DhcpInput> => layer(dhcp, input);

/** What every helper accepts besides its own parameters. */
export interface DhcpCraftCommon extends Omit<DhcpInput, 'options' | 'chaddr'> {
  /** The client's MAC address (chaddr, and the client identifier unless `clientId` says otherwise). */
  mac?: string;
  /** chaddr as bytes or text, when it is not `mac`. */
  chaddr?: string | Uint8Array;
  /** Options replacing the default ones of the same code, or added. */
  options?: DhcpOption[];
  /** Codes of default options to leave out. */
  omit?: number[];
}

export interface DhcpClientParams extends DhcpCraftCommon {
  /** Option 12. */
  hostname?: string;
  /** Option 61: bytes, or undefined for type 1 + the MAC (RFC 2132 9.14), or false for none. */
  clientId?: Uint8Array | false;
  /** Option 55 (default: subnet mask, router, DNS servers, domain name, broadcast, NTP, lease, T1, T2, domain search, classless routes). */
  parameterRequestList?: number[];
  /** Option 57 (default 1500 in DISCOVER, REQUEST and INFORM). */
  maxMessageSize?: number | false;
  /** Option 60. */
  vendorClass?: string;
  /** Option 50: the address asked for (DISCOVER, REQUEST in SELECTING/INIT-REBOOT, DECLINE). */
  requestedAddress?: string;
  /** Option 54: the server chosen (REQUEST in SELECTING), or the server released/declined to. */
  serverId?: string;
}

export interface DhcpServerParams extends DhcpCraftCommon {
  /** Option 54: this server's address (required in OFFER, ACK, NAK). */
  serverId: string;
  /** Option 51 in seconds (default 86400 in OFFER and ACK; 0xffffffff = infinite). */
  leaseTime?: number | false;
  /** Option 58 (default half the lease) and 59 (default 7/8 of the lease). */
  renewalTime?: number | false;
  rebindingTime?: number | false;
  /** Option 1. */
  subnetMask?: string;
  /** Option 3. */
  router?: string | string[];
  /** Option 6. */
  dnsServers?: string[];
  /** Option 15. */
  domainName?: string;
  /** Option 28. */
  broadcastAddress?: string;
  /** Option 119 (RFC 3397). */
  domainSearch?: string[];
  /** Option 121 (RFC 3442). */
  classlessRoutes?: { destination: string; router: string }[];
  /** Option 56 (NAK). */
  message?: string;
}

/** A typical client parameter request list. */
export const DEFAULT_PARAMETER_REQUEST_LIST: readonly number[] = [1, 3, 6, 15, 28, 42, 51, 58, 59, 119, 121];

/** BOOTP's minimum message size (RFC 1542 2.1): clients pad to it. */
export const BOOTP_MIN_LENGTH = 300;

const HEADER_KEYS = [
  'op', 'htype', 'hlen', 'hops', 'xid', 'secs', 'flags', 'broadcast', 'flagsReserved', 'ciaddr', 'yiaddr', 'siaddr', 'giaddr',
  'sname', 'file', 'cookie', 'vendor', 'end', 'trailing', 'fileOptions', 'fileTrailing', 'snameOptions', 'snameTrailing', 'minLength',
] as const;

function randomXid(): number {
  return Math.floor(Math.random() * 0x100000000) >>> 0;
}

function macBytes(mac: string): Uint8Array {
  const b = parseMAC(mac);
  if (!b) throw new EncodeError('dhcp.hw.mac_addr', `not a MAC address: ${mac}`);
  return b;
}

/** Merge defaults with the caller's options and omissions (same code replaces; new codes are appended). */
function mergeOptions(defaults: DhcpOption[], p: DhcpCraftCommon): DhcpOption[] {
  const omit = new Set(p.omit ?? []);
  const given = p.options ?? [];
  const byCode = new Map<number, DhcpOption>();
  for (const o of given) byCode.set(optionCode(o), o);
  const out: DhcpOption[] = [];
  for (const o of defaults) {
    const c = optionCode(o);
    if (omit.has(c)) continue;
    const r = byCode.get(c);
    if (r) {
      out.push(r);
      byCode.delete(c);
    } else out.push(o);
  }
  for (const o of given) if (byCode.get(optionCode(o)) === o) out.push(o);
  return out;
}

function header(p: DhcpCraftCommon, defaults: Partial<DhcpInput>): DhcpInput {
  const input: DhcpInput = { ...defaults };
  if (p.mac !== undefined) input.chaddr = p.mac;
  if (p.chaddr !== undefined) input.chaddr = p.chaddr;
  const rec = input as Record<string, unknown>;
  const src = p as Record<string, unknown>;
  for (const k of HEADER_KEYS) if (src[k] !== undefined) rec[k] = src[k];
  if (input.xid === undefined) input.xid = randomXid();
  return input;
}

function messageType(type: number): DhcpOption {
  return { kind: 'message-type', code: 53, type };
}

function clientIdOption(p: DhcpClientParams): DhcpOption[] {
  if (p.clientId === false) return [];
  if (p.clientId) return [{ kind: 'client-id', code: 61, type: p.clientId[0] ?? 0, id: p.clientId.subarray(1) }];
  if (p.mac === undefined) return [];
  return [{ kind: 'client-id', code: 61, type: 1, id: macBytes(p.mac) }];
}

function clientCommon(p: DhcpClientParams, withPrl: boolean, withMax: boolean): DhcpOption[] {
  const out: DhcpOption[] = [...clientIdOption(p)];
  if (p.hostname !== undefined) out.push({ kind: 'text', code: 12, text: p.hostname });
  if (p.vendorClass !== undefined) out.push({ kind: 'text', code: 60, text: p.vendorClass });
  if (withMax && p.maxMessageSize !== false) out.push({ kind: 'number', code: 57, value: p.maxMessageSize ?? 1500 });
  if (withPrl) out.push({ kind: 'parameter-list', code: 55, codes: [...(p.parameterRequestList ?? DEFAULT_PARAMETER_REQUEST_LIST)] });
  return out;
}

/** DHCPDISCOVER: a client looking for servers (broadcast). */
export function discover(p: DhcpClientParams = {}): DhcpInput {
  const opts: DhcpOption[] = [messageType(DHCP.DISCOVER)];
  if (p.requestedAddress !== undefined) opts.push({ kind: 'address', code: 50, address: p.requestedAddress });
  opts.push(...clientCommon(p, true, true));
  return { ...header(p, { op: 1, minLength: BOOTP_MIN_LENGTH }), options: mergeOptions(opts, p) };
}

/**
 * DHCPREQUEST: with `serverId` and `requestedAddress`, the SELECTING state (accepting an offer); with
 * `requestedAddress` only, INIT-REBOOT; with `ciaddr`, RENEWING or REBINDING.
 */
export function request(p: DhcpClientParams = {}): DhcpInput {
  const opts: DhcpOption[] = [messageType(DHCP.REQUEST)];
  if (p.requestedAddress !== undefined) opts.push({ kind: 'address', code: 50, address: p.requestedAddress });
  if (p.serverId !== undefined) opts.push({ kind: 'address', code: 54, address: p.serverId });
  opts.push(...clientCommon(p, true, true));
  return { ...header(p, { op: 1, minLength: BOOTP_MIN_LENGTH }), options: mergeOptions(opts, p) };
}

/** DHCPDECLINE: the offered address is already in use (`requestedAddress` is the declined address). */
export function decline(p: DhcpClientParams & { requestedAddress: string; serverId: string }): DhcpInput {
  const opts: DhcpOption[] = [
    messageType(DHCP.DECLINE),
    { kind: 'address', code: 50, address: p.requestedAddress },
    { kind: 'address', code: 54, address: p.serverId },
    ...clientIdOption(p),
  ];
  return { ...header(p, { op: 1, minLength: BOOTP_MIN_LENGTH }), options: mergeOptions(opts, p) };
}

/** DHCPRELEASE: the client gives its address (`ciaddr`) back. */
export function release(p: DhcpClientParams & { ciaddr: string; serverId: string }): DhcpInput {
  const opts: DhcpOption[] = [messageType(DHCP.RELEASE), { kind: 'address', code: 54, address: p.serverId }, ...clientIdOption(p)];
  return { ...header(p, { op: 1, minLength: BOOTP_MIN_LENGTH }), options: mergeOptions(opts, p) };
}

/** DHCPINFORM: a client with an address (`ciaddr`) asking only for configuration. */
export function inform(p: DhcpClientParams & { ciaddr: string }): DhcpInput {
  const opts: DhcpOption[] = [messageType(DHCP.INFORM), ...clientCommon(p, true, true)];
  return { ...header(p, { op: 1, minLength: BOOTP_MIN_LENGTH }), options: mergeOptions(opts, p) };
}

function serverConfig(p: DhcpServerParams, lease: boolean): DhcpOption[] {
  const out: DhcpOption[] = [{ kind: 'address', code: 54, address: p.serverId }];
  if (lease && p.leaseTime !== false) {
    const t = p.leaseTime ?? 86400;
    out.push({ kind: 'number', code: 51, value: t });
    const inf = t === 0xffffffff;
    if (p.renewalTime !== false) out.push({ kind: 'number', code: 58, value: p.renewalTime ?? (inf ? t : Math.floor(t / 2)) });
    if (p.rebindingTime !== false) out.push({ kind: 'number', code: 59, value: p.rebindingTime ?? (inf ? t : Math.floor((t * 7) / 8)) });
  }
  if (p.subnetMask !== undefined) out.push({ kind: 'address', code: 1, address: p.subnetMask });
  if (p.router !== undefined) out.push({ kind: 'addresses', code: 3, addresses: Array.isArray(p.router) ? [...p.router] : [p.router] });
  if (p.dnsServers !== undefined) out.push({ kind: 'addresses', code: 6, addresses: [...p.dnsServers] });
  if (p.domainName !== undefined) out.push({ kind: 'text', code: 15, text: p.domainName });
  if (p.broadcastAddress !== undefined) out.push({ kind: 'address', code: 28, address: p.broadcastAddress });
  if (p.domainSearch !== undefined) out.push({ kind: 'domain-search', code: 119, names: [...p.domainSearch] });
  if (p.classlessRoutes !== undefined) out.push({ kind: 'classless-routes', code: 121, routes: p.classlessRoutes.map((r) => ({ ...r })) });
  return out;
}

/** DHCPOFFER: a server offering `yiaddr` with its configuration. */
export function offer(p: DhcpServerParams & { yiaddr: string }): DhcpInput {
  const opts: DhcpOption[] = [messageType(DHCP.OFFER), ...serverConfig(p, true)];
  return { ...header(p, { op: 2 }), options: mergeOptions(opts, p) };
}

/** DHCPACK: the server commits the lease of `yiaddr` (or, answering an INFORM, sends configuration only: no yiaddr, no lease). */
export function ack(p: DhcpServerParams): DhcpInput {
  const lease = p.yiaddr !== undefined && p.yiaddr !== '0.0.0.0';
  const opts: DhcpOption[] = [messageType(DHCP.ACK), ...serverConfig(p, lease)];
  return { ...header(p, { op: 2 }), options: mergeOptions(opts, p) };
}

/** DHCPNAK: the server refuses the client's request (wrong network, expired lease). */
export function nak(p: Pick<DhcpServerParams, 'serverId' | 'message'> & DhcpCraftCommon): DhcpInput {
  const opts: DhcpOption[] = [messageType(DHCP.NAK), { kind: 'address', code: 54, address: p.serverId }];
  if (p.message !== undefined) opts.push({ kind: 'text', code: 56, text: p.message });
  return { ...header(p, { op: 2 }), options: mergeOptions(opts, p) };
}

/** The fields a server's reply copies from the client's message (xid, chaddr, flags, giaddr; RFC 2131 table 3). */
export function replyTo(req: Pick<DhcpValue, 'xid' | 'chaddr' | 'hlen' | 'htype' | 'flags' | 'giaddr'>): DhcpCraftCommon {
  return { xid: req.xid, chaddr: req.chaddr, hlen: req.hlen, htype: req.htype, flags: req.flags, giaddr: req.giaddr };
}

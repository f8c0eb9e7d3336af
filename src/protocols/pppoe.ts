/**
 * PPPoE, PPP over Ethernet (RFC 2516): a 6-byte header (version and type, code, session ID, payload length).
 * Discovery (EtherType 0x8863, `pppoed`): PADI/PADO/PADR/PADS/PADT with a list of tags (service name, access
 * concentrator name, host-uniq, cookie ...). Session (0x8864, `pppoes`): code 0 and a PPP frame (protocol number,
 * no address or control) of `payload length` bytes; what follows it belongs to the Ethernet padding or trailer.
 */
import { EncodeError, problem } from '../core/problem.js';
import { bitPattern } from '../fields/format.js';
import { defineFields } from '../fields/types.js';
import type { FieldDef, FieldNode } from '../fields/types.js';
import { defineProtocol } from './types.js';
import type { DecodeContext, DecodeResult, Protocol } from './types.js';

export const PPPOE_CODES: Readonly<Record<number, string>> = {
  0x00: 'Session Data',
  0x07: 'Active Discovery Offer (PADO)',
  0x09: 'Active Discovery Initiation (PADI)',
  0x0a: 'Active Discovery Session-Grant (PADG)',
  0x0b: 'Active Discovery Session-Credit Response (PADC)',
  0x0c: 'Active Discovery Quality (PADQ)',
  0x19: 'Active Discovery Request (PADR)',
  0x65: 'Active Discovery Session-confirmation (PADS)',
  0xa7: 'Active Discovery Terminate (PADT)',
};

/** The header fields, shared by the discovery and session protocols (tshark registers them once, under `pppoe`). */
const header = {
  version: { abbrev: 'pppoe.version', name: 'Version', type: 'UINT8', base: 'DEC', bitmask: 0xf0, offset: 0, width: 1, desc: 'PPPoE version, 1' },
  type: { abbrev: 'pppoe.type', name: 'Type', type: 'UINT8', base: 'DEC', bitmask: 0x0f, offset: 0, width: 1, desc: 'PPPoE type, 1' },
  code: { abbrev: 'pppoe.code', name: 'Code', type: 'UINT8', base: 'HEX', strings: PPPOE_CODES, offset: 1, width: 1, desc: 'Which discovery message (PADI, PADO, PADR, PADS, PADT), or 0 in a session' },
  session_id: { abbrev: 'pppoe.session_id', name: 'Session ID', type: 'UINT16', base: 'HEX', offset: 2, width: 2, desc: 'The session the access concentrator assigned (0 during discovery)' },
  payload_length: { abbrev: 'pppoe.payload_length', name: 'Payload Length', type: 'UINT16', base: 'DEC', offset: 4, width: 2, auto: 'length', desc: 'Bytes of PPP frame or tags after this header' },
} as const satisfies Record<string, FieldDef>;

/** Discovery tags: type -> [field key, name]. */
const TAGS: Readonly<Record<number, string>> = {
  0x0000: 'End-Of-List',
  0x0101: 'Service-Name',
  0x0102: 'AC-Name',
  0x0103: 'Host-Uniq',
  0x0104: 'AC-Cookie',
  0x0105: 'Vendor-Specific',
  0x0106: 'Credits',
  0x0107: 'Metrics',
  0x0108: 'Sequence Number',
  0x0109: 'Credit Scale Factor',
  0x0110: 'Relay-Session-Id',
  0x0111: 'HURL',
  0x0112: 'MOTM',
  0x0120: 'PPP-Max-Payload',
  0x0121: 'IP Route Add',
  0x0201: 'Service-Name-Error',
  0x0202: 'AC-System-Error',
  0x0203: 'Generic-Error',
};

export const pppoedTable = defineFields(
  { abbrev: 'pppoed', name: 'PPP-over-Ethernet Discovery', desc: 'How a PPPoE client finds an access concentrator and gets a session (RFC 2516)' },
  {
    ...header,
    tags: { abbrev: 'pppoed.tags', name: 'PPPoE Tags', type: 'NONE', desc: 'The tags of a discovery message' },
    tag: { abbrev: 'pppoed.tag', name: 'Tag', type: 'UINT16', base: 'HEX', strings: TAGS, desc: 'Tag type' },
    tag_length: { abbrev: 'pppoed.tag_length', name: 'Tag Length', type: 'UINT16', base: 'DEC', desc: 'Bytes of the tag value' },
    unknown_data: { abbrev: 'pppoed.tag.unknown_data', name: 'Unknown Data', type: 'BYTES', desc: 'Value of a tag wirelens does not name' },
    service_name: { abbrev: 'pppoed.tags.service_name', name: 'Service-Name', type: 'STRING', desc: 'The service asked for or offered (empty: any)' },
    ac_name: { abbrev: 'pppoed.tags.ac_name', name: 'AC-Name', type: 'STRING', desc: 'Name of the access concentrator' },
    host_uniq: { abbrev: 'pppoed.tags.host_uniq', name: 'Host-Uniq', type: 'BYTES', desc: 'Chosen by the client to match replies to its requests' },
    ac_cookie: { abbrev: 'pppoed.tags.ac_cookie', name: 'AC-Cookie', type: 'BYTES', desc: 'Chosen by the access concentrator, echoed back by the client' },
    vendor_id: { abbrev: 'pppoed.tags.vendor_id', name: 'Vendor id', type: 'UINT32', base: 'DEC', desc: 'Vendor-Specific tag: the vendor (IANA enterprise number)' },
    vendor_unspecified: { abbrev: 'pppoed.tags.vendor_unspecified', name: 'Vendor unspecified', type: 'BYTES', desc: 'Vendor-Specific tag: the vendor data' },
    relay_session_id: { abbrev: 'pppoed.tags.relay_session_id', name: 'Relay-Session-Id', type: 'BYTES', desc: 'Added by a relay to find its session again' },
    hurl: { abbrev: 'pppoed.tags.hurl', name: 'HURL', type: 'BYTES', desc: 'A URL the access concentrator offers (RFC 4937)' },
    motm: { abbrev: 'pppoed.tags.motm', name: 'MOTM', type: 'BYTES', desc: 'Message of the minute (RFC 4937)' },
    max_payload: { abbrev: 'pppoed.tags.max_payload', name: 'PPP-Max-Payload', type: 'BYTES', desc: 'Largest PPP payload the client can take, above 1492 (RFC 4638)' },
    ip_route_add: { abbrev: 'pppoed.tags.ip_route_add', name: 'IP Route Add', type: 'BYTES', desc: 'A route to add (RFC 4937)' },
    service_name_error: { abbrev: 'pppoed.tags.service_name_error', name: 'Service-Name-Error', type: 'STRING', desc: 'The service asked for is not offered' },
    ac_system_error: { abbrev: 'pppoed.tags.ac_system_error', name: 'AC-System-Error', type: 'STRING', desc: 'The access concentrator could not serve the request' },
    generic_error: { abbrev: 'pppoed.tags.generic_error', name: 'Generic-Error', type: 'STRING', desc: 'Another error' },
  },
);

export const pppoesTable = defineFields({ abbrev: 'pppoes', name: 'PPP-over-Ethernet Session', desc: 'A PPP frame of an established PPPoE session (RFC 2516)' }, { ...header });

const D = pppoedTable.fields;

/** Tag types whose value tshark shows under a field of its own. */
const TAG_FIELDS: Readonly<Record<number, FieldDef>> = {
  0x0101: D.service_name,
  0x0102: D.ac_name,
  0x0103: D.host_uniq,
  0x0104: D.ac_cookie,
  0x0110: D.relay_session_id,
  0x0111: D.hurl,
  0x0112: D.motm,
  0x0120: D.max_payload,
  0x0121: D.ip_route_add,
  0x0201: D.service_name_error,
  0x0202: D.ac_system_error,
  0x0203: D.generic_error,
};

export interface PppoeTag {
  type: number;
  value: Uint8Array;
}

export interface PppoeValue {
  version: number;
  type: number;
  code: number;
  sessionId: number;
  payloadLength: number;
  /** Discovery: the tags, in order. */
  tags?: PppoeTag[];
  /** Discovery: bytes inside the payload length after the last whole tag (a tag cut short). */
  rest?: Uint8Array;
}

export interface PppoeInput {
  version?: number;
  type?: number;
  /** Undefined: 0 in a session, 0x09 (PADI) in discovery. */
  code?: number;
  sessionId?: number;
  /** Undefined: the bytes that follow. */
  payloadLength?: number;
  tags?: PppoeTag[];
  rest?: Uint8Array;
}

const HDR = 6;
const decoder = new TextDecoder('utf-8');

function pppoeProtocol(discovery: boolean): Protocol<PppoeValue, PppoeInput> {
  const name = discovery ? 'pppoed' : 'pppoes';
  const table = discovery ? pppoedTable : pppoesTable;
  const title = table.proto.name;
  return {
    name,
    shortName: discovery ? 'PPPoED' : 'PPPoES',
    table,
    bindings: [{ table: 'ethertype', key: discovery ? 0x8863 : 0x8864 }],
    decode(b: Uint8Array, start: number, end: number, ctx: DecodeContext): DecodeResult<PppoeValue> {
      const avail = end - start;
      const v: PppoeValue = {
        version: avail > 0 ? b[start]! >> 4 : 0,
        type: avail > 0 ? b[start]! & 15 : 0,
        code: avail > 1 ? b[start + 1]! : 0,
        sessionId: avail > 3 ? (b[start + 2]! << 8) | b[start + 3]! : 0,
        payloadLength: avail > 5 ? (b[start + 4]! << 8) | b[start + 5]! : 0,
      };
      if (avail < HDR) {
        const field = avail < 1 ? 'pppoe.version' : avail < 2 ? 'pppoe.code' : avail < 4 ? 'pppoe.session_id' : 'pppoe.payload_length';
        ctx.problems.push(problem(name, 'truncated', start, end, `PPPoE header needs ${HDR} bytes, ${avail} present`, { field, expected: HDR, actual: avail, limitedBy: 'frame.cap_len' }));
        return { value: v, headerEnd: end, end };
      }
      const hdrEnd = start + HDR;
      let pduEnd = hdrEnd + v.payloadLength;
      if (pduEnd > end) {
        const cut = end === b.length && b.length < ctx.wireLen;
        // Discovery tags cut by the snaplen: tshark stops on them (a short frame).
        if (cut && discovery) ctx.problems.push(problem(name, 'truncated', hdrEnd, end, `${v.payloadLength} bytes of tags, ${end - hdrEnd} captured`, { field: 'pppoe.payload_length', expected: v.payloadLength, actual: end - hdrEnd, limitedBy: 'frame.cap_len' }));
        if (!cut) ctx.problems.push({ ...problem(name, 'bad-length', start + 4, start + 6, `payload length ${v.payloadLength} goes past the end of the frame (${end - hdrEnd} bytes)`, { field: 'pppoe.payload_length', expected: end - hdrEnd, actual: v.payloadLength }), severity: 'warning' });
        pduEnd = end;
      }
      if (!discovery) {
        // A payload length of 0 would leave nothing: tshark then takes the rest of the frame.
        if (v.payloadLength === 0) pduEnd = end;
        return { value: v, headerEnd: hdrEnd, end: pduEnd, ...(hdrEnd < pduEnd ? { next: [{ proto: 'ppp' }] } : {}) };
      }
      v.tags = [];
      let at = hdrEnd;
      while (at + 4 <= pduEnd) {
        const type = (b[at]! << 8) | b[at + 1]!;
        const len = (b[at + 2]! << 8) | b[at + 3]!;
        if (at + 4 + len > pduEnd) {
          ctx.problems.push(problem(name, 'truncated', at, pduEnd, `tag 0x${type.toString(16).padStart(4, '0')} of ${len} bytes goes past the payload (${pduEnd - at - 4} left)`, { field: 'pppoed.tag_length', expected: len, actual: pduEnd - at - 4, limitedBy: 'pppoe.payload_length' }));
          break;
        }
        v.tags.push({ type, value: b.subarray(at + 4, at + 4 + len) });
        at += 4 + len;
      }
      if (at < pduEnd) v.rest = b.subarray(at, pduEnd);
      return { value: v, headerEnd: pduEnd, end: pduEnd };
    },
    tree(layer, ctx) {
      const v = layer.value;
      const s = layer.start;
      const out: FieldNode[] = [];
      const n = layer.headerEnd - s;
      if (n >= 1) {
        const byte0 = ctx.frame[s]!;
        out.push({ def: header.version, start: s, len: 1, value: v.version, bitmask: 0xf0, text: `${bitPattern(0xf0, 1, byte0)}Version: ${v.version}` });
        out.push({ def: header.type, start: s, len: 1, value: v.type, bitmask: 0x0f, text: `${bitPattern(0x0f, 1, byte0)}Type: ${v.type}` });
      }
      if (n >= 2) out.push({ def: header.code, start: s + 1, len: 1, value: v.code });
      if (n >= 4) out.push({ def: header.session_id, start: s + 2, len: 2, value: v.sessionId });
      if (n >= 6) out.push({ def: header.payload_length, start: s + 4, len: 2, value: v.payloadLength });
      if (v.tags && (v.tags.length || v.rest)) {
        const kids: FieldNode[] = [];
        let at = s + HDR;
        for (const t of v.tags) {
          // tshark shows nothing for a tag without a value (an empty Service-Name: any service).
          if (t.value.length === 0) {
            at += 4;
            continue;
          }
          const def = TAG_FIELDS[t.type];
          if (def) kids.push({ def, start: at + 4, len: t.value.length, value: def.type === 'STRING' ? decoder.decode(t.value) : t.value });
          else if (t.type === 0x0105 && t.value.length >= 4) {
            kids.push({ def: D.vendor_id, start: at + 4, len: 4, value: ((t.value[0]! << 24) | (t.value[1]! << 16) | (t.value[2]! << 8) | t.value[3]!) >>> 0 });
            if (t.value.length > 4) kids.push({ def: D.vendor_unspecified, start: at + 8, len: t.value.length - 4, value: t.value.subarray(4) });
          } else if (t.type !== 0) kids.push({ def: D.unknown_data, start: at + 4, len: t.value.length, value: t.value });
          at += 4 + t.value.length;
        }
        out.push({ def: D.tags, start: s + HDR, len: at - s - HDR + (v.rest?.length ?? 0), value: null, children: kids });
      }
      return out;
    },
    label() {
      return title;
    },
    summary(layer, ctx) {
      const v = layer.value;
      if (!discovery || layer.headerEnd - layer.start < 2) return '';
      const next = ctx.layers[ctx.index + 1];
      if (next && next.proto.name !== 'data') return '';
      let s = PPPOE_CODES[v.code] ?? `Unknown code (0x${v.code.toString(16).padStart(2, '0')})`;
      for (const t of v.tags ?? []) if (t.type === 0x0102) s += ` AC-Name='${decoder.decode(t.value)}'`;
      return s;
    },
    encode(input: PppoeInput, payload: Uint8Array): Uint8Array {
      const tags = input.tags ?? [];
      let body = 0;
      for (const t of tags) {
        if (t.value.length > 0xffff) throw new EncodeError('pppoed.tag_length', `a tag holds at most 65535 bytes, got ${t.value.length}`);
        body += 4 + t.value.length;
      }
      body += input.rest?.length ?? 0;
      const length = input.payloadLength ?? body + payload.length;
      for (const [f, val, max] of [
        ['pppoe.version', input.version ?? 1, 15],
        ['pppoe.type', input.type ?? 1, 15],
        ['pppoe.code', input.code ?? (discovery ? 0x09 : 0), 0xff],
        ['pppoe.session_id', input.sessionId ?? 0, 0xffff],
        ['pppoe.payload_length', length, 0xffff],
      ] as const) {
        if (!Number.isInteger(val) || val < 0 || val > max) throw new EncodeError(f, `${val} does not fit`);
      }
      const out = new Uint8Array(HDR + body + payload.length);
      out[0] = ((input.version ?? 1) << 4) | (input.type ?? 1);
      out[1] = input.code ?? (discovery ? 0x09 : 0);
      out[2] = (input.sessionId ?? 0) >> 8;
      out[3] = (input.sessionId ?? 0) & 0xff;
      out[4] = length >> 8;
      out[5] = length & 0xff;
      let at = HDR;
      for (const t of tags) {
        out[at] = t.type >> 8;
        out[at + 1] = t.type & 0xff;
        out[at + 2] = t.value.length >> 8;
        out[at + 3] = t.value.length & 0xff;
        out.set(t.value, at + 4);
        at += 4 + t.value.length;
      }
      if (input.rest) {
        out.set(input.rest, at);
        at += input.rest.length;
      }
      out.set(payload, at);
      return out;
    },
    toInput(layer) {
      const v = layer.value;
      const input: PppoeInput = { version: v.version, type: v.type, code: v.code, sessionId: v.sessionId };
      if (v.tags) input.tags = v.tags;
      if (v.rest) input.rest = v.rest;
      // The length is recomputed when it matched what followed it; a length that did not is kept as it was.
      const claimed = layer.end - layer.headerEnd + (discovery ? layer.headerEnd - layer.start - HDR : 0);
      if (v.payloadLength !== claimed) input.payloadLength = v.payloadLength;
      return input;
    },
  };
}

/** PPPoE Discovery (EtherType 0x8863). */
export const pppoed = defineProtocol(pppoeProtocol(true));
/** PPPoE Session (EtherType 0x8864). */
export const pppoes = defineProtocol(pppoeProtocol(false));

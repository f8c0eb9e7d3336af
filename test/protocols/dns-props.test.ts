/**
 * DNS properties (fast-check): generated messages with every record type, option, SvcParam and flag survive
 * encode -> decode; compression never makes a message longer; decoding inside a larger buffer; random bytes never
 * throw. Differential against dns-packet, both ways, for the record types both codecs know.
 */
import { Buffer } from 'node:buffer';
import dnsPacket from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/core/problem.js';
import { KIND_BY_TYPE, TYPE_BY_KIND, decodeMessage, encodeMessage, encodingLength, flagsOf, nameText, parseName } from '../../src/protocols/dns.js';
import type { DnsInput, DnsName, DnsRecordInput, DnsValue, EdnsOption, RData, SvcParam } from '../../src/protocols/dns.js';

const RUNS = 300;

// ---------------------------------------------------------------------------------------------------------
// arbitraries: values in the decoded shape (names as labels, strings as bytes), so decode(encode(v)) == v

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const label = bytes(1, 40);
const name: fc.Arbitrary<DnsName> = fc.array(label, { maxLength: 4 }).map((labels) => ({ labels }));
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ipv4 = fc.ipV4();
const ipv6 = fc.tuple(...Array.from({ length: 8 }, () => u16)).map((g) => {
  const b = new Uint8Array(16);
  g.forEach((x, i) => {
    b[2 * i] = x >> 8;
    b[2 * i + 1] = x & 0xff;
  });
  return b;
});
import { ipv6ToString } from '../../src/core/addr.js';
const ipv6Text = ipv6.map((b) => ipv6ToString(b));
const types = fc.uniqueArray(u16, { maxLength: 12 }).map((t) => t.sort((a, b) => a - b));

const svcParam: fc.Arbitrary<SvcParam> = fc.oneof(
  fc.record({ kind: fc.constant('mandatory' as const), keys: fc.array(u16, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('alpn' as const), ids: fc.array(bytes(1, 10), { minLength: 1, maxLength: 3 }) }),
  fc.constant({ kind: 'no-default-alpn' as const }),
  fc.record({ kind: fc.constant('port' as const), port: u16 }),
  fc.record({ kind: fc.constant('ipv4hint' as const), addresses: fc.array(ipv4, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('ech' as const), config: bytes(0, 30) }),
  fc.record({ kind: fc.constant('ipv6hint' as const), addresses: fc.array(ipv6Text, { minLength: 1, maxLength: 2 }) }),
  fc.record({ kind: fc.constant('unknown' as const), key: fc.integer({ min: 7, max: 0xffff }), data: bytes(0, 12) }),
);

const ednsOption: fc.Arbitrary<EdnsOption> = fc.oneof(
  fc.record({ kind: fc.constant('ecs' as const), family: u16, sourcePrefix: u8, scopePrefix: u8, address: bytes(0, 16) }),
  fc.record({ kind: fc.constant('cookie' as const), client: bytes(8, 8) }),
  fc.record({ kind: fc.constant('cookie' as const), client: bytes(8, 8), server: bytes(1, 32) }),
  fc.record({ kind: fc.constant('padding' as const), data: bytes(0, 20) }),
  fc.record({ kind: fc.constant('ede' as const), infoCode: u16, extraText: bytes(0, 20) }),
  fc.constant({ kind: 'keepalive' as const }),
  fc.record({ kind: fc.constant('keepalive' as const), timeout: u16 }),
  fc.record({ kind: fc.constant('unknown' as const), code: u16.filter((c) => ![8, 10, 11, 12, 15].includes(c)), data: bytes(0, 12) }),
);

const nameKinds = ['ns', 'cname', 'ptr', 'dname', 'md', 'mf', 'mb', 'mg', 'mr'] as const;
const rdata: fc.Arbitrary<RData> = fc.oneof(
  fc.record({ kind: fc.constant('a' as const), address: ipv4 }),
  fc.record({ kind: fc.constant('aaaa' as const), address: ipv6Text }),
  fc.record({ kind: fc.constantFrom(...nameKinds), target: name }),
  fc.record({ kind: fc.constant('mx' as const), preference: u16, exchange: name }),
  fc.record({ kind: fc.constantFrom('txt' as const, 'spf' as const), strings: fc.array(bytes(0, 60), { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('soa' as const), mname: name, rname: name, serial: u32, refresh: u32, retry: u32, expire: u32, minimum: u32 }),
  fc.record({ kind: fc.constant('srv' as const), priority: u16, weight: u16, port: u16, target: name }),
  fc.record({ kind: fc.constant('naptr' as const), order: u16, preference: u16, flags: bytes(0, 4), services: bytes(0, 20), regexp: bytes(0, 40), replacement: name }),
  fc.record({ kind: fc.constant('caa' as const), flags: u8, tag: bytes(1, 15), value: bytes(0, 40) }),
  fc.record({ kind: fc.constant('hinfo' as const), cpu: bytes(0, 20), os: bytes(0, 20) }),
  fc.record({ kind: fc.constant('ds' as const), keyTag: u16, algorithm: u8, digestType: u8, digest: bytes(0, 48) }),
  fc.record({ kind: fc.constant('dnskey' as const), flags: u16, protocol: u8, algorithm: u8, publicKey: bytes(0, 64) }),
  fc.record({ kind: fc.constant('rrsig' as const), typeCovered: u16, algorithm: u8, labels: u8, originalTtl: u32, expiration: u32, inception: u32, keyTag: u16, signerName: name, signature: bytes(0, 64) }),
  fc.record({ kind: fc.constant('nsec' as const), next: name, types }),
  fc.record({ kind: fc.constant('nsec3' as const), algorithm: u8, flags: u8, iterations: u16, salt: bytes(0, 16), nextHashed: bytes(0, 32), types }),
  fc.record({ kind: fc.constant('nsec3param' as const), algorithm: u8, flags: u8, iterations: u16, salt: bytes(0, 16) }),
  fc.record({ kind: fc.constant('tlsa' as const), usage: u8, selector: u8, matchingType: u8, data: bytes(0, 48) }),
  fc.record({ kind: fc.constantFrom('svcb' as const, 'https' as const), priority: u16, target: name, params: fc.array(svcParam, { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('opt' as const), options: fc.array(ednsOption, { maxLength: 5 }) }),
  fc.record({ kind: fc.constant('null' as const), data: bytes(0, 30) }),
  fc.record({ kind: fc.constant('unknown' as const), data: bytes(0, 30) }),
);

const unknownType = u16.filter((t) => KIND_BY_TYPE[t] === undefined);
const record: fc.Arbitrary<DnsRecordInput & { name: DnsName; type: number; class: number; ttl: number; data: RData }> = fc
  .tuple(name, rdata, unknownType, u16, u32)
  .map(([n, data, ut, cls, ttl]) => ({ name: n, type: data.kind === 'unknown' ? ut : TYPE_BY_KIND[data.kind]!, class: cls, ttl, data }));

const message: fc.Arbitrary<DnsInput> = fc.record({
  id: u16,
  response: fc.boolean(),
  opcode: fc.integer({ min: 0, max: 15 }),
  authoritative: fc.boolean(),
  truncated: fc.boolean(),
  recdesired: fc.boolean(),
  recavail: fc.boolean(),
  z: fc.boolean(),
  authenticated: fc.boolean(),
  checkdisable: fc.boolean(),
  rcode: fc.integer({ min: 0, max: 15 }),
  questions: fc.array(fc.record({ name, type: u16, class: u16 }), { maxLength: 3 }),
  answers: fc.array(record, { maxLength: 4 }),
  authorities: fc.array(record, { maxLength: 2 }),
  additionals: fc.array(record, { maxLength: 3 }),
});

// ---------------------------------------------------------------------------------------------------------
// comparison helpers: names by their labels (wire hints dropped), bytes as hex

function canon(x: unknown): unknown {
  if (x instanceof Uint8Array) return Buffer.from(x).toString('hex');
  if (Array.isArray(x)) return x.map(canon);
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (Array.isArray(o.labels)) return { labels: canon(o.labels) };
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = canon(o[k]);
    return out;
  }
  return x;
}

/** The value decoding an input must give: the input with the auto fields filled. */
function expectedValue(input: DnsInput): unknown {
  const f = flagsOf(input);
  const rec = (r: DnsRecordInput) => ({ name: r.name, type: r.type, class: r.class, ttl: r.ttl, data: r.data });
  return canon({
    id: input.id,
    flags: f,
    response: (f & 0x8000) !== 0,
    opcode: (f >> 11) & 15,
    authoritative: (f & 0x400) !== 0,
    truncated: (f & 0x200) !== 0,
    recdesired: (f & 0x100) !== 0,
    recavail: (f & 0x80) !== 0,
    z: (f & 0x40) !== 0,
    authenticated: (f & 0x20) !== 0,
    checkdisable: (f & 0x10) !== 0,
    rcode: f & 15,
    qdcount: input.questions!.length,
    ancount: input.answers!.length,
    nscount: input.authorities!.length,
    arcount: input.additionals!.length,
    questions: input.questions,
    answers: input.answers!.map(rec),
    authorities: input.authorities!.map(rec),
    additionals: input.additionals!.map(rec),
  });
}

function decodedValue(v: DnsValue): unknown {
  const rec = (r: DnsValue['answers'][number]) => ({ name: r.name, type: r.type, class: r.class, ttl: r.ttl, data: r.data });
  const { answers, authorities, additionals, ...rest } = v;
  return canon({ ...rest, answers: answers.map(rec), authorities: authorities.map(rec), additionals: additionals.map(rec) });
}

function uncompressed(input: DnsInput): DnsInput {
  const plain = (n: unknown): unknown => {
    if (n && typeof n === 'object' && Array.isArray((n as DnsName).labels)) return { labels: (n as DnsName).labels, ptr: null };
    if (n instanceof Uint8Array || typeof n !== 'object' || n === null) return n;
    if (Array.isArray(n)) return n.map(plain);
    return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, plain(v)]));
  };
  return plain(input) as DnsInput;
}

// ---------------------------------------------------------------------------------------------------------

describe('fast-check: generated messages', () => {
  it('decode(encode(v)) equals v with the auto fields filled, and no problems', () => {
    fc.assert(
      fc.property(message, (input) => {
        const b = encodeMessage(input);
        const problems: Problem[] = [];
        const v = decodeMessage(b, 0, b.length, problems, 'dns');
        expect(problems).toEqual([]);
        expect(decodedValue(v)).toEqual(expectedValue(input));
        // and each RDLENGTH is the RDATA's size: re-encoding the decoded value gives the same bytes
        expect(Buffer.from(encodeMessage({ ...(v as DnsInput), flags: undefined }))).toEqual(Buffer.from(b));
      }),
      { numRuns: RUNS },
    );
  });

  it('encodingLength agrees with encode', () => {
    fc.assert(
      fc.property(message, (input) => {
        expect(encodingLength(input)).toBe(encodeMessage(input).length);
      }),
      { numRuns: 100 },
    );
  });

  it('compression never makes a message longer, and decodes to the same value', () => {
    fc.assert(
      fc.property(message, (input) => {
        const small = encodeMessage(input);
        const big = encodeMessage(uncompressed(input));
        expect(small.length).toBeLessThanOrEqual(big.length);
        const a = decodeMessage(small, 0, small.length, [], 'dns');
        const b = decodeMessage(big, 0, big.length, [], 'dns');
        expect(decodedValue(a)).toEqual(decodedValue(b));
      }),
      { numRuns: RUNS },
    );
  });

  it('decoding at an offset inside a larger buffer gives the same value, problems inside the message', () => {
    fc.assert(
      fc.property(message, bytes(0, 40), bytes(0, 40), (input, before, after) => {
        const m = encodeMessage(input);
        const buf = new Uint8Array(before.length + m.length + after.length);
        buf.set(before, 0);
        buf.set(m, before.length);
        buf.set(after, before.length + m.length);
        const problems: Problem[] = [];
        const v = decodeMessage(buf, before.length, before.length + m.length, problems, 'dns');
        expect(problems).toEqual([]);
        expect(decodedValue(v)).toEqual(expectedValue(input));
        // and cut short inside the larger buffer: problems stay inside [start, cut)
        const cut = before.length + Math.floor(m.length / 2);
        const p2: Problem[] = [];
        decodeMessage(buf, before.length, cut, p2, 'dns');
        for (const p of p2) {
          expect(p.start).toBeGreaterThanOrEqual(before.length);
          expect(p.end).toBeLessThanOrEqual(cut);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('random bytes never throw; problems stay inside the message', () => {
    fc.assert(
      fc.property(bytes(0, 600), (b) => {
        const problems: Problem[] = [];
        decodeMessage(b, 0, b.length, problems, 'dns');
        for (const p of problems) {
          expect(p.start).toBeGreaterThanOrEqual(0);
          expect(p.end).toBeLessThanOrEqual(b.length);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('random pointer soup never hangs: names made only of pointers and short labels', () => {
    const piece = fc.oneof(fc.tuple(fc.constant(0xc0), u8).map(([a, b]) => [a | (b >> 6), b]), bytes(1, 3).map((x) => [x.length, ...x]));
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 60 }), u8, (pieces, qd) => {
        const body = pieces.flat();
        const b = Uint8Array.from([0, 0, 0, 0, 0, qd, 0, qd, 0, 0, 0, 0, ...body]);
        const problems: Problem[] = [];
        decodeMessage(b, 0, b.length, problems, 'dns');
        for (const p of problems) expect(p.end).toBeLessThanOrEqual(b.length);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// dns-packet differential

const ldh = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
const hostname = fc.array(ldh, { minLength: 1, maxLength: 4 }).map((l) => l.join('.'));
const TYPE_NAMES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 13: 'HINFO', 35: 'NAPTR', 39: 'DNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3', 52: 'TLSA', 257: 'CAA' };
const knownType = fc.constantFrom(...Object.keys(TYPE_NAMES).map(Number));
const knownTypes = fc.uniqueArray(knownType, { maxLength: 6 }).map((t) => t.sort((a, b) => a - b));
const text = fc.stringMatching(/^[ -~]{0,30}$/);
const buf = (min: number, max: number) => bytes(min, max).map((b) => Buffer.from(b));

/** Pairs: the same record as our input and as dns-packet's object. */
type Pair = { ours: DnsRecordInput; theirs: Record<string, unknown> };
const pair: fc.Arbitrary<Pair> = fc.oneof(
  fc.tuple(hostname, ipv4).map(([n, a]): Pair => ({ ours: { name: n, data: { kind: 'a', address: a } }, theirs: { type: 'A', name: n, data: a } })),
  fc.tuple(hostname, ipv6Text).map(([n, a]): Pair => ({ ours: { name: n, data: { kind: 'aaaa', address: a } }, theirs: { type: 'AAAA', name: n, data: a } })),
  fc.tuple(hostname, fc.constantFrom('ns', 'cname', 'ptr', 'dname'), hostname).map(([n, k, t]): Pair => ({
    ours: { name: n, data: { kind: k as 'ns', target: t } },
    theirs: { type: k.toUpperCase(), name: n, data: t },
  })),
  fc.tuple(hostname, u16, hostname).map(([n, p, x]): Pair => ({ ours: { name: n, data: { kind: 'mx', preference: p, exchange: x } }, theirs: { type: 'MX', name: n, data: { preference: p, exchange: x } } })),
  fc.tuple(hostname, fc.array(buf(0, 40), { minLength: 1, maxLength: 3 })).map(([n, s]): Pair => ({ ours: { name: n, data: { kind: 'txt', strings: s } }, theirs: { type: 'TXT', name: n, data: s } })),
  fc.tuple(hostname, hostname, hostname, u32, u32, u32, u32, u32).map(([n, m, r, a, b, c, d, e]): Pair => ({
    ours: { name: n, data: { kind: 'soa', mname: m, rname: r, serial: a, refresh: b, retry: c, expire: d, minimum: e } },
    theirs: { type: 'SOA', name: n, data: { mname: m, rname: r, serial: a, refresh: b, retry: c, expire: d, minimum: e } },
  })),
  fc.tuple(hostname, u16, u16, u16, hostname).map(([n, p, w, port, t]): Pair => ({
    ours: { name: n, data: { kind: 'srv', priority: p, weight: w, port, target: t } },
    theirs: { type: 'SRV', name: n, data: { priority: p, weight: w, port, target: t } },
  })),
  fc.tuple(hostname, fc.constantFrom(0, 128), fc.constantFrom('issue', 'issuewild', 'iodef'), text).map(([n, f, tag, v]): Pair => ({
    ours: { name: n, data: { kind: 'caa', flags: f, tag, value: v } },
    theirs: { type: 'CAA', name: n, data: { flags: f, tag, value: v } },
  })),
  fc.tuple(hostname, text, text).map(([n, c, o]): Pair => ({ ours: { name: n, data: { kind: 'hinfo', cpu: c, os: o } }, theirs: { type: 'HINFO', name: n, data: { cpu: c, os: o } } })),
  fc.tuple(hostname, u16, u8, u8, buf(1, 32)).map(([n, k, a, t, d]): Pair => ({
    ours: { name: n, data: { kind: 'ds', keyTag: k, algorithm: a, digestType: t, digest: d } },
    theirs: { type: 'DS', name: n, data: { keyTag: k, algorithm: a, digestType: t, digest: d } },
  })),
  fc.tuple(hostname, u16, u8, buf(1, 40)).map(([n, f, a, k]): Pair => ({
    ours: { name: n, data: { kind: 'dnskey', flags: f, protocol: 3, algorithm: a, publicKey: k } },
    theirs: { type: 'DNSKEY', name: n, data: { flags: f, algorithm: a, key: k } },
  })),
  fc.tuple(hostname, knownType, u8, u8, u32, u32, u32, u16, hostname, buf(1, 40)).map(([n, tc, a, l, o, e, i, k, s, sig]): Pair => ({
    ours: { name: n, data: { kind: 'rrsig', typeCovered: tc, algorithm: a, labels: l, originalTtl: o, expiration: e, inception: i, keyTag: k, signerName: s, signature: sig } },
    theirs: { type: 'RRSIG', name: n, data: { typeCovered: TYPE_NAMES[tc], algorithm: a, labels: l, originalTTL: o, expiration: e, inception: i, keyTag: k, signersName: s, signature: sig } },
  })),
  fc.tuple(hostname, hostname, knownTypes).map(([n, nx, t]): Pair => ({
    ours: { name: n, data: { kind: 'nsec', next: nx, types: t } },
    theirs: { type: 'NSEC', name: n, data: { nextDomain: nx, rrtypes: t.map((x) => TYPE_NAMES[x]) } },
  })),
  fc.tuple(hostname, u8, u8, u16, buf(0, 8), buf(1, 20), knownTypes).map(([n, a, f, it, s, h, t]): Pair => ({
    ours: { name: n, data: { kind: 'nsec3', algorithm: a, flags: f, iterations: it, salt: s, nextHashed: h, types: t } },
    theirs: { type: 'NSEC3', name: n, data: { algorithm: a, flags: f, iterations: it, salt: s, nextDomain: h, rrtypes: t.map((x) => TYPE_NAMES[x]) } },
  })),
  fc.tuple(hostname, u16, u16, fc.constantFrom('S', 'U', 'A', ''), text, text, hostname).map(([n, o, p, f, sv, re, rep]): Pair => ({
    ours: { name: n, data: { kind: 'naptr', order: o, preference: p, flags: f, services: sv, regexp: re, replacement: rep } },
    theirs: { type: 'NAPTR', name: n, data: { order: o, preference: p, flags: f, services: sv, regexp: re, replacement: rep } },
  })),
  fc.tuple(hostname, u8, u8, u8, buf(1, 32)).map(([n, u, s, m, c]): Pair => ({
    ours: { name: n, data: { kind: 'tlsa', usage: u, selector: s, matchingType: m, data: c } },
    theirs: { type: 'TLSA', name: n, data: { usage: u, selector: s, matchingType: m, certificate: c } },
  })),
);

/** A record as a plain comparable shape, from our decoded value. */
function fromOurs(r: DnsValue['answers'][number]): unknown {
  const d = r.data as Record<string, unknown> & { kind: string };
  const conv = (v: unknown): unknown => {
    if (v && typeof v === 'object' && Array.isArray((v as DnsName).labels)) return nameText(v as DnsName);
    if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
    if (Array.isArray(v)) return v.map(conv);
    return v;
  };
  const out: Record<string, unknown> = { name: nameText(r.name), type: r.type };
  for (const [k, v] of Object.entries(d)) if (k !== 'kind' && k !== 'bitmap') out[k] = conv(v);
  if (d.kind === 'caa' || d.kind === 'hinfo' || d.kind === 'naptr') {
    for (const k of ['tag', 'value', 'cpu', 'os', 'flags', 'services', 'regexp']) {
      if (d[k] instanceof Uint8Array) out[k] = Buffer.from(d[k] as Uint8Array).toString('utf8');
    }
  }
  return out;
}

/** The same shape from dns-packet's decoded answer. */
function fromTheirs(a: Record<string, any>): unknown {
  const TYPES = Object.fromEntries(Object.entries(TYPE_NAMES).map(([k, v]) => [v, Number(k)]));
  const type = TYPES[a.type as string]!;
  const d = a.data;
  const hex = (b: Buffer) => b.toString('hex');
  const out: Record<string, unknown> = { name: a.name === '.' ? '<Root>' : a.name, type: type === undefined ? a.type : type };
  const n = (s: string) => (s === '.' || s === '' ? '<Root>' : s);
  switch (a.type) {
    case 'A':
    case 'AAAA':
      out.address = d;
      break;
    case 'NS':
    case 'CNAME':
    case 'DNAME':
    case 'PTR':
      out.target = n(d);
      break;
    case 'MX':
      Object.assign(out, { preference: d.preference, exchange: n(d.exchange) });
      break;
    case 'TXT':
      out.strings = d.map(hex);
      break;
    case 'SOA':
      Object.assign(out, { mname: n(d.mname), rname: n(d.rname), serial: d.serial, refresh: d.refresh, retry: d.retry, expire: d.expire, minimum: d.minimum });
      break;
    case 'SRV':
      Object.assign(out, { priority: d.priority, weight: d.weight, port: d.port, target: n(d.target) });
      break;
    case 'CAA':
      Object.assign(out, { flags: d.flags, tag: d.tag, value: d.value });
      break;
    case 'HINFO':
      Object.assign(out, { cpu: d.cpu, os: d.os });
      break;
    case 'DS':
      Object.assign(out, { keyTag: d.keyTag, algorithm: d.algorithm, digestType: d.digestType, digest: hex(d.digest) });
      break;
    case 'DNSKEY':
      Object.assign(out, { flags: d.flags, protocol: 3, algorithm: d.algorithm, publicKey: hex(d.key) });
      break;
    case 'RRSIG':
      Object.assign(out, {
        typeCovered: TYPES[d.typeCovered],
        algorithm: d.algorithm,
        labels: d.labels,
        originalTtl: d.originalTTL,
        expiration: d.expiration,
        inception: d.inception,
        keyTag: d.keyTag,
        signerName: n(d.signersName),
        signature: hex(d.signature),
      });
      break;
    case 'NSEC':
      Object.assign(out, { next: n(d.nextDomain), types: d.rrtypes.map((t: string) => TYPES[t]) });
      break;
    case 'NSEC3':
      Object.assign(out, { algorithm: d.algorithm, flags: d.flags, iterations: d.iterations, salt: hex(d.salt), nextHashed: hex(d.nextDomain), types: d.rrtypes.map((t: string) => TYPES[t]) });
      break;
    case 'NAPTR':
      Object.assign(out, { order: d.order, preference: d.preference, flags: d.flags, services: d.services, regexp: d.regexp, replacement: n(d.replacement) });
      break;
    case 'TLSA':
      Object.assign(out, { usage: d.usage, selector: d.selector, matchingType: d.matchingType, data: hex(d.certificate) });
      break;
  }
  return out;
}

describe('differential against dns-packet', () => {
  const head = fc.record({ id: u16, recdesired: fc.boolean(), qname: hostname, qtype: knownType, pairs: fc.array(pair, { minLength: 1, maxLength: 4 }) });

  it('what we encode, dns-packet decodes to the same values', () => {
    fc.assert(
      fc.property(head, ({ id, recdesired, qname, qtype, pairs }) => {
        const ours = encodeMessage({ id, response: true, recdesired, questions: [{ name: qname, type: qtype }], answers: pairs.map((p) => p.ours) });
        const pkt = dnsPacket.decode(Buffer.from(ours)) as any;
        expect(pkt.id).toBe(id);
        expect(pkt.flag_rd).toBe(recdesired);
        expect(pkt.type).toBe('response');
        expect(pkt.questions).toEqual([{ name: qname, type: TYPE_NAMES[qtype], class: 'IN' }]);
        const v = decodeMessage(ours, 0, ours.length, [], 'dns');
        expect(pkt.answers.map(fromTheirs)).toEqual(v.answers.map(fromOurs));
      }),
      { numRuns: RUNS },
    );
  });

  it('what dns-packet encodes, we decode to the same values', () => {
    fc.assert(
      fc.property(head, ({ id, recdesired, qname, qtype, pairs }) => {
        const obj = {
          type: 'response' as const,
          id,
          flags: recdesired ? dnsPacket.RECURSION_DESIRED : 0,
          questions: [{ name: qname, type: TYPE_NAMES[qtype] as any }],
          answers: pairs.map((p) => ({ ...p.theirs, ttl: 300 })) as any[],
        };
        const b = new Uint8Array(dnsPacket.encode(obj));
        const problems: Problem[] = [];
        const v = decodeMessage(b, 0, b.length, problems, 'dns');
        expect(problems).toEqual([]);
        expect([v.id, v.response, v.recdesired]).toEqual([id, true, recdesired]);
        expect(v.questions.map((q) => [nameText(q.name), q.type, q.class])).toEqual([[qname, qtype, 1]]);
        expect(v.answers.map((a) => a.ttl)).toEqual(pairs.map(() => 300));
        const back = dnsPacket.decode(Buffer.from(b)) as any;
        expect(v.answers.map(fromOurs)).toEqual(back.answers.map(fromTheirs));
      }),
      { numRuns: RUNS },
    );
  });

  it('EDNS: OPT record fields and raw options both ways', () => {
    fc.assert(
      // dns-packet writes a UDP payload size of 0 as 4096
      fc.property(fc.integer({ min: 1, max: 0xffff }), u8, u8, fc.boolean(), fc.array(fc.tuple(fc.constantFrom(3, 9, 13, 65001), buf(0, 12)), { maxLength: 3 }), (size, ext, ver, doBit, opts) => {
        const obj = {
          type: 'query' as const,
          id: 1,
          questions: [{ name: 'example.com', type: 'A' as const }],
          additionals: [{ type: 'OPT', name: '.', udpPayloadSize: size, extendedRcode: ext, ednsVersion: ver, flags: doBit ? dnsPacket.DNSSEC_OK : 0, options: opts.map(([code, data]) => ({ code, data })) }] as any[],
        };
        const b = new Uint8Array(dnsPacket.encode(obj));
        const v = decodeMessage(b, 0, b.length, [], 'dns');
        const o = v.additionals[0]!;
        expect([o.type, o.class, o.ttl >>> 24, (o.ttl >>> 16) & 0xff, (o.ttl & 0x8000) !== 0]).toEqual([41, size, ext, ver, doBit]);
        expect(o.data).toEqual({ kind: 'opt', options: opts.map(([code, data]) => ({ kind: 'unknown', code, data: new Uint8Array(data) })) });
        const again = encodeMessage({ id: 1, questions: [{ name: 'example.com' }], additionals: [{ name: '', type: 41, class: size, ttl: o.ttl, data: o.data }] });
        const pkt = dnsPacket.decode(Buffer.from(again)) as any;
        const opt = pkt.additionals[0];
        expect([opt.udpPayloadSize, opt.extendedRcode, opt.ednsVersion, opt.flag_do]).toEqual([size, ext, ver, doBit]);
        expect(opt.options.map((x: any) => [x.code, x.data.toString('hex')])).toEqual(opts.map(([c, d]) => [c, d.toString('hex')]));
      }),
      { numRuns: 200 },
    );
  });

  it('text names with escapes parse to the labels dns-packet writes', () => {
    expect(parseName('a\\.b.c').labels.map((l) => Buffer.from(l).toString())).toEqual(['a.b', 'c']);
    expect(parseName('x\\065y.').labels.map((l) => Buffer.from(l).toString())).toEqual(['xAy']);
    expect(parseName('.').labels).toEqual([]);
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { writePcap } from '../../src/capture/writer.js';
import { EncodeError } from '../../src/core/problem.js';
import { ack, decline, discover, dhcpLayer, inform, nak, offer, release, replyTo, request } from '../../src/craft/dhcp.js';
import { build, ether, ipv4, udp } from '../../src/craft/index.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import { DEFAULT_PREFS } from '../../src/dissect/prefs.js';
import { DEFAULT_FIELDS_OPTIONS, fieldCell } from '../../src/inspect/fields.js';
import { collect, frameTree } from '../../src/inspect/tree.js';
import { registerDefaults } from '../../src/protocols/index.js';
import { dhcp, encodeDhcp } from '../../src/protocols/dhcp/index.js';
import type { DhcpInput, DhcpValue } from '../../src/protocols/dhcp/index.js';
import type { Layer, TreeContext } from '../../src/protocols/types.js';

const DIR = new URL('../../fixtures/protocols/dhcp/', import.meta.url);
const PCAP = new URL('crafted-exchange.pcap', DIR);
const FIELDS = readFileSync(new URL('fields.txt', DIR), 'utf8').trim().split(/\s+/);

const MAC = '00:16:3e:12:34:56';
const SERVER_MAC = '00:16:3e:00:00:01';
const XID = 0x3903f326;
const SERVER = '192.168.1.1';
const SERVER_CFG = {
  serverId: SERVER,
  subnetMask: '255.255.255.0',
  router: SERVER,
  dnsServers: [SERVER, '9.9.9.9'],
  domainName: 'home.arpa',
  broadcastAddress: '192.168.1.255',
  domainSearch: ['home.arpa', 'lab.home.arpa', 'example.com'],
  classlessRoutes: [{ destination: '10.0.0.0/8', router: '192.168.1.254' }, { destination: '0.0.0.0/0', router: SERVER }],
  leaseTime: 3600,
};

/** Client to server (0.0.0.0:68 -> broadcast:67) or server to client, wrapped by build(). */
function clientFrame(input: DhcpInput, src = '0.0.0.0', dst = '255.255.255.255'): Uint8Array {
  return build([ether({ src: MAC, dst: dst === '255.255.255.255' ? 'ff:ff:ff:ff:ff:ff' : SERVER_MAC }), ipv4({ src, dst, ttl: 64 }), udp({ srcport: 68, dstport: 67 }), dhcpLayer(input)]);
}
function serverFrame(input: DhcpInput, dst = '192.168.1.10'): Uint8Array {
  return build([ether({ src: SERVER_MAC, dst: dst === '255.255.255.255' ? 'ff:ff:ff:ff:ff:ff' : MAC }), ipv4({ src: SERVER, dst, ttl: 64 }), udp({ srcport: 67, dstport: 68 }), dhcpLayer(input)]);
}

function exchange(): { what: string; input: DhcpInput; bytes: Uint8Array }[] {
  const out: { what: string; input: DhcpInput; bytes: Uint8Array }[] = [];
  const add = (what: string, input: DhcpInput, bytes: Uint8Array) => out.push({ what, input, bytes });
  const d = discover({ mac: MAC, xid: XID, hostname: 'laptop', broadcast: true });
  add('discover', d, clientFrame(d));
  const req = { xid: XID, chaddr: MAC, flags: 0x8000 };
  const o = offer({ ...req, yiaddr: '192.168.1.10', ...SERVER_CFG });
  add('offer', o, serverFrame(o, '255.255.255.255'));
  const r = request({ mac: MAC, xid: XID, hostname: 'laptop', requestedAddress: '192.168.1.10', serverId: SERVER, broadcast: true, secs: 3 });
  add('request', r, clientFrame(r));
  const a = ack({ ...req, yiaddr: '192.168.1.10', ...SERVER_CFG });
  add('ack', a, serverFrame(a, '255.255.255.255'));
  const dc = decline({ mac: MAC, xid: XID + 1, requestedAddress: '192.168.1.10', serverId: SERVER });
  add('decline', dc, clientFrame(dc));
  const n = nak({ xid: XID + 2, chaddr: MAC, serverId: SERVER, message: 'wrong network' });
  add('nak', n, serverFrame(n, '255.255.255.255'));
  const rl = release({ mac: MAC, xid: XID + 3, ciaddr: '192.168.1.10', serverId: SERVER });
  add('release', rl, clientFrame(rl, '192.168.1.10', SERVER));
  const inf = inform({ mac: MAC, xid: XID + 4, ciaddr: '192.168.1.10', parameterRequestList: [1, 3, 6, 15, 119, 252] });
  add('inform', inf, clientFrame(inf, '192.168.1.10', SERVER));
  const ia = ack({ xid: XID + 4, chaddr: MAC, ciaddr: '192.168.1.10', serverId: SERVER, domainName: 'home.arpa', dnsServers: [SERVER] });
  add('ack to inform', ia, serverFrame(ia));
  // relayed DISCOVER with option 82
  const rd = discover({
    mac: MAC,
    xid: XID + 5,
    hops: 1,
    giaddr: '10.20.0.1',
    options: [
      {
        kind: 'agent-info',
        code: 82,
        suboptions: [
          { kind: 'circuit-id', id: new TextEncoder().encode('ge-0/0/1.100') },
          { kind: 'remote-id', id: new Uint8Array([0x00, 0x16, 0x3e, 0xaa, 0xbb, 0xcc]) },
          { kind: 'link-selection', address: '10.20.0.0' },
        ],
      },
    ],
  });
  add('relayed discover', rd, build([ether({ src: '00:16:3e:00:00:02', dst: SERVER_MAC }), ipv4({ src: '10.20.0.1', dst: SERVER, ttl: 63 }), udp({ srcport: 67, dstport: 67 }), dhcpLayer(rd)]));
  // OFFER with options overloaded into sname and file
  const ov = offer({
    ...req,
    yiaddr: '192.168.1.11',
    serverId: SERVER,
    snameOptions: [{ kind: 'text', code: 66, text: 'tftp.home.arpa' }],
    fileOptions: [{ kind: 'text', code: 67, text: 'pxelinux.0' }, { kind: 'addresses', code: 150, addresses: [SERVER] }],
  });
  add('overloaded offer', ov, serverFrame(ov, '255.255.255.255'));
  // DISCOVER with FQDN, user class, vendor class, vendor-identifying options and a long (split) option
  const big = discover({
    mac: MAC,
    xid: XID + 6,
    vendorClass: 'wirelens 0.1',
    options: [
      { kind: 'client-fqdn', code: 81, flags: 0x05, rcode1: 0, rcode2: 0, name: 'laptop.home.arpa' },
      { kind: 'user-class', code: 77, classes: [new TextEncoder().encode('lab'), new TextEncoder().encode('test')] },
      { kind: 'vendor-identifying', code: 125, vendors: [{ enterprise: 32473, suboptions: [{ code: 1, data: new TextEncoder().encode('example') }] }] },
      { kind: 'raw', code: 224, data: new Uint8Array(300).map((_, i) => i & 0xff) },
    ],
  });
  add('discover with a long option', big, clientFrame(big));
  return out;
}

const EX = exchange();

function dissectAll(frames: Uint8Array[]): Frame[] {
  const d = new Dissector(registerDefaults());
  return frames.map((data, i) => d.dissect({ index: i, interfaceId: 0, linkType: 1, tsSec: 1700000000 + i, tsNsec: 0, origLen: data.length, data }));
}

function dhcpOf(f: Frame): Layer<DhcpValue> {
  const l = f.layers.find((x) => x.proto === dhcp);
  if (!l) throw new Error('no DHCP layer');
  return l as Layer<DhcpValue>;
}

if (process.env.UPDATE_FIXTURES) {
  writeFileSync(PCAP, writePcap({ linkType: 1 }, EX.map((e, i) => ({ tsSec: 1700000000 + i, tsNsec: 0, data: e.bytes }))));
}

describe('DHCP crafting helpers', () => {
  it('the exchange is the committed crafted-exchange.pcap, byte for byte', () => {
    expect(existsSync(PCAP)).toBe(true);
    const recs = [...readCapture(new Uint8Array(readFileSync(PCAP)))];
    expect(recs.length).toBe(EX.length);
    recs.forEach((r, i) => expect(Array.from(r.data), EX[i]!.what).toEqual(Array.from(EX[i]!.bytes)));
  });

  it('tshark 4.0 reads the crafted messages as we do (every DHCP field, the Info column)', () => {
    const lines = readFileSync(new URL('crafted-exchange.fields.tsv', DIR), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
    const header = lines.shift()!;
    expect(header).toEqual(FIELDS);
    const fs = dissectAll(EX.map((e) => e.bytes));
    const diffs: string[] = [];
    fs.forEach((f, i) => {
      const found = collect(frameTree(f, DEFAULT_PREFS), new Set(FIELDS));
      const l = dhcpOf(f);
      FIELDS.forEach((name, c) => {
        const want = lines[i]![c] ?? '';
        let got: string;
        if (name === 'frame.protocols') got = want.endsWith(':dhcp') ? want : 'no dhcp';
        else if (name === '_ws.col.Info') got = dhcp.summary!(l, { frame: f.data, layers: f.layers, index: f.layers.indexOf(l), prefs: DEFAULT_PREFS } as TreeContext);
        else got = fieldCell(found.get(name), DEFAULT_FIELDS_OPTIONS);
        if (got !== want) diffs.push(`${EX[i]!.what} ${name}: ours=${JSON.stringify(got)} tshark=${JSON.stringify(want)}`);
      });
      expect(f.problems, EX[i]!.what).toEqual([]);
    });
    expect(diffs).toEqual([]);
  });

  it('each message carries its type, op and the usual options', () => {
    const fs = dissectAll(EX.map((e) => e.bytes));
    const v = fs.map((f) => dhcpOf(f).value);
    const codes = (x: DhcpValue) => x.options.map((o) => (o.kind === 'end' ? 255 : o.kind === 'pad' ? 0 : o.code));
    expect(v.map((x) => [x.op, x.messageType])).toEqual([[1, 1], [2, 2], [1, 3], [2, 5], [1, 4], [2, 6], [1, 7], [1, 8], [2, 5], [1, 1], [2, 2], [1, 1]]);
    expect(codes(v[0]!)).toEqual([53, 61, 12, 57, 55, 255]);
    expect(codes(v[1]!)).toEqual([53, 54, 51, 58, 59, 1, 3, 6, 15, 28, 119, 121, 255]);
    expect(codes(v[2]!)).toEqual([53, 50, 54, 61, 12, 57, 55, 255]);
    expect(codes(v[4]!)).toEqual([53, 50, 54, 61, 255]);
    expect(codes(v[5]!)).toEqual([53, 54, 56, 255]);
    expect(codes(v[6]!)).toEqual([53, 54, 61, 255]);
    expect(codes(v[8]!)).toEqual([53, 54, 6, 15, 255]);
    expect(v[1]!.options[2]).toEqual({ kind: 'number', code: 51, value: 3600 });
    expect(v[1]!.options[3]).toEqual({ kind: 'number', code: 58, value: 1800 });
    expect(v[1]!.options[4]).toEqual({ kind: 'number', code: 59, value: 3150 });
    expect(v[0]!).toMatchObject({ broadcast: true, hlen: 6, xid: XID });
    expect(fs[0]!.data.length).toBe(14 + 20 + 8 + 300);
    expect(v[6]!.ciaddr).toBe('192.168.1.10');
    expect(v[9]!).toMatchObject({ giaddr: '10.20.0.1', hops: 1 });
    expect(v[10]!.snameOptions?.[0]).toEqual({ kind: 'text', code: 66, text: 'tftp.home.arpa' });
    expect(v[10]!.options.find((o) => o.kind === 'number' && o.code === 52)).toEqual({ kind: 'number', code: 52, value: 3 });
    const long = v[11]!.options.find((o) => o.kind === 'raw' && o.code === 224);
    expect(long).toMatchObject({ parts: [255, 45] });
    // the encoder split it in two instances in a row; decoded, the second is the continuation of the first
    const at = v[11]!.options.indexOf(long!);
    expect(v[11]!.options[at + 1]).toEqual({ kind: 'continuation', code: 224 });
  });

  it('every default is overridable: header fields, options by code, omitted options', () => {
    const d = discover({ mac: MAC, xid: 1, op: 2, htype: 6, minLength: 0, options: [{ kind: 'parameter-list', code: 55, codes: [1] }, { kind: 'text', code: 12, text: 'x' }], omit: [57, 61] });
    expect(d.op).toBe(2);
    expect(d.htype).toBe(6);
    expect(d.options).toEqual([{ kind: 'message-type', code: 53, type: 1 }, { kind: 'parameter-list', code: 55, codes: [1] }, { kind: 'text', code: 12, text: 'x' }]);
    expect(encodeDhcp(d).length).toBe(240 + 3 + 3 + 3 + 1);
    const a = ack({ xid: 2, chaddr: MAC, yiaddr: '10.0.0.5', serverId: '10.0.0.1', leaseTime: 0xffffffff });
    expect(a.options!.slice(1, 5)).toEqual([
      { kind: 'address', code: 54, address: '10.0.0.1' },
      { kind: 'number', code: 51, value: 0xffffffff },
      { kind: 'number', code: 58, value: 0xffffffff },
      { kind: 'number', code: 59, value: 0xffffffff },
    ]);
    const noLease = offer({ xid: 3, yiaddr: '10.0.0.6', serverId: '10.0.0.1', leaseTime: false });
    expect(noLease.options!.map((o) => (o.kind === 'end' || o.kind === 'pad' ? -1 : o.code))).toEqual([53, 54]);
    const wrongType = discover({ xid: 4, options: [{ kind: 'message-type', code: 53, type: 3 }] });
    expect(wrongType.options![0]).toEqual({ kind: 'message-type', code: 53, type: 3 });
    expect(typeof discover().xid).toBe('number');
  });

  it('replyTo copies what a server reply must echo', () => {
    const f = dissectAll([EX[0]!.bytes])[0]!;
    const v = dhcpOf(f).value;
    const o = offer({ ...replyTo(v), yiaddr: '192.168.1.10', serverId: SERVER, leaseTime: false });
    const back = dissectAll([serverFrame(o)])[0]!;
    const w = dhcpOf(back).value;
    expect(w).toMatchObject({ xid: XID, flags: 0x8000, hlen: 6, htype: 1, op: 2, yiaddr: '192.168.1.10' });
    expect(Array.from(w.chaddr)).toEqual(Array.from(v.chaddr));
  });

  it('a bad value in a helper throws EncodeError naming the field', () => {
    expect(() => discover({ mac: 'zz' })).toThrow(EncodeError);
    expect(() => encodeDhcp(offer({ xid: 1, yiaddr: '1.2.3.4', serverId: '1.2.3' }))).toThrow(EncodeError);
  });
});

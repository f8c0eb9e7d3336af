#!/usr/bin/env node
// Library row: build N Ethernet/IPv4/UDP/DNS queries with every length and checksum computed.
//   node bench/lib-craft.mjs N     prints: packets=N bytes=B
import { build, dns, ether, ipv4, udp } from '../dist/craft/index.js';

const n = Number(process.argv[2] ?? 1000000);
const names = ['example.com', 'www.wikipedia.org', 'mail.example.net', 'a.root-servers.net'];
let bytes = 0;
for (let i = 0; i < n; i++) {
  const pkt = build([
    ether({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }),
    ipv4({ src: '10.0.0.1', dst: '10.0.0.53', id: i & 0xffff }),
    udp({ srcport: 1024 + (i % 60000), dstport: 53 }),
    dns({ id: i & 0xffff, recdesired: true, questions: [{ name: names[i & 3], type: 'A' }] }),
  ]);
  bytes += pkt.length;
}
console.log(`packets=${n} bytes=${bytes}`);

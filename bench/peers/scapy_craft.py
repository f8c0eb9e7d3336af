#!/usr/bin/env python3
"""Peer for the crafting row: scapy builds N Ethernet/IPv4/UDP/DNS queries (lengths and checksums computed)."""
import sys
from scapy.all import Ether, IP, UDP, DNS, DNSQR, raw

n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
names = ['example.com', 'www.wikipedia.org', 'mail.example.net', 'a.root-servers.net']
total = 0
for i in range(n):
    p = (Ether(src='02:00:00:00:00:01', dst='02:00:00:00:00:02')
         / IP(src='10.0.0.1', dst='10.0.0.53', id=i & 0xffff)
         / UDP(sport=1024 + (i % 60000), dport=53)
         / DNS(id=i & 0xffff, rd=1, qd=DNSQR(qname=names[i & 3], qtype=1)))
    total += len(raw(p))
print(f'packets={n} bytes={total}')

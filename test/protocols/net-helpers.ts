/** Fixture helpers shared by the network-layer tests (IPv4, IPv6, ICMP, ICMPv6). */
import { readFileSync } from 'node:fs';
import { readCapture } from '../../src/capture/reader.js';
import { Dissector } from '../../src/dissect/dissect.js';
import type { Frame } from '../../src/dissect/frame.js';
import type { Prefs } from '../../src/dissect/prefs.js';
import { registerDefaults } from '../../src/protocols/index.js';

/** Every frame of the fixture capture `name` in `dir`, dissected with `prefs` (each record's bytes copied). */
export function fixtureFrames(dir: URL, name: string, prefs: Prefs): Frame[] {
  const d = new Dissector(registerDefaults(), { prefs });
  return [...readCapture(new Uint8Array(readFileSync(new URL(name, dir))))].map((r) => d.dissect({ ...r, data: r.data.slice() }));
}

/** The tshark `-T fields` output recorded beside the capture (`NAME.fields.tsv`): header and rows. */
export function tsharkRows(dir: URL, name: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(new URL(name + '.fields.tsv', dir), 'utf8').split('\n').filter((l) => l.length > 0);
  return { header: lines[0]!.split('\t'), rows: lines.slice(1).map((l) => l.split('\t')) };
}

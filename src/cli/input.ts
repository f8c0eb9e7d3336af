/** Opening the capture the command reads (file or stdin). */
import { readFile } from 'node:fs/promises';
import { readCapture } from '../capture/reader.js';
import type { CaptureRecord } from '../capture/types.js';
import type { Problem } from '../core/problem.js';

export interface Input {
  records: AsyncIterable<CaptureRecord> | Iterable<CaptureRecord>;
  problems(): readonly Problem[];
  /** Decimals of the time column for a record (6 for µs, 9 for ns resolution). */
  tsDecimals(record?: CaptureRecord): number;
  /** The interface a record came from, as the Frame section shows it (pcapng name and description). */
  interfaceInfo(record: CaptureRecord): { pcapng: boolean; name?: string; description?: string };
}

async function readStdin(): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const c of process.stdin) chunks.push(c as Uint8Array);
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

export async function openInput(path: string): Promise<Input | { error: string }> {
  let bytes: Uint8Array;
  try {
    bytes = path === '-' ? await readStdin() : new Uint8Array(await readFile(path));
  } catch (e) {
    return { error: `cannot read "${path}": ${(e as Error).message}` };
  }
  const reader = readCapture(bytes);
  return {
    records: reader,
    problems: () => reader.problems,
    interfaceInfo: (record) => {
      if (reader.format !== 'pcapng') return { pcapng: false };
      const iface = reader.interfaces.find((i) => i.id === record.interfaceId && i.sectionIndex === (record.sectionIndex ?? 0));
      return {
        pcapng: true,
        ...(iface?.name !== undefined ? { name: iface.name } : {}),
        ...(iface?.description !== undefined ? { description: iface.description } : {}),
      };
    },
    tsDecimals: (record) => {
      if (reader.format === 'pcap') return reader.pcapHeader?.nanosecond ? 9 : 6;
      const iface = record
        ? reader.interfaces.find((i) => i.id === record.interfaceId && i.sectionIndex === (record.sectionIndex ?? 0))
        : reader.interfaces[0];
      const units = iface?.unitsPerSecond;
      if (units === undefined) return 6;
      const d = Math.ceil(Math.log10(Number(units)));
      return Math.min(9, Math.max(0, d));
    },
  };
}

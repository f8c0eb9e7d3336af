/** Opening the capture the command reads (a file or stdin), streamed in chunks. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { openCapture } from '../capture/node.js';
import type { CaptureInfo } from '../capture/reader.js';
import type { CaptureRecord } from '../capture/types.js';
import type { Problem } from '../core/problem.js';

export interface Input {
  records: AsyncIterable<CaptureRecord>;
  /** The records in batches: a batch's records stay valid until the next batch is requested. */
  batches(): AsyncIterable<CaptureRecord[]>;
  info: CaptureInfo;
  problems(): readonly Problem[];
  /** Decimals of the time column for a record (6 for µs, 9 for ns resolution), as tshark's "auto" precision. */
  tsDecimals(record?: CaptureRecord): number;
  /** The interface a record came from, as the Frame section shows it (pcapng name and description). */
  interfaceInfo(record: CaptureRecord): { pcapng: boolean; name?: string; description?: string; littleEndian?: boolean };
}

export async function openInput(path: string): Promise<Input | { error: string }> {
  if (path !== '-') {
    try {
      await access(path, constants.R_OK);
      if ((await stat(path)).isDirectory()) return { error: `"${path}" is a directory, not a capture file` };
    } catch (e) {
      return { error: `cannot read "${path}": ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` };
    }
  }
  const stream = openCapture(path);
  return {
    records: stream,
    batches: () => stream.batches(),
    info: stream,
    problems: () => stream.problems,
    interfaceInfo: (record) => {
      if (stream.format !== 'pcapng') return { pcapng: false };
      // tshark 4.0 names the interface by its id among all the file's interfaces, whatever the section.
      const iface = stream.interfaces.find((i) => i.globalId === record.interfaceId);
      const section = stream.sections.find((x) => x.index === (record.sectionIndex ?? 0));
      return {
        pcapng: true,
        ...(section ? { littleEndian: section.littleEndian } : {}),
        ...(iface?.name !== undefined ? { name: iface.name } : {}),
        ...(iface?.description !== undefined ? { description: iface.description } : {}),
      };
    },
    tsDecimals: (record) => {
      if (stream.format === 'pcap') return stream.pcapHeader?.nanosecond ? 9 : 6;
      const iface = record
        ? stream.interfaces.find((i) => i.id === record.interfaceId && i.sectionIndex === (record.sectionIndex ?? 0))
        : stream.interfaces[0];
      const units = iface?.unitsPerSecond;
      if (units === undefined) return 6;
      // tshark shows the whole decimal digits the resolution gives (2^-8 s: 2 digits), at most 9
      let digits = 0;
      for (let p = 10n; digits < 9 && p <= BigInt(units); p *= 10n) digits++;
      return digits;
    },
  };
}

/**
 * `-w OUT`: packets written to a temporary file beside OUT and renamed over it at the end, so OUT is never
 * half-written; refuses to write over the capture being read.
 */
import { realpath, open, rename, unlink, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { formatFromExtension } from '../capture/linktypes.js';
import type { CaptureInfo } from '../capture/reader.js';
import type { CaptureRecord } from '../capture/types.js';
import { PcapWriter, PcapngWriter } from '../capture/writer.js';
import { concatBytes } from '../core/bytes.js';
import type { InterfaceInput } from '../capture/writer.js';

export type OutFormat = 'pcap' | 'pcap-ns' | 'pcapng';

async function samePath(a: string, b: string): Promise<boolean> {
  try {
    const [ra, rb] = await Promise.all([realpath(a), realpath(b)]);
    if (ra === rb) return true;
    const [sa, sb] = await Promise.all([stat(a), stat(b)]);
    return sa.ino === sb.ino && sa.dev === sb.dev;
  } catch {
    return resolve(a) === resolve(b);
  }
}

export class CaptureSink {
  private pcap?: PcapWriter;
  private readonly ng?: PcapngWriter;
  /** pcapng: (section, interface id) of the input -> interface id in the output. */
  private readonly ifaceMap = new Map<string, number>();
  private buf: Uint8Array[] = [];
  private size = 0;
  count = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly tmp: string,
    private readonly path: string,
    private readonly format: OutFormat,
    private readonly info: CaptureInfo,
  ) {
    if (format === 'pcapng') this.ng = new PcapngWriter({ interfaces: [] });
  }

  /** Open OUT for writing (through a temporary file); an error message when it may not be written. */
  static async open(path: string, format: OutFormat | undefined, inputPath: string, info: CaptureInfo): Promise<CaptureSink | { error: string }> {
    if (path === '-') return { error: 'writing to standard output is not supported; give a file name' };
    if (inputPath !== '-' && (await samePath(path, inputPath))) return { error: `refusing to overwrite the input file "${inputPath}"` };
    const fmt: OutFormat = format ?? (formatFromExtension(path) === 'pcap' ? 'pcap' : 'pcapng');
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.wirelens.tmp`);
    try {
      const fh = await open(tmp, 'w');
      return new CaptureSink(fh, tmp, path, fmt, info);
    } catch (e) {
      return { error: `cannot write "${path}": ${(e as Error).message}` };
    }
  }

  /** Add a record (with `data` replaced, for --rebuild). Throws only for records the format cannot hold. */
  async add(r: CaptureRecord, data: Uint8Array = r.data): Promise<void> {
    let chunk: Uint8Array;
    const ts = { tsSec: r.tsSec, tsNsec: r.tsNsec, data, origLen: r.origLen + (data.length - r.data.length) };
    if (this.ng) {
      const key = `${r.sectionIndex ?? 0}/${r.interfaceId}`;
      let id = this.ifaceMap.get(key);
      const parts: Uint8Array[] = [];
      if (id === undefined) {
        id = this.ifaceMap.size;
        this.ifaceMap.set(key, id);
        parts.push(this.ng.addInterface(this.interfaceOf(r)));
      }
      parts.push(this.ng.add({ ...ts, interfaceId: id, ...(r.flags !== undefined ? { flags: r.flags } : {}), ...(r.comments ? { comments: r.comments } : {}) }));
      chunk = parts.length === 1 ? parts[0]! : concatBytes(parts);
    } else {
      if (!this.pcap) {
        this.pcap = new PcapWriter({ linkType: r.linkType, nanosecond: this.format === 'pcap-ns', ...(this.info.pcapHeader ? { snapLen: this.info.pcapHeader.snapLen } : {}) });
      }
      chunk = this.pcap.add(ts);
    }
    this.count++;
    this.buf.push(chunk);
    this.size += chunk.length;
    if (this.size >= 1 << 20) await this.drain();
  }

  private interfaceOf(r: CaptureRecord): InterfaceInput {
    const i = this.info.interfaces.find((x) => x.id === r.interfaceId && x.sectionIndex === (r.sectionIndex ?? 0));
    if (!i) return { linkType: r.linkType, tsresol: 9 };
    return {
      linkType: i.linkType,
      snapLen: i.snapLen,
      ...(i.name !== undefined ? { name: i.name } : {}),
      ...(i.description !== undefined ? { description: i.description } : {}),
      tsresol: 9,
      ...(i.fcsLen !== undefined ? { fcsLen: i.fcsLen } : {}),
    };
  }

  private async drain(): Promise<void> {
    if (!this.buf.length) return;
    const all = concatBytes(this.buf);
    this.buf = [];
    this.size = 0;
    await this.fh.write(all);
  }

  /** Finish: flush, close, and rename the temporary file over OUT. */
  async close(): Promise<void> {
    if (this.ng && this.count === 0) this.buf.push(this.ng.finish());
    if (!this.ng && !this.pcap) {
      const link = this.info.pcapHeader?.linkType ?? this.info.interfaces[0]?.linkType ?? 1;
      this.buf.push(new PcapWriter({ linkType: link, nanosecond: this.format === 'pcap-ns' }).header());
    }
    await this.drain();
    await this.fh.close();
    await rename(this.tmp, this.path);
  }

  /** Give up: remove the temporary file, leave OUT as it was. */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await unlink(this.tmp).catch(() => undefined);
  }
}


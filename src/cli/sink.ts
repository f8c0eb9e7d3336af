/**
 * `-w OUT`: packets written to a temporary file beside OUT and renamed over it at the end, so OUT is never
 * half-written; refuses to write over the capture being read.
 */
import { unlinkSync } from 'node:fs';
import { realpath, open, rename, unlink, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { formatFromExtension } from '../capture/linktypes.js';
import type { CaptureInfo } from '../capture/reader.js';
import type { CaptureRecord } from '../capture/types.js';
import { CaptureCopier, PcapWriter, PcapngWriter } from '../capture/writer.js';
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
  /** pcapng: (section, interface id) of the input -> interface id in the output. */
  private readonly ifaceMap = new Map<string, number>();
  private buf: Uint8Array[] = [];
  private size = 0;
  /** Copy mode: the input's own blocks (headers, interfaces, names, statistics...) are reproduced as read. */
  private copier?: CaptureCopier;
  private ng?: PcapngWriter;
  private started = false;
  private blocksDone = 0;
  count = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly tmp: string,
    private readonly path: string,
    private readonly format: OutFormat,
    private readonly info: CaptureInfo,
    private readonly copy: () => boolean,
  ) {}

  private unguard: (() => void) | undefined;

  /**
   * Interrupted (Ctrl-C, SIGTERM, SIGHUP) or exiting before close/abort: remove the temporary file, so that nothing
   * but a complete file ever appears (OUT itself is only ever replaced by the final rename). SIGKILL cannot be caught:
   * the temporary file then stays, under its own name, beside OUT.
   */
  private guard(): void {
    const tmp = this.tmp;
    const remove = (): void => {
      try {
        unlinkSync(tmp);
      } catch {
        // already gone
      }
    };
    const signals = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
    const handlers = Object.entries(signals).map(([sig, n]) => {
      const h = (): void => {
        remove();
        process.exit(128 + n);
      };
      process.once(sig, h);
      return [sig, h] as const;
    });
    process.once('exit', remove);
    this.unguard = () => {
      for (const [sig, h] of handlers) process.off(sig, h);
      process.off('exit', remove);
      this.unguard = undefined;
    };
  }

  /** Decided once the input's header has been read: copy mode or a fresh file. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.copy()) this.copier = new CaptureCopier();
    else if (this.format === 'pcapng') this.ng = new PcapngWriter({ interfaces: [] });
  }

  /** Open OUT for writing (through a temporary file); an error message when it may not be written. */
  /**
   * `copy`: every packet will be written, in the input's own format: the output then reproduces the input's
   * structure block for block (byte for byte when the packets are unchanged).
   */
  static async open(path: string, format: OutFormat | undefined, inputPath: string, info: CaptureInfo, copy: () => boolean = () => false): Promise<CaptureSink | { error: string }> {
    if (path === '-') return { error: 'writing to standard output is not supported; give a file name' };
    if (inputPath !== '-' && (await samePath(path, inputPath))) return { error: `refusing to overwrite the input file "${inputPath}"` };
    const fmt: OutFormat = format ?? (formatFromExtension(path) === 'pcap' ? 'pcap' : 'pcapng');
    // Created exclusively ('wx'): an existing file or link of that name is never written through.
    const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.wirelens.tmp`);
    try {
      const fh = await open(tmp, 'wx');
      const sink = new CaptureSink(fh, tmp, path, fmt, info, copy);
      sink.guard();
      return sink;
    } catch (e) {
      return { error: `cannot write "${path}": ${(e as Error).message}` };
    }
  }

  /** Add a record (with `data` replaced, for --rebuild). Throws only for records the format cannot hold. */
  async add(r: CaptureRecord, data: Uint8Array = r.data): Promise<void> {
    this.start();
    if (this.copier) {
      this.copyBlocks(r.offset);
      const delta = data.length - r.data.length;
      // Records may keep some fields as prototype getters: override data and length, keep the rest.
      const rec = data === r.data ? r : (Object.assign(Object.create(r) as CaptureRecord, { data, origLen: r.origLen + delta }) as CaptureRecord);
      this.push(this.copier.packet(rec));
      this.count++;
      if (this.size >= 1 << 20) await this.drain();
      return;
    }
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
    this.push(chunk);
    if (this.size >= 1 << 20) await this.drain();
  }

  private push(chunk: Uint8Array): void {
    this.buf.push(chunk);
    this.size += chunk.length;
  }

  /**
   * Copy mode: reproduce the input's non-packet blocks, in file order, up to the file offset `before` (the reader
   * may have parsed blocks beyond the current record already).
   */
  private copyBlocks(before = Infinity): void {
    const c = this.copier!;
    const blocks = this.info.blocks;
    for (; this.blocksDone < blocks.length; this.blocksDone++) {
      const e = blocks[this.blocksDone]!;
      if ('offset' in e && typeof e.offset === 'number' && e.offset >= before) break;
      switch (e.kind) {
        case 'pcap-header':
          this.push(c.pcapHeader(e));
          break;
        case 'section':
          this.push(c.section(e));
          break;
        case 'interface':
          this.push(c.iface(e));
          break;
        case 'names':
          this.push(c.names(e));
          break;
        case 'stats':
          this.push(c.stats(e));
          break;
        case 'block':
          this.push(c.block(e));
          break;
        default:
          break;
      }
    }
  }

  private interfaceOf(r: CaptureRecord): InterfaceInput {
    const i = this.info.interfaces.find((x) => x.id === r.interfaceId && x.sectionIndex === (r.sectionIndex ?? 0));
    // Keep the input's time resolution (µs stays µs, as tshark shows it).
    if (!i) return { linkType: r.linkType, tsresol: this.info.pcapHeader?.nanosecond ? 9 : 6 };
    return {
      linkType: i.linkType,
      snapLen: i.snapLen,
      ...(i.name !== undefined ? { name: i.name } : {}),
      ...(i.description !== undefined ? { description: i.description } : {}),
      ...(i.tsresol !== undefined ? { tsresol: i.tsresol } : {}),
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
    this.start();
    if (this.copier) this.copyBlocks();
    else if (this.ng && this.count === 0) this.buf.push(this.ng.finish());
    else if (!this.ng && !this.pcap) {
      const link = this.info.pcapHeader?.linkType ?? this.info.interfaces[0]?.linkType ?? 1;
      this.buf.push(new PcapWriter({ linkType: link, nanosecond: this.format === 'pcap-ns' }).header());
    }
    await this.drain();
    await this.fh.close();
    await rename(this.tmp, this.path);
    this.unguard?.();
  }

  /** Give up: remove the temporary file, leave OUT as it was. */
  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
    await unlink(this.tmp).catch(() => undefined);
    this.unguard?.();
  }
}


import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dissectCapture, dissectStream } from '../../src/dissect/api.js';
import { readCapture } from '../../src/capture/reader.js';
import { openCapture } from '../../src/capture/node.js';
import { protocolsPath } from '../../src/dissect/frame.js';

const file = new URL('../../fixtures/start.pcapng', import.meta.url);
const bytes = new Uint8Array(readFileSync(file));

describe('one-shot and streaming dissection', () => {
  it('dissectCapture gives every frame of the bundled capture, in order, with no file problem', () => {
    const { frames, problems } = dissectCapture(bytes);
    expect(problems).toEqual([]);
    expect(frames.map((f) => f.number)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(protocolsPath(frames[0]!)).toBe('eth:ethertype:ip:udp:dhcp');
    expect(protocolsPath(frames[4]!)).toBe('eth:ethertype:ip:udp:dns');
  });

  it('dissectStream over the Node file reader gives the same frames as the one-shot API', async () => {
    const oneShot = dissectCapture(bytes).frames.map((f) => [f.number, protocolsPath(f), f.problems.length]);
    const streamed: unknown[] = [];
    for await (const f of dissectStream(openCapture(file.pathname))) streamed.push([f.number, protocolsPath(f), f.problems.length]);
    expect(streamed).toEqual(oneShot);
    const sync: unknown[] = [];
    for await (const f of dissectStream(readCapture(bytes))) sync.push([f.number, protocolsPath(f), f.problems.length]);
    expect(sync).toEqual(oneShot);
  });
});

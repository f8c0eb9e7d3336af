/** Problems found in capture data. Capture bytes never throw: they produce these. */

export type Severity = 'error' | 'warning' | 'note' | 'chat';

export type ProblemCode =
  | 'truncated'
  | 'bad-length'
  | 'bad-checksum'
  | 'bad-value'
  | 'bad-pointer'
  | 'pointer-loop'
  | 'unsupported'
  | 'trailing-bytes'
  | 'reassembly-limit';

export interface Problem {
  severity: Severity;
  code: ProblemCode;
  /** Protocol filter name of the layer that found it (`ip`, `tcp`, `dns`, `pcapng`...). */
  layer: string;
  /** Field filter name, when one field is at fault (`ip.len`). */
  field?: string;
  /** Absolute byte range [start, end) in the frame (or in the file, for capture problems). */
  start: number;
  end: number;
  message: string;
  expected?: number | string;
  actual?: number | string;
  /** Which length set the limit that was hit (`ip.len`, `frame.cap_len`, ...). */
  limitedBy?: string;
  /** Set when start/end refer to a reassembled buffer (`Frame.sources[source]`), not the captured frame. */
  source?: number;
}

export function problem(
  layer: string,
  code: ProblemCode,
  start: number,
  end: number,
  message: string,
  extra?: Partial<Problem>,
): Problem {
  const severity: Severity = code === 'bad-checksum' || code === 'trailing-bytes' ? 'warning' : 'error';
  return { severity, code, layer, start, end: Math.max(start, end), message, ...extra };
}

/** Thrown only for API misuse (a value that cannot fit its field when encoding), never for capture bytes. */
export class EncodeError extends Error {
  override name = 'EncodeError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

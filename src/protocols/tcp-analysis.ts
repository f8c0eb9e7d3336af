/**
 * TCP sequence analysis as tshark 4.0 does it in one pass (packet-tcp.c, tcp_analyze_sequence_number, with the
 * default preferences: analysis on, bytes in flight tracked from the segments, fast retransmission tested before
 * out-of-order). Each direction of a connection remembers the next expected sequence number, the last ACK it sent,
 * its window, duplicate-ACK counting and the segments not yet acknowledged; each segment gets the flags tshark puts
 * in the Info column (`[TCP Retransmission]`, `[TCP Dup ACK 9#1]`...) and the values of its `tcp.analysis` tree.
 *
 * Sequence numbers are the raw 32-bit ones; comparisons wrap as tshark's GT_SEQ/LT_SEQ do. As in tshark, 0 in
 * `nextseq`, `lastack` and `maxseqtobeacked` means "not seen yet".
 */

/** tshark's TCP_A_* analysis flags. */
export const TCP_A = {
  RETRANSMISSION: 0x0001,
  LOST_PACKET: 0x0002,
  ACK_LOST_PACKET: 0x0004,
  KEEP_ALIVE: 0x0008,
  DUPLICATE_ACK: 0x0010,
  ZERO_WINDOW: 0x0020,
  ZERO_WINDOW_PROBE: 0x0040,
  ZERO_WINDOW_PROBE_ACK: 0x0080,
  KEEP_ALIVE_ACK: 0x0100,
  OUT_OF_ORDER: 0x0200,
  FAST_RETRANSMISSION: 0x0400,
  WINDOW_UPDATE: 0x0800,
  WINDOW_FULL: 0x1000,
  REUSED_PORTS: 0x2000,
  SPURIOUS_RETRANSMISSION: 0x4000,
} as const;

const SYN = 0x002;
const FIN = 0x001;
const RST = 0x004;
const ACK = 0x010;
const PSH = 0x008;

/** Unacknowledged segments remembered per direction at most (tshark's TCP_MAX_UNACKED_SEGMENTS). */
export const MAX_UNACKED_SEGMENTS = 1000;

/** A time as (seconds, nanoseconds). */
export interface Time {
  sec: number;
  nsec: number;
}

interface Unacked {
  frame: number;
  seq: number;
  nextseq: number;
  sec: number;
  nsec: number;
}

/** One direction's analysis state (tshark's tcp_flow_t and its tcp_analyze_seq_info). */
export interface FlowAnalysis {
  nextseq: number;
  nextseqframe: number;
  nextseqtime: Time;
  lastack: number;
  lastacktime: Time;
  maxseqtobeacked: number;
  dupacknum: number;
  lastnondupack: number;
  /** The raw window of the last segment (tshark starts it at G_MAXUINT32). */
  window: number;
  lastsegmentflags: number;
  isFirstAck: boolean;
  validBif: boolean;
  pushBytesSent: number;
  pushSetLast: boolean;
  segments: Unacked[];
}

export function newFlowAnalysis(): FlowAnalysis {
  return {
    nextseq: 0, nextseqframe: 0, nextseqtime: { sec: 0, nsec: 0 }, lastack: 0, lastacktime: { sec: 0, nsec: 0 }, maxseqtobeacked: 0,
    dupacknum: 0, lastnondupack: 0, window: 0xffffffff, lastsegmentflags: 0, isFirstAck: false, validBif: false, pushBytesSent: 0,
    pushSetLast: false, segments: [],
  };
}

/** What the analysis found for one segment (tshark's struct tcp_acked): read by the tree and the Info column. */
export interface TcpAnalysis {
  /** tshark made its analysis record for the segment (it then shows the SEQ/ACK analysis tree). */
  created: boolean;
  flags: number;
  dupackNum?: number;
  dupackFrame?: number;
  /** The frame of the segment this one acknowledges, and the time since it. */
  frameAcked?: number;
  ackRtt?: Time;
  bytesInFlight?: number;
  pushBytesSent?: number;
  rto?: Time;
  rtoFrame?: number;
  /** The connection's first round-trip time (SYN to the ACK of the SYN-ACK), once known. */
  initialRtt?: Time;
}

const i32 = (x: number): number => x | 0;
const gt = (a: number, b: number): boolean => i32(a - b) > 0;
const lt = (a: number, b: number): boolean => i32(a - b) < 0;
const le = (a: number, b: number): boolean => i32(a - b) <= 0;
const u32 = (x: number): number => x >>> 0;

function delta(a: Time, b: Time): Time {
  let sec = a.sec - b.sec;
  let nsec = a.nsec - b.nsec;
  if (nsec < 0 && sec > 0) {
    sec -= 1;
    nsec += 1e9;
  } else if (nsec > 0 && sec < 0) {
    sec += 1;
    nsec -= 1e9;
  }
  return { sec, nsec };
}

const ns = (t: Time): number => t.sec * 1e9 + t.nsec;
const isZero = (t: Time | undefined): boolean => !t || (t.sec === 0 && t.nsec === 0);

/** Per-connection values the analysis needs besides the two directions. */
export interface ConnAnalysis {
  /** Time of the most recent pure SYN, and the first RTT (tshark's ts_mru_syn, ts_first_rtt). */
  mruSyn?: Time;
  firstRtt?: Time;
}

/** A segment as the analysis sees it: raw numbers, the raw (unscaled) window. */
export interface Segment {
  frame: number;
  time: Time;
  seq: number;
  ack: number;
  seglen: number;
  flags: number;
  window: number;
}

/**
 * Analyse one segment of direction `fwd` (the other direction is `rev`); `revScale` is the other direction's window
 * scale (-1 unknown, -2 none, else the shift). `ta` may come with flags already set (reused ports).
 */
export function analyseSegment(fwd: FlowAnalysis, rev: FlowAnalysis, revScale: number, conn: ConnAnalysis, s: Segment, ta: TcpAnalysis): void {
  const { seq, ack, seglen, flags, window } = s;
  if (flags & ACK) rev.validBif = true;

  let done = false;
  // ZERO WINDOW PROBE: the next expected byte, alone, while the other side's window is 0
  if (seglen === 1 && seq === fwd.nextseq && rev.window === 0) {
    ta.flags |= TCP_A.ZERO_WINDOW_PROBE;
    done = true;
  }
  if (!done) {
    // ZERO WINDOW
    if (window === 0 && (flags & (RST | FIN | SYN)) === 0) ta.flags |= TCP_A.ZERO_WINDOW;
    // LOST PACKET: beyond what we expected next
    if (fwd.nextseq && gt(seq, fwd.nextseq) && (flags & RST) === 0) {
      ta.flags |= TCP_A.LOST_PACKET;
      fwd.validBif = false;
    }
    // KEEP ALIVE: 0 or 1 byte starting one byte before the next expected one
    if ((seglen === 0 || seglen === 1) && seq === u32(fwd.nextseq - 1) && (flags & (SYN | FIN | RST)) === 0) ta.flags |= TCP_A.KEEP_ALIVE;
    const same = seglen === 0 && seq === fwd.nextseq && ack === fwd.lastack && (flags & (SYN | FIN | RST)) === 0;
    // WINDOW UPDATE
    if (same && window && window !== fwd.window) ta.flags |= TCP_A.WINDOW_UPDATE;
    // WINDOW FULL: data up to the edge of the window the other side advertised
    if (seglen > 0 && revScale !== -1 && (flags & (SYN | FIN | RST)) === 0) {
      const shift = rev.isFirstAck ? 0 : revScale === -2 ? 0 : revScale;
      if (u32(seq + seglen) === u32(rev.lastack + u32(rev.window * 2 ** shift))) ta.flags |= TCP_A.WINDOW_FULL;
    }
    if (same && window && window === fwd.window && rev.lastsegmentflags & TCP_A.KEEP_ALIVE) {
      ta.flags |= TCP_A.KEEP_ALIVE_ACK;
      done = true;
    } else if (same && window === 0 && window === fwd.window && rev.lastsegmentflags & TCP_A.ZERO_WINDOW_PROBE) {
      ta.flags |= TCP_A.ZERO_WINDOW_PROBE_ACK;
      done = true;
    } else if (same && window && window === fwd.window) {
      // DUPLICATE ACK
      fwd.dupacknum = fwd.dupacknum === -1 ? 1 : fwd.dupacknum + 1;
      ta.flags |= TCP_A.DUPLICATE_ACK;
      ta.dupackNum = fwd.dupacknum;
      ta.dupackFrame = fwd.lastnondupack;
    }
  }
  // finished_fwd: a new ACK number resets the duplicate counting
  if (ack !== fwd.lastack) {
    fwd.lastnondupack = s.frame;
    fwd.dupacknum = 0;
  }
  // ACKED LOST PACKET: acknowledges beyond what the other side sent as far as we saw; then the highest sequence
  // number sent so far is taken as acknowledgeable, so the same hole is reported once (tshark 4.0)
  if (rev.maxseqtobeacked && gt(ack, rev.maxseqtobeacked) && (flags & ACK) !== 0) {
    ta.flags |= TCP_A.ACK_LOST_PACKET;
    rev.maxseqtobeacked = rev.nextseq;
  }
  // RETRANSMISSION / FAST RETRANSMISSION / OUT-OF-ORDER / SPURIOUS: data (or SYN/FIN) that does not advance
  if (seglen > 0 || flags & (SYN | FIN)) {
    let notAdvanced = fwd.nextseq !== 0 && lt(seq, fwd.nextseq);
    if (!(ta.flags & TCP_A.KEEP_ALIVE)) {
      if (seglen > 1 && u32(fwd.nextseq - 1) === seq) notAdvanced = false;
      if (seglen > 0 && rev.lastack && le(u32(seq + seglen), rev.lastack)) {
        ta.flags |= TCP_A.SPURIOUS_RETRANSMISSION;
      } else {
        const sinceAck = ns(delta(s.time, rev.lastacktime));
        const sinceNext = ns(delta(s.time, fwd.nextseqtime));
        const ooo = isZero(conn.firstRtt) ? 3_000_000 : ns(conn.firstRtt!);
        // (tshark's differences are unsigned: a time going backwards is never "close")
        if (notAdvanced && rev.dupacknum >= 2 && rev.lastack === seq && sinceAck >= 0 && sinceAck < 20_000_000) {
          ta.flags |= TCP_A.FAST_RETRANSMISSION;
        } else if (notAdvanced && sinceNext >= 0 && sinceNext < ooo && fwd.nextseq !== u32(seq + seglen + (flags & (SYN | FIN) ? 1 : 0))) {
          ta.flags |= TCP_A.OUT_OF_ORDER;
        } else if (notAdvanced) {
          ta.flags |= TCP_A.RETRANSMISSION;
          ta.rto = delta(s.time, fwd.nextseqtime);
          ta.rtoFrame = fwd.nextseqframe;
          // the eldest unacknowledged segment is likely the one retransmitted
          const eldest = fwd.segments[0];
          if (eldest) {
            ta.rto = delta(s.time, { sec: eldest.sec, nsec: eldest.nsec });
            ta.rtoFrame = eldest.frame;
          }
        }
      }
    }
  }
  // remember the segment until it is acknowledged
  let nextseq = u32(seq + seglen);
  if ((seglen || flags & (SYN | FIN)) && fwd.segments.length < MAX_UNACKED_SEGMENTS) {
    if (flags & (SYN | FIN)) nextseq = u32(nextseq + 1);
    // tshark keeps them newest first; here oldest first (index 0 is the eldest)
    fwd.segments.push({ frame: s.frame, seq, nextseq, sec: s.time.sec, nsec: s.time.nsec });
  }
  const probe = (ta.flags & TCP_A.ZERO_WINDOW_PROBE) !== 0;
  if ((gt(nextseq, fwd.nextseq) || !fwd.nextseq) && !probe) {
    fwd.nextseq = nextseq;
    fwd.nextseqframe = s.frame;
    fwd.nextseqtime = s.time;
  }
  if ((seq === fwd.maxseqtobeacked || !fwd.maxseqtobeacked) && !probe) fwd.maxseqtobeacked = fwd.nextseq;
  fwd.window = window;
  fwd.lastack = ack;
  fwd.lastacktime = s.time;
  fwd.lastsegmentflags = ta.flags;
  if (ta.flags) ta.created = true;

  // drop what this ACK acknowledges in the other direction (newest first, as tshark walks its list)
  const kept: Unacked[] = [];
  for (let i = rev.segments.length - 1; i >= 0; i--) {
    const u = rev.segments[i]!;
    if (ack === u.nextseq) {
      ta.created = true;
      ta.frameAcked = u.frame;
      ta.ackRtt = delta(s.time, { sec: u.sec, nsec: u.nsec });
      continue;
    }
    if (gt(ack, u.seq) && le(ack, u.nextseq)) u.seq = ack;
    if (gt(u.nextseq, ack)) {
      kept.push(u);
      continue;
    }
  }
  kept.reverse();
  rev.segments = kept;

  // bytes in flight, from the unacknowledged segments of this direction
  if (seglen !== 0 && fwd.segments.length && fwd.validBif) {
    ta.created = true;
    let first = fwd.segments[fwd.segments.length - 1]!.seq;
    let last = fwd.segments[fwd.segments.length - 1]!.nextseq;
    for (const u of fwd.segments) {
      if (gt(u.nextseq, last)) last = u.nextseq;
      if (lt(u.seq, first)) first = u.seq;
    }
    const inFlight = u32(last - first);
    if (inFlight > 0 && inFlight < 2_000_000_000) ta.bytesInFlight = flags & (SYN | FIN) ? inFlight - 1 : inFlight;
    if (flags & PSH && !fwd.pushSetLast) {
      fwd.pushBytesSent += seglen;
      fwd.pushSetLast = true;
    } else if (flags & PSH && fwd.pushSetLast) {
      fwd.pushBytesSent = seglen;
      fwd.pushSetLast = true;
    } else if (fwd.pushSetLast) {
      fwd.pushBytesSent = seglen;
      fwd.pushSetLast = false;
    } else fwd.pushBytesSent += seglen;
    ta.pushBytesSent = fwd.pushBytesSent;
  }
}

/** What tshark prepends to the Info column for these flags, in its order. */
export function analysisInfo(ta: TcpAnalysis): string {
  // tshark prepends each in turn (reused ports first, zero-window last), so the last one printed comes first
  const parts: string[] = [];
  const f = ta.flags;
  if (f & TCP_A.REUSED_PORTS) parts.push('[TCP Port numbers reused] ');
  if (f & TCP_A.RETRANSMISSION) parts.push('[TCP Retransmission] ');
  if (f & TCP_A.FAST_RETRANSMISSION) parts.push('[TCP Fast Retransmission] ');
  if (f & TCP_A.SPURIOUS_RETRANSMISSION) parts.push('[TCP Spurious Retransmission] ');
  if (f & TCP_A.OUT_OF_ORDER) parts.push('[TCP Out-Of-Order] ');
  if (f & TCP_A.LOST_PACKET) parts.push('[TCP Previous segment not captured] ');
  if (f & TCP_A.ACK_LOST_PACKET) parts.push('[TCP ACKed unseen segment] ');
  if (f & TCP_A.WINDOW_UPDATE) parts.push('[TCP Window Update] ');
  if (f & TCP_A.WINDOW_FULL) parts.push('[TCP Window Full] ');
  if (f & TCP_A.KEEP_ALIVE) parts.push('[TCP Keep-Alive] ');
  if (f & TCP_A.KEEP_ALIVE_ACK) parts.push('[TCP Keep-Alive ACK] ');
  if (ta.dupackNum && f & TCP_A.DUPLICATE_ACK) parts.push(`[TCP Dup ACK ${ta.dupackFrame}#${ta.dupackNum}] `);
  if (f & TCP_A.ZERO_WINDOW_PROBE) parts.push('[TCP ZeroWindowProbe] ');
  if (f & TCP_A.ZERO_WINDOW) parts.push('[TCP ZeroWindow] ');
  if (f & TCP_A.ZERO_WINDOW_PROBE_ACK) parts.push('[TCP ZeroWindowProbeAck] ');
  return parts.reverse().join('');
}

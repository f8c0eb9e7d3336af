/**
 * Reading and writing capture files (classic pcap, modified pcap, pcapng). Platform-neutral:
 * the Node file/stream entry points are in ./node.ts.
 */
export type {
  CaptureEvent,
  CaptureFormat,
  CaptureRecord,
  InterfaceDescription,
  InterfaceStatistics,
  NameRecord,
  NameResolutionBlock,
  OpaqueBlock,
  PacketEvent,
  PcapFileHeader,
  PcapngOption,
  Problem,
  ProblemEvent,
  RecordSource,
  SectionHeader,
} from './types.js';
export {
  CaptureParser,
  DONE,
  EVENT,
  LINKTYPE_PCAPNG_CUSTOM,
  MAX_BLOCK,
  NEED_MORE,
  RECORD,
  type ParserOptions,
  type Step,
} from './parser.js';
export { CaptureReader, readCapture, readCaptureFile, type CaptureFile, type CaptureInfo, type ReadOptions } from './reader.js';
export {
  CaptureCopier,
  PcapWriter,
  PcapngWriter,
  concatChunks,
  encodeBlock,
  encodeCustom,
  encodeEpb,
  encodeIdb,
  encodeIsb,
  encodeNrb,
  encodePb,
  encodeShb,
  encodeSpb,
  writeCaptureLike,
  writePcap,
  writePcapng,
  type InterfaceInput,
  type NameInput,
  type PacketInput,
  type PcapWriterOptions,
  type PcapngWriterOptions,
  type SectionInput,
} from './writer.js';
export { epochText, recordEpochText, recordInterfaceIdText, tsharkFrameLengths, TSHARK_PSEUDO_HEADER_LEN, tsresolUnits, TimestampScale, joinTimestamp } from './time.js';
export { parseOptions, encodeOptions, utf8Text, type OptionInput } from './options.js';
export * from './linktypes.js';

/** Display-filter errors: what is wrong and where, printed as tshark 4.0 prints them. */

/** A filter that cannot be compiled: the message, and the span of the filter text it is about. */
export class FilterError extends Error {
  override name = 'FilterError';
  constructor(
    message: string,
    /** Offset of the offending text in the filter (UTF-16 code units), or -1 when tshark shows no caret. */
    readonly offset: number = -1,
    /** Length of the offending text (the caret and tildes under it). */
    readonly length: number = 0,
  ) {
    super(message);
  }

  /**
   * tshark's form: the message, then (when the error has a place) the filter indented by four spaces and a
   * caret with tildes under the spot:
   * ```
   * "300" too big for this field, maximum 255.
   *     ip.ttl == 300
   *               ^~~
   * ```
   */
  format(filter: string): string {
    return formatFilterError(this, filter);
  }
}

export function formatFilterError(err: FilterError, filter: string): string {
  if (err.offset < 0) return err.message;
  const n = Math.max(1, err.length);
  return `${err.message}\n    ${filter}\n    ${' '.repeat(err.offset)}^${'~'.repeat(n - 1)}`;
}

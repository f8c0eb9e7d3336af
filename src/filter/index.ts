/** Wireshark display filters (`-Y`): compiled once to a predicate over a frame's field occurrences. */
export { compileFilter, compileRegex } from './compile.js';
export type { CompiledFilter, FieldAccessor } from './compile.js';
export { FilterError, formatFilterError } from './errors.js';
export { fieldIndex, typeName, valueClass } from './fields.js';
export type { FieldIndex, ValueClass } from './fields.js';
export { frameAccessor, matchFrame, nodesAccessor } from './frame.js';
export { parseFilter, parseRanges } from './parser.js';
export { printExpr, printOperand, stripSpans } from './ast.js';
export type { CmpOp, Expr, Operand, RangeItem } from './ast.js';
export { tokenize } from './lexer.js';

type TypedColumn = Float64Array | Int32Array | Uint16Array | Uint8Array;
export type ColumnType = Float64ArrayConstructor | Int32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;
type Column<C extends ColumnType> = C extends Float64ArrayConstructor ? Float64Array : C extends Int32ArrayConstructor ? Int32Array : C extends Uint16ArrayConstructor ? Uint16Array : Uint8Array;
/** Named typed-array columns of one length, a row per index: what a spec of constructors makes. */
export type Columns<S extends Record<string, ColumnType>> = { -readonly [K in keyof S]: Column<S[K]> };
/** `ArrayBuffer.prototype.transfer` (Node ≥ 21; Node 20 has none). */
type Transferable = ArrayBuffer & { transfer?: (byteLength: number) => ArrayBuffer };

/** A column per name of `spec`, `length` rows each, zeroed. */
export function columnsOf<S extends Record<string, ColumnType>>(spec: S, length: number): Columns<S> {
  const cols = {} as Columns<S>;
  for (const name in spec) cols[name] = new spec[name]!(length) as Column<S[typeof name]>;
  return cols;
}

/** Every column of `cols` grown to `length` rows in place of the old ones (see `grown`). */
export function growColumns<S extends Record<string, ColumnType>>(cols: Columns<S>, length: number): void {
  for (const name in cols) cols[name] = grown(cols[name], length);
}

/**
 * `from`'s values in a column `length` long, the new part zeroed. Where ArrayBuffers transfer
 * (Node ≥ 21), the old buffer is handed over, grown in place when the allocator can, and its
 * memory is released at once; elsewhere it is copied and the old one waits for a full
 * collection, so a table growing under load holds up to twice its size in outgrown arrays.
 */
export function grown<T extends TypedColumn>(from: T, length: number): T {
  const Column = from.constructor as new (source: number | ArrayBuffer) => T;
  const buffer = from.buffer as Transferable;
  if (typeof buffer.transfer === 'function' && from.byteOffset === 0 && from.byteLength === buffer.byteLength) {
    return new Column(buffer.transfer(length * from.BYTES_PER_ELEMENT));
  }
  const to = new Column(length);
  to.set(from as never);
  return to;
}

type TypedColumn = Float64Array | Int32Array | Uint16Array | Uint8Array;
/** `ArrayBuffer.prototype.transfer` (Node ≥ 21; Node 20 has none). */
type Transferable = ArrayBuffer & { transfer?: (byteLength: number) => ArrayBuffer };

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

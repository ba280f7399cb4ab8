/**
 * Small numbers for a few distinct strings (a token's origin): a row stores 2 bytes, the
 * string is kept once.
 */
export class StringCodes {
  private readonly names: string[] = [];
  private readonly codes = new Map<string, number>();

  code(name: string): number {
    let code = this.codes.get(name);
    if (code === undefined) {
      code = this.names.length;
      if (code > 0xffff) throw new RangeError('more than 65 536 distinct token origins');
      this.names.push(name);
      this.codes.set(name, code);
    }
    return code;
  }

  name(code: number): string {
    return this.names[code]!;
  }
}

/**
 * Just enough protobuf to rewrite an ONNX graph as it is served (graph-rewrite.ts): fields are read from a Blob by
 * their headers, so payloads between them are never read, and new fields are written as parts of a Blob.
 */

export const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

/** How much is read at once where headers are parsed. */
const WINDOW_BYTES = 64 * 1024;

/** A protobuf field of the file: where its header starts, where its payload starts, and where it ends. */
export interface Field {
  number: number;
  wire: number;
  start: number;
  payloadStart: number;
  end: number;
}

export type Part = Blob | Uint8Array<ArrayBuffer>;

/** The bytes are not a protobuf this understands. */
export class ProtobufError extends Error {}

/** Reads a Blob in windows, so that headers are parsed without reading the payloads skipped between them. */
export class WindowReader {
  private window = new Uint8Array(0);
  private windowStart = 0;

  constructor(private readonly blob: Blob) {}

  async byteAt(position: number): Promise<number> {
    if (!this.holds(position, position + 1)) await this.readWindowAt(position);
    return this.window[position - this.windowStart];
  }

  /**
   * Bytes `start`–`end` to pass on: copied when they are small (read with the headers around them; a Blob made of
   * thousands of slices of the stored file would be read slice by slice), a slice of the file when large.
   */
  async part(start: number, end: number): Promise<Part> {
    if (end - start > WINDOW_BYTES) return this.blob.slice(start, end);
    if (!this.holds(start, end)) await this.readWindowAt(start);
    return this.window.slice(start - this.windowStart, end - this.windowStart);
  }

  /** A small field's payload as bytes. */
  async payload(field: Field): Promise<Uint8Array<ArrayBuffer>> {
    const part = await this.part(field.payloadStart, field.end);
    return part instanceof Blob ? new Uint8Array(await part.arrayBuffer()) : part;
  }

  private holds(start: number, end: number): boolean {
    return start >= this.windowStart && end <= this.windowStart + this.window.length;
  }

  private async readWindowAt(position: number): Promise<void> {
    if (position >= this.blob.size) throw new ProtobufError('the bytes end inside a field');
    this.window = new Uint8Array(await this.blob.slice(position, position + WINDOW_BYTES).arrayBuffer());
    this.windowStart = position;
  }

  async varint(position: number): Promise<{ value: number; end: number }> {
    let value = 0;
    for (let shift = 0, at = position; shift < 64; shift += 7) {
      const byte = await this.byteAt(at++);
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return { value, end: at };
    }
    throw new ProtobufError('a varint longer than ten bytes');
  }

  async *fields(start: number, end: number): AsyncGenerator<Field> {
    let position = start;
    while (position < end) {
      const key = await this.varint(position);
      const number = Math.floor(key.value / 8);
      const wire = key.value % 8;
      let payloadStart = key.end;
      let fieldEnd: number;
      if (wire === WIRE_VARINT) fieldEnd = (await this.varint(key.end)).end;
      else if (wire === WIRE_FIXED64) fieldEnd = key.end + 8;
      else if (wire === WIRE_FIXED32) fieldEnd = key.end + 4;
      else if (wire === WIRE_LENGTH_DELIMITED) {
        const length = await this.varint(key.end);
        payloadStart = length.end;
        fieldEnd = length.end + length.value;
      } else throw new ProtobufError(`wire type ${wire}`);
      if (fieldEnd > end) throw new ProtobufError('a field runs past its message');
      yield { number, wire, start: position, payloadStart, end: fieldEnd };
      position = fieldEnd;
    }
  }
}

export function varint(value: number): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [];
  for (; value >= 0x80; value = Math.floor(value / 128)) bytes.push((value % 128) | 0x80);
  bytes.push(value);
  return Uint8Array.from(bytes);
}

/** A field's key: its number and wire type. */
export const fieldKey = (number: number, wire: number) => varint(number * 8 + wire);

export const sizeOf = (parts: Part[]) => parts.reduce((sum, part) => sum + (part instanceof Blob ? part.size : part.length), 0);

/** A length-delimited field made of `parts`. */
export function lengthDelimited(number: number, parts: Part[]): Part[] {
  return [fieldKey(number, WIRE_LENGTH_DELIMITED), varint(sizeOf(parts)), ...parts];
}

export const utf8 = (text: string) => new TextEncoder().encode(text);

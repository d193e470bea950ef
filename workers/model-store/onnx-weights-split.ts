/**
 * Serves a graph whose weights are inside it as a graph with its weights in an external-data file, without reading
 * the weights. onnxruntime-web copies a graph it is given into its WebAssembly heap whole, builds every weight from
 * that copy, and the heap never shrinks: a 1.45 GB q8 graph left the heap at 3.82 GiB, against 1.87 GiB for the same
 * weights as external data, which are copied straight into each weight's place (measured in Chromium with the bare
 * runtime, 2026-12-01; the whole browser loading it in the app peaked at 3.9 instead of 5.9 GiB).
 *
 * Only the protobuf's field headers are read: ModelProto's graph, the graph's initializers, each initializer's
 * fields. Every other byte is passed on (copied when small, as a slice of the stored file when large), and each large
 * `raw_data` becomes a slice of the data file, its place in the graph taken by `external_data` (location, offset,
 * length) and `data_location: EXTERNAL`.
 */

/** ModelProto.graph, GraphProto.initializer, TensorProto.raw_data / external_data / data_location (onnx.proto). */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH_DELIMITED = 2;
const WIRE_FIXED32 = 5;

/** Weights smaller than this stay in the graph (scalars, shapes): not worth a slice each. */
const MIN_MOVED_BYTES = 1024;
/** Each weight starts on such a boundary of the data file. */
const DATA_ALIGNMENT = 64;
/** How much is read at once where headers are parsed. */
const WINDOW_BYTES = 64 * 1024;

export interface SplitGraph {
  /** The graph, its large weights replaced by references into `data`. */
  graph: Blob;
  data: Blob;
}

/** A protobuf field of the file: where its header starts, where its payload starts, and where it ends. */
interface Field {
  number: number;
  wire: number;
  start: number;
  payloadStart: number;
  end: number;
}

type Part = Blob | Uint8Array<ArrayBuffer>;

/** Reads a Blob in windows, so that headers are parsed without reading the payloads skipped between them. */
class WindowReader {
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

  private holds(start: number, end: number): boolean {
    return start >= this.windowStart && end <= this.windowStart + this.window.length;
  }

  private async readWindowAt(position: number): Promise<void> {
    if (position >= this.blob.size) throw new SplitError('the graph ends inside a field');
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
    throw new SplitError('a varint longer than ten bytes');
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
      } else throw new SplitError(`wire type ${wire}`);
      if (fieldEnd > end) throw new SplitError('a field runs past its message');
      yield { number, wire, start: position, payloadStart, end: fieldEnd };
      position = fieldEnd;
    }
  }
}

/** The graph is not a protobuf this understands: it is then served as it is stored. */
class SplitError extends Error {}

function varint(value: number): Uint8Array<ArrayBuffer> {
  const bytes: number[] = [];
  for (; value >= 0x80; value = Math.floor(value / 128)) bytes.push((value % 128) | 0x80);
  bytes.push(value);
  return Uint8Array.from(bytes);
}

const sizeOf = (parts: Part[]) => parts.reduce((sum, part) => sum + (part instanceof Blob ? part.size : part.length), 0);

/** A length-delimited field made of `parts`. */
function lengthDelimited(number: number, parts: Part[]): Part[] {
  return [varint(number * 8 + WIRE_LENGTH_DELIMITED), varint(sizeOf(parts)), ...parts];
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** A StringStringEntryProto (key 1, value 2) in TensorProto.external_data. */
const externalDataEntry = (key: string, value: string) =>
  lengthDelimited(TENSOR_EXTERNAL_DATA, [...lengthDelimited(1, [utf8(key)]), ...lengthDelimited(2, [utf8(value)])]);

/**
 * The graph in `file` with its weights in a data file named `dataFileName` (the name the graph refers to, beside
 * it), or null when there is nothing to move (its weights are external already, or small) or the file is not a
 * graph this can read.
 */
export async function splitOutWeights(file: Blob, dataFileName: string): Promise<SplitGraph | null> {
  const reader = new WindowReader(file);
  const dataParts: Blob[] = [];
  let dataBytes = 0;

  /** The initializer with its raw data moved to the data file, or null to keep it as it is. */
  const splitTensor = async (tensor: Field): Promise<Part[] | null> => {
    const kept: Part[] = [];
    let raw: Field | null = null;
    for await (const field of reader.fields(tensor.payloadStart, tensor.end)) {
      if (field.number === TENSOR_EXTERNAL_DATA || field.number === TENSOR_DATA_LOCATION) return null;
      const large = field.number === TENSOR_RAW_DATA && field.wire === WIRE_LENGTH_DELIMITED && field.end - field.payloadStart >= MIN_MOVED_BYTES;
      if (large) raw = field;
      else kept.push(await reader.part(field.start, field.end));
    }
    if (!raw) return null;
    const padding = (DATA_ALIGNMENT - (dataBytes % DATA_ALIGNMENT)) % DATA_ALIGNMENT;
    if (padding > 0) dataParts.push(new Blob([new Uint8Array(padding)]));
    const offset = dataBytes + padding;
    const length = raw.end - raw.payloadStart;
    dataParts.push(file.slice(raw.payloadStart, raw.end));
    dataBytes = offset + length;
    return [
      ...kept,
      ...externalDataEntry('location', dataFileName),
      ...externalDataEntry('offset', String(offset)),
      ...externalDataEntry('length', String(length)),
      varint(TENSOR_DATA_LOCATION * 8 + WIRE_VARINT),
      varint(DATA_LOCATION_EXTERNAL),
    ];
  };

  const splitGraph = async (graph: Field): Promise<Part[]> => {
    const parts: Part[] = [];
    for await (const field of reader.fields(graph.payloadStart, graph.end)) {
      const tensor = field.number === GRAPH_INITIALIZER && field.wire === WIRE_LENGTH_DELIMITED ? await splitTensor(field) : null;
      parts.push(...(tensor ? lengthDelimited(GRAPH_INITIALIZER, tensor) : [await reader.part(field.start, field.end)]));
    }
    return parts;
  };

  try {
    const parts: Part[] = [];
    for await (const field of reader.fields(0, file.size)) {
      if (field.number === MODEL_GRAPH && field.wire === WIRE_LENGTH_DELIMITED) parts.push(...lengthDelimited(MODEL_GRAPH, await splitGraph(field)));
      else parts.push(await reader.part(field.start, field.end));
    }
    if (dataBytes === 0) return null;
    return { graph: new Blob(parts), data: new Blob(dataParts) };
  } catch (error) {
    if (error instanceof SplitError) return null;
    throw error;
  }
}

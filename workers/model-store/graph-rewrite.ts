/**
 * Rewrites a stored graph as it is served, without reading its weights: its weights moved to an external-data file,
 * and nodes replaced where a rewrite asks (attention-softcap.ts).
 *
 * Why the weights move: onnxruntime-web copies a graph it is given into its WebAssembly heap whole, builds every
 * weight from that copy, and the heap never shrinks: a 1.45 GB q8 graph left the heap at 3.82 GiB, against 1.87 GiB
 * for the same weights as external data, which are copied straight into each weight's place (measured in Chromium
 * with the bare runtime, 2026-12-01; the whole browser loading it in the app peaked at 3.9 instead of 5.9 GiB).
 *
 * Only the protobuf's field headers are read: ModelProto's graph, the graph's initializers and nodes, each
 * initializer's fields. Every other byte is passed on (copied when small, as a slice of the stored file when large),
 * and each large `raw_data` becomes a slice of the data file, its place in the graph taken by `external_data`
 * (location, offset, length) and `data_location: EXTERNAL`.
 */
import { type Field, type Part, ProtobufError, WIRE_LENGTH_DELIMITED, WIRE_VARINT, WindowReader, fieldKey, lengthDelimited, utf8, varint } from './onnx-protobuf';

/** ModelProto.graph, GraphProto.node / initializer, TensorProto.raw_data / external_data / data_location (onnx.proto). */
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;
const TENSOR_EXTERNAL_DATA = 13;
const TENSOR_DATA_LOCATION = 14;
const DATA_LOCATION_EXTERNAL = 1;

/** Weights smaller than this stay in the graph (scalars, shapes): not worth a slice each. */
const MIN_MOVED_BYTES = 1024;
/** Each weight starts on such a boundary of the data file. */
const DATA_ALIGNMENT = 64;

/** A NodeProto's replacement, or null to keep it as it is. */
export type NodeRewrite = (node: Uint8Array<ArrayBuffer>) => Promise<Uint8Array<ArrayBuffer> | null>;

export interface GraphRewrite {
  /** Moves the graph's large weights into a data file of this name beside it; null leaves them where they are. */
  weightsFile: string | null;
  rewriteNode?: NodeRewrite;
}

export interface RewrittenGraph {
  graph: Blob;
  /** The moved weights; null when none moved. */
  data: Blob | null;
}

/** A StringStringEntryProto (key 1, value 2) in TensorProto.external_data. */
const externalDataEntry = (key: string, value: string) =>
  lengthDelimited(TENSOR_EXTERNAL_DATA, [...lengthDelimited(1, [utf8(key)]), ...lengthDelimited(2, [utf8(value)])]);

/**
 * The graph in `file` rewritten as asked, or null when nothing was asked or nothing changed (no weight to move — they
 * are external already, or small — and no node rewritten) or the file is not a graph this can read.
 */
export async function rewriteGraph(file: Blob, { weightsFile, rewriteNode }: GraphRewrite): Promise<RewrittenGraph | null> {
  // nothing asked (WebGPU, weights external already): not a pass over the graph for nothing
  if (!weightsFile && !rewriteNode) return null;
  const reader = new WindowReader(file);
  const dataParts: Blob[] = [];
  let dataBytes = 0;
  let nodesRewritten = 0;

  /** The initializer with its raw data moved to the data file, or null to keep it as it is. */
  const moveWeight = async (tensor: Field, dataFileName: string): Promise<Part[] | null> => {
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
      fieldKey(TENSOR_DATA_LOCATION, WIRE_VARINT),
      varint(DATA_LOCATION_EXTERNAL),
    ];
  };

  /** A node's replacement field, or null to keep it. */
  const replaceNode = async (node: Field): Promise<Part[] | null> => {
    if (!rewriteNode) return null;
    const rewritten = await rewriteNode(await reader.payload(node));
    if (!rewritten) return null;
    nodesRewritten++;
    return lengthDelimited(GRAPH_NODE, [rewritten]);
  };

  const rewriteGraphProto = async (graph: Field): Promise<Part[]> => {
    const parts: Part[] = [];
    for await (const field of reader.fields(graph.payloadStart, graph.end)) {
      let replacement: Part[] | null = null;
      if (field.wire === WIRE_LENGTH_DELIMITED && field.number === GRAPH_NODE) replacement = await replaceNode(field);
      if (field.wire === WIRE_LENGTH_DELIMITED && field.number === GRAPH_INITIALIZER && weightsFile) {
        const tensor = await moveWeight(field, weightsFile);
        if (tensor) replacement = lengthDelimited(GRAPH_INITIALIZER, tensor);
      }
      parts.push(...(replacement ?? [await reader.part(field.start, field.end)]));
    }
    return parts;
  };

  try {
    const parts: Part[] = [];
    for await (const field of reader.fields(0, file.size)) {
      if (field.number === MODEL_GRAPH && field.wire === WIRE_LENGTH_DELIMITED) parts.push(...lengthDelimited(MODEL_GRAPH, await rewriteGraphProto(field)));
      else parts.push(await reader.part(field.start, field.end));
    }
    if (dataBytes === 0 && nodesRewritten === 0) return null;
    return { graph: new Blob(parts), data: dataBytes > 0 ? new Blob(dataParts) : null };
  } catch (error) {
    if (error instanceof ProtobufError) return null;
    throw error;
  }
}

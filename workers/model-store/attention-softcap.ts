/**
 * Sends onnxruntime-web's GroupQueryAttention off a path that is slow in WebAssembly, by giving the node a softcap
 * too large to change any score.
 *
 * On float32, onnxruntime's CPU kernel takes a "flash" path whose tiles are sized from the CPU's L2 cache; in
 * WebAssembly the cache size reads as 0 (Emscripten's libc has no `_SC_LEVEL2_CACHE_SIZE`), so the tiles are 1×1 and
 * every query row walks every key one at a time. A non-zero softcap (or float16, which has no flash path there)
 * takes the blocked path instead: one GEMM per head. Measured with onnxruntime-web 1.31 on 2 threads (2026-12-02):
 * one such node reading 300 tokens after 1,850 took 3.3 s on the flash path and 0.5 s on the blocked one (its
 * WebAssembly build, run in Node); through the app in Chromium, the Qwen3-0.6B-shaped q8 twin read a 2,048-token
 * prompt in 42 s instead of 200 s (docs/performance.md). On a float16 cache, which never takes the flash path there,
 * it changed nothing measurable.
 *
 * softcap·tanh(score/softcap) with softcap 10⁶ differs from the score by less than a millionth of it for any score
 * below a thousand.
 */
import {
  type Field,
  type Part,
  ProtobufError,
  WIRE_FIXED32,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  WindowReader,
  fieldKey,
  lengthDelimited,
  utf8,
  varint,
} from './onnx-protobuf';

/** NodeProto.op_type / attribute / domain; AttributeProto.name / f / type and its FLOAT (onnx.proto). */
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const NODE_DOMAIN = 7;
const ATTRIBUTE_NAME = 1;
const ATTRIBUTE_F = 2;
const ATTRIBUTE_TYPE = 20;
const ATTRIBUTE_TYPE_FLOAT = 1;

export const NEUTRAL_SOFTCAP = 1e6;
const OP_TYPE = 'GroupQueryAttention';
const OP_DOMAIN = 'com.microsoft';
const OP_TYPE_BYTES = utf8(OP_TYPE);

/**
 * The NodeProto with its softcap set to `NEUTRAL_SOFTCAP`, when it is a GroupQueryAttention without a softcap of
 * its own (none, or 0); otherwise null.
 */
export async function neutralSoftcap(node: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!contains(node, OP_TYPE_BYTES)) return null;
  const reader = new WindowReader(new Blob([node]));
  const kept: Part[] = [];
  let opType = '';
  let domain = '';
  try {
    for await (const field of reader.fields(0, node.length)) {
      if (field.wire === WIRE_LENGTH_DELIMITED && field.number === NODE_OP_TYPE) opType = await textOf(reader, field);
      if (field.wire === WIRE_LENGTH_DELIMITED && field.number === NODE_DOMAIN) domain = await textOf(reader, field);
      if (field.wire === WIRE_LENGTH_DELIMITED && field.number === NODE_ATTRIBUTE) {
        const softcap = await softcapOf(reader, field);
        if (softcap !== null && softcap !== 0) return null; // a cap of the model's own, and the blocked path already
        if (softcap === 0) continue; // replaced below
      }
      kept.push(await reader.part(field.start, field.end));
    }
  } catch (error) {
    if (error instanceof ProtobufError) return null;
    throw error;
  }
  if (opType !== OP_TYPE || domain !== OP_DOMAIN) return null;
  const value = new Uint8Array(4);
  new DataView(value.buffer).setFloat32(0, NEUTRAL_SOFTCAP, true);
  const attribute = lengthDelimited(NODE_ATTRIBUTE, [
    ...lengthDelimited(ATTRIBUTE_NAME, [utf8('softcap')]),
    fieldKey(ATTRIBUTE_F, WIRE_FIXED32),
    value,
    fieldKey(ATTRIBUTE_TYPE, WIRE_VARINT),
    varint(ATTRIBUTE_TYPE_FLOAT),
  ]);
  return new Uint8Array(await new Blob([...kept, ...attribute]).arrayBuffer());
}

/** The value of an AttributeProto named softcap (0 when it has no value), or null for any other attribute. */
async function softcapOf(reader: WindowReader, attribute: Field): Promise<number | null> {
  let name = '';
  let value = 0;
  for await (const field of reader.fields(attribute.payloadStart, attribute.end)) {
    if (field.number === ATTRIBUTE_NAME && field.wire === WIRE_LENGTH_DELIMITED) name = await textOf(reader, field);
    if (field.number === ATTRIBUTE_F && field.wire === WIRE_FIXED32) {
      const bytes = await reader.payload(field);
      value = new DataView(bytes.buffer, bytes.byteOffset, 4).getFloat32(0, true);
    }
  }
  return name === 'softcap' ? value : null;
}

const textOf = async (reader: WindowReader, field: Field) => new TextDecoder().decode(await reader.payload(field));

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  for (let i = haystack.indexOf(first); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

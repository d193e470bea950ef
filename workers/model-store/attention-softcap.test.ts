import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { NEUTRAL_SOFTCAP, neutralSoftcap } from './attention-softcap';
import { rewriteGraph } from './graph-rewrite';
import { onnx } from './test-graph';

const { FLOAT, INT32 } = onnx.TensorProto.DataType;
const FLOAT_ATTRIBUTE = onnx.AttributeProto.AttributeType.FLOAT;
const INT_ATTRIBUTE = onnx.AttributeProto.AttributeType.INT;
const HEADS = 2;
const HEAD_SIZE = 8;

interface NodeFields {
  opType: string;
  domain?: string;
  name: string;
  input: string[];
  output: string[];
  attribute?: { name: string; type: number; f?: number; i?: number }[];
}
type DecodedNode = Parameters<typeof onnx.NodeProto.encode>[0];

function attentionNode(softcap: number | null, fields: Partial<NodeFields> = {}): NodeFields {
  return {
    opType: 'GroupQueryAttention',
    domain: 'com.microsoft',
    name: 'attention',
    input: ['query', 'key', 'value', 'past_key', 'past_value', 'seqlens_k', 'total_sequence_length'],
    output: ['output', 'present_key', 'present_value'],
    attribute: [
      { name: 'num_heads', i: HEADS, type: INT_ATTRIBUTE },
      { name: 'kv_num_heads', i: 1, type: INT_ATTRIBUTE },
      ...(softcap === null ? [] : [{ name: 'softcap', f: softcap, type: FLOAT_ATTRIBUTE }]),
    ],
    ...fields,
  };
}

const encodeNode = (node: NodeFields) => new Uint8Array(onnx.NodeProto.encode(node).finish());
const decodeNode = (bytes: Uint8Array) => onnx.NodeProto.decode(bytes);
const attributes = (node: DecodedNode) =>
  Object.fromEntries(node.attribute!.map((a) => [a.name, a.type === FLOAT_ATTRIBUTE ? a.f : Number(a.i)]));

/** One GroupQueryAttention over a float32 cache: 2 query heads sharing 1 KV head of size 8. */
function attentionGraph(softcap: number | null): Uint8Array<ArrayBuffer> {
  const valueInfo = (name: string, elemType: number, dims: (number | string)[]) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const encoded = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
    graph: {
      name: 'g',
      node: [attentionNode(softcap)],
      input: [
        valueInfo('query', FLOAT, [1, 's', HEADS * HEAD_SIZE]),
        valueInfo('key', FLOAT, [1, 's', HEAD_SIZE]),
        valueInfo('value', FLOAT, [1, 's', HEAD_SIZE]),
        valueInfo('past_key', FLOAT, [1, 1, 'p', HEAD_SIZE]),
        valueInfo('past_value', FLOAT, [1, 1, 'p', HEAD_SIZE]),
        valueInfo('seqlens_k', INT32, [1]),
        valueInfo('total_sequence_length', INT32, []),
      ],
      output: [valueInfo('output', FLOAT, [1, 's', HEADS * HEAD_SIZE])],
    },
  }).finish();
  return new Uint8Array(encoded);
}

async function attend(graph: Uint8Array) {
  const [newTokens, pastTokens] = [3, 5];
  const floats = (count: number, seed: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(i * 0.7 + seed) * 3);
  const session = await ort.InferenceSession.create(graph);
  const { output } = await session.run({
    query: new ort.Tensor('float32', floats(newTokens * HEADS * HEAD_SIZE, 1), [1, newTokens, HEADS * HEAD_SIZE]),
    key: new ort.Tensor('float32', floats(newTokens * HEAD_SIZE, 2), [1, newTokens, HEAD_SIZE]),
    value: new ort.Tensor('float32', floats(newTokens * HEAD_SIZE, 3), [1, newTokens, HEAD_SIZE]),
    past_key: new ort.Tensor('float32', floats(pastTokens * HEAD_SIZE, 4), [1, 1, pastTokens, HEAD_SIZE]),
    past_value: new ort.Tensor('float32', floats(pastTokens * HEAD_SIZE, 5), [1, 1, pastTokens, HEAD_SIZE]),
    seqlens_k: new ort.Tensor('int32', Int32Array.of(pastTokens + newTokens - 1), [1]),
    total_sequence_length: new ort.Tensor('int32', Int32Array.of(pastTokens + newTokens), []),
  });
  await session.release();
  return Array.from(output.data as Float32Array);
}

describe('neutralSoftcap', () => {
  it("sets a GroupQueryAttention's softcap of 0 to the neutral one and keeps the rest of the node", async () => {
    const before = attentionNode(0);
    const after = decodeNode((await neutralSoftcap(encodeNode(before)))!);
    expect(attributes(after)).toEqual({ num_heads: HEADS, kv_num_heads: 1, softcap: NEUTRAL_SOFTCAP });
    expect(after.attribute!.find((a) => a.name === 'softcap')!.type).toBe(FLOAT_ATTRIBUTE);
    expect([after.opType, after.domain, after.name, after.input, after.output]).toEqual([before.opType, before.domain, before.name, before.input, before.output]);
  });

  it('adds the softcap to a GroupQueryAttention that has none', async () => {
    const after = decodeNode((await neutralSoftcap(encodeNode(attentionNode(null))))!);
    expect(attributes(after)).toEqual({ num_heads: HEADS, kv_num_heads: 1, softcap: NEUTRAL_SOFTCAP });
  });

  it("leaves a model's own softcap, other ops and other domains alone", async () => {
    expect(await neutralSoftcap(encodeNode(attentionNode(50)))).toBeNull();
    expect(await neutralSoftcap(encodeNode({ opType: 'MatMul', input: ['a', 'b'], output: ['c'], name: 'GroupQueryAttention' }))).toBeNull();
    expect(await neutralSoftcap(encodeNode(attentionNode(0, { domain: 'org.example' })))).toBeNull();
  });

  it('gives the same attention as the node without a softcap, in onnxruntime', async () => {
    const original = attentionGraph(0);
    const rewritten = await rewriteGraph(new Blob([original]), { weightsFile: null, rewriteNode: neutralSoftcap });
    const rewrittenBytes = new Uint8Array(await rewritten!.graph.arrayBuffer());
    expect(attributes(onnx.ModelProto.decode(rewrittenBytes).graph!.node![0]).softcap).toBe(NEUTRAL_SOFTCAP);
    const [expected, actual] = [await attend(original), await attend(rewrittenBytes)];
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 5));
  });
});

import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { rewriteGraph } from './graph-rewrite';
import { onnx, testGraph as model } from './test-graph';

const bytesOf = async (blob: Blob) => new Uint8Array(await blob.arrayBuffer());

async function run(graph: Uint8Array, externalData?: { path: string; data: Uint8Array }[]) {
  const session = await ort.InferenceSession.create(graph, externalData ? { externalData } : {});
  const x = new ort.Tensor('float32', Float32Array.from({ length: 16 }, (_, i) => i / 7), [1, 16]);
  const { Y } = await session.run({ X: x });
  await session.release();
  return Array.from(Y.data as Float32Array);
}

const moveWeights = (graph: Blob) => rewriteGraph(graph, { weightsFile: 'model.onnx_data' });

describe('rewriteGraph', () => {
  it('moves large weights to the data file, with references in their place, and keeps everything else', async () => {
    const original = model();
    const split = await moveWeights(new Blob([original as Uint8Array<ArrayBuffer>]));
    expect(split).not.toBeNull();
    const graph = onnx.ModelProto.decode(await bytesOf(split!.graph));
    const data = await bytesOf(split!.data!);
    const [w, b] = graph.graph!.initializer!;
    expect(w.rawData?.length ?? 0).toBe(0);
    expect(w.dataLocation).toBe(onnx.TensorProto.DataLocation.EXTERNAL);
    const entries = Object.fromEntries(w.externalData!.map(({ key, value }) => [key, value]));
    expect(entries).toEqual({ location: 'model.onnx_data', offset: '0', length: '1024' });
    const before = onnx.ModelProto.decode(original);
    expect(data).toEqual(new Uint8Array(before.graph!.initializer![0].rawData!));
    // The small one stays, and so do the nodes, inputs, outputs and the model's own fields.
    expect(new Uint8Array(b.rawData!)).toEqual(new Uint8Array(before.graph!.initializer![1].rawData!));
    expect(graph.graph!.node).toEqual(before.graph!.node);
    expect(graph.graph!.input).toEqual(before.graph!.input);
    expect(graph.producerName).toBe('test');
  });

  it('gives a graph that onnxruntime runs to the same outputs', async () => {
    const original = model();
    const split = (await moveWeights(new Blob([original as Uint8Array<ArrayBuffer>])))!;
    const outputs = await run(await bytesOf(split.graph), [{ path: 'model.onnx_data', data: await bytesOf(split.data!) }]);
    expect(outputs).toEqual(await run(original));
  });

  it('leaves a graph whose weights are external already, or that is not a graph, as it is', async () => {
    const split = (await moveWeights(new Blob([model() as Uint8Array<ArrayBuffer>])))!;
    expect(await moveWeights(split.graph)).toBeNull();
    expect(await moveWeights(new Blob(['<!doctype html><title>Not found</title>']))).toBeNull();
  });

  it('replaces the nodes a rewrite gives, keeping the weights in place when not asked to move them', async () => {
    const original = new Blob([model() as Uint8Array<ArrayBuffer>]);
    const renamed = await rewriteGraph(original, {
      weightsFile: null,
      rewriteNode: async (node) => {
        const decoded = onnx.NodeProto.decode(node);
        if (decoded.opType !== 'Add') return null;
        return new Uint8Array(onnx.NodeProto.encode({ ...decoded, name: 'bias' }).finish());
      },
    });
    expect(renamed!.data).toBeNull();
    const graph = onnx.ModelProto.decode(await bytesOf(renamed!.graph)).graph!;
    expect(graph.node!.map((node) => node.name)).toEqual(['matmul', 'bias']);
    expect(graph.initializer).toEqual(onnx.ModelProto.decode(model()).graph!.initializer);
    expect(await rewriteGraph(original, { weightsFile: null, rewriteNode: async () => null })).toBeNull();
  });

  it('does not read the graph when asked for nothing', async () => {
    const unread = new Blob([model() as Uint8Array<ArrayBuffer>]);
    unread.slice = () => {
      throw new Error('read');
    };
    expect(await rewriteGraph(unread, { weightsFile: null })).toBeNull();
  });
});

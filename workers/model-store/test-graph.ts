import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

/**
 * A tiny ONNX graph for the unit tests: Y = X·W + B, X of shape [1, 16], with W (16×16 floats, 1 KiB) and B
 * (16 floats) as initializers whose bytes are inside the graph.
 */
export function testGraph(): Uint8Array {
  const floats = (count: number, scale: number) => Float32Array.from({ length: count }, (_, i) => Math.sin(i * scale));
  const initializer = (name: string, dims: number[], values: Float32Array) => ({
    name,
    dims,
    dataType: FLOAT,
    rawData: new Uint8Array(values.buffer),
  });
  const valueInfo = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
  });
  // A copy: protobufjs hands back a view into a shared pool.
  const encoded = onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    producerName: 'test',
    graph: {
      name: 'g',
      node: [
        { opType: 'MatMul', input: ['X', 'W'], output: ['XW'], name: 'matmul' },
        { opType: 'Add', input: ['XW', 'B'], output: ['Y'], name: 'add' },
      ],
      initializer: [initializer('W', [16, 16], floats(256, 0.37)), initializer('B', [16], floats(16, 1.1))],
      input: [valueInfo('X', [1, 16])],
      output: [valueInfo('Y', [1, 16])],
    },
  }).finish();
  return new Uint8Array(encoded);
}

const channel = new MessageChannel();

/** Resolves after one trip through the event loop (a message task: no 4 ms timer clamping). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

interface Steppable {
  forward(inputs: unknown): Promise<unknown>;
}

/**
 * onnxruntime-web's WASM runs can resolve entirely within the microtask queue, so a generate() loop never gives the
 * worker a chance to read its messages: a Stop would only arrive after the reply was finished. Yielding one task
 * before every forward pass lets the cancel message in, at a cost of well under a millisecond per token.
 */
export function yieldBetweenSteps(model: Steppable): void {
  const forward = model.forward.bind(model);
  model.forward = async (inputs) => {
    await nextTask();
    return forward(inputs);
  };
}

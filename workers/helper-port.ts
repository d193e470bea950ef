/// <reference lib="webworker" />

declare const self: DedicatedWorkerGlobalScope;

/**
 * In a helper worker (see helper-worker.ts): the page's first message is the port the engine talks through; `connected`
 * gets it once this worker's code has loaded.
 */
export function whenConnected(connected: (port: MessagePort) => void): void {
  self.onmessage = ({ data }: MessageEvent<MessagePort>) => {
    self.onmessage = null;
    connected(data);
  };
}

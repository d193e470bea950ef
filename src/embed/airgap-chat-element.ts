/**
 * The loader script host pages include: `<script src="https://chat.intranet/airgap-chat.js"></script>` defines
 * `<airgap-chat src="https://chat.intranet/" model="owner/name"></airgap-chat>`, which frames the app in its compact
 * embed mode and offers the postMessage API as methods:
 *
 *   const chat = document.querySelector('airgap-chat');
 *   await chat.load();                                   // the `model` attribute, or chat.load('owner/name')
 *   const reply = await chat.ask('Hello', (delta) => …); // streams, then resolves with the whole reply
 *
 * Built as a file of its own without a hash in its name (vite.config.ts), so it imports no values: only types.
 */
import type { AppMessage, CHANNEL as Channel, EmbedStatus, HostRequest } from './host-api';

const CHANNEL: typeof Channel = 'airgap-chat';

type Answer = Exclude<AppMessage, { type: 'ready' | 'delta' }>;
type RequestBody = HostRequest extends infer R ? (R extends HostRequest ? Omit<R, 'channel' | 'id'> : never) : never;

interface Pending {
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  onDelta?: (text: string) => void;
}

/** An error the embedded app reported, with its code (e.g. `not-loaded`, `model-not-allowed`). */
class AirgapChatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AirgapChatError';
  }
}

class AirgapChatElement extends HTMLElement {
  static observedAttributes = ['src', 'model'];

  private frame: HTMLIFrameElement | null = null;
  private appOrigin = '';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private markReady: () => void = () => {};
  /** Resolves when the embedded app listens; every request waits for it. */
  ready: Promise<void> = this.newReadyPromise();

  connectedCallback(): void {
    window.addEventListener('message', this.onMessage);
    this.render();
  }

  disconnectedCallback(): void {
    window.removeEventListener('message', this.onMessage);
    this.failAll(new AirgapChatError('disconnected', 'The chat was removed from the page.'));
    this.frame?.remove();
    this.frame = null;
  }

  attributeChangedCallback(): void {
    if (this.isConnected) this.render();
  }

  /** Asks a question; `onDelta` receives the reply as it is written. Resolves with the finished reply. */
  async ask(text: string, onDelta?: (text: string) => void): Promise<{ text: string; stopped: boolean }> {
    const answer = await this.request({ type: 'ask', text }, onDelta);
    if (answer.type !== 'reply') throw new AirgapChatError('bad-answer', `Unexpected answer ${answer.type}.`);
    return { text: answer.text, stopped: answer.stopped };
  }

  /** Loads a model: the given id, else the `model` attribute. */
  async load(model?: string): Promise<{ model: string; backend: string }> {
    const answer = await this.request(model === undefined ? { type: 'load' } : { type: 'load', model });
    if (answer.type !== 'loaded') throw new AirgapChatError('bad-answer', `Unexpected answer ${answer.type}.`);
    return { model: answer.model, backend: answer.backend };
  }

  async setSystemPrompt(prompt: string): Promise<void> {
    await this.request({ type: 'set-system-prompt', prompt });
  }

  async status(): Promise<EmbedStatus> {
    const answer = await this.request({ type: 'status' });
    if (answer.type !== 'status') throw new AirgapChatError('bad-answer', `Unexpected answer ${answer.type}.`);
    return answer.status;
  }

  private newReadyPromise(): Promise<void> {
    return new Promise((resolve) => {
      this.markReady = resolve;
    });
  }

  private render(): void {
    const src = this.getAttribute('src');
    if (!src) return;
    const url = new URL(src, document.baseURI);
    url.searchParams.set('embed', '1');
    const model = this.getAttribute('model');
    if (model) url.searchParams.set('model', model);
    if (this.frame?.src === url.href) return;

    this.failAll(new AirgapChatError('reloaded', 'The chat was reloaded.'));
    this.ready = this.newReadyPromise();
    this.appOrigin = url.origin;
    this.frame?.remove();
    const frame = document.createElement('iframe');
    frame.title = this.getAttribute('title') ?? 'Airgap Chat';
    // Threads need cross-origin isolation, which a cross-origin frame only gets when this page has it and allows it.
    frame.allow = 'cross-origin-isolated; clipboard-write';
    frame.src = url.href;
    frame.style.cssText = 'border: 0; width: 100%; height: 100%; min-height: 24rem; display: block;';
    this.frame = frame;
    this.append(frame);
  }

  private request(body: RequestBody, onDelta?: (text: string) => void): Promise<Answer> {
    return this.ready.then(
      () =>
        new Promise<Answer>((resolve, reject) => {
          const target = this.frame?.contentWindow;
          if (!target) {
            reject(new AirgapChatError('disconnected', 'The chat is not on the page.'));
            return;
          }
          const id = this.nextId++;
          this.pending.set(id, { resolve, reject, onDelta });
          // Always an explicit target origin: if the frame navigated elsewhere, the message is not delivered.
          target.postMessage({ channel: CHANNEL, id, ...body }, this.appOrigin);
        }),
    );
  }

  private readonly onMessage = (event: MessageEvent): void => {
    if (event.origin !== this.appOrigin || event.source !== this.frame?.contentWindow) return;
    const message = event.data as AppMessage | null;
    if (message?.channel !== CHANNEL) return;
    if (message.type === 'ready') {
      this.markReady();
      this.dispatchEvent(new CustomEvent('ready', { detail: { version: message.version } }));
      return;
    }
    const call = typeof message.id === 'number' ? this.pending.get(message.id) : undefined;
    if (!call) return;
    if (message.type === 'delta') {
      call.onDelta?.(message.text);
      return;
    }
    this.pending.delete(message.id as number);
    if (message.type === 'error') call.reject(new AirgapChatError(message.code, message.message));
    else call.resolve(message);
  };

  private failAll(error: Error): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(error);
  }
}

if (!customElements.get('airgap-chat')) customElements.define('airgap-chat', AirgapChatElement);

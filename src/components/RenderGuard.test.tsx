// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RenderGuard } from './RenderGuard';

/** Renders `text`, or throws while rendering when it holds "boom" (as a renderer might on an input it cannot take). */
function Fragile({ text }: { text: string }) {
  if (text.includes('boom')) throw new TypeError(`cannot draw “${text}”`);
  return <p>{text}</p>;
}

function Guarded({ text }: { text: string }) {
  return (
    <div>
      <h2>Around</h2>
      <RenderGuard retryKey={text} fallback={(error) => <p role="alert">Shown plain: {text} ({error.message})</p>}>
        <Fragile text={text} />
      </RenderGuard>
    </div>
  );
}

describe('RenderGuard', () => {
  let container: HTMLElement;
  let root: Root;
  beforeEach(() => {
    (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
    // React reports a caught render error on the console; the test expects it.
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    container = document.createElement('div');
    root = createRoot(container);
  });
  afterEach(() => {
    act(() => root.unmount());
    vi.restoreAllMocks();
  });

  it('shows its children while they render', () => {
    act(() => root.render(<Guarded text="hello" />));
    expect(container.textContent).toBe('Aroundhello');
  });

  it('shows the fallback, with the error, in place of children that throw, and keeps the rest of the page', () => {
    act(() => root.render(<Guarded text="a boom" />));
    expect(container.querySelector('h2')?.textContent).toBe('Around');
    expect(container.querySelector('[role="alert"]')?.textContent).toBe('Shown plain: a boom (cannot draw “a boom”)');
  });

  it('tries the children again when its retry key changes, and keeps the fallback while it does not', () => {
    act(() => root.render(<Guarded text="a boom" />));
    act(() => root.render(<Guarded text="a boom" />));
    expect(container.querySelector('[role="alert"]')).not.toBeNull();
    act(() => root.render(<Guarded text="a boom, then more" />));
    expect(container.querySelector('[role="alert"]')?.textContent).toContain('a boom, then more');
    act(() => root.render(<Guarded text="fixed" />));
    expect(container.textContent).toBe('Aroundfixed');
  });

  it('turns anything thrown into an Error', () => {
    function ThrowsString(): never {
      throw 'plain words';
    }
    act(() =>
      root.render(
        <RenderGuard fallback={(error) => <p>{`${error.name}: ${error.message}`}</p>}>
          <ThrowsString />
        </RenderGuard>,
      ),
    );
    expect(container.textContent).toBe('Error: plain words');
  });
});

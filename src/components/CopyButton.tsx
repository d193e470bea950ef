import { useEffect, useState } from 'react';

/** Copies text to the clipboard and says so for a moment ("Copied"); a refused clipboard says that instead. */
export function CopyButton({ label, text }: { label: string; text: () => string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  // The clipboard API is missing where the page is not a secure context; that counts as a refusal too.
  const copy = () =>
    Promise.resolve()
      .then(() => navigator.clipboard.writeText(text()))
      .then(
        () => setState('copied'),
        () => setState('failed'),
      );
  return (
    <button type="button" className="copy-button" aria-label={label} onClick={() => void copy()}>
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

import { useEffect, useLayoutEffect, useRef, useState } from 'react';

/** A render may take at most this share of the time while text streams in (1/3: the page stays responsive). */
const PACE_FACTOR = 3;

/**
 * Follows streaming text, but re-renders no sooner than PACE_FACTOR times the last render's cost after it: a short
 * reply updates every frame, a long code block (re-highlighted whole each time) updates less often instead of turning
 * every frame into a long task. The newest text always arrives; once streaming ends the text is shown as it is.
 */
export function usePacedText(text: string, live: boolean): string {
  const [shown, setShown] = useState(text);
  const latest = useRef(text);
  latest.current = text;
  const renderStarted = performance.now();
  const cost = useRef(0);
  const committedAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useLayoutEffect(() => {
    committedAt.current = performance.now();
    cost.current = committedAt.current - renderStarted;
    // Only when `shown` changed: this measures the render that showed it.
  }, [shown]);

  useEffect(() => {
    if (!live || text === shown || timer.current !== null) return;
    const wait = Math.max(0, PACE_FACTOR * cost.current - (performance.now() - committedAt.current));
    timer.current = setTimeout(() => {
      timer.current = null;
      setShown(latest.current);
    }, wait);
  }, [text, shown, live]);

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );

  return live ? shown : text;
}

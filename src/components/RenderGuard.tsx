import { Component, type ReactNode } from 'react';

interface RenderGuardProps {
  /** Shown instead of `children` once rendering them threw. */
  fallback: (error: Error) => ReactNode;
  /** When this changes (a streamed reply's text, say), the guard renders `children` again. */
  retryKey?: unknown;
  children: ReactNode;
}

interface RenderGuardState {
  error: Error | null;
  retryKey: unknown;
}

/**
 * A React error boundary: a part of the page that throws while rendering shows `fallback` instead of taking the whole
 * page down with it (React unmounts everything above an uncaught render error).
 */
export class RenderGuard extends Component<RenderGuardProps, RenderGuardState> {
  override state: RenderGuardState = { error: null, retryKey: this.props.retryKey };

  static getDerivedStateFromError(error: unknown): Partial<RenderGuardState> {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  static getDerivedStateFromProps(props: RenderGuardProps, state: RenderGuardState): Partial<RenderGuardState> | null {
    return Object.is(props.retryKey, state.retryKey) ? null : { retryKey: props.retryKey, error: null };
  }

  override render(): ReactNode {
    return this.state.error ? this.props.fallback(this.state.error) : this.props.children;
  }
}

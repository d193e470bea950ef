import { EngineError, type ErrorCode } from '../shared/protocol';

/** Failures that say "this hub cannot help" (rather than "this model cannot run"), so the next hub may. */
const HUB_FAILURES: ReadonlySet<ErrorCode> = new Set(['network', 'repo-not-found', 'revision-not-found', 'hub-not-json', 'hub-error']);

/**
 * Tries the configured hubs in order (e.g. the organisation's mirror, then the public Hub) until one can serve the
 * model. Any other failure, and the last hub's failure, is the caller's to report.
 */
export async function withHubFallback<T>(hubUrls: readonly string[], attempt: (hubUrl: string) => Promise<T>): Promise<T> {
  for (const [index, hubUrl] of hubUrls.entries()) {
    try {
      return await attempt(hubUrl);
    } catch (error) {
      const isLast = index === hubUrls.length - 1;
      if (isLast || !(error instanceof EngineError) || !HUB_FAILURES.has(error.code)) throw error;
    }
  }
  throw new EngineError('internal', 'No model hub is configured.');
}

import { startAppServer } from '../scripts/serve.mjs';
import { describeCspReport, type Watchers } from './fixtures';

export type AppServer = Awaited<ReturnType<typeof startAppServer>>;

/**
 * An app server of the test's own, for tests that stop it, swap what it serves or need a config of their own; its
 * origin is added to the request watcher's allowed list, and the CSP violations it hears of go to the CSP watcher.
 */
export async function startOwnAppServer(
  { requestWatch, cspReports }: Watchers,
  options: Parameters<typeof startAppServer>[0],
): Promise<AppServer> {
  const app = await startAppServer({ dist: 'dist', port: 0, onCspViolation: (report) => cspReports.push(describeCspReport(report)), ...options });
  requestWatch.allowOrigin(new URL(app.url).origin);
  return app;
}

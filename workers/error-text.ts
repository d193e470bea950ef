/** What went wrong, in words, from anything a failed step threw. */
export function messageOf(error: unknown): string {
  // DOMExceptions from IndexedDB may carry only a name (QuotaExceededError, UnknownError).
  if (error instanceof Error || error instanceof DOMException) return error.message || error.name;
  return String(error);
}

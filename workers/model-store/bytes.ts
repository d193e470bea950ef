const units = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** Sizes in worker messages, in the decimal units the Hub uses: "480 MB", "1.2 GB". */
export function describeBytes(bytes: number): string {
  if (bytes >= 1e9) return `${units.format(bytes / 1e9)} GB`;
  if (bytes >= 1e6) return `${units.format(bytes / 1e6)} MB`;
  return `${units.format(bytes / 1e3)} kB`;
}

/**
 * A short name for a file's text, the same on the page and in the worker: the worker files the vectors of a text's
 * passages under it, and the page names the texts its chats still hold so the others' vectors can go. Not a security
 * measure: two texts that collide only keep each other's vectors a while longer. cyrb53, run twice with two seeds
 * (about 106 bits): synchronous, fast enough for megabytes of text, and no WASM on the page (hash-wasm) or secure
 * context (WebCrypto) needed.
 */
export function fingerprint(text: string): string {
  return `${cyrb53(text, 0).toString(36)}-${cyrb53(text, 0x9e3779b9).toString(36)}`;
}

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

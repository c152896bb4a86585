/**
 * A digest of every number in a JSON-like value, by the bits of its Float64
 * encoding, so that two runtimes can be compared bit for bit. Runs in Node
 * and in the browser alike (no Node modules). meta.seconds, the one
 * wall-clock figure of a result, is left out.
 */

/** One entry per number or null, in key order: "path=16 hex digits of the Float64 bits". */
export function numberEntries(value: unknown, skip: string[] = ['meta.seconds']): string[] {
  const entries: string[] = [];
  const bits = new DataView(new ArrayBuffer(8));
  const walk = (node: unknown, path: string): void => {
    if (skip.includes(path)) return;
    if (typeof node === 'number') {
      bits.setFloat64(0, node);
      const high = bits.getUint32(0).toString(16).padStart(8, '0');
      const low = bits.getUint32(4).toString(16).padStart(8, '0');
      entries.push(`${path}=${high}${low}`);
    } else if (node === null) {
      entries.push(`${path}=null`);
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (typeof node === 'object') {
      for (const key of Object.keys(node as object).sort()) {
        walk((node as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      }
    }
  };
  walk(value, '');
  return entries;
}

/** FNV-1a (64 bits) of the entries, as 16 hex digits, with their count. */
export function numberDigest(value: unknown): { digest: string; count: number } {
  const entries = numberEntries(value);
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  let hash = 0xcbf29ce484222325n;
  for (const entry of entries) {
    for (let i = 0; i < entry.length; i++) {
      hash = ((hash ^ BigInt(entry.charCodeAt(i))) * prime) & mask;
    }
    hash = ((hash ^ 10n) * prime) & mask;
  }
  return { digest: hash.toString(16).padStart(16, '0'), count: entries.length };
}

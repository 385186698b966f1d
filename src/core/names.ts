/** Names for n things: a…z, then a1…z1, a2…; short and readable in a tree. */
export function letterNames(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => String.fromCharCode(97 + (i % 26)) + (i >= 26 ? Math.floor(i / 26) : ''),
  );
}

/** Numbered names with a prefix: x1…xn. */
export function numberedNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
}

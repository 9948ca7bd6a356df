/** Sizes in decimal units, as Docker and BuildKit print them: pure, shared by components and tools. */

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };

/** Parses a size in decimal units as Docker and BuildKit print it (`183.34kB`, `2B`, `1.2 GB`); undefined if it is none. */
export function parseDockerSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)\s*$/i.exec(text);
  return m ? Number(m[1]) * UNITS[m[2].toUpperCase()] : undefined;
}

/** Formats bytes in decimal units, as `docker images` does. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '?';
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e3).toFixed(0)} kB`;
}

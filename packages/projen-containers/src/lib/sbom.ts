/**
 * Reading the CycloneDX SBOMs Trivy writes for our images: which image a file describes and
 * which npm packages it lists; and the versions a service's package-lock.json pins. Pure.
 */

/** The parts of a CycloneDX document read here. */
export interface CycloneDx {
  readonly bomFormat?: string;
  readonly metadata?: {
    readonly component?: { readonly name?: string; readonly properties?: readonly { readonly name: string; readonly value: string }[] };
  };
  readonly components?: readonly { readonly name?: string; readonly group?: string; readonly version?: string; readonly purl?: string }[];
}

/** The image ID Trivy recorded (`aquasecurity:trivy:ImageID`), or undefined. */
export function sbomImageId(bom: CycloneDx): string | undefined {
  return bom.metadata?.component?.properties?.find((p) => p.name === 'aquasecurity:trivy:ImageID')?.value;
}

/** The npm packages an SBOM lists: name (with scope) → versions. */
export function npmPackages(bom: CycloneDx): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const c of bom.components ?? []) {
    const m = /^pkg:npm\/(.+)@([^@?#]+)(?:[?#].*)?$/.exec(c.purl ?? '');
    if (!m) continue;
    const name = decodeURIComponent(m[1]);
    const set = out.get(name) ?? new Set<string>();
    set.add(decodeURIComponent(m[2]));
    out.set(name, set);
  }
  return out;
}

/** A package-lock.json (v2/v3) as far as read here. */
export interface PackageLock { readonly packages?: Readonly<Record<string, { readonly version?: string }>> }

/** The versions a lockfile installs at the top of node_modules for `names`; a name it does not hold is left out. */
export function lockedVersions(lock: PackageLock, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const version = lock.packages?.[`node_modules/${name}`]?.version;
    if (version) out[name] = version;
  }
  return out;
}

/** `name@version` of each expected package the SBOM does not list at that version. */
export function missingFromSbom(bom: CycloneDx, expected: Readonly<Record<string, string>>): string[] {
  const listed = npmPackages(bom);
  return Object.entries(expected).filter(([name, version]) => !listed.get(name)?.has(version)).map(([n, v]) => `${n}@${v}`);
}

import type { ImageKindDefinition } from './kind';
import { check, ConfigError } from '../../validate';

/**
 * The kinds a `DockerImages` can build, by name: the built-in ones, and any registered with
 * `DockerImages.registerKind()`. A kind's name is unique (the manifest and the docs show it).
 */
export class ImageKindRegistry {
  private readonly kinds = new Map<string, ImageKindDefinition<any, any>>();

  constructor(kinds: Iterable<ImageKindDefinition<any, any>> = []) {
    for (const kind of kinds) this.register(kind);
  }

  /** Adds a kind; registering the same kind twice does nothing, another kind of the same name is an error. */
  public register(kind: ImageKindDefinition<any, any>): this {
    const existing = this.kinds.get(kind.name);
    if (existing && existing !== kind) {
      throw new ConfigError(`DockerImages.registerKind: a kind named ${kind.name} is registered already (from ${existing.source}); give the kind of ${kind.source} another name.`);
    }
    this.kinds.set(kind.name, kind);
    return this;
  }

  /** The registered kind given by definition or by name; an unknown one is an error naming the service. */
  public resolve<O extends object, R>(kind: ImageKindDefinition<O, R> | string, service: string): ImageKindDefinition<O, R> {
    const found = typeof kind === 'string' ? this.kinds.get(kind) : [...this.kinds.values()].find((k) => k === kind);
    const name = typeof kind === 'string' ? kind : (kind as { name?: unknown } | undefined)?.name;
    check(found !== undefined, 'DockerImages', 'kind', name, `a registered kind (${this.names.join(', ')}); register another with images.registerKind()`, service);
    return found as ImageKindDefinition<O, R>;
  }

  /** The names of the registered kinds, in registration order. */
  public get names(): string[] {
    return [...this.kinds.keys()];
  }

  public get all(): readonly ImageKindDefinition<any, any>[] {
    return [...this.kinds.values()];
  }
}

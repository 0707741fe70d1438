/**
 * The adapter for a target the environment names (a queue URL, an ARN, a function name), chosen
 * by the target's URL scheme. Production adapters handle every target no one registered a scheme
 * for; an edge that runs the same handlers elsewhere (the local stack, for `local://`) registers
 * its own factory before the handlers are imported, since their module scope resolves the targets.
 */
export class AdaptersByScheme<T> {
  readonly #factories = new Map<string, (target: string) => T>();

  constructor(private readonly production: (target: string) => T) {}

  /** Targets `<scheme>://…` get their adapter from `factory` from now on; returns the undo. */
  register(scheme: string, factory: (target: string) => T): () => void {
    this.#factories.set(scheme, factory);
    return () => {
      if (this.#factories.get(scheme) === factory) this.#factories.delete(scheme);
    };
  }

  resolve(target: string): T {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(target)?.[1];
    const factory = scheme === undefined ? undefined : this.#factories.get(scheme);
    return (factory ?? this.production)(target);
  }
}

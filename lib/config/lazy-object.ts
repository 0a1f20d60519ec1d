/**
 * An object that is created on first use instead of at import. `next build` imports every route
 * module to collect page data, without the runtime environment; module-level singletons that read
 * it (the parsed env, the Pusher SDK client) must therefore wait for the first request.
 * Every operation is forwarded to the real object, so call sites and `vi.spyOn` work unchanged.
 */
export function lazyObject<T extends object>(create: () => T): T {
  let instance: T | undefined;
  const real = (): T => (instance ??= create());
  return new Proxy({} as T, {
    get: (_, property) => Reflect.get(real(), property),
    set: (_, property, value) => Reflect.set(real(), property, value),
    has: (_, property) => Reflect.has(real(), property),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), property);
      // A proxy may not report a non-configurable property its (empty) target lacks.
      return descriptor ? { ...descriptor, configurable: true } : undefined;
    },
    defineProperty: (_, property, descriptor) => Reflect.defineProperty(real(), property, descriptor),
    deleteProperty: (_, property) => Reflect.deleteProperty(real(), property),
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

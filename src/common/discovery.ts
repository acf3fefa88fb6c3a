import type { Type } from '@nestjs/common';
import type { DiscoveryService, Reflector } from '@nestjs/core';

export interface MarkedProvider<V> {
  /** The provider's class name (for start-up errors). */
  name: string;
  instance: unknown;
  /** The metadata value set on the class. */
  value: V;
}

/**
 * The providers whose class carries `key` (SetMetadata on the class: @RecordPaperKind,
 * @TaskSourceProvider), with their instance: how registries find what feature modules contribute
 * without importing them. Only instantiated, statically scoped providers.
 */
export function providersMarked<V>(discovery: DiscoveryService, reflector: Reflector, key: string): MarkedProvider<V>[] {
  const out: MarkedProvider<V>[] = [];
  for (const wrapper of discovery.getProviders()) {
    const { metatype, instance } = wrapper;
    if (!metatype || !instance || typeof metatype !== 'function' || !wrapper.isDependencyTreeStatic()) continue;
    const value = reflector.get<V | undefined>(key, metatype as Type);
    if (value === undefined) continue;
    out.push({ name: (metatype as Type).name, instance, value });
  }
  return out;
}

/** The load and rollout measurements, for the tests: they live in projenrc/lib/load.ts, which the benchmark uses too. */
export * from '../projenrc/lib/load';

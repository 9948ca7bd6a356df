export * from './policy';
export * from './docker-reference';
export * from './context';

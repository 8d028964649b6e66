export * from './holdings';
export * from './expectedRoute';

export * from './projectName';
export * from './resources';
export * from './ValidationIssue';
export * from './alertRules';

export * from './types';
export * from './DockerClient';
export * from './dockerValues';
export * from './connectionFromConfig';

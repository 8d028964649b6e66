export * from './UpstreamApiError';

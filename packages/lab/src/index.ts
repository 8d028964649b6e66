/**
 * The lab: loopback simulators of Proxmox VE, NetBox and Portainer, with each simulated
 * container's Portainer agent and Docker engine.
 *
 * @packageDocumentation
 */
export * from './core';
export * from './guest';
export * from './proxmox';
export * from './netbox';
export * from './portainer';
export * from './contracts';
export * from './edge';
export * from './lab';
export * from './gitlab';
export * from './tls';

/**
 * The lab: loopback simulators of Proxmox VE, NetBox and Portainer, with each simulated
 * container's Portainer agent and Docker engine.
 *
 * @packageDocumentation
 */
export * from './core';

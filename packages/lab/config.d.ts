export interface Config {
  dockerEnv?: {
    /** The lab: simulated Proxmox VE, NetBox and Portainer started inside the portal's backend. */
    lab?: {
      /** Start the lab with the backend (embedded default only). */
      enabled?: boolean;
      /** Multiplier for every simulated latency; 0 makes the lab instant, 1 (default) is realistic. */
      latencyScale?: number;
      /** A JSON file (relative to the backend's folder) that keeps the lab's state across restarts. */
      stateFile?: string;
      /** Second octet of the guests' loopback addresses (127.<block>.x.y); default 10. */
      guestIpBlock?: number;
      /** Fixed ports on 127.0.0.1, so the clients' config can point at them. */
      ports?: {
        proxmox?: number;
        netbox?: number;
        portainer?: number;
        /** The edge router's plain-HTTP entry point `web`; it serves `dockerEnv.traefik.directory`. */
        edge?: number;
      };
    };
  };
}

import { ProxmoxContract } from '../contracts';
import { PROXMOX_SIM_ROUTES } from './dispatch';

// The simulator refuses every parameter its route does not declare (PVE's 400 "property is not
// defined in schema"), so its declarations must be the contract's: then a client sending anything
// PVE 9.1 would refuse is refused by the lab as well.
describe('Proxmox simulator routes against the PVE 9.1 contract', () => {
  const contract = ProxmoxContract.load();

  it.each(PROXMOX_SIM_ROUTES.map(r => [`${r.method} ${r.template}`, r]))(
    '%s',
    (_name, route) => {
      const op = contract.operation(route.method, route.template);
      const names = (op.parameters ?? []).map(p => p.name);
      // `net[n]` in the contract is the simulator's indexed `net` (net0, net1, ...)
      const known = (name: string) =>
        names.includes(name) || names.includes(`${name}[n]`);
      const declared = [
        ...Object.keys(route.params),
        ...Object.keys(route.indexed ?? {}),
      ];
      expect(declared.filter(n => !known(n))).toEqual([]);
      const required = (op.parameters ?? [])
        .filter(p => !p.optional && !p.name.includes('[n]'))
        .map(p => p.name);
      const optionalInSim = required.filter(n => route.params[n]?.optional);
      expect(optionalInSim).toEqual([]);
    },
  );
});

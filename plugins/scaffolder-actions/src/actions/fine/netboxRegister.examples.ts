import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples shown in the scaffolder's action list; a test runs each through the handler. */
export const examples: TemplateExample[] = [
  {
    description: 'Record the CT that docker-env:lxc:create made',
    example: yaml.stringify({
      steps: [
        {
          id: 'netbox',
          action: 'docker-env:netbox:register',
          name: 'Record in NetBox',
          input: {
            name: 'ci-runner-1',
            owner: 'group:default/team-a',
            vmid: 150,
            node: 'pve1',
            ip: '10.10.0.50',
            prefixLength: 24,
            cpuCores: 2,
            memoryMb: 2048,
            diskGb: 12,
          },
        },
      ],
    }),
  },
];

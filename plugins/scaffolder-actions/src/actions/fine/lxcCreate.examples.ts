import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples shown in the scaffolder's action list; a test runs each through the handler. */
export const examples: TemplateExample[] = [
  {
    description: 'A small LXC for a team, outside the managed environments',
    example: yaml.stringify({
      steps: [
        {
          id: 'lxc',
          action: 'docker-env:lxc:create',
          name: 'Create the LXC',
          input: {
            name: 'ci-runner-1',
            owner: 'group:default/team-a',
            cpuCores: 2,
            memoryMb: 2048,
            diskGb: 12,
            purpose: 'CI runner',
          },
        },
      ],
    }),
  },
];

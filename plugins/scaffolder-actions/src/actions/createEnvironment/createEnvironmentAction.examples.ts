import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

/** Examples shown in the scaffolder's action list; a test runs each through the handler. */
export const examples: TemplateExample[] = [
  {
    description: 'A small environment owned by a team',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'docker-env:environment:create',
          name: 'Create the Docker environment',
          input: {
            name: 'shop-dev',
            owner: 'group:default/team-a',
            size: 'S',
            purpose: 'Shop front end, development',
          },
        },
      ],
    }),
  },
  {
    description: 'A custom size that expires',
    example: yaml.stringify({
      steps: [
        {
          id: 'create',
          action: 'docker-env:environment:create',
          name: 'Create the Docker environment',
          input: {
            name: 'load-test',
            owner: 'user:default/alice',
            size: 'custom',
            cpuCores: 4,
            memoryMb: 8192,
            diskGb: 40,
            purpose: 'Load test',
            expiresOn: '2099-01-31',
          },
        },
      ],
    }),
  },
];
